//! A typed Rust API for seL4 user space, on top of the raw bindings in [`sel4_sys`].
//!
//! * [`Cap`]: a capability pointer with the type of the object it names ([`cap_type::Tcb`],
//!   [`cap_type::Endpoint`], ...), as cheap as the raw `seL4_CPtr`. Every object invocation
//!   the kernel configuration has is a method of the capability type it is invoked on,
//!   generated from the kernel's interface files: [`Cap::<Tcb>::set_priority`](Cap::set_priority),
//!   [`Cap::<CNode>::copy`](Cap::copy), [`Cap::<Page>::map`](Cap::map), ... Capability arguments
//!   are typed too, and every method returns [`Result`].
//! * [`Error`] and [`Result`]: the kernel's `seL4_Error` values as a Rust error; on kernels
//!   that write why they refused an invocation into the IPC buffer
//!   (`KernelInvocationReportErrorIPC`), the message too (`debug_error`, `set_print_error`).
//! * [`ObjectBlueprint`]: what [`Cap::<Untyped>::retype`](Cap::retype) creates, with the
//!   architecture's objects in [`ArchObjectBlueprint`].
//! * IPC ([`MessageInfo`], [`Badge`], [`set_mr`], [`get_mr`]) and the system calls as methods
//!   of endpoints, notifications and, on MCS kernels, reply objects: `send`, `call`, `recv`,
//!   `reply_recv`, `signal`, `wait`, `poll`, ...
//! * [`CapRights`]: capability rights for copying, minting and mapping.
//! * [`Fault`]: a fault message decoded (VM fault, capability fault, unknown system call, user
//!   exception, timeout on MCS kernels).
//! * [`BootInfo`]: the root task's boot information, with iterators over the initial untyped
//!   memory ([`BootInfo::untypeds`]), the slot regions and the extra boot information
//!   ([`BootInfo::extra`], [`BootInfo::device_tree`]).
//! * [`init_thread`]: the capabilities the kernel places in the root task's CSpace.
//! * [`debug_print!`] / [`debug_println!`] and [`debug::DebugWriter`]: formatted output on the
//!   kernel's debug console, compiled in only when the kernel has `PRINTING`
//!   (`sel4_cfg_PRINTING`); otherwise they compile to nothing. Once threads exist, each
//!   call's text comes out whole ([`debug::set_console_lock`]).
//! * [`sync`]: a lock over a notification ([`sync::Mutex`]) for threads sharing data.
//!
//! Everything is `#[inline]` over the raw stubs: a method compiles to the same instructions as
//! the `sel4_sys` call it wraps.
//!
//! # The IPC buffer
//!
//! Object invocations and IPC read and write message registers through libsel4's IPC buffer
//! pointer `__sel4_ipc_buffer`. This crate's methods are safe functions that assume the
//! calling thread's pointer is set to its IPC buffer, which the runtime does before any user
//! code runs: `sel4-runtime` for pure-Rust root servers and the threads it starts, C's
//! sel4runtime when Rust code is called from a C program. Code that starts threads of its own
//! must set it (with [`sel4_sys::seL4_SetIPCBuffer`]) before calling them.
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
#[cfg(sel4_cfg_KERNEL_INVOCATION_REPORT_ERROR_IPC)]
mod error_report;
mod fault;
mod generated;
mod invocations;
mod ipc;
pub mod log;
mod object;
mod rights;
pub mod sync;

pub use bootinfo::{BootInfo, ExtraChunk, ExtraChunks, SlotRegion, UntypedInfo, Untypeds};
pub use cap::{cap_type, init_thread, CNodeSlots, Cap, CapType, FixedSizeObject, ObjectType, Slot};
pub use error::{Error, Result};
#[cfg(sel4_cfg_KERNEL_INVOCATION_REPORT_ERROR_IPC)]
pub use error_report::{can_print_error, debug_error, set_print_error, DebugError};
#[cfg(sel4_cfg_KERNEL_MCS)]
pub use fault::Timeout;
pub use fault::{CapFault, Fault, UnknownSyscall, UserException, VmFault};
#[cfg(not(sel4_cfg_KERNEL_MCS))]
pub use ipc::reply;
pub use ipc::{
    get_badge, get_mr, set_cap, set_cap_receive_path, set_mr, yield_now, Badge, MessageInfo,
    ReplyTo,
};
pub use object::{ArchObjectBlueprint, ObjectBlueprint};
pub use rights::CapRights;
