//! The Rust half of `bench/stub_counts.py`: three invocations through `crates/sel4`'s typed API,
//! each in a `#[no_mangle]` function that returns the `seL4_Error` as a word (0 for success),
//! as `../stubs.c` returns libsel4's result, so both compile the whole invocation.

#![no_std]

use sel4::sys::{seL4_CPtr, seL4_Word};
use sel4::{cap_type, init_thread, Cap, CapRights, ObjectBlueprint};

/// The architecture's default mapping attributes, as `../stubs.c` passes them.
#[cfg(any(target_arch = "aarch64", target_arch = "arm"))]
use sel4::sys::seL4_ARM_Default_VMAttributes as DEFAULT_ATTRIBUTES;
#[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
use sel4::sys::seL4_RISCV_Default_VMAttributes as DEFAULT_ATTRIBUTES;
#[cfg(target_arch = "x86_64")]
use sel4::sys::seL4_X86_Default_VMAttributes as DEFAULT_ATTRIBUTES;

/// The error as libsel4 returns it: `seL4_NoError` (0) or the `seL4_Error` value.
#[inline(always)]
fn error_word(result: sel4::Result<()>) -> seL4_Word {
    result.err().map_or(0, |e| e.to_sys() as seL4_Word)
}

/// `seL4_Untyped_Retype(untyped, seL4_EndpointObject, 0, seL4_CapInitThreadCNode, 0, 0, slot, 1)`.
#[no_mangle]
pub extern "C" fn stub_untyped_retype(untyped: seL4_CPtr, slot: seL4_Word) -> seL4_Word {
    let untyped = Cap::<cap_type::Untyped>::from_bits(untyped);
    error_word(untyped.retype(ObjectBlueprint::Endpoint, init_thread::CNODE.slots(slot, 1)))
}

/// `seL4_TCB_Suspend(tcb)`.
#[no_mangle]
pub extern "C" fn stub_tcb_suspend(tcb: seL4_CPtr) -> seL4_Word {
    error_word(Cap::<cap_type::Tcb>::from_bits(tcb).suspend())
}

/// The architecture's frame map (`seL4_ARM_Page_Map`, `seL4_RISCV_Page_Map`, `seL4_X86_Page_Map`) of
/// `page` at `vaddr` in `seL4_CapInitThreadVSpace`, `seL4_ReadWrite`, default attributes.
#[no_mangle]
pub extern "C" fn stub_page_map(page: seL4_CPtr, vaddr: seL4_Word) -> seL4_Word {
    let page = Cap::<cap_type::Page>::from_bits(page);
    error_word(page.map(
        init_thread::VSPACE,
        vaddr,
        CapRights::READ_WRITE,
        DEFAULT_ATTRIBUTES,
    ))
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
