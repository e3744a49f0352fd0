//! `serial-echo`: a user-level UART driver, for the UART of QEMU's virt machines: the PL011 on
//! Arm (aarch64 and aarch32), the NS16550A on RISC-V.
//!
//! The root server asks the object allocator for the frame of device memory that holds the
//! UART's registers and maps it uncached; gets the handler of the UART's interrupt from the
//! IRQ control capability and binds a notification to it; enables the receive interrupt. Then
//! it waits on the notification, reads every character the UART has, echoes it, and after a
//! line prints the line back, acknowledging the interrupt each time.
//!
//! It writes through the UART itself, not the kernel's debug console, so it prints on a
//! release kernel (built without printing) too. On a debug kernel the kernel may write to the
//! same UART; it takes no interrupts from it, so input is this driver's.

#![no_std]

use sel4::BootInfo;

sel4_runtime::main!(main);

/// QEMU virt's PL011 (Arm): 32-bit registers.
#[cfg(sel4_cfg_PLAT_QEMU_ARM_VIRT)]
mod uart {
    use core::ptr::{read_volatile, write_volatile};

    /// Where the machine puts the UART, and its interrupt (SPI 1).
    pub const PADDR: sel4::sys::seL4_Word = 0x0900_0000;
    pub const IRQ: sel4::sys::seL4_Word = 33;

    const DR: usize = 0x00;
    const FR: usize = 0x18;
    const IMSC: usize = 0x38;
    const ICR: usize = 0x44;
    const FR_RXFE: u32 = 1 << 4;
    const FR_TXFF: u32 = 1 << 5;
    /// Receive, and receive timeout (characters waiting below the FIFO's trigger level).
    const INT_RX: u32 = (1 << 4) | (1 << 6);

    /// The UART, through its mapped registers.
    pub struct Uart {
        regs: *mut u8,
    }

    impl Uart {
        /// The UART whose registers are mapped at `regs`, its receive interrupt enabled.
        pub fn new(regs: *mut u8) -> Self {
            let uart = Self { regs };
            uart.write(ICR, 0x7ff);
            uart.write(IMSC, INT_RX);
            uart
        }

        fn read(&self, reg: usize) -> u32 {
            // SAFETY: `regs` maps the UART's page, and `reg` is one of its registers.
            unsafe { read_volatile(self.regs.add(reg).cast::<u32>()) }
        }

        fn write(&self, reg: usize, value: u32) {
            // SAFETY: as in `read`.
            unsafe { write_volatile(self.regs.add(reg).cast::<u32>(), value) }
        }

        pub fn put(&self, byte: u8) {
            while self.read(FR) & FR_TXFF != 0 {}
            self.write(DR, u32::from(byte));
        }

        pub fn get(&self) -> Option<u8> {
            (self.read(FR) & FR_RXFE == 0).then(|| self.read(DR) as u8)
        }

        /// Clears the receive interrupt, once every waiting character has been read.
        pub fn clear(&self) {
            self.write(ICR, INT_RX);
        }
    }
}

/// QEMU virt's NS16550A (RISC-V): byte registers.
#[cfg(sel4_cfg_PLAT_QEMU_RISCV_VIRT)]
mod uart {
    use core::ptr::{read_volatile, write_volatile};

    /// Where the machine puts the UART, and its interrupt at the PLIC.
    pub const PADDR: sel4::sys::seL4_Word = 0x1000_0000;
    pub const IRQ: sel4::sys::seL4_Word = 10;

    const RBR_THR: usize = 0;
    const IER: usize = 1;
    const LSR: usize = 5;
    const IER_RX: u8 = 1 << 0;
    const LSR_DR: u8 = 1 << 0;
    const LSR_THRE: u8 = 1 << 5;

    /// The UART, through its mapped registers.
    pub struct Uart {
        regs: *mut u8,
    }

    impl Uart {
        /// The UART whose registers are mapped at `regs`, its receive interrupt enabled.
        pub fn new(regs: *mut u8) -> Self {
            let uart = Self { regs };
            uart.write(IER, IER_RX);
            uart
        }

        fn read(&self, reg: usize) -> u8 {
            // SAFETY: `regs` maps the UART's page, and `reg` is one of its registers.
            unsafe { read_volatile(self.regs.add(reg)) }
        }

        fn write(&self, reg: usize, value: u8) {
            // SAFETY: as in `read`.
            unsafe { write_volatile(self.regs.add(reg), value) }
        }

        pub fn put(&self, byte: u8) {
            while self.read(LSR) & LSR_THRE == 0 {}
            self.write(RBR_THR, byte);
        }

        pub fn get(&self) -> Option<u8> {
            (self.read(LSR) & LSR_DR != 0).then(|| self.read(RBR_THR))
        }

        /// Nothing to clear: reading the last character ends the receive interrupt.
        pub fn clear(&self) {}
    }
}

#[cfg(any(sel4_cfg_PLAT_QEMU_ARM_VIRT, sel4_cfg_PLAT_QEMU_RISCV_VIRT))]
impl core::fmt::Write for uart::Uart {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for byte in s.bytes() {
            if byte == b'\n' {
                self.put(b'\r');
            }
            self.put(byte);
        }
        Ok(())
    }
}

#[cfg(any(sel4_cfg_PLAT_QEMU_ARM_VIRT, sel4_cfg_PLAT_QEMU_RISCV_VIRT))]
fn main(bootinfo: &'static BootInfo) {
    use core::fmt::Write;

    use sel4::{cap_type, init_thread, Cap};
    use sel4_runtime::objects::ObjectAllocator;
    use sel4_runtime::vspace::AddressSpace;

    let mut objects = ObjectAllocator::new(bootinfo);
    let mut vspace = AddressSpace::new();
    let frame = objects.device_frame(uart::PADDR).expect("the UART's frame");
    let vaddr = vspace.reserve(1).expect("an address for the UART");
    let regs = vspace
        .map_device_frame(&mut objects, frame, vaddr)
        .expect("map the UART");

    let notification = objects
        .allocate_fixed::<cap_type::Notification>()
        .expect("notification");
    let slot = objects.alloc_slot().expect("slot");
    let depth = sel4::sys::seL4_WordBits as u8;
    init_thread::IRQ_CONTROL
        .get(uart::IRQ, init_thread::CNODE, slot, depth)
        .expect("the UART's IRQ handler");
    let irq = Cap::<cap_type::IrqHandler>::from_bits(slot);
    irq.set_notification(notification)
        .expect("bind the notification");

    let mut uart = uart::Uart::new(regs);
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
        uart.clear();
        irq.ack().expect("ack");
    }
}

/// Other platforms: CMake refuses them (apps/serial-echo/CMakeLists.txt); this keeps the crate
/// building everywhere, as every example does.
#[cfg(not(any(sel4_cfg_PLAT_QEMU_ARM_VIRT, sel4_cfg_PLAT_QEMU_RISCV_VIRT)))]
fn main(_: &'static BootInfo) {
    panic!("serial-echo has no UART driver for this platform");
}
