//! AArch32 (ARMv7-A, A32 instruction set) system-call primitives (`swi #0`).
//!
//! Register use, as in libsel4's `sel4_arch/aarch32/syscalls.h`:
//!
//! | register | in                                    | out               |
//! |----------|---------------------------------------|-------------------|
//! | `r0`     | destination / source capability       | badge (receives)  |
//! | `r1`     | message info                          | message info      |
//! | `r2..r5` | message registers 0..3                | message registers |
//! | `r6`     | reply capability (MCS receives only)  | preserved         |
//! | `r7`     | system-call number                    | preserved         |
//! | `r8`     | destination of `NBSendRecv` (MCS)     | preserved         |
//!
//! LLVM reserves `r6` (its base pointer), so Rust cannot name it as an asm operand. Where the
//! reply capability must travel in `r6`, the asm saves `r6` in `r10` (a register that no
//! system call reads or writes, so the kernel restores it unchanged), loads the reply capability,
//! traps, and restores `r6`; `r10` is declared clobbered. The register allocator may still pick
//! `r6` itself for the `{reply}` operand (only naming it is forbidden); the sequence is correct
//! then too: `r10` saves the reply capability, `mov r6, r6` does nothing, and `r6` ends holding
//! the input value, as an input register must.
//!
//! Registers that libsel4 declares read-write (`"+r"`) are treated as clobbered even by calls
//! that return nothing in them. No asm block has `nomem`: the kernel reads and writes the IPC
//! buffer, so every call is also a compiler memory barrier. The kernel never touches the user
//! stack (`nostack`). Thumb targets are not supported (`r7` is their frame pointer).

use core::arch::asm;

use super::Received;
use crate::{seL4_Syscall_ID, seL4_Word};

/// One-way send with message registers 0..3 in `r2..r5` (`seL4_Send`, `seL4_NBSend`).
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
            "swi #0",
            inout("r0") dest => _,
            inout("r1") info => _,
            inout("r2") mrs[0] => _,
            inout("r3") mrs[1] => _,
            inout("r4") mrs[2] => _,
            inout("r5") mrs[3] => _,
            in("r7") sys as seL4_Word,
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
            "swi #0",
            inout("r1") info => _,
            inout("r2") mrs[0] => _,
            inout("r3") mrs[1] => _,
            inout("r4") mrs[2] => _,
            inout("r5") mrs[3] => _,
            in("r7") sys as seL4_Word,
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
            "swi #0",
            inout("r0") dest => _,
            inout("r1") info => _,
            in("r7") sys as seL4_Word,
            options(nostack),
        );
    }
}

/// Receive on `src`; everything comes back in registers (`seL4_Recv`, `seL4_Wait`, ...).
///
/// `reply` goes in `r6` on MCS kernels and is ignored otherwise.
#[inline(always)]
pub(crate) unsafe fn sys_recv(sys: seL4_Syscall_ID, src: seL4_Word, reply: seL4_Word) -> Received {
    let mut out = Received::ZERO;
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    {
        let _ = reply;
        // SAFETY: the caller upholds the contract of the system call `sys`.
        unsafe {
            asm!(
                "swi #0",
                inout("r0") src => out.badge,
                lateout("r1") out.info,
                lateout("r2") out.mrs[0],
                lateout("r3") out.mrs[1],
                lateout("r4") out.mrs[2],
                lateout("r5") out.mrs[3],
                in("r7") sys as seL4_Word,
                options(nostack),
            );
        }
    }
    #[cfg(sel4_cfg_KERNEL_MCS)]
    // SAFETY: the caller upholds the contract of the system call `sys`; `r6` is restored.
    unsafe {
        asm!(
            "mov r10, r6",
            "mov r6, {reply}",
            "swi #0",
            "mov r6, r10",
            reply = in(reg) reply,
            inout("r0") src => out.badge,
            lateout("r1") out.info,
            lateout("r2") out.mrs[0],
            lateout("r3") out.mrs[1],
            lateout("r4") out.mrs[2],
            lateout("r5") out.mrs[3],
            in("r7") sys as seL4_Word,
            out("r10") _,
            options(nostack),
        );
    }
    out
}

/// Send then receive, message registers in both directions (`seL4_Call`, `seL4_ReplyRecv`,
/// and the debug calls that answer in `r0`).
///
/// `reply` goes in `r6` on MCS kernels and is ignored otherwise.
#[inline(always)]
pub(crate) unsafe fn sys_send_recv(
    sys: seL4_Syscall_ID,
    dest: seL4_Word,
    info: seL4_Word,
    mrs: [seL4_Word; 4],
    reply: seL4_Word,
) -> Received {
    let mut out = Received::ZERO;
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    {
        let _ = reply;
        // SAFETY: the caller upholds the contract of the system call `sys`.
        unsafe {
            asm!(
                "swi #0",
                inout("r0") dest => out.badge,
                inout("r1") info => out.info,
                inout("r2") mrs[0] => out.mrs[0],
                inout("r3") mrs[1] => out.mrs[1],
                inout("r4") mrs[2] => out.mrs[2],
                inout("r5") mrs[3] => out.mrs[3],
                in("r7") sys as seL4_Word,
                options(nostack),
            );
        }
    }
    #[cfg(sel4_cfg_KERNEL_MCS)]
    // SAFETY: the caller upholds the contract of the system call `sys`; `r6` is restored.
    unsafe {
        asm!(
            "mov r10, r6",
            "mov r6, {reply}",
            "swi #0",
            "mov r6, r10",
            reply = in(reg) reply,
            inout("r0") dest => out.badge,
            inout("r1") info => out.info,
            inout("r2") mrs[0] => out.mrs[0],
            inout("r3") mrs[1] => out.mrs[1],
            inout("r4") mrs[2] => out.mrs[2],
            inout("r5") mrs[3] => out.mrs[3],
            in("r7") sys as seL4_Word,
            out("r10") _,
            options(nostack),
        );
    }
    out
}

/// Non-blocking send to `dest` (in `r8`; `seL4_NBSendRecv`) or to `reply` (`seL4_NBSendWait`),
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
    // SAFETY: the caller upholds the contract of the system call `sys`; `r6` is restored.
    unsafe {
        asm!(
            "mov r10, r6",
            "mov r6, {reply}",
            "swi #0",
            "mov r6, r10",
            reply = in(reg) reply,
            inout("r0") src => out.badge,
            inout("r1") info => out.info,
            inout("r2") mrs[0] => out.mrs[0],
            inout("r3") mrs[1] => out.mrs[1],
            inout("r4") mrs[2] => out.mrs[2],
            inout("r5") mrs[3] => out.mrs[3],
            in("r7") sys as seL4_Word,
            in("r8") dest,
            out("r10") _,
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
        asm!("swi #0", in("r7") sys as seL4_Word, options(nostack));
    }
}
