//! Raw bindings to seL4's user-space interface, libsel4, for one kernel configuration.
//!
//! The crate has two halves, both flat at the crate root with libsel4's C names:
//!
//! * generated: `bindings.rs` from the `sel4gen` generator, written for one kernel
//!   configuration into the directory named by the environment variable
//!   `SEL4_SYS_GENERATED_DIR` (types such as `seL4_Word`, `seL4_MessageInfo` and
//!   `seL4_IPCBuffer`, constants, system-call numbers, object invocations);
//! * hand-written: the system calls ([`syscalls`]), implemented with inline assembly per
//!   architecture, the IPC buffer pointer with its accessors ([`ipc_buffer`]), and, on kernels
//!   that report invocation errors in the IPC buffer, libsel4's helpers for them
//!   (`debug_error`).
//!
//! The configuration's options are visible to Rust code as `cfg`s named `sel4_cfg_<OPTION>`
//! (for example `#[cfg(sel4_cfg_KERNEL_MCS)]` or `#[cfg(sel4_cfg_SEL4_ARCH = "aarch64")]`):
//! the build script turns each line of the generated `cfg.rustflags` into a
//! `cargo::rustc-cfg`/`cargo::rustc-check-cfg` directive for this crate, and passes the
//! directory on to dependents' build scripts as `DEP_SEL4_GENERATED_DIR` (and the flags file as
//! `DEP_SEL4_CFG_RUSTFLAGS`) so that they can do the same.
//!
//! Supported architectures: aarch64, aarch32 (`arm`), riscv64, riscv32 and x86_64. Which Rust
//! target fits a kernel build (its C code's float ABI decides) is in the generated
//! `contract.json`, from the generator's table `tools/sel4gen/archinfo.py`.
//!
//! Cargo feature `define-ipc-buffer`: define libsel4's `__sel4_ipc_buffer` (and, on kernels
//! that report invocation errors in the IPC buffer, `__sel4_print_error`) in this crate
//! instead of expecting a C runtime to define it (see [`ipc_buffer`]).
//!
//! Cargo feature `c-api`: libsel4's functions with C linkage, libsel4's names and signatures
//! (`c_api`), which replace libsel4's own in C code built with
//! `LibSel4FunctionAttributes=public`.
//!
//! When `sel4_cfg_LIB_SEL4_USE_THREAD_LOCALS` is on, the IPC buffer pointer is a
//! `#[thread_local]` static, which needs the unstable `thread_local` feature: build with a
//! nightly compiler or with `RUSTC_BOOTSTRAP=1`.

#![no_std]
#![cfg_attr(sel4_cfg_LIB_SEL4_USE_THREAD_LOCALS, feature(thread_local))]
// libsel4's names, in generated and hand-written code alike.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

include!(concat!(env!("SEL4_SYS_GENERATED_DIR"), "/bindings.rs"));

#[deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
mod arch;

#[deny(
    missing_docs,
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks
)]
pub mod ipc_buffer;

#[deny(
    missing_docs,
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks
)]
pub mod syscalls;

#[deny(missing_docs)]
pub mod platform;

#[cfg(sel4_cfg_KERNEL_INVOCATION_REPORT_ERROR_IPC)]
#[deny(
    missing_docs,
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks
)]
pub mod debug_error;

/// libsel4's C API in Rust, with C linkage (cargo feature `c-api`).
#[cfg(feature = "c-api")]
#[deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
pub mod c_api;

#[cfg(sel4_cfg_KERNEL_INVOCATION_REPORT_ERROR_IPC)]
pub use debug_error::{seL4_CanPrintError, seL4_GetDebugError, seL4_SetPrintError};
pub use ipc_buffer::*;
pub use syscalls::*;

/// The error an invocation's reply carries: its label as `seL4_Error`, as libsel4's stubs
/// take it with a `(seL4_Error)` cast. The generated invocation stubs call this.
// Unused by interface files without methods (test fixtures).
#[allow(dead_code)]
#[inline(always)]
fn invocation_error(reply: seL4_MessageInfo) -> seL4_Error {
    let error = reply.get_label() as seL4_Error;
    // LLVM folds the 32-bit truncation into the stubs' `error != 0` test as a mask of 32 bits
    // at bit 12, which RISC-V builds in three instructions (gcc: a shift and a sign extension).
    // Passing the value through an empty asm makes it a plain compare of the register.
    #[cfg(target_arch = "riscv64")]
    let error = {
        let mut error = error;
        // SAFETY: the assembly is empty: it reads and writes nothing but names the register.
        unsafe {
            core::arch::asm!("/* {0} */", inout(reg) error, options(pure, nomem, nostack, preserves_flags));
        }
        error
    };
    error
}
