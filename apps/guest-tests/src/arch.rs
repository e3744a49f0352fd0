//! What differs between architectures, for the tests that are otherwise the same on all of
//! them: mapping attributes and the architecture's object blueprints, a register set and the
//! registers a test reads back, instructions that fault on purpose, a capability address that
//! does not resolve, the interrupts no device of the test platforms uses, and the spans of the
//! paging structures.
//!
//! Tests of one architecture's own invocations live in their own modules (`tests::x86`) or
//! behind `#[cfg]` in the module of their object type.

use sel4::sys::{seL4_UserContext, seL4_Word};
use sel4::ArchObjectBlueprint;

// --- mapping attributes and objects -------------------------------------------------------

/// The default attributes of a mapping (cacheable, executable).
#[cfg(any(target_arch = "aarch64", target_arch = "arm"))]
pub use sel4::sys::seL4_ARM_Default_VMAttributes as ATTRS;
/// The default attributes of a mapping (cacheable, executable).
#[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
pub use sel4::sys::seL4_RISCV_Default_VMAttributes as ATTRS;
/// The default attributes of a mapping (write-back cacheable).
#[cfg(target_arch = "x86_64")]
pub use sel4::sys::seL4_X86_Default_VMAttributes as ATTRS;

/// A frame of the base page size (4 KiB everywhere).
#[cfg(any(target_arch = "aarch64", target_arch = "arm"))]
pub const SMALL_PAGE: ArchObjectBlueprint = ArchObjectBlueprint::SmallPage;
/// A frame of the base page size (4 KiB everywhere).
#[cfg(any(
    target_arch = "riscv64",
    target_arch = "riscv32",
    target_arch = "x86_64"
))]
pub const SMALL_PAGE: ArchObjectBlueprint = ArchObjectBlueprint::Page4K;

/// An address-space root (`cap_type::VSpaceRoot`), as an ASID pool assigns them.
#[cfg(target_arch = "aarch64")]
pub const VSPACE_ROOT: ArchObjectBlueprint = ArchObjectBlueprint::VSpace;
/// An address-space root (`cap_type::VSpaceRoot`), as an ASID pool assigns them.
#[cfg(target_arch = "arm")]
pub const VSPACE_ROOT: ArchObjectBlueprint = ArchObjectBlueprint::PageDirectory;
/// An address-space root (`cap_type::VSpaceRoot`), as an ASID pool assigns them.
#[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
pub const VSPACE_ROOT: ArchObjectBlueprint = ArchObjectBlueprint::PageTable;
/// An address-space root (`cap_type::VSpaceRoot`), as an ASID pool assigns them.
#[cfg(target_arch = "x86_64")]
pub const VSPACE_ROOT: ArchObjectBlueprint = ArchObjectBlueprint::Pml4;

/// The base page size.
pub const PAGE: usize = 1 << sel4::sys::seL4_PageBits;

/// What one last-level page table maps: 2 MiB on the 64-bit architectures, 1 MiB on AArch32,
/// 4 MiB with RISC-V's Sv32.
pub const TABLE_SPAN: usize = PAGE << sel4::sys::seL4_PageTableIndexBits;

/// What one entry of the level above the last-level page tables maps (1 GiB), on the
/// architectures where that level is not the address-space root: a mapping there needs a
/// paging structure of its own. `None` where the root holds the page tables (AArch32, Sv32).
#[cfg(target_pointer_width = "64")]
pub const UPPER_SPAN: Option<usize> = Some(TABLE_SPAN << 9);
/// What one entry of the level above the last-level page tables maps (1 GiB), on the
/// architectures where that level is not the address-space root: a mapping there needs a
/// paging structure of its own. `None` where the root holds the page tables (AArch32, Sv32).
#[cfg(target_pointer_width = "32")]
pub const UPPER_SPAN: Option<usize> = None;

// --- registers ----------------------------------------------------------------------------

/// A register set with the program counter, the stack pointer, the first argument register and
/// one more general-purpose register (the link register where there is one) set, the others
/// zero.
pub fn user_context(
    pc: seL4_Word,
    sp: seL4_Word,
    arg: seL4_Word,
    other: seL4_Word,
) -> seL4_UserContext {
    #[cfg(target_arch = "aarch64")]
    return seL4_UserContext {
        pc,
        sp,
        x0: arg,
        x30: other,
        ..Default::default()
    };
    #[cfg(target_arch = "arm")]
    return seL4_UserContext {
        pc,
        sp,
        r0: arg,
        r14: other,
        ..Default::default()
    };
    #[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
    return seL4_UserContext {
        pc,
        sp,
        a0: arg,
        ra: other,
        ..Default::default()
    };
    #[cfg(target_arch = "x86_64")]
    return seL4_UserContext {
        rip: pc,
        rsp: sp,
        rdi: arg,
        rbx: other,
        ..Default::default()
    };
}

