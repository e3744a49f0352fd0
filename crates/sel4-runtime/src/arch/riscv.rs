//! RISC-V (RV64 and RV32): `_sel4_start`, the TLS layout (ELF TLS variant 1, no thread control
//! block) and a new thread's registers.

use core::arch::global_asm;
use core::ops::Range;

use sel4::sys::{seL4_UserContext, seL4_Word};

use crate::tls::TlsVariant;
use crate::{init_tls, rust_entry};

/// Attributes of the runtime's mappings: the default (executable, cacheable).
pub(crate) const DEFAULT_VM_ATTRIBUTES: sel4::sys::seL4_RISCV_VMAttributes =
    sel4::sys::seL4_RISCV_Default_VMAttributes;

/// The VM attributes type of the architecture's frame mappings.
pub(crate) type VmAttributes = sel4::sys::seL4_RISCV_VMAttributes;

/// Attributes of device mappings: uncached, not executable.
pub(crate) const DEVICE_VM_ATTRIBUTES: VmAttributes = sel4::sys::seL4_RISCV_ExecuteNever;

/// The registers a new thread starts with: `pc`, `sp` (16-byte aligned), `tp`, the first four
/// argument registers `a0`-`a3`, and the global pointer `gp` of the running thread (the
/// linker may have relaxed accesses to small data into `gp`-relative ones); the return
/// address and the frame pointer are zero.
#[cfg_attr(not(sel4_cfg_LIB_SEL4_USE_THREAD_LOCALS), allow(dead_code))]
pub(crate) fn initial_registers(
    pc: usize,
    sp: usize,
    tp: usize,
    args: [usize; 4],
) -> seL4_UserContext {
    let gp: usize;
    // SAFETY: reads a register, nothing else.
    unsafe { core::arch::asm!("mv {}, gp", out(reg) gp, options(nomem, nostack, preserves_flags)) };
    seL4_UserContext {
        pc: pc as seL4_Word,
        sp: (sp & !15) as seL4_Word,
        gp: gp as seL4_Word,
        tp: tp as seL4_Word,
        a0: args[0] as seL4_Word,
        a1: args[1] as seL4_Word,
        a2: args[2] as seL4_Word,
        a3: args[3] as seL4_Word,
        ..Default::default()
    }
}

/// TLS variant 1 without a thread control block: the TLS block starts at `tp` (aligned to
/// `p_align`), where the RISC-V linkers place it.
pub(crate) const TLS_VARIANT: TlsVariant = TlsVariant::Above { gap: 0 };

/// The runtime's mapping window: on RV64, 64 GiB from 64 GiB up, below the top of user space
/// (256 GiB with Sv39); on RV32, the upper half of user space.
#[cfg(target_arch = "riscv64")]
pub(crate) const VSPACE_WINDOW: Range<usize> = super::WINDOW_64;
/// The runtime's mapping window: on RV64, 64 GiB from 64 GiB up, below the top of user space
/// (256 GiB with Sv39); on RV32, the upper half of user space.
#[cfg(target_arch = "riscv32")]
pub(crate) const VSPACE_WINDOW: Range<usize> = super::WINDOW_32;

// The kernel starts the root thread here, with the address of the seL4_BootInfo in a0 (the
// root thread's "capRegister" on RISC-V), no stack, and tp = 0.
//
// * gp <- __global_pointer$ (which the default linker script defines), without relaxation of
//   that very instruction pair, since the linker may relax small-data accesses of the
//   compiled code into gp-relative ones;
// * sp <- the top of the static stack (see `arch/mod.rs`);
// * the boot information address waits in s1 (callee-saved) while init_tls runs;
// * s0 (the frame pointer) = 0 ends the frame chain for debuggers;
// * init_tls (Rust, touches no thread-local variable) sets up the TLS area and returns the
//   thread pointer in a0, which is moved to tp here, between two calls, so that no compiled
//   code can access thread-local variables before it is set;
// * rust_entry(bootinfo) does not return; should it, spin.
global_asm!(
    ".pushsection .text._sel4_start, \"ax\", %progbits",
    ".global _sel4_start",
    ".type _sel4_start, %function",
    ".balign 4",
    "_sel4_start:",
    ".option push",
    ".option norelax",
    "1:  auipc gp, %pcrel_hi(__global_pointer$)",
    "    addi gp, gp, %pcrel_lo(1b)",
    ".option pop",
    "2:  auipc sp, %pcrel_hi(__sel4_runtime_stack_top)",
    "    addi sp, sp, %pcrel_lo(2b)",
    "    mv s1, a0",
    "    li s0, 0",
    "    call {init_tls}",
    "    mv tp, a0",
    "    mv a0, s1",
    "    call {rust_entry}",
    "3:  j 3b",
    ".size _sel4_start, . - _sel4_start",
    ".popsection",
    init_tls = sym init_tls,
    rust_entry = sym rust_entry,
);
