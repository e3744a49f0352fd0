//! libsel4 implemented in Rust, for C programs: a staticlib of `sel4-sys`'s C API (its feature
//! `c-api`: system calls, IPC buffer accessors, object invocations, with libsel4's names and C
//! signatures).
//!
//! The CMake option `SEL4_RUST_LIBSEL4` links it into every C program that uses libsel4 and
//! has no Rust library of its own (one with its own library gets the functions from that one,
//! which must then depend on `sel4-sys` with `c-api`): with libsel4 configured
//! `LibSel4FunctionAttributes=public`, the programs' calls to libsel4 then run this code.

#![no_std]

// The C API is in sel4-sys; naming the crate links it, with its exported functions.
extern crate sel4_sys;

/// A panic in libsel4's functions (an index past the IPC buffer's message registers, say)
/// prints its message on the kernel's debug console, when there is one, and stops the thread.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    sel4_sys::c_api::report_panic(info);
    loop {
        core::hint::spin_loop();
    }
}
