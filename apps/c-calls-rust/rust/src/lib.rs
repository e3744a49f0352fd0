//! Rust functions for a C seL4 root server (`apps/c-calls-rust/main.c`).
//!
//! The C program runs on seL4's C runtime (sel4runtime and musllibc), which sets up the
//! root thread's stack, thread-local storage and libsel4's IPC buffer pointer
//! `__sel4_ipc_buffer` before `main`. The typed `sel4` crate used here invokes the kernel
//! through that same pointer (sel4-sys declares it, libsel4's C defines it), so Rust and C
//! share the thread's IPC buffer.
//!
//! The C declarations are in `apps/c-calls-rust/include/c_calls_rust.h`; the tests check that
//! they match the functions here.
//!
//! Errors cross the boundary as C `int`s holding `seL4_Error` values (libsel4's C
//! `seL4_Error` is an int-sized enum, as is sel4-sys's `seL4_Error`).

#![no_std]
#![deny(missing_docs)]

use core::ffi::{c_int, c_long};

use sel4::cap_type::{Endpoint, Untyped};
use sel4::sys::{seL4_CPtr, seL4_Word};
use sel4::{init_thread, Cap};

/// Retypes the untyped object `untyped` into one endpoint, whose capability goes in slot
/// `dest_slot` of the root CNode (`seL4_CapInitThreadCNode`).
///
/// Returns `seL4_NoError` (0) or the kernel's `seL4_Error`.
#[no_mangle]
pub extern "C" fn rust_retype_endpoint(untyped: seL4_CPtr, dest_slot: seL4_Word) -> c_int {
    let untyped: Cap<Untyped> = Cap::from_bits(untyped);
    match untyped.retype_one::<Endpoint>(init_thread::CNODE, dest_slot) {
        Ok(endpoint) => {
            sel4::debug_println!("rust: retyped {untyped:?} into {endpoint:?}");
            0
        }
        Err(err) => {
            sel4::debug_println!("rust: retyping {untyped:?} failed: {err}");
            // Kernel error codes are small (below seL4_NumErrors).
            c_int::try_from(err.to_sys()).unwrap_or(c_int::MAX)
        }
    }
}

/// The object type (`seL4_ObjectType`: `seL4_EndpointObject`, ...) of the object that the
/// capability `cap` names, as the kernel reports it (`seL4_DebugCapIdentify`).
///
/// Returns -1 if the kernel is not a debug build, or the capability is not to an untyped
/// object, TCB, endpoint, notification or CNode (an empty slot included).
#[no_mangle]
pub extern "C" fn rust_cap_object_type(cap: seL4_CPtr) -> c_long {
    Cap::<sel4::cap_type::Unspecified>::from_bits(cap)
        .debug_identify()
        .and_then(|tag| tag.object_type())
        .and_then(|object_type| c_long::try_from(object_type).ok())
        .unwrap_or(-1)
}

/// Prints the panic on the debug console (with `PRINTING`) and suspends the root thread.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    sel4::debug::print_panic(info);
    let _ = init_thread::TCB.suspend();
    loop {
        core::hint::spin_loop();
    }
}
