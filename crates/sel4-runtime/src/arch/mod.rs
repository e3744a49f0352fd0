//! What differs between architectures: the entry point `_sel4_start`, the layout of
//! thread-local storage around the thread pointer, a new thread's registers, and the
//! address-space details (page size, mapping attributes, paging structures, the runtime's
//! window).
//!
//! Each architecture module defines, with `global_asm!`, `_sel4_start`, which sets the stack
//! pointer to `__sel4_runtime_stack_top` (below), keeps the boot information address in a
//! callee-saved register, calls `init_tls`, makes its result the thread pointer, and calls
//! `rust_entry` with the boot information address. It also defines:
//!
//! * `VmAttributes`, `DEFAULT_VM_ATTRIBUTES` and `DEVICE_VM_ATTRIBUTES` (uncached, for device
//!   registers);
//! * `TLS_VARIANT` (see `tls`);
//! * `VSPACE_WINDOW`, the addresses [`AddressSpace`](crate::vspace::AddressSpace) maps into;
//! * `initial_registers`, a new thread's `seL4_UserContext`;
//! * `map_paging_structure`, which creates and maps the paging structure whose absence made a
//!   mapping fail with `seL4_FailedLookup`.
//!
//! To add an architecture, write its module beside `aarch64.rs` and add it below.

use core::ops::Range;

use sel4::sys::{seL4_UserContext, seL4_Word};

use crate::STACK_SIZE;

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(target_arch = "aarch64")]
pub(crate) use aarch64::*;

#[cfg(target_arch = "arm")]
mod aarch32;
#[cfg(target_arch = "arm")]
pub(crate) use aarch32::*;

#[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
mod riscv;
#[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
pub(crate) use riscv::*;

#[cfg(target_arch = "x86_64")]
mod x86_64;
#[cfg(target_arch = "x86_64")]
pub(crate) use x86_64::*;

#[cfg(not(any(
    target_arch = "aarch64",
    target_arch = "arm",
    target_arch = "riscv64",
    target_arch = "riscv32",
    target_arch = "x86_64"
)))]
compile_error!(
    "sel4-runtime supports AArch64, AArch32, RISC-V (64 and 32 bits) and x86-64: this \
     architecture has no _sel4_start and TLS layout in sel4-runtime/src/arch/ yet"
);

/// The base page size (`seL4_PageBits`).
pub(crate) const PAGE_SIZE: usize = 1 << sel4::sys::seL4_PageBits;

/// Creates and maps the page table whose absence made a mapping at `vaddr` fail: on Arm and
/// RISC-V every level below the address-space root is a page table object.
#[cfg(not(target_arch = "x86_64"))]
pub(crate) fn map_paging_structure(
    objects: &mut crate::objects::ObjectAllocator,
    vspace: sel4::Cap<sel4::cap_type::VSpaceRoot>,
    vaddr: usize,
) -> sel4::Result<()> {
    let table = objects.allocate_fixed::<sel4::cap_type::PageTable>()?;
    table.map(vspace, vaddr as seL4_Word, DEFAULT_VM_ATTRIBUTES)
}

/// How many words of `seL4_UserContext` a new thread's registers take: all of them (the
/// thread pointer is among the last).
#[cfg_attr(not(sel4_cfg_LIB_SEL4_USE_THREAD_LOCALS), allow(dead_code))]
pub(crate) const REGISTER_COUNT: seL4_Word =
    (core::mem::size_of::<seL4_UserContext>() / core::mem::size_of::<seL4_Word>()) as seL4_Word;

/// The 64-bit architectures' window: 64 GiB from 64 GiB up, far above any root server image
/// and below the top of user space of every configuration (256 GiB with RISC-V's Sv39, the
/// smallest).
#[cfg(target_pointer_width = "64")]
const WINDOW_64: Range<usize> = 0x10_0000_0000..0x20_0000_0000;

