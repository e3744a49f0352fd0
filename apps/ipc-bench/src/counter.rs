//! The counter the benchmark reads before and after its loop, and its frequency, per
//! architecture (bench/c-ipc/main.c reads the same one the same way). Under QEMU's
//! `-icount shift=0` each of them follows QEMU's virtual clock, which advances 1 ns per
//! instruction, so ticks convert to instructions (bench/ipc_bench.py says how, per
//! architecture).

use sel4::BootInfo;

/// The Arm generic timer's virtual count, `CNTVCT_EL0` (user access: `KernelArmExportVCNTUser`).
#[cfg(target_arch = "aarch64")]
pub fn read() -> u64 {
    let value: u64;
    // SAFETY: reads a system register that the kernel lets user space read. The isb keeps the
    // read from being taken before the instructions before it completed.
    unsafe {
        core::arch::asm!("isb", "mrs {}, cntvct_el0", out(reg) value, options(nomem, nostack))
    };
    value
}

#[cfg(target_arch = "aarch64")]
pub fn frequency(_: &BootInfo) -> u64 {
    let value: u64;
    // SAFETY: as in `read`.
    unsafe { core::arch::asm!("mrs {}, cntfrq_el0", out(reg) value, options(nomem, nostack)) };
    value
}

/// The same counter through cp15 (`CNTVCT`, a 64-bit register read with `mrrc`).
#[cfg(target_arch = "arm")]
pub fn read() -> u64 {
    let (low, high): (u32, u32);
    // SAFETY: as on aarch64.
    unsafe {
        core::arch::asm!(
            "isb",
            "mrrc p15, 1, {}, {}, c14",
            out(reg) low,
            out(reg) high,
            options(nomem, nostack)
        )
    };
    (u64::from(high) << 32) | u64::from(low)
}

#[cfg(target_arch = "arm")]
pub fn frequency(_: &BootInfo) -> u64 {
    let value: u32;
    // SAFETY: as in `read`.
    unsafe {
        core::arch::asm!("mrc p15, 0, {}, c14, c0, 0", out(reg) value, options(nomem, nostack))
    };
    u64::from(value)
}

/// The `time` CSR. The kernel leaves `scounteren` 0, so the read traps to OpenSBI, which
/// emulates it (for `time` only, without a permission check) with the CLINT's `mtime`.
#[cfg(target_arch = "riscv64")]
pub fn read() -> u64 {
    let value: u64;
    // SAFETY: reads a counter; at worst OpenSBI refuses and the thread faults.
    unsafe { core::arch::asm!("rdtime {}", out(reg) value, options(nomem, nostack)) };
    value
}

/// `mtime`'s frequency is the platform's timebase, which the kernel configuration records.
#[cfg(target_arch = "riscv64")]
pub fn frequency(_: &BootInfo) -> u64 {
    sel4::sys::config::TIMER_FREQUENCY
}

/// The time-stamp counter (user access: the kernel leaves CR4.TSD clear).
#[cfg(target_arch = "x86_64")]
pub fn read() -> u64 {
    let (low, high): (u32, u32);
    // SAFETY: reads a counter. The lfence keeps rdtsc from running before the instructions
    // before it completed.
    unsafe {
        core::arch::asm!("lfence", "rdtsc", out("eax") low, out("edx") high, options(nomem, nostack))
    };
    (u64::from(high) << 32) | u64::from(low)
}

/// The TSC frequency the kernel measured at boot (extra boot information, in MHz); 0 when it
/// is not there.
#[cfg(target_arch = "x86_64")]
pub fn frequency(bootinfo: &BootInfo) -> u64 {
    bootinfo
        .extra()
        .find(|chunk| {
            chunk.id == sel4::sys::SEL4_BOOTINFO_HEADER_X86_TSC_FREQ as sel4::sys::seL4_Word
        })
        .and_then(|chunk| chunk.data.get(..4))
        .map_or(0, |mhz| {
            u64::from(u32::from_ne_bytes([mhz[0], mhz[1], mhz[2], mhz[3]])) * 1_000_000
        })
}
