//! A typed Rust API for seL4 user space, on top of the raw bindings in [`sel4_sys`].
//!
//! This is the start of the typed layer: what a root server needs first.
//!
//! * [`Cap`]: a capability pointer with the type of the object it names
//!   ([`cap_type::Tcb`], [`cap_type::Untyped`], ...), free to copy and as cheap as the raw
//!   `seL4_CPtr`; object invocations are its methods ([`Cap::<Tcb>::suspend`](Cap::suspend),
//!   [`Cap::<Untyped>::retype`](Cap::retype), ...).
//! * [`Error`] and [`Result`]: the kernel's `seL4_Error` values as a Rust error.
//! * [`BootInfo`]: the root task's boot information, with iterators over the initial untyped
//!   memory ([`BootInfo::untypeds`]) and the slot regions.
//! * [`init_thread`]: the capabilities the kernel places in the root task's CSpace.
//! * [`debug_print!`] / [`debug_println!`] and [`debug::DebugWriter`]: formatted output on the
//!   kernel's debug console, compiled in only when the kernel has `PRINTING`
//!   (`sel4_cfg_PRINTING`); otherwise they compile to nothing.
//!
//! # The IPC buffer
//!
//! Object invocations may read and write message registers through libsel4's IPC buffer
//! pointer `__sel4_ipc_buffer`. This crate's invocation methods are safe functions that assume
//! the calling thread's pointer is set to its IPC buffer, which the runtime does before any
//! user code runs: `sel4-runtime` for pure-Rust root servers, C's sel4runtime when Rust code is
//! called from a C program. Code that starts threads of its own must set it (with
//! [`sel4_sys::seL4_SetIPCBuffer`]) before calling them.
//!
//! # Configuration
//!
//! The crate is compiled for one kernel configuration, that of `sel4-sys` (see its
//! documentation): the same `sel4_cfg_*` options select what exists here.

#![no_std]
#![deny(
    missing_docs,
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks
)]

pub use sel4_sys as sys;

mod bootinfo;
mod cap;
pub mod debug;
mod error;
mod invocations;

pub use bootinfo::{BootInfo, SlotRegion, UntypedInfo, Untypeds};
pub use cap::{cap_type, init_thread, CNodeSlots, Cap, CapType, FixedSizeObject, ObjectType};
pub use error::{Error, Result};
