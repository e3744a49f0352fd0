//! `serial-echo`: a user-level UART driver, for the UART of QEMU's machines: the PL011 of the
//! Arm virt machine (aarch64 and aarch32), the NS16550A of the RISC-V one, the PC's COM1.
//!
//! The root server gets at the UART's registers: on Arm and RISC-V it asks the object
//! allocator for the frame of device memory that holds them and maps it uncached; on x86 it
//! takes an I/O port capability for them. It gets the handler of the UART's interrupt from
//! the IRQ control capability, binds a notification to it, and enables the receive interrupt. Then
//! it waits on the notification, reads every character the UART has, echoes it, and after a
//! line prints the line back, acknowledging the interrupt each time.
//!
//! It logs (`sel4::info!`) through a logger over the UART itself, not the kernel's debug
//! console, so it prints on a release kernel (built without printing) too. On a debug kernel the kernel may write to the
//! same UART; it takes no interrupts from it, so input is this driver's.

#![no_std]

use sel4::BootInfo;

sel4_runtime::main!(main);

/// QEMU virt's PL011 (Arm): 32-bit registers.
#[cfg(sel4_cfg_PLAT_QEMU_ARM_VIRT)]
mod uart {
    pub(crate) use super::open_mapped as open;
    use super::Mmio;

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
    #[derive(Clone, Copy)]
    pub struct Uart {
        regs: Mmio,
    }

    impl Uart {
        /// The UART whose registers are mapped at `regs`, its receive interrupt enabled.
        pub fn new(regs: Mmio) -> Self {
            let uart = Self { regs };
            uart.write(ICR, 0x7ff);
            uart.write(IMSC, INT_RX);
            uart
        }

        fn read(&self, reg: usize) -> u32 {
            self.regs.read(reg)
        }

        fn write(&self, reg: usize, value: u32) {
            self.regs.write(reg, value);
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
    pub(crate) use super::open_mapped as open;
    use super::Mmio;

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
    #[derive(Clone, Copy)]
    pub struct Uart {
        regs: Mmio,
    }

    impl Uart {
        /// The UART whose registers are mapped at `regs`, its receive interrupt enabled.
        pub fn new(regs: Mmio) -> Self {
            let uart = Self { regs };
            uart.write(IER, IER_RX);
            uart
        }

        fn read(&self, reg: usize) -> u8 {
            self.regs.read(reg)
        }

        fn write(&self, reg: usize, value: u8) {
            self.regs.write(reg, value);
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

/// The PC's COM1, a 16550 (x86): byte registers in I/O port space, its interrupt at the
/// I/O APIC.
#[cfg(sel4_cfg_PLAT_PC99)]
mod uart {
    use sel4::sys::seL4_Word;
    use sel4::{cap_type, init_thread, Cap};
    use sel4_runtime::objects::ObjectAllocator;
    use sel4_runtime::vspace::AddressSpace;

    const COM1: u16 = 0x3f8;
    /// COM1's line at the I/O APIC, and the vector the kernel gives it.
    const IOAPIC_PIN: seL4_Word = 4;
    const VECTOR: seL4_Word = 4;

    const RBR_THR: u16 = 0;
    const IER: u16 = 1;
    const MCR: u16 = 4;
    const LSR: u16 = 5;
    const IER_RX: u8 = 1 << 0;
    /// DTR, RTS and OUT2, which on a PC connects the UART's interrupt line.
    const MCR_OUT2: u8 = 0x0b;
    const LSR_DR: u8 = 1 << 0;
    const LSR_THRE: u8 = 1 << 5;

    /// The UART, through its I/O port capability.
    #[derive(Clone, Copy)]
    pub struct Uart {
        ports: Cap<cap_type::IoPort>,
    }

    /// Takes COM1's I/O ports, puts the handler of its interrupt in `irq_slot` and enables the
    /// receive interrupt.
    pub fn open(objects: &mut ObjectAllocator, _: &mut AddressSpace, irq_slot: seL4_Word) -> Uart {
        let depth = sel4::sys::seL4_WordBits as u8;
        let slot = objects.alloc_slot().expect("slot");
        init_thread::IO_PORT_CONTROL
            .issue(
                COM1.into(),
                (COM1 + 7).into(),
                init_thread::CNODE,
                slot,
                depth,
            )
            .expect("COM1's I/O ports");
        init_thread::IRQ_CONTROL
            .get_ioapic(
                init_thread::CNODE,
                irq_slot,
                depth,
                0,
                IOAPIC_PIN,
                0,
                0,
                VECTOR,
            )
            .expect("COM1's IRQ handler");
        let uart = Uart {
            ports: Cap::from_bits(slot),
        };
        uart.write(MCR, MCR_OUT2);
        uart.write(IER, IER_RX);
        uart
    }

    impl Uart {
        fn read(&self, reg: u16) -> u8 {
            self.ports.in8(COM1 + reg).expect("in8")
        }

        fn write(&self, reg: u16, value: u8) {
            self.ports
                .out8((COM1 + reg).into(), value.into())
                .expect("out8");
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

/// Registers mapped from device memory: volatile reads and writes at byte offsets.
#[cfg(any(sel4_cfg_PLAT_QEMU_ARM_VIRT, sel4_cfg_PLAT_QEMU_RISCV_VIRT))]
#[derive(Clone, Copy)]
struct Mmio(*mut u8);

#[cfg(any(sel4_cfg_PLAT_QEMU_ARM_VIRT, sel4_cfg_PLAT_QEMU_RISCV_VIRT))]
impl Mmio {
    fn read<T: Copy>(self, offset: usize) -> T {
        // SAFETY: the pointer maps the device's page, and `offset` is one of its registers.
        unsafe { core::ptr::read_volatile(self.0.add(offset).cast::<T>()) }
    }

    fn write<T>(self, offset: usize, value: T) {
        // SAFETY: as in `read`.
        unsafe { core::ptr::write_volatile(self.0.add(offset).cast::<T>(), value) }
    }
}

/// For a UART of memory-mapped registers (Arm, RISC-V): maps them from device memory, puts
/// the handler of its interrupt in `irq_slot` and enables the receive interrupt.
#[cfg(any(sel4_cfg_PLAT_QEMU_ARM_VIRT, sel4_cfg_PLAT_QEMU_RISCV_VIRT))]
fn open_mapped(
    objects: &mut sel4_runtime::objects::ObjectAllocator,
    vspace: &mut sel4_runtime::vspace::AddressSpace,
    irq_slot: sel4::sys::seL4_Word,
) -> uart::Uart {
    let frame = objects.device_frame(uart::PADDR).expect("the UART's frame");
    let vaddr = vspace.reserve(1).expect("an address for the UART");
    let regs = vspace
        .map_device_frame(objects, frame, vaddr)
        .expect("map the UART");
    let depth = sel4::sys::seL4_WordBits as u8;
    sel4::init_thread::IRQ_CONTROL
        .get(uart::IRQ, sel4::init_thread::CNODE, irq_slot, depth)
        .expect("the UART's IRQ handler");
    uart::Uart::new(Mmio(regs))
}

#[cfg(any(
    sel4_cfg_PLAT_QEMU_ARM_VIRT,
    sel4_cfg_PLAT_QEMU_RISCV_VIRT,
    sel4_cfg_PLAT_PC99
))]
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

/// A [`sel4::log::Logger`] over the driver: the program's messages go out through the UART,
/// `LEVEL target: text` per line, on a release kernel too.
#[cfg(any(
    sel4_cfg_PLAT_QEMU_ARM_VIRT,
    sel4_cfg_PLAT_QEMU_RISCV_VIRT,
    sel4_cfg_PLAT_PC99
))]
struct SerialLogger(sel4::sync::Mutex<Option<uart::Uart>>);

// SAFETY: the UART's registers (or I/O ports) are the address space's, usable from any of its
// threads; the logger's mutex keeps lines whole.
#[cfg(any(
    sel4_cfg_PLAT_QEMU_ARM_VIRT,
    sel4_cfg_PLAT_QEMU_RISCV_VIRT,
    sel4_cfg_PLAT_PC99
))]
unsafe impl Send for uart::Uart {}