/// The registers [`user_context`] sets, in its order: program counter, stack pointer, first
/// argument, the other register.
pub fn pc_sp_arg_other(regs: &seL4_UserContext) -> (seL4_Word, seL4_Word, seL4_Word, seL4_Word) {
    #[cfg(target_arch = "aarch64")]
    return (regs.pc, regs.sp, regs.x0, regs.x30);
    #[cfg(target_arch = "arm")]
    return (regs.pc, regs.sp, regs.r0, regs.r14);
    #[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
    return (regs.pc, regs.sp, regs.a0, regs.ra);
    #[cfg(target_arch = "x86_64")]
    return (regs.rip, regs.rsp, regs.rdi, regs.rbx);
}

// --- faults -------------------------------------------------------------------------------

/// Executes an instruction the architecture defines as undefined (a user exception).
pub fn undefined_instruction() {
    // SAFETY: not safe: the instruction is undefined, and the exception is the point.
    #[cfg(any(target_arch = "aarch64", target_arch = "arm"))]
    unsafe {
        core::arch::asm!("udf #0")
    };
    // SAFETY: as above (`unimp` is an illegal instruction).
    #[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
    unsafe {
        core::arch::asm!("unimp")
    };
    // SAFETY: as above (`ud2` raises the invalid-opcode exception).
    #[cfg(target_arch = "x86_64")]
    unsafe {
        core::arch::asm!("ud2")
    };
}

/// A system call number the kernel does not have.
pub const BOGUS_SYSCALL: isize = -100;

/// Makes the system call [`BOGUS_SYSCALL`], with the number in the register of the seL4 ABI:
/// the kernel sends an unknown-syscall fault.
pub fn bogus_syscall() {
    // SAFETY: an unknown system call number only makes the kernel send a fault.
    #[cfg(target_arch = "aarch64")]
    unsafe {
        core::arch::asm!("svc #0", in("x7") BOGUS_SYSCALL)
    };
    // SAFETY: as above.
    #[cfg(target_arch = "arm")]
    unsafe {
        core::arch::asm!("swi #0", in("r7") BOGUS_SYSCALL)
    };
    // SAFETY: as above.
    #[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
    unsafe {
        core::arch::asm!("ecall", in("a7") BOGUS_SYSCALL)
    };
    // SAFETY: as above; `syscall` clobbers rcx and r11, and the kernel returns with the stack
    // pointer in r14 (as sel4-sys calls it).
    #[cfg(target_arch = "x86_64")]
    unsafe {
        core::arch::asm!(
            "mov r14, rsp",
            "syscall",
            "mov rsp, r14",
            in("rdx") BOGUS_SYSCALL,
            out("r14") _,
            lateout("rcx") _,
            lateout("r11") _,
        )
    };
}

/// A capability address that does not resolve in the root CNode (whose guard is zero): a bit
/// above its slot bits is set.
#[cfg(target_pointer_width = "64")]
pub const UNRESOLVED_CPTR: seL4_Word = 1 << 40;
/// A capability address that does not resolve in the root CNode (whose guard is zero): a bit
/// above its slot bits is set.
#[cfg(target_pointer_width = "32")]
pub const UNRESOLVED_CPTR: seL4_Word = 1 << 30;

// --- interrupts ---------------------------------------------------------------------------

/// Shared peripheral interrupts that no device of the Arm test platforms (qemu-arm-virt,
/// zynqmp) uses and the kernel does not reserve; the next number is spare too.
#[cfg(any(target_arch = "aarch64", target_arch = "arm"))]
pub const SPARE_IRQ: Option<seL4_Word> = Some(100);
/// PLIC sources that no device of qemu-riscv-virt uses (QEMU: virtio 1-8, UART 10, RTC 11,
/// PCIe 32-35, platform bus 64-95); the next number is spare too. Spike has no PLIC
/// interrupts at all.
#[cfg(all(
    any(target_arch = "riscv64", target_arch = "riscv32"),
    not(sel4_cfg_PLAT_SPIKE)
))]
pub const SPARE_IRQ: Option<seL4_Word> = Some(40);
/// Spike has no PLIC interrupts at all: the kernel's only numbers are its timer's (and, with
/// SMP, its inter-processor interrupts').
#[cfg(all(
    any(target_arch = "riscv64", target_arch = "riscv32"),
    sel4_cfg_PLAT_SPIKE
))]
pub const SPARE_IRQ: Option<seL4_Word> = None;
