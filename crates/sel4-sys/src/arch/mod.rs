//! Per-architecture system-call primitives.
//!
//! Each architecture module provides the same small set of `unsafe` functions, modelled on the
//! `*_sys_*` helpers in libsel4's `syscalls.h` headers:
//!
//! * `sys_send(sys, dest, info, mrs)`: send, nothing comes back;
//! * `sys_reply(sys, info, mrs)`: send to the implicit reply capability (non-MCS only);
//! * `sys_send_null(sys, dest, info)`: send without message registers;
//! * `sys_recv(sys, src, reply) -> Received`: receive;
//! * `sys_send_recv(sys, dest, info, mrs, reply) -> Received`: send then receive;
//! * `sys_nbsend_recv(sys, dest, src, info, mrs, reply) -> Received`: MCS only;
//! * `sys_null(sys)`: no arguments, no results.
//!
//! `reply` is passed to the kernel only on MCS kernels. The functions are `unsafe` because the
//! system call `sys` may have any effect; the wrappers in [`crate::syscalls`] state the contract
//! of each call.

// The selected module may not need every primitive in every configuration.
#![allow(dead_code)]

/// What the kernel hands back in registers after a receive phase.
#[derive(Clone, Copy)]
pub(crate) struct Received {
    /// Badge of the sender (or the answer of a debug call).
    pub(crate) badge: crate::seL4_Word,
    /// Message info word of the received message.
    pub(crate) info: crate::seL4_Word,
    /// Message registers 0..3.
    pub(crate) mrs: [crate::seL4_Word; 4],
}

impl Received {
    /// All zero: the starting value the assembly overwrites. A constant rather than `Default`,
    /// whose array implementation the optimiser does not always inline at `opt-level = "s"`.
    pub(crate) const ZERO: Self = Self {
        badge: 0,
        info: 0,
        mrs: [0; 4],
    };
}

#[cfg(target_arch = "aarch64")]
#[path = "aarch64.rs"]
mod imp;

#[cfg(target_arch = "arm")]
#[path = "aarch32.rs"]
mod imp;

#[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
#[path = "riscv.rs"]
mod imp;

#[cfg(target_arch = "x86_64")]
#[path = "x86_64.rs"]
mod imp;

#[cfg(not(any(
    target_arch = "aarch64",
    target_arch = "arm",
    target_arch = "riscv32",
    target_arch = "riscv64",
    target_arch = "x86_64",
)))]
compile_error!(
    "sel4-sys: unsupported target architecture: build for a Rust target the generated \
     contract.json names (tools/sel4gen/archinfo.py lists them per seL4 architecture)"
);

#[cfg(all(target_arch = "x86_64", sel4_cfg_SYSENTER))]
compile_error!(
    "sel4-sys: this kernel enters system calls with `sysenter`; only the `syscall` method is \
     supported on x86_64 (configure the kernel with -DKernelSyscall=syscall)"
);

pub(crate) use imp::*;
