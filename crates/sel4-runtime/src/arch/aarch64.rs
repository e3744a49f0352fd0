//! AArch64: `_sel4_start`, the TLS layout (ELF TLS variant 1) and a new thread's registers.

use core::arch::global_asm;
use core::ops::Range;

use sel4::sys::{seL4_UserContext, seL4_Word};

use crate::tls::TlsVariant;
use crate::{init_tls, rust_entry};

/// Attributes of the runtime's mappings: cacheable, like the root server's image.
pub(crate) const DEFAULT_VM_ATTRIBUTES: sel4::sys::seL4_ARM_VMAttributes =
    sel4::sys::seL4_ARM_Default_VMAttributes;

/// The VM attributes type of the architecture's frame mappings.
pub(crate) type VmAttributes = sel4::sys::seL4_ARM_VMAttributes;

/// Attributes of device mappings: uncached, not executable.
pub(crate) const DEVICE_VM_ATTRIBUTES: VmAttributes = sel4::sys::seL4_ARM_ExecuteNever;

/// The registers a new thread starts with: `pc`, `sp` (16-byte aligned), the thread pointer
/// and the first four argument registers; the frame-pointer chain and the link register are
/// zero.
#[cfg_attr(not(sel4_cfg_LIB_SEL4_USE_THREAD_LOCALS), allow(dead_code))]
pub(crate) fn initial_registers(
    pc: usize,
    sp: usize,
    tp: usize,
    args: [usize; 4],
) -> seL4_UserContext {
    seL4_UserContext {
        pc: pc as seL4_Word,
        sp: (sp & !15) as seL4_Word,
        tpidr_el0: tp as seL4_Word,
        x0: args[0] as seL4_Word,
        x1: args[1] as seL4_Word,
        x2: args[2] as seL4_Word,
        x3: args[3] as seL4_Word,
        ..Default::default()
    }
}

/// TLS variant 1 with a thread control block of two words: the linkers place the TLS block at
/// `TPIDR_EL0 + align_up(16, p_align)`.
pub(crate) const TLS_VARIANT: TlsVariant = TlsVariant::Above { gap: 16 };

/// The runtime's mapping window: 64 GiB from 64 GiB up, below the top of user space of every
/// AArch64 configuration.
pub(crate) const VSPACE_WINDOW: Range<usize> = super::WINDOW_64;

// The kernel starts the root thread here, with the address of the seL4_BootInfo in x0 (the
// root thread's "capRegister", x0 on AArch64), no stack, and TPIDR_EL0 = 0.
//
// * sp <- the top of the static stack (see `arch/mod.rs`);
// * the boot information address waits in x19 (callee-saved) while init_tls runs;
// * x29/x30 = 0 end the frame-pointer chain for debuggers;
// * init_tls (Rust, touches no thread-local variable) sets up the TLS area and returns the
//   thread pointer, which is written to TPIDR_EL0 here, between two calls, so that no
//   compiled code can access thread-local variables before it is set;
// * rust_entry(bootinfo) does not return; should it, spin.
global_asm!(
    ".pushsection .text._sel4_start, \"ax\", %progbits",
    ".global _sel4_start",
    ".type _sel4_start, %function",
    ".balign 4",
    "_sel4_start:",
    "    adrp x9, __sel4_runtime_stack_top",
    "    add x9, x9, :lo12:__sel4_runtime_stack_top",
    "    mov sp, x9",
    "    mov x19, x0",
    "    mov x29, xzr",
    "    mov x30, xzr",
    "    bl {init_tls}",
    "    msr tpidr_el0, x0",
    "    mov x0, x19",
    "    bl {rust_entry}",
    "1:  b 1b",
    ".size _sel4_start, . - _sel4_start",
    ".popsection",
    init_tls = sym init_tls,
    rust_entry = sym rust_entry,
);