/// The 32-bit architectures' window: the upper half of user space (`seL4_UserTop`), far above
/// any root server image (linked a few pages from address zero).
#[cfg(target_pointer_width = "32")]
const WINDOW_32: Range<usize> =
    (sel4::sys::seL4_UserTop as usize / 2)..(sel4::sys::seL4_UserTop as usize & !(PAGE_SIZE - 1));

// The window is whole pages of user space.
const _: () = assert!(
    VSPACE_WINDOW.start < VSPACE_WINDOW.end
        && VSPACE_WINDOW.start.is_multiple_of(PAGE_SIZE)
        && VSPACE_WINDOW.end.is_multiple_of(PAGE_SIZE)
        && VSPACE_WINDOW.end <= sel4::sys::seL4_UserTop as usize
);

extern "C" {
    /// The page below the root thread's stack, unmapped by `rust_entry` (see `_sel4_start`).
    static __sel4_runtime_stack_guard: u8;
}

/// The address of the root thread's guard page.
pub(crate) fn root_stack_guard() -> usize {
    core::ptr::addr_of!(__sel4_runtime_stack_guard) as usize
}

// The root thread's stack: STACK_SIZE bytes in .bss, page aligned, with a page of its own
// below it, which rust_entry unmaps: the kernel maps .bss with the rest of the image, so
// without that an overflow would run into other static data. `_sel4_start` points the stack
// pointer at `__sel4_runtime_stack_top`.
core::arch::global_asm!(
    ".pushsection .bss.__sel4_runtime_stack, \"aw\", %nobits",
    ".balign {page_size}",
    ".global __sel4_runtime_stack_guard",
    "__sel4_runtime_stack_guard:",
    "    .space {page_size}",
    "__sel4_runtime_stack_bottom:",
    "    .space {stack_size}",
    ".global __sel4_runtime_stack_top",
    ".hidden __sel4_runtime_stack_top",
    "__sel4_runtime_stack_top:",
    ".popsection",
    stack_size = const STACK_SIZE,
    page_size = const PAGE_SIZE,
);

// The stack pointer must stay 16-byte aligned (AArch64, RISC-V, x86-64 at calls; AArch32 needs
// 8).
const _: () = assert!(STACK_SIZE.is_multiple_of(16));

/// Sets the root thread's thread pointer through the kernel, for `_sel4_start` on the
/// architectures whose thread-pointer register user code cannot write (AArch32 with
/// `TPIDRURO`, x86-64 without the `wrfsbase` instruction): `seL4_SetTLSBase` when the kernel
/// has it (`SET_TLS_BASE_SELF`), otherwise the invocation `seL4_TCB_SetTLSBase` on the root
/// thread's TCB. Stops the thread with a message if the kernel refuses.
///
/// Touches no thread-local variable (the thread pointer is not set yet): both pass their
/// arguments in registers only.
#[allow(dead_code)]
pub(crate) extern "C" fn set_tls_base_through_kernel(thread_pointer: usize) {
    #[cfg(sel4_cfg_SET_TLS_BASE_SELF)]
    // SAFETY: `init_tls` laid out the TLS area at `thread_pointer` as the compiled code
    // expects; no thread-local variable was used before.
    unsafe {
        sel4::sys::seL4_SetTLSBase(thread_pointer as seL4_Word)
    };
    #[cfg(not(sel4_cfg_SET_TLS_BASE_SELF))]
    {
        let tag =
            sel4::sys::seL4_MessageInfo::new(sel4::sys::invocation_label::TCBSetTLSBase, 0, 0, 1);
        let mut mr0 = thread_pointer as seL4_Word;
        let [mut mr1, mut mr2, mut mr3] = [0; 3];
        let reply = sel4::sys::seL4_CallWithMRs(
            sel4::sys::seL4_CapInitThreadTCB,
            tag,
            &mut mr0,
            &mut mr1,
            &mut mr2,
            &mut mr3,
        );
        if reply.get_label() != 0 {
            sel4::debug::put_bytes(b"sel4-runtime: the kernel did not set the TLS base\n");
            crate::halt_thread(sel4::sys::seL4_CapInitThreadTCB);
        }
    }
}
