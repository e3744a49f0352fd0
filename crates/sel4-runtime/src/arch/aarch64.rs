//! AArch64: `_sel4_start` and the TLS layout (ELF TLS variant 1).

use core::arch::global_asm;

use sel4::sys::{seL4_UserContext, seL4_Word};

use crate::{init_tls, rust_entry, STACK_SIZE};

/// The base page size (`seL4_PageBits`).
pub(crate) const PAGE_SIZE: usize = 1 << sel4::sys::seL4_PageBits;

/// Attributes of the runtime's mappings: cacheable, like the root server's image.
pub(crate) const DEFAULT_VM_ATTRIBUTES: sel4::sys::seL4_ARM_VMAttributes =
    sel4::sys::seL4_ARM_Default_VMAttributes;

/// How many words of `seL4_UserContext` a new thread's registers take: all of them.
#[cfg_attr(not(sel4_cfg_LIB_SEL4_USE_THREAD_LOCALS), allow(dead_code))]
pub(crate) const REGISTER_COUNT: seL4_Word =
    (core::mem::size_of::<seL4_UserContext>() / core::mem::size_of::<seL4_Word>()) as seL4_Word;

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

extern "C" {
    /// The page below the root thread's stack, unmapped by `rust_entry` (see `_sel4_start`).
    static __sel4_runtime_stack_guard: u8;
}

/// The address of the root thread's guard page.
pub(crate) fn root_stack_guard() -> usize {
    core::ptr::addr_of!(__sel4_runtime_stack_guard) as usize
}

/// Bytes between the thread pointer and the TLS block, before alignment: the thread control
/// block of TLS variant 1, two words on AArch64. The linkers place the TLS block at
/// `TPIDR_EL0 + align_up(16, p_align)`.
pub(crate) const TLS_GAP_ABOVE_TP: usize = 16;

// The kernel starts the root thread here, with the address of the seL4_BootInfo in x0 (the
// root thread's "capRegister", x0 on AArch64), no stack, and TPIDR_EL0 = 0.
//
// * sp <- the top of a static 16-byte-aligned stack of STACK_SIZE bytes in .bss;
// * the boot information address waits in x19 (callee-saved) while init_tls runs;
// * x29/x30 = 0 end the frame-pointer chain for debuggers;
// * init_tls (Rust, touches no thread-local variable) sets up the TLS area and returns the
//   thread pointer, which is written to TPIDR_EL0 here, between two calls, so that no
//   compiled code can access thread-local variables before it is set;
// * rust_entry(bootinfo) does not return; should it, spin.
//
// The stack is page aligned with a page of its own below it, which rust_entry unmaps: the
// kernel maps .bss with the rest of the image, so without that an overflow would run into
// other static data.
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
    "",
    ".pushsection .bss.__sel4_runtime_stack, \"aw\", %nobits",
    ".balign {page_size}",
    ".global __sel4_runtime_stack_guard",
    "__sel4_runtime_stack_guard:",
    "    .space {page_size}",
    "__sel4_runtime_stack_bottom:",
    "    .space {stack_size}",
    "__sel4_runtime_stack_top:",
    ".popsection",
    init_tls = sym init_tls,
    rust_entry = sym rust_entry,
    stack_size = const STACK_SIZE,
    page_size = const PAGE_SIZE,
);

// The stack pointer must stay 16-byte aligned on AArch64.
const _: () = assert!(STACK_SIZE.is_multiple_of(16));