#[cfg(any(
    sel4_cfg_PLAT_QEMU_ARM_VIRT,
    sel4_cfg_PLAT_QEMU_RISCV_VIRT,
    sel4_cfg_PLAT_PC99
))]
impl sel4::log::Logger for SerialLogger {
    fn log(&self, record: &sel4::log::Record<'_>) {
        use core::fmt::Write;
        if let Some(uart) = self.0.lock().as_mut() {
            let _ = writeln!(
                uart,
                "{:<5} {}: {}",
                record.level, record.target, record.args
            );
        }
    }
}

#[cfg(any(
    sel4_cfg_PLAT_QEMU_ARM_VIRT,
    sel4_cfg_PLAT_QEMU_RISCV_VIRT,
    sel4_cfg_PLAT_PC99
))]
static SERIAL: SerialLogger = SerialLogger(sel4::sync::Mutex::without_notification(None));

#[cfg(any(
    sel4_cfg_PLAT_QEMU_ARM_VIRT,
    sel4_cfg_PLAT_QEMU_RISCV_VIRT,
    sel4_cfg_PLAT_PC99
))]
fn main(bootinfo: &'static BootInfo) {
    use sel4::{cap_type, info, Cap};
    use sel4_runtime::objects::ObjectAllocator;
    use sel4_runtime::vspace::AddressSpace;

    let mut objects = ObjectAllocator::new(bootinfo);
    let mut vspace = AddressSpace::new();
    let notification = objects
        .allocate_fixed::<cap_type::Notification>()
        .expect("notification");
    let slot = objects.alloc_slot().expect("slot");
    let uart = uart::open(&mut objects, &mut vspace, slot);
    *SERIAL.0.lock() = Some(uart);
    sel4::log::set_logger(&SERIAL).expect("the only logger");
    let irq = Cap::<cap_type::IrqHandler>::from_bits(slot);
    irq.set_notification(notification)
        .expect("bind the notification");
    irq.ack().expect("ack");
    info!(target: "serial-echo", "ready, type a line");

    let mut line = [0u8; 80];
    let mut len = 0;
    loop {
        notification.wait();
        while let Some(byte) = uart.get() {
            if byte == b'\r' || byte == b'\n' {
                let text = core::str::from_utf8(&line[..len]).unwrap_or("(not UTF-8)");
                uart.put(b'\r');
                uart.put(b'\n');
                info!(target: "serial-echo", "you typed {text:?}");
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
#[cfg(not(any(
    sel4_cfg_PLAT_QEMU_ARM_VIRT,
    sel4_cfg_PLAT_QEMU_RISCV_VIRT,
    sel4_cfg_PLAT_PC99
)))]
fn main(_: &'static BootInfo) {
    panic!("serial-echo has no UART driver for this platform");
}
