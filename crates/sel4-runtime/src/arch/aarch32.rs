//! AArch32 (ARMv7-A, A32 code): `_sel4_start`, `__aeabi_read_tp`, the TLS layout (ELF TLS
//! variant 1) and a new thread's registers.
//!
//! The thread pointer is the register the kernel configuration names (`KernelArmTLSReg`):
//! `TPIDRURW` (`tpidru`, the default), which user code writes itself, or `TPIDRURO`
//! (`tpidruro`), which only the kernel writes (see `set_tls_base_through_kernel`). Compiled
//! code reads it by calling `__aeabi_read_tp` (the target has no hard thread-pointer read),
//! defined here for the configured register.

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
/// (in both thread-ID registers, whichever the configuration uses) and the first four argument
/// registers `r0`-`r3`; the frame pointer `r11` and the link register are zero, and the kernel
/// makes `cpsr` user mode.
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
        tpidrurw: tp as seL4_Word,
        tpidruro: tp as seL4_Word,
        r0: args[0] as seL4_Word,
        r1: args[1] as seL4_Word,
        r2: args[2] as seL4_Word,
        r3: args[3] as seL4_Word,
        ..Default::default()
    }
}

/// TLS variant 1 with a thread control block of two 32-bit words: the linkers place the TLS
/// block at `tp + align_up(8, p_align)`.
pub(crate) const TLS_VARIANT: TlsVariant = TlsVariant::Above { gap: 8 };

/// The runtime's mapping window: the upper half of user space, below `seL4_UserTop`.
pub(crate) const VSPACE_WINDOW: Range<usize> = super::WINDOW_32;

// The kernel starts the root thread here, with the address of the seL4_BootInfo in r0 (the
// root thread's "capRegister" on AArch32), no stack, and both thread-ID registers 0.
//
// * sp <- the top of the static stack (see `arch/mod.rs`);
// * the boot information address waits in r4 (callee-saved) while init_tls runs;
// * r11 (the frame pointer) = 0 ends the frame chain for debuggers;
// * init_tls (Rust, touches no thread-local variable) sets up the TLS area and returns the
//   thread pointer in r0, which is written to the thread-ID register here, between two calls,
//   so that no compiled code can access thread-local variables before it is set: TPIDRURW
//   directly, TPIDRURO through the kernel;
// * rust_entry(bootinfo) does not return; should it, spin.
macro_rules! sel4_start {
    ($($set_thread_pointer:literal),* $(; $name:ident = $function:path)?) => {
        global_asm!(
            ".pushsection .text._sel4_start, \"ax\", %progbits",
            ".arm",
            ".global _sel4_start",
            ".type _sel4_start, %function",
            ".balign 4",
            "_sel4_start:",
            "    movw r1, #:lower16:__sel4_runtime_stack_top",
            "    movt r1, #:upper16:__sel4_runtime_stack_top",
            "    mov sp, r1",
            "    mov r4, r0",
            "    mov r11, #0",
            "    bl {init_tls}",
            $($set_thread_pointer,)*
            "    mov r0, r4",
            "    bl {rust_entry}",
            "1:  b 1b",
            ".size _sel4_start, . - _sel4_start",
            ".popsection",
            init_tls = sym init_tls,
            rust_entry = sym rust_entry,
            $($name = sym $function,)?
        );
    };
}

#[cfg(sel4_cfg_ARM_TLS_REG_TPIDRURO)]
sel4_start!("    bl {set_tls_base}"; set_tls_base = super::set_tls_base_through_kernel);
#[cfg(not(sel4_cfg_ARM_TLS_REG_TPIDRURO))]
sel4_start!("    mcr p15, 0, r0, c13, c0, 2");

// The run-time ABI's thread-pointer read ("__aeabi_read_tp", RTABI): returns the thread pointer
// in r0 and changes no other register.
macro_rules! aeabi_read_tp {
    ($read:literal) => {
        global_asm!(
            ".pushsection .text.__aeabi_read_tp, \"ax\", %progbits",
            ".arm",
            ".global __aeabi_read_tp",
            ".type __aeabi_read_tp, %function",
            ".balign 4",
            "__aeabi_read_tp:",
            $read,
            "    bx lr",
            ".size __aeabi_read_tp, . - __aeabi_read_tp",
            ".popsection",
        );
    };
}

#[cfg(sel4_cfg_ARM_TLS_REG_TPIDRURO)]
aeabi_read_tp!("    mrc p15, 0, r0, c13, c0, 3");
#[cfg(not(sel4_cfg_ARM_TLS_REG_TPIDRURO))]
aeabi_read_tp!("    mrc p15, 0, r0, c13, c0, 2");

// The EHABI unwind tables that `core` and `alloc` carry (`.ARM.exidx`) name the personality
// routine `__aeabi_unwind_cpp_pr0` even with `panic = "abort"`, and a root server links no
// libgcc to define it. Nothing unwinds here (panics suspend the thread), so it is never
// called; should it be, it stops the thread.
global_asm!(
    ".pushsection .text.__aeabi_unwind_cpp_pr0, \"ax\", %progbits",
    ".arm",
    ".global __aeabi_unwind_cpp_pr0",
    ".type __aeabi_unwind_cpp_pr0, %function",
    ".balign 4",
    "__aeabi_unwind_cpp_pr0:",
    "    udf #0",
    ".size __aeabi_unwind_cpp_pr0, . - __aeabi_unwind_cpp_pr0",
    ".popsection",
);
