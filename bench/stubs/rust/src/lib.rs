//! The Rust half of `bench/stub_counts.py`: three invocations through `crates/sel4`'s typed API,
//! each in a `#[no_mangle]` function that returns the `seL4_Error` as a word (0 for success),
//! as `../stubs.c` returns libsel4's result, so both compile the whole invocation.

#![no_std]

use sel4::sys::{seL4_ARM_Default_VMAttributes, seL4_CPtr, seL4_Word};
use sel4::{cap_type, init_thread, Cap, CapRights, ObjectBlueprint};

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

/// `seL4_ARM_Page_Map(page, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite, seL4_ARM_Default_VMAttributes)`.
#[no_mangle]
pub extern "C" fn stub_page_map(page: seL4_CPtr, vaddr: seL4_Word) -> seL4_Word {
    let page = Cap::<cap_type::Page>::from_bits(page);
    error_word(page.map(init_thread::VSPACE, vaddr, CapRights::READ_WRITE, seL4_ARM_Default_VMAttributes))
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
