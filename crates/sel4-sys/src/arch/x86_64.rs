//! x86-64 system-call primitives (`syscall`; kernels configured with `KernelX86SyscallMethod`
//! `syscall`, not `sysenter`).
//!
//! Register use, as in libsel4's `sel4_arch/x86_64/syscalls_syscall.h`:
//!
//! | register            | in                                   | out                |
//! |---------------------|--------------------------------------|--------------------|
//! | `rdx`               | system-call number                   | preserved          |
//! | `rdi`               | destination / source capability      | badge (receives)   |
//! | `rsi`               | message info                         | message info       |
//! | `r10`, `r8`, `r9`, `r15` | message registers 0..3          | message registers  |
//! | `r12`               | reply capability (MCS receives only) | preserved          |
//! | `r13`               | destination of `NBSendRecv` (MCS)    | preserved          |
//! | `rcx`, `r11`        | -                                    | clobbered by `syscall`/`sysret` |
//! | `rsp`               | -                                    | zeroed by the kernel |
//!
//! The kernel returns with `sysret` after clearing `rsp` (so as not to leak its own), and
//! restores every other register from the thread's saved context. libsel4 keeps `rsp` in `rbx`
//! across the trap; Rust cannot use `rbx` as an asm operand (LLVM reserves it), so these
//! primitives keep it in `r14`, which no system call reads or writes, and declare `r14`
//! clobbered.
//!
//! Registers that carry arguments are treated as clobbered even by calls that return nothing
//! in them (libsel4's send paths assume the kernel leaves them alone; this costs nothing and
//! does not depend on that). No asm block has `nomem`: the kernel reads and writes the IPC
//! buffer, so every call is also a compiler memory barrier. Nothing is pushed on the user stack
//! (`nostack`).

use core::arch::asm;

use super::Received;
use crate::{seL4_Syscall_ID, seL4_Word};

/// One-way send with message registers 0..3 in `r10, r8, r9, r15` (`seL4_Send`, `seL4_NBSend`).
#[inline(always)]
pub(crate) unsafe fn sys_send(
    sys: seL4_Syscall_ID,
    dest: seL4_Word,
    info: seL4_Word,
    mrs: [seL4_Word; 4],
) {
    // SAFETY: the caller upholds the contract of the system call `sys`; `rsp` is restored.
    unsafe {
        asm!(
            "mov r14, rsp",
            "syscall",
            "mov rsp, r14",
            in("rdx") sys as seL4_Word,
            inout("rdi") dest => _,
            inout("rsi") info => _,
            inout("r10") mrs[0] => _,
            inout("r8") mrs[1] => _,
            inout("r9") mrs[2] => _,
            inout("r15") mrs[3] => _,
            out("r14") _,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
}

/// Undirected send to the caller's reply capability (`seL4_Reply`, non-MCS kernels only).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[inline(always)]
pub(crate) unsafe fn sys_reply(sys: seL4_Syscall_ID, info: seL4_Word, mrs: [seL4_Word; 4]) {
    // SAFETY: the caller upholds the contract of the system call `sys`; `rsp` is restored.
    unsafe {
        asm!(
            "mov r14, rsp",
            "syscall",
            "mov rsp, r14",
            in("rdx") sys as seL4_Word,
            inout("rsi") info => _,
            inout("r10") mrs[0] => _,
            inout("r8") mrs[1] => _,
            inout("r9") mrs[2] => _,
            inout("r15") mrs[3] => _,
            out("r14") _,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
}

/// Send of a capability and message info only (`seL4_Signal`, argument-only debug calls).
#[inline(always)]
pub(crate) unsafe fn sys_send_null(sys: seL4_Syscall_ID, dest: seL4_Word, info: seL4_Word) {
    // SAFETY: the caller upholds the contract of the system call `sys`; `rsp` is restored.
    unsafe {
        asm!(
            "mov r14, rsp",
            "syscall",
            "mov rsp, r14",
            in("rdx") sys as seL4_Word,
            inout("rdi") dest => _,
            inout("rsi") info => _,
            out("r14") _,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
}

/// Receive on `src`; everything comes back in registers (`seL4_Recv`, `seL4_Wait`, ...).
///
/// `reply` goes in `r12` on MCS kernels and is ignored otherwise.
#[inline(always)]
pub(crate) unsafe fn sys_recv(sys: seL4_Syscall_ID, src: seL4_Word, reply: seL4_Word) -> Received {
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    let _ = reply;
    let mut out = Received::ZERO;
    // SAFETY: the caller upholds the contract of the system call `sys`; `rsp` is restored.
    unsafe {
        asm!(
            "mov r14, rsp",
            "syscall",
            "mov rsp, r14",
            in("rdx") sys as seL4_Word,
            inout("rdi") src => out.badge,
            lateout("rsi") out.info,
            lateout("r10") out.mrs[0],
            lateout("r8") out.mrs[1],
            lateout("r9") out.mrs[2],
            lateout("r15") out.mrs[3],
            #[cfg(sel4_cfg_KERNEL_MCS)]
            in("r12") reply,
            out("r14") _,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    out
}

/// Send then receive, message registers in both directions (`seL4_Call`, `seL4_ReplyRecv`,
/// and the debug calls that answer in `rdi`).
///
/// `reply` goes in `r12` on MCS kernels and is ignored otherwise.
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
    // SAFETY: the caller upholds the contract of the system call `sys`; `rsp` is restored.
    unsafe {
        asm!(
            "mov r14, rsp",
            "syscall",
            "mov rsp, r14",
            in("rdx") sys as seL4_Word,
            inout("rdi") dest => out.badge,
            inout("rsi") info => out.info,
            inout("r10") mrs[0] => out.mrs[0],
            inout("r8") mrs[1] => out.mrs[1],
            inout("r9") mrs[2] => out.mrs[2],
            inout("r15") mrs[3] => out.mrs[3],
            #[cfg(sel4_cfg_KERNEL_MCS)]
            in("r12") reply,
            out("r14") _,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    out
}

/// Non-blocking send to `dest` (in `r13`; `seL4_NBSendRecv`) or to `reply`
/// (`seL4_NBSendWait`), then receive on `src`. MCS kernels only.
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
    // SAFETY: the caller upholds the contract of the system call `sys`; `rsp` is restored.
    unsafe {
        asm!(
            "mov r14, rsp",
            "syscall",
            "mov rsp, r14",
            in("rdx") sys as seL4_Word,
            inout("rdi") src => out.badge,
            inout("rsi") info => out.info,
            inout("r10") mrs[0] => out.mrs[0],
            inout("r8") mrs[1] => out.mrs[1],
            inout("r9") mrs[2] => out.mrs[2],
            inout("r15") mrs[3] => out.mrs[3],
            in("r12") reply,
            in("r13") dest,
            out("r14") _,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    out
}

/// A call with no arguments and no results (`seL4_Yield`, `seL4_DebugHalt`, ...).
#[inline(always)]
pub(crate) unsafe fn sys_null(sys: seL4_Syscall_ID) {
    // SAFETY: the caller upholds the contract of the system call `sys`; `rsp` is restored.
    unsafe {
        asm!(
            "mov r14, rsp",
            "syscall",
            "mov rsp, r14",
            in("rdx") sys as seL4_Word,
            lateout("rdi") _,
            lateout("rsi") _,
            out("r14") _,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
}
