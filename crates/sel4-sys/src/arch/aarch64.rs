//! AArch64 system-call primitives (`svc #0`).
//!
//! Register use, as in libsel4's `sel4_arch/aarch64/syscalls.h`:
//!
//! | register | in                                    | out               |
//! |----------|---------------------------------------|-------------------|
//! | `x0`     | destination / source capability       | badge (receives)  |
//! | `x1`     | message info                          | message info      |
//! | `x2..x5` | message registers 0..3                | message registers |
//! | `x6`     | reply capability (MCS receives only)  | preserved         |
//! | `x7`     | system-call number                    | preserved         |
//! | `x8`     | destination of `NBSendRecv` (MCS)     | preserved         |
//!
//! Registers that libsel4 declares read-write (`"+r"`) are treated as clobbered even by calls
//! that return nothing in them. No asm block has `nomem`: the kernel reads and writes the IPC
//! buffer, so every call is also a compiler memory barrier. The kernel never touches the user
//! stack (`nostack`).

use core::arch::asm;

use super::Received;
use crate::{seL4_Syscall_ID, seL4_Word};

/// One-way send with message registers 0..3 in `x2..x5` (`seL4_Send`, `seL4_NBSend`).
#[inline(always)]
pub(crate) unsafe fn sys_send(
    sys: seL4_Syscall_ID,
    dest: seL4_Word,
    info: seL4_Word,
    mrs: [seL4_Word; 4],
) {
    // SAFETY: the caller upholds the contract of the system call `sys`.
    unsafe {
        asm!(
            "svc #0",
            inout("x0") dest => _,
            inout("x1") info => _,
            inout("x2") mrs[0] => _,
            inout("x3") mrs[1] => _,
            inout("x4") mrs[2] => _,
            inout("x5") mrs[3] => _,
            in("x7") sys as seL4_Word,
            options(nostack),
        );
    }
}

/// Undirected send to the caller's reply capability (`seL4_Reply`, non-MCS kernels only).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[inline(always)]
pub(crate) unsafe fn sys_reply(sys: seL4_Syscall_ID, info: seL4_Word, mrs: [seL4_Word; 4]) {
    // SAFETY: the caller upholds the contract of the system call `sys`.
    unsafe {
        asm!(
            "svc #0",
            inout("x1") info => _,
            inout("x2") mrs[0] => _,
            inout("x3") mrs[1] => _,
            inout("x4") mrs[2] => _,
            inout("x5") mrs[3] => _,
            in("x7") sys as seL4_Word,
            options(nostack),
        );
    }
}

/// Send of a capability and message info only (`seL4_Signal`, argument-only debug calls).
#[inline(always)]
pub(crate) unsafe fn sys_send_null(sys: seL4_Syscall_ID, dest: seL4_Word, info: seL4_Word) {
    // SAFETY: the caller upholds the contract of the system call `sys`.
    unsafe {
        asm!(
            "svc #0",
            inout("x0") dest => _,
            inout("x1") info => _,
            in("x7") sys as seL4_Word,
            options(nostack),
        );
    }
}

/// Receive on `src`; everything comes back in registers (`seL4_Recv`, `seL4_Wait`, ...).
///
/// `reply` goes in `x6` on MCS kernels and is ignored otherwise.
#[inline(always)]
pub(crate) unsafe fn sys_recv(sys: seL4_Syscall_ID, src: seL4_Word, reply: seL4_Word) -> Received {
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    let _ = reply;
    let mut out = Received::ZERO;
    // SAFETY: the caller upholds the contract of the system call `sys`.
    unsafe {
        asm!(
            "svc #0",
            inout("x0") src => out.badge,
            lateout("x1") out.info,
            lateout("x2") out.mrs[0],
            lateout("x3") out.mrs[1],
            lateout("x4") out.mrs[2],
            lateout("x5") out.mrs[3],
            #[cfg(sel4_cfg_KERNEL_MCS)]
            in("x6") reply,
            in("x7") sys as seL4_Word,
            options(nostack),
        );
    }
    out
}

/// Send then receive, message registers in both directions (`seL4_Call`, `seL4_ReplyRecv`,
/// and the debug calls that answer in `x0`).
///
/// `reply` goes in `x6` on MCS kernels and is ignored otherwise.
#[inline(always)]
pub(crate) unsafe fn sys_send_recv(
    sys: seL4_Syscall_ID,
    dest: seL4_Word,
    info: seL4_Word,
    mrs: [seL4_Word; 4],
    reply: seL4_Word,
) -> Received {
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    let _ = reply;
    let mut out = Received::ZERO;
    // SAFETY: the caller upholds the contract of the system call `sys`.
    unsafe {
        asm!(
            "svc #0",
            inout("x0") dest => out.badge,
            inout("x1") info => out.info,
            inout("x2") mrs[0] => out.mrs[0],
            inout("x3") mrs[1] => out.mrs[1],
            inout("x4") mrs[2] => out.mrs[2],
            inout("x5") mrs[3] => out.mrs[3],
            #[cfg(sel4_cfg_KERNEL_MCS)]
            in("x6") reply,
            in("x7") sys as seL4_Word,
            options(nostack),
        );
    }
    out
}

/// Non-blocking send to `dest` (in `x8`; `seL4_NBSendRecv`) or to `reply` (`seL4_NBSendWait`),
/// then receive on `src`. MCS kernels only.
#[cfg(sel4_cfg_KERNEL_MCS)]
#[inline(always)]
pub(crate) unsafe fn sys_nbsend_recv(
    sys: seL4_Syscall_ID,
    dest: seL4_Word,
    src: seL4_Word,
    info: seL4_Word,
    mrs: [seL4_Word; 4],
    reply: seL4_Word,
) -> Received {
    let mut out = Received::ZERO;
    // SAFETY: the caller upholds the contract of the system call `sys`.
    unsafe {
        asm!(
            "svc #0",
            inout("x0") src => out.badge,
            inout("x1") info => out.info,
            inout("x2") mrs[0] => out.mrs[0],
            inout("x3") mrs[1] => out.mrs[1],
            inout("x4") mrs[2] => out.mrs[2],
            inout("x5") mrs[3] => out.mrs[3],
            in("x6") reply,
            in("x7") sys as seL4_Word,
            in("x8") dest,
            options(nostack),
        );
    }
    out
}

/// A call with no arguments and no results (`seL4_Yield`, `seL4_DebugHalt`, ...).
#[inline(always)]
pub(crate) unsafe fn sys_null(sys: seL4_Syscall_ID) {
    // SAFETY: the caller upholds the contract of the system call `sys`.
    unsafe {
        asm!("svc #0", in("x7") sys as seL4_Word, options(nostack));
    }
}
