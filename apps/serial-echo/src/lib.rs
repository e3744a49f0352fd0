//! `serial-echo`: a user-level driver for the PL011 UART of QEMU's virt machine.
//!
//! The root server asks the object allocator for the frame of device memory that holds the
//! UART's registers and maps it uncached; gets the handler of the UART's interrupt from the
//! IRQ control capability and binds a notification to it; enables the receive interrupt. Then
//! it waits on the notification, reads every character the UART has, echoes it, and after a
//! line prints the line back, acknowledging the interrupt each time.
//!
//! It writes through the UART itself, not the kernel's debug console, so it prints on a
//! release kernel (built without printing) too. On a debug kernel the kernel writes to the
//! same UART; the kernel takes no interrupts from it, so input is this driver's.

#![no_std]

use core::fmt::{self, Write};
use core::ptr::{read_volatile, write_volatile};

use sel4::{cap_type, init_thread, BootInfo, Cap};
use sel4_runtime::objects::ObjectAllocator;
use sel4_runtime::vspace::AddressSpace;

sel4_runtime::main!(main);

/// Where QEMU's virt machine puts its PL011 UART, and its interrupt (SPI 1).
const UART_PADDR: sel4::sys::seL4_Word = 0x0900_0000;
const UART_IRQ: sel4::sys::seL4_Word = 33;

/// The PL011's registers (32-bit, byte offsets) and the bits this driver uses.
mod pl011 {
    pub const DR: usize = 0x00;
    pub const FR: usize = 0x18;
    pub const IMSC: usize = 0x38;
    pub const ICR: usize = 0x44;
    pub const FR_RXFE: u32 = 1 << 4;
    pub const FR_TXFF: u32 = 1 << 5;
    /// Receive, and receive timeout (characters waiting below the FIFO's trigger level).
    pub const INT_RX: u32 = (1 << 4) | (1 << 6);
}

/// The UART, through its mapped registers.
struct Uart {
    regs: *mut u8,
}

impl Uart {
    fn read(&self, reg: usize) -> u32 {
        // SAFETY: `regs` maps the UART's page, and `reg` is one of its registers.
        unsafe { read_volatile(self.regs.add(reg).cast::<u32>()) }
    }

    fn write(&self, reg: usize, value: u32) {
        // SAFETY: as in `read`.
        unsafe { write_volatile(self.regs.add(reg).cast::<u32>(), value) }
    }

    fn put(&self, byte: u8) {
        while self.read(pl011::FR) & pl011::FR_TXFF != 0 {}
        self.write(pl011::DR, u32::from(byte));
    }

    fn get(&self) -> Option<u8> {
        (self.read(pl011::FR) & pl011::FR_RXFE == 0).then(|| self.read(pl011::DR) as u8)
    }
}

impl Write for Uart {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for byte in s.bytes() {
            if byte == b'\n' {
                self.put(b'\r');
            }
            self.put(byte);
        }
        Ok(())
    }
}

fn main(bootinfo: &'static BootInfo) {
    let mut objects = ObjectAllocator::new(bootinfo);
    let mut vspace = AddressSpace::new();
    let frame = objects.device_frame(UART_PADDR).expect("the UART's frame");
    let vaddr = vspace.reserve(1).expect("an address for the UART");
    let regs = vspace
        .map_device_frame(&mut objects, frame, vaddr)
        .expect("map the UART");
    let mut uart = Uart { regs };

    let notification = objects
        .allocate_fixed::<cap_type::Notification>()
        .expect("notification");
    let slot = objects.alloc_slot().expect("slot");
    let depth = sel4::sys::seL4_WordBits as u8;
    init_thread::IRQ_CONTROL
        .get(UART_IRQ, init_thread::CNODE, slot, depth)
        .expect("the UART's IRQ handler");
    let irq = Cap::<cap_type::IrqHandler>::from_bits(slot);
    irq.set_notification(notification)
        .expect("bind the notification");

    uart.write(pl011::ICR, 0x7ff);
    uart.write(pl011::IMSC, pl011::INT_RX);
    irq.ack().expect("ack");
    let _ = writeln!(uart, "serial-echo: ready, type a line");

    let mut line = [0u8; 80];
    let mut len = 0;
    loop {
        notification.wait();
        while let Some(byte) = uart.get() {
            if byte == b'\r' || byte == b'\n' {
                let text = core::str::from_utf8(&line[..len]).unwrap_or("(not UTF-8)");
                let _ = writeln!(uart, "\nserial-echo: you typed {text:?}");
                len = 0;
            } else {
                uart.put(byte);
                if len < line.len() {
                    line[len] = byte;
                    len += 1;
                }
            }
        }
        uart.write(pl011::ICR, pl011::INT_RX);
        irq.ack().expect("ack");
    }
}
