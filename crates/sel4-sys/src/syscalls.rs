//! libsel4's system-call API, with libsel4's names, arguments and behaviour.
//!
//! The first four message registers travel in CPU registers; the rest, and any extra
//! capabilities, in the IPC buffer. As in libsel4 there are two forms of most calls:
//!
//! * the plain form (`seL4_Call`, `seL4_Recv`, ...) copies message registers 0..3 between the
//!   CPU registers and the IPC buffer, through the IPC buffer pointer (see
//!   [`crate::seL4_SetIPCBuffer`]);
//! * the `WithMRs` form (`seL4_CallWithMRs`, ...) takes them as `&mut seL4_Word` arguments
//!   instead and never touches the IPC buffer pointer. Where libsel4 accepts a null pointer to
//!   skip a register, pass a scratch variable. On the way in, register `i` is loaded only if the
//!   message length is greater than `i` (0 otherwise); on the way back, all four are written.
//!
//! Out-parameters that libsel4 allows to be null (`sender`, the badge of the received message)
//! are `Option<&mut seL4_Word>`.
//!
//! On MCS kernels (`sel4_cfg_KERNEL_MCS`) the receiving calls take the reply object
//! capability, `seL4_Reply` does not exist, and `seL4_Wait`, `seL4_NBWait`, `seL4_NBSendRecv`
//! and `seL4_NBSendWait` appear, exactly as in libsel4. Debug and benchmark calls exist when
//! the options that `api/syscall.xml` names for them are on.
//!
//! # Which functions are `unsafe`
//!
//! A function here is `unsafe` exactly when calling it can cause undefined behaviour in this
//! program through what the function itself does:
//!
//! * it reads or writes through the IPC buffer pointer `__sel4_ipc_buffer` (all plain,
//!   non-`WithMRs` send and receive forms, `seL4_DebugNameThread`, `seL4_VMEnter`), whose
//!   validity the caller must guarantee as described in [`crate::ipc_buffer`];
//! * or it makes the kernel run code or change machine state that compiled code relies on
//!   (`seL4_DebugRun`, `seL4_SetTLSBase`, `seL4_X86DangerousWRMSR`).
//!
//! Everything else is safe: the `WithMRs` forms, [`seL4_Signal`], [`seL4_Yield`] and the other
//! debug and benchmark calls pass only values in registers. What an invocation does to the
//! kernel object a capability names is not part of this contract, even though a capability
//! to this thread's own TCB, address space or frames can be used to unmap or overwrite this
//! program's memory: like writing to `/proc/self/mem` with `std`, that is a matter of which
//! capabilities the program holds and uses, which these wrappers cannot check. Likewise the
//! kernel writes message registers 4 and up, capabilities and badges into the IPC buffer frame
//! registered for this thread whenever a message is received; that frame must not be used as
//! ordinary Rust memory (no references into it may live across a system call).

use crate::arch::{self, Received};
use crate::ipc_buffer::{seL4_GetMR, seL4_SetMR};
use crate::{seL4_CPtr, seL4_MessageInfo, seL4_MessageInfo_t, seL4_Word};

// ---------------------------------------------------------------------------------------------
// Helpers

/// A message info value from the word the kernel returned.
#[inline(always)]
fn info_from_word(word: seL4_Word) -> seL4_MessageInfo_t {
    seL4_MessageInfo { words: [word] }
}

/// The four register message words from the IPC buffer.
///
/// # Safety
///
/// The IPC buffer pointer must be valid.
#[inline(always)]
unsafe fn mrs_from_ipc_buffer() -> [seL4_Word; 4] {
    // SAFETY: guaranteed by the caller.
    unsafe { [seL4_GetMR(0), seL4_GetMR(1), seL4_GetMR(2), seL4_GetMR(3)] }
}

/// Stores the four register message words in the IPC buffer.
///
/// # Safety
///
/// The IPC buffer pointer must be valid.
#[inline(always)]
unsafe fn mrs_to_ipc_buffer(mrs: [seL4_Word; 4]) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        seL4_SetMR(0, mrs[0]);
        seL4_SetMR(1, mrs[1]);
        seL4_SetMR(2, mrs[2]);
        seL4_SetMR(3, mrs[3]);
    }
}

/// The register words to send from `WithMRs` arguments: word `i` if the message has more than
/// `i` words, 0 otherwise (libsel4's rule).
#[inline(always)]
fn mrs_from_args(length: seL4_Word, mrs: &[&mut seL4_Word; 4]) -> [seL4_Word; 4] {
    let word = |i: usize| {
        if length > i as seL4_Word {
            *mrs[i]
        } else {
            0
        }
    };
    [word(0), word(1), word(2), word(3)]
}

/// Writes the received register words back to `WithMRs` arguments.
#[inline(always)]
fn mrs_to_args(mrs: [seL4_Word; 4], args: [&mut seL4_Word; 4]) {
    // Spelled out: an iterator over the arrays is not always inlined at `opt-level = "s"`.
    let [mr0, mr1, mr2, mr3] = args;
    *mr0 = mrs[0];
    *mr1 = mrs[1];
    *mr2 = mrs[2];
    *mr3 = mrs[3];
}

/// Stores the badge if the caller asked for it; returns the message info.
#[inline(always)]
fn finish(received: Received, sender: Option<&mut seL4_Word>) -> seL4_MessageInfo_t {
    if let Some(sender) = sender {
        *sender = received.badge;
    }
    info_from_word(received.info)
}

/// The libsel4 value passed in the reply register: the reply capability on MCS kernels.
#[cfg(sel4_cfg_KERNEL_MCS)]
#[inline(always)]
fn reply_word(reply: seL4_CPtr) -> seL4_Word {
    reply as seL4_Word
}

// ---------------------------------------------------------------------------------------------
// Send

/// Sends a message to `dest`, blocking until it is delivered (`seL4_Send`).
///
/// Message registers 0..3 are taken from the IPC buffer.
///
/// # Safety
///
/// Reads the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[inline]
pub unsafe fn seL4_Send(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t) {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid; a send writes no memory.
    unsafe {
        let mrs = mrs_from_ipc_buffer();
        arch::sys_send(
            crate::seL4_SysSend,
            dest as seL4_Word,
            msgInfo.words[0],
            mrs,
        );
    }
}

/// [`seL4_Send`] with message registers 0..3 given as arguments (`seL4_SendWithMRs`).
///
/// Safe: touches no memory but its arguments (see the [module documentation](self)).
#[inline]
pub fn seL4_SendWithMRs(
    dest: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    mr0: &mut seL4_Word,
    mr1: &mut seL4_Word,
    mr2: &mut seL4_Word,
    mr3: &mut seL4_Word,
) {
    let word = msgInfo.words[0];
    let mrs = mrs_from_args(msgInfo.get_length(), &[mr0, mr1, mr2, mr3]);
    // SAFETY: only register values are passed; a send writes no memory of this program.
    unsafe { arch::sys_send(crate::seL4_SysSend, dest as seL4_Word, word, mrs) }
}

/// Sends a message to `dest` if a receiver is waiting, otherwise drops it (`seL4_NBSend`).
///
/// Message registers 0..3 are taken from the IPC buffer.
///
/// # Safety
///
/// Reads the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[inline]
pub unsafe fn seL4_NBSend(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t) {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid; a send writes no memory.
    unsafe {
        let mrs = mrs_from_ipc_buffer();
        arch::sys_send(
            crate::seL4_SysNBSend,
            dest as seL4_Word,
            msgInfo.words[0],
            mrs,
        );
    }
}

/// [`seL4_NBSend`] with message registers 0..3 given as arguments (`seL4_NBSendWithMRs`).
///
/// Safe: touches no memory but its arguments (see the [module documentation](self)).
#[inline]
pub fn seL4_NBSendWithMRs(
    dest: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    mr0: &mut seL4_Word,
    mr1: &mut seL4_Word,
    mr2: &mut seL4_Word,
    mr3: &mut seL4_Word,
) {
    let word = msgInfo.words[0];
    let mrs = mrs_from_args(msgInfo.get_length(), &[mr0, mr1, mr2, mr3]);
    // SAFETY: only register values are passed; a send writes no memory of this program.
    unsafe { arch::sys_send(crate::seL4_SysNBSend, dest as seL4_Word, word, mrs) }
}

/// Replies to the thread that last called this one, through the implicit reply capability
/// (`seL4_Reply`; non-MCS kernels only).
///
/// Message registers 0..3 are taken from the IPC buffer.
///
/// # Safety
///
/// Reads the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[inline]
pub unsafe fn seL4_Reply(msgInfo: seL4_MessageInfo_t) {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid; a send writes no memory.
    unsafe {
        let mrs = mrs_from_ipc_buffer();
        arch::sys_reply(crate::seL4_SysReply, msgInfo.words[0], mrs);
    }
}

/// [`seL4_Reply`] with message registers 0..3 given as arguments (`seL4_ReplyWithMRs`;
/// non-MCS kernels only).
///
/// Safe: touches no memory but its arguments (see the [module documentation](self)).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[inline]
pub fn seL4_ReplyWithMRs(
    msgInfo: seL4_MessageInfo_t,
    mr0: &mut seL4_Word,
    mr1: &mut seL4_Word,
    mr2: &mut seL4_Word,
    mr3: &mut seL4_Word,
) {
    let word = msgInfo.words[0];
    let mrs = mrs_from_args(msgInfo.get_length(), &[mr0, mr1, mr2, mr3]);
    // SAFETY: only register values are passed; a send writes no memory of this program.
    unsafe { arch::sys_reply(crate::seL4_SysReply, word, mrs) }
}

/// Signals the notification `dest` (`seL4_Signal`): a send with an empty message.
///
/// Safe: passes only register values (see the [module documentation](self)).
#[inline]
pub fn seL4_Signal(dest: seL4_CPtr) {
    let info = seL4_MessageInfo::new(0, 0, 0, 0).words[0];
    // SAFETY: an empty message; nothing is read or written in this program's memory.
    unsafe { arch::sys_send_null(crate::seL4_SysSend, dest as seL4_Word, info) }
}

// ---------------------------------------------------------------------------------------------
// Receive

/// Blocks until a message arrives on the endpoint or notification `src` (`seL4_Recv`).
///
/// Message registers 0..3 are stored in the IPC buffer; the sender's badge in `sender` if
/// given.
///
/// # Safety
///
/// Writes the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[inline]
pub unsafe fn seL4_Recv(src: seL4_CPtr, sender: Option<&mut seL4_Word>) -> seL4_MessageInfo_t {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe {
        let received = arch::sys_recv(crate::seL4_SysRecv, src as seL4_Word, 0);
        mrs_to_ipc_buffer(received.mrs);
        finish(received, sender)
    }
}

/// Blocks until a message arrives on the endpoint or notification `src`; a reply capability
/// for a call is placed in the reply object `reply` (`seL4_Recv`, MCS).
///
/// Message registers 0..3 are stored in the IPC buffer; the sender's badge in `sender` if
/// given.
///
/// # Safety
///
/// Writes the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[inline]
pub unsafe fn seL4_Recv(
    src: seL4_CPtr,
    sender: Option<&mut seL4_Word>,
    reply: seL4_CPtr,
) -> seL4_MessageInfo_t {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe {
        let received = arch::sys_recv(crate::seL4_SysRecv, src as seL4_Word, reply_word(reply));
        mrs_to_ipc_buffer(received.mrs);
        finish(received, sender)
    }
}

/// [`seL4_Recv`] returning message registers 0..3 in arguments (`seL4_RecvWithMRs`).
///
/// Safe: writes no memory but its arguments (see the [module documentation](self)).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[inline]
pub fn seL4_RecvWithMRs(
    src: seL4_CPtr,
    sender: Option<&mut seL4_Word>,
    mr0: &mut seL4_Word,
    mr1: &mut seL4_Word,
    mr2: &mut seL4_Word,
    mr3: &mut seL4_Word,
) -> seL4_MessageInfo_t {
    // SAFETY: results come back in registers only.
    let received = unsafe { arch::sys_recv(crate::seL4_SysRecv, src as seL4_Word, 0) };
    mrs_to_args(received.mrs, [mr0, mr1, mr2, mr3]);
    finish(received, sender)
}

/// [`seL4_Recv`] returning message registers 0..3 in arguments (`seL4_RecvWithMRs`, MCS).
///
/// The argument order is that of libsel4 on ARM and RISC-V (`reply` third); libsel4's x86-64
/// header puts `reply` last, which this crate does not follow, so that one signature serves
/// every architecture.
///
/// Safe: writes no memory but its arguments (see the [module documentation](self)).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[inline]
pub fn seL4_RecvWithMRs(
    src: seL4_CPtr,
    sender: Option<&mut seL4_Word>,
    reply: seL4_CPtr,
    mr0: &mut seL4_Word,
    mr1: &mut seL4_Word,
    mr2: &mut seL4_Word,
    mr3: &mut seL4_Word,
) -> seL4_MessageInfo_t {
    // SAFETY: results come back in registers only.
    let received =
        unsafe { arch::sys_recv(crate::seL4_SysRecv, src as seL4_Word, reply_word(reply)) };
    mrs_to_args(received.mrs, [mr0, mr1, mr2, mr3]);
    finish(received, sender)
}

/// Receives a message on `src` if one is waiting, without blocking (`seL4_NBRecv`).
///
/// Message registers 0..3 are stored in the IPC buffer; the sender's badge in `sender` if
/// given.
///
/// # Safety
///
/// Writes the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[inline]
pub unsafe fn seL4_NBRecv(src: seL4_CPtr, sender: Option<&mut seL4_Word>) -> seL4_MessageInfo_t {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe {
        let received = arch::sys_recv(crate::seL4_SysNBRecv, src as seL4_Word, 0);
        mrs_to_ipc_buffer(received.mrs);
        finish(received, sender)
    }
}

/// Receives a message on `src` if one is waiting, without blocking; a reply capability for a
/// call is placed in `reply` (`seL4_NBRecv`, MCS).
///
/// Message registers 0..3 are stored in the IPC buffer; the sender's badge in `sender` if
/// given.
///
/// # Safety
///
/// Writes the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[inline]
pub unsafe fn seL4_NBRecv(
    src: seL4_CPtr,
    sender: Option<&mut seL4_Word>,
    reply: seL4_CPtr,
) -> seL4_MessageInfo_t {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe {
        let received = arch::sys_recv(crate::seL4_SysNBRecv, src as seL4_Word, reply_word(reply));
        mrs_to_ipc_buffer(received.mrs);
        finish(received, sender)
    }
}

/// Waits for a message on `src` without offering a reply capability (`seL4_Wait`, MCS).
///
/// Message registers 0..3 are stored in the IPC buffer; the sender's badge in `sender` if
/// given.
///
/// # Safety
///
/// Writes the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[inline]
pub unsafe fn seL4_Wait(src: seL4_CPtr, sender: Option<&mut seL4_Word>) -> seL4_MessageInfo_t {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe {
        let received = arch::sys_recv(crate::seL4_SysWait, src as seL4_Word, 0);
        mrs_to_ipc_buffer(received.mrs);
        finish(received, sender)
    }
}

/// Waits for a message on `src` (`seL4_Wait`, non-MCS): the same as [`seL4_Recv`], and like
/// libsel4's it returns nothing.
///
/// # Safety
///
/// Writes the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[inline]
pub unsafe fn seL4_Wait(src: seL4_CPtr, sender: Option<&mut seL4_Word>) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        seL4_Recv(src, sender);
    }
}

/// [`seL4_Wait`] returning message registers 0..3 in arguments (`seL4_WaitWithMRs`, MCS).
///
/// Safe: writes no memory but its arguments (see the [module documentation](self)).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[inline]
pub fn seL4_WaitWithMRs(
    src: seL4_CPtr,
    sender: Option<&mut seL4_Word>,
    mr0: &mut seL4_Word,
    mr1: &mut seL4_Word,
    mr2: &mut seL4_Word,
    mr3: &mut seL4_Word,
) -> seL4_MessageInfo_t {
    // SAFETY: results come back in registers only.
    let received = unsafe { arch::sys_recv(crate::seL4_SysWait, src as seL4_Word, 0) };
    mrs_to_args(received.mrs, [mr0, mr1, mr2, mr3]);
    finish(received, sender)
}

/// Receives a message on `src` if one is waiting, without blocking and without offering a
/// reply capability (`seL4_NBWait`, MCS).
///
/// Message registers 0..3 are stored in the IPC buffer; the sender's badge in `sender` if
/// given.
///
/// # Safety
///
/// Writes the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[inline]
pub unsafe fn seL4_NBWait(src: seL4_CPtr, sender: Option<&mut seL4_Word>) -> seL4_MessageInfo_t {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe {
        let received = arch::sys_recv(crate::seL4_SysNBWait, src as seL4_Word, 0);
        mrs_to_ipc_buffer(received.mrs);
        finish(received, sender)
    }
}

/// Polls the notification or endpoint `src` without blocking (`seL4_Poll`): `seL4_NBWait` on
/// MCS kernels, `seL4_NBRecv` otherwise.
///
/// # Safety
///
/// Writes the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[inline]
pub unsafe fn seL4_Poll(src: seL4_CPtr, sender: Option<&mut seL4_Word>) -> seL4_MessageInfo_t {
    #[cfg(sel4_cfg_KERNEL_MCS)]
    // SAFETY: guaranteed by the caller.
    let info = unsafe { seL4_NBWait(src, sender) };
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    // SAFETY: guaranteed by the caller.
    let info = unsafe { seL4_NBRecv(src, sender) };
    info
}

// ---------------------------------------------------------------------------------------------
// Call and combined send-receive

/// Sends a message to `dest` and waits for the reply (`seL4_Call`).
///
/// Message registers 0..3 are taken from the IPC buffer and the reply's are stored there.
///
/// # Safety
///
/// Reads and writes the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[inline]
pub unsafe fn seL4_Call(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t) -> seL4_MessageInfo_t {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe {
        let mrs = mrs_from_ipc_buffer();
        let received = arch::sys_send_recv(
            crate::seL4_SysCall,
            dest as seL4_Word,
            msgInfo.words[0],
            mrs,
            0,
        );
        mrs_to_ipc_buffer(received.mrs);
        info_from_word(received.info)
    }
}

/// [`seL4_Call`] with message registers 0..3 passed in and returned through arguments
/// (`seL4_CallWithMRs`).
///
/// Safe: touches no memory but its arguments (see the [module documentation](self)).
#[inline]
pub fn seL4_CallWithMRs(
    dest: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    mr0: &mut seL4_Word,
    mr1: &mut seL4_Word,
    mr2: &mut seL4_Word,
    mr3: &mut seL4_Word,
) -> seL4_MessageInfo_t {
    let word = msgInfo.words[0];
    let args = [mr0, mr1, mr2, mr3];
    let mrs = mrs_from_args(msgInfo.get_length(), &args);
    // SAFETY: arguments and results travel in registers only.
    let received =
        unsafe { arch::sys_send_recv(crate::seL4_SysCall, dest as seL4_Word, word, mrs, 0) };
    mrs_to_args(received.mrs, args);
    info_from_word(received.info)
}

/// Replies to the last caller and waits for the next message on `src` (`seL4_ReplyRecv`,
/// non-MCS).
///
/// Message registers 0..3 are taken from the IPC buffer and the new message's are stored
/// there; the new sender's badge goes to `sender` if given.
///
/// # Safety
///
/// Reads and writes the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[inline]
pub unsafe fn seL4_ReplyRecv(
    src: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    sender: Option<&mut seL4_Word>,
) -> seL4_MessageInfo_t {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe {
        let mrs = mrs_from_ipc_buffer();
        let received = arch::sys_send_recv(
            crate::seL4_SysReplyRecv,
            src as seL4_Word,
            msgInfo.words[0],
            mrs,
            0,
        );
        mrs_to_ipc_buffer(received.mrs);
        finish(received, sender)
    }
}

/// Replies through the reply object `reply` and waits for the next message on `src`, whose
/// reply capability is placed in `reply` (`seL4_ReplyRecv`, MCS).
///
/// Message registers 0..3 are taken from the IPC buffer and the new message's are stored
/// there; the new sender's badge goes to `sender` if given.
///
/// # Safety
///
/// Reads and writes the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[inline]
pub unsafe fn seL4_ReplyRecv(
    src: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    sender: Option<&mut seL4_Word>,
    reply: seL4_CPtr,
) -> seL4_MessageInfo_t {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe {
        let mrs = mrs_from_ipc_buffer();
        let received = arch::sys_send_recv(
            crate::seL4_SysReplyRecv,
            src as seL4_Word,
            msgInfo.words[0],
            mrs,
            reply_word(reply),
        );
        mrs_to_ipc_buffer(received.mrs);
        finish(received, sender)
    }
}

/// [`seL4_ReplyRecv`] with message registers 0..3 passed in and returned through arguments
/// (`seL4_ReplyRecvWithMRs`, non-MCS).
///
/// Safe: touches no memory but its arguments (see the [module documentation](self)).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[inline]
pub fn seL4_ReplyRecvWithMRs(
    src: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    sender: Option<&mut seL4_Word>,
    mr0: &mut seL4_Word,
    mr1: &mut seL4_Word,
    mr2: &mut seL4_Word,
    mr3: &mut seL4_Word,
) -> seL4_MessageInfo_t {
    let word = msgInfo.words[0];
    let args = [mr0, mr1, mr2, mr3];
    let mrs = mrs_from_args(msgInfo.get_length(), &args);
    // SAFETY: arguments and results travel in registers only.
    let received =
        unsafe { arch::sys_send_recv(crate::seL4_SysReplyRecv, src as seL4_Word, word, mrs, 0) };
    mrs_to_args(received.mrs, args);
    finish(received, sender)
}

/// [`seL4_ReplyRecv`] with message registers 0..3 passed in and returned through arguments
/// (`seL4_ReplyRecvWithMRs`, MCS; `reply` last, as in libsel4).
///
/// Safe: touches no memory but its arguments (see the [module documentation](self)).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[allow(clippy::too_many_arguments)]
#[inline]
pub fn seL4_ReplyRecvWithMRs(
    src: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    sender: Option<&mut seL4_Word>,
    mr0: &mut seL4_Word,
    mr1: &mut seL4_Word,
    mr2: &mut seL4_Word,
    mr3: &mut seL4_Word,
    reply: seL4_CPtr,
) -> seL4_MessageInfo_t {
    let word = msgInfo.words[0];
    let args = [mr0, mr1, mr2, mr3];
    let mrs = mrs_from_args(msgInfo.get_length(), &args);
    // SAFETY: arguments and results travel in registers only.
    let received = unsafe {
        arch::sys_send_recv(
            crate::seL4_SysReplyRecv,
            src as seL4_Word,
            word,
            mrs,
            reply_word(reply),
        )
    };
    mrs_to_args(received.mrs, args);
    finish(received, sender)
}

/// Sends to `dest` without blocking, then waits for a message on `src`, whose reply capability
/// is placed in `reply` (`seL4_NBSendRecv`, MCS).
///
/// Message registers 0..3 are taken from the IPC buffer and the received message's are stored
/// there; its sender's badge goes to `sender` if given.
///
/// # Safety
///
/// Reads and writes the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[inline]
pub unsafe fn seL4_NBSendRecv(
    dest: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    src: seL4_CPtr,
    sender: Option<&mut seL4_Word>,
    reply: seL4_CPtr,
) -> seL4_MessageInfo_t {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe {
        let mrs = mrs_from_ipc_buffer();
        let received = arch::sys_nbsend_recv(
            crate::seL4_SysNBSendRecv,
            dest as seL4_Word,
            src as seL4_Word,
            msgInfo.words[0],
            mrs,
            reply_word(reply),
        );
        mrs_to_ipc_buffer(received.mrs);
        finish(received, sender)
    }
}

/// [`seL4_NBSendRecv`] with message registers 0..3 passed in and returned through arguments
/// (`seL4_NBSendRecvWithMRs`, MCS; `reply` last, as in libsel4).
///
/// Safe: touches no memory but its arguments (see the [module documentation](self)).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[allow(clippy::too_many_arguments)]
#[inline]
pub fn seL4_NBSendRecvWithMRs(
    dest: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    src: seL4_CPtr,
    sender: Option<&mut seL4_Word>,
    mr0: &mut seL4_Word,
    mr1: &mut seL4_Word,
    mr2: &mut seL4_Word,
    mr3: &mut seL4_Word,
    reply: seL4_CPtr,
) -> seL4_MessageInfo_t {
    let word = msgInfo.words[0];
    let args = [mr0, mr1, mr2, mr3];
    let mrs = mrs_from_args(msgInfo.get_length(), &args);
    // SAFETY: arguments and results travel in registers only.
    let received = unsafe {
        arch::sys_nbsend_recv(
            crate::seL4_SysNBSendRecv,
            dest as seL4_Word,
            src as seL4_Word,
            word,
            mrs,
            reply_word(reply),
        )
    };
    mrs_to_args(received.mrs, args);
    finish(received, sender)
}

/// Sends through the reply object `dest` without blocking, then waits for a message on `src`
/// without offering a reply capability (`seL4_NBSendWait`, MCS).
///
/// Message registers 0..3 are taken from the IPC buffer and the received message's are stored
/// there; its sender's badge goes to `sender` if given.
///
/// # Safety
///
/// Reads and writes the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[inline]
pub unsafe fn seL4_NBSendWait(
    dest: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    src: seL4_CPtr,
    sender: Option<&mut seL4_Word>,
) -> seL4_MessageInfo_t {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe {
        let mrs = mrs_from_ipc_buffer();
        // The kernel sends to the capability in the reply register: `dest` goes there.
        let received = arch::sys_nbsend_recv(
            crate::seL4_SysNBSendWait,
            0,
            src as seL4_Word,
            msgInfo.words[0],
            mrs,
            dest as seL4_Word,
        );
        mrs_to_ipc_buffer(received.mrs);
        finish(received, sender)
    }
}

/// [`seL4_NBSendWait`] with message registers 0..3 passed in and returned through arguments
/// (`seL4_NBSendWaitWithMRs`, MCS).
///
/// This makes the `NBSendWait` system call, as [`seL4_NBSendWait`] does. (libsel4's versions
/// of this function make a different call by mistake: `NBSendRecv` on ARM and RISC-V,
/// `ReplyRecv` on x86-64.)
///
/// Safe: touches no memory but its arguments (see the [module documentation](self)).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[allow(clippy::too_many_arguments)]
#[inline]
pub fn seL4_NBSendWaitWithMRs(
    dest: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    src: seL4_CPtr,
    sender: Option<&mut seL4_Word>,
    mr0: &mut seL4_Word,
    mr1: &mut seL4_Word,
    mr2: &mut seL4_Word,
    mr3: &mut seL4_Word,
) -> seL4_MessageInfo_t {
    let word = msgInfo.words[0];
    let args = [mr0, mr1, mr2, mr3];
    let mrs = mrs_from_args(msgInfo.get_length(), &args);
    // SAFETY: arguments and results travel in registers only.
    let received = unsafe {
        arch::sys_nbsend_recv(
            crate::seL4_SysNBSendWait,
            0,
            src as seL4_Word,
            word,
            mrs,
            dest as seL4_Word,
        )
    };
    mrs_to_args(received.mrs, args);
    finish(received, sender)
}

/// Gives up the rest of this thread's time slice (`seL4_Yield`).
///
/// Safe: no arguments, no results.
#[inline]
pub fn seL4_Yield() {
    // SAFETY: no arguments, no results.
    unsafe { arch::sys_null(crate::seL4_SysYield) }
}

// ---------------------------------------------------------------------------------------------
// Debugging (kernel options PRINTING, DEBUG_BUILD, ENABLE_SMP_SUPPORT,
// DANGEROUS_CODE_INJECTION)

/// Prints one character on the kernel's console (`seL4_DebugPutChar`; option `PRINTING`).
///
/// Safe: passes a value in a register.
#[cfg(sel4_syscall = "DebugPutChar")]
#[inline]
pub fn seL4_DebugPutChar(c: u8) {
    // SAFETY: the kernel reads one register; the results are discarded.
    unsafe {
        arch::sys_send_recv(crate::seL4_SysDebugPutChar, c as seL4_Word, 0, [0; 4], 0);
    }
}

/// Prints a string on the kernel's console one byte at a time, stopping at the end or at the
/// first NUL byte (`seL4_DebugPutString`; option `PRINTING`).
///
/// Accepts `&str`, `&[u8]`, byte-string literals and the like.
#[cfg(sel4_syscall = "DebugPutChar")]
#[inline]
pub fn seL4_DebugPutString(s: impl AsRef<[u8]>) {
    for &c in s.as_ref().iter().take_while(|&&c| c != 0) {
        seL4_DebugPutChar(c);
    }
}

/// Prints the kernel's scheduler state on its console (`seL4_DebugDumpScheduler`; option
/// `PRINTING`).
#[cfg(sel4_syscall = "DebugDumpScheduler")]
#[inline]
pub fn seL4_DebugDumpScheduler() {
    // SAFETY: no arguments; the results are discarded.
    unsafe {
        arch::sys_send_recv(crate::seL4_SysDebugDumpScheduler, 0, 0, [0; 4], 0);
    }
}

/// Halts the system (`seL4_DebugHalt`; option `DEBUG_BUILD`).
#[cfg(sel4_syscall = "DebugHalt")]
#[inline]
pub fn seL4_DebugHalt() {
    // SAFETY: no arguments, no results.
    unsafe { arch::sys_null(crate::seL4_SysDebugHalt) }
}

/// Asks the kernel to print a snapshot of the capability state (`seL4_DebugSnapshot`; option
/// `DEBUG_BUILD`).
#[cfg(sel4_syscall = "DebugSnapshot")]
#[inline]
pub fn seL4_DebugSnapshot() {
    // SAFETY: no arguments, no results.
    unsafe { arch::sys_null(crate::seL4_SysDebugSnapshot) }
}

/// The type of the capability `cap` (a `seL4_CapType` value; `seL4_DebugCapIdentify`; option
/// `DEBUG_BUILD`).
#[cfg(sel4_syscall = "DebugCapIdentify")]
#[inline]
pub fn seL4_DebugCapIdentify(cap: seL4_CPtr) -> crate::seL4_Uint32 {
    // SAFETY: the answer comes back in a register.
    let received = unsafe {
        arch::sys_send_recv(
            crate::seL4_SysDebugCapIdentify,
            cap as seL4_Word,
            0,
            [0; 4],
            0,
        )
    };
    received.badge as crate::seL4_Uint32
}

/// Names the thread `tcb` in the kernel's debug output (`seL4_DebugNameThread`; option
/// `DEBUG_BUILD`).
///
/// `name` is copied up to its first NUL byte, and cut short if needed so that it fits, with a
/// terminating NUL, in the message registers of the IPC buffer (libsel4 copies it with
/// `strcpy`, and the kernel halts on a name that fills the whole area).
///
/// # Safety
///
/// Writes the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[cfg(sel4_syscall = "DebugNameThread")]
#[inline]
pub unsafe fn seL4_DebugNameThread(tcb: seL4_CPtr, name: impl AsRef<[u8]>) {
    let name = name.as_ref();
    let name = match name.iter().position(|&c| c == 0) {
        Some(end) => &name[..end],
        None => name,
    };
    // SAFETY: the caller guarantees the IPC buffer pointer is valid; the copy stays within
    // the `msg` array (at most its size minus one byte, then the NUL).
    unsafe {
        let msg = core::ptr::addr_of_mut!((*crate::seL4_GetIPCBuffer()).msg);
        let capacity = core::mem::size_of::<[seL4_Word; crate::seL4_MsgMaxLength as usize]>();
        let len = name.len().min(capacity - 1);
        let dst = msg.cast::<u8>();
        core::ptr::copy_nonoverlapping(name.as_ptr(), dst, len);
        dst.add(len).write(0);
        arch::sys_send_recv(
            crate::seL4_SysDebugNameThread,
            tcb as seL4_Word,
            0,
            [0; 4],
            0,
        );
    }
}

/// The CPU that the thread `tcb` is bound to (`seL4_DebugGetThreadAffinity`; options
/// `DEBUG_BUILD` and `ENABLE_SMP_SUPPORT`, and a kernel whose syscall.xml has the call, as
/// 16.0.0's has and 15.0.0's has not).
#[cfg(sel4_syscall = "DebugGetThreadAffinity")]
#[inline]
pub fn seL4_DebugGetThreadAffinity(tcb: seL4_CPtr) -> seL4_Word {
    // SAFETY: the answer comes back in a register.
    let received = unsafe {
        arch::sys_send_recv(
            crate::seL4_SysDebugGetThreadAffinity,
            tcb as seL4_Word,
            0,
            [0; 4],
            0,
        )
    };
    received.badge
}

/// Sends the software-generated interrupt `irq` (0..15) to CPU `target`
/// (`seL4_DebugSendIPI`; options `DEBUG_BUILD` and `ENABLE_SMP_SUPPORT`).
///
/// libsel4 provides this on ARM only, and kernels implement it on ARM; it is here on every
/// architecture whose configuration defines the system call.
#[cfg(sel4_syscall = "DebugSendIPI")]
#[inline]
pub fn seL4_DebugSendIPI(target: crate::seL4_Uint8, irq: core::ffi::c_uint) {
    // SAFETY: two values in registers; nothing comes back.
    unsafe {
        arch::sys_send(
            crate::seL4_SysDebugSendIPI,
            target as seL4_Word,
            irq as seL4_Word,
            [0; 4],
        )
    }
}

/// Makes the kernel call `userfn(userarg)` in kernel mode (`seL4_DebugRun`; option
/// `DANGEROUS_CODE_INJECTION`).
///
/// # Safety
///
/// `userfn` runs with the kernel's privileges, on the kernel's stack, in this address space:
/// it can do anything. It must be safe to call with `userarg` in that context.
#[cfg(sel4_syscall = "DebugRun")]
#[inline]
pub unsafe fn seL4_DebugRun(
    userfn: unsafe extern "C" fn(*mut core::ffi::c_void),
    userarg: *mut core::ffi::c_void,
) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        arch::sys_send_null(
            crate::seL4_SysDebugRun,
            userfn as usize as seL4_Word,
            userarg as usize as seL4_Word,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Benchmarking (kernel options ENABLE_BENCHMARKS, BENCHMARK_TRACK_UTILISATION)

/// Resets the kernel's benchmark log (`seL4_BenchmarkResetLog`; option `ENABLE_BENCHMARKS`).
#[cfg(sel4_syscall = "BenchmarkResetLog")]
#[inline]
pub fn seL4_BenchmarkResetLog() -> crate::seL4_Error {
    // SAFETY: the answer comes back in a register.
    let received =
        unsafe { arch::sys_send_recv(crate::seL4_SysBenchmarkResetLog, 0, 0, [0; 4], 0) };
    received.badge as crate::seL4_Error
}

/// Stops logging; returns the index of the last log entry (`seL4_BenchmarkFinalizeLog`;
/// option `ENABLE_BENCHMARKS`).
#[cfg(sel4_syscall = "BenchmarkFinalizeLog")]
#[inline]
pub fn seL4_BenchmarkFinalizeLog() -> seL4_Word {
    // SAFETY: the answer comes back in a register.
    let received =
        unsafe { arch::sys_send_recv(crate::seL4_SysBenchmarkFinalizeLog, 0, 0, [0; 4], 0) };
    received.badge
}

/// Gives the kernel the large frame `frame_cptr` to log into (`seL4_BenchmarkSetLogBuffer`;
/// option `ENABLE_BENCHMARKS`).
#[cfg(sel4_syscall = "BenchmarkSetLogBuffer")]
#[inline]
pub fn seL4_BenchmarkSetLogBuffer(frame_cptr: seL4_Word) -> crate::seL4_Error {
    // SAFETY: the answer comes back in a register.
    let received = unsafe {
        arch::sys_send_recv(
            crate::seL4_SysBenchmarkSetLogBuffer,
            frame_cptr,
            0,
            [0; 4],
            0,
        )
    };
    received.badge as crate::seL4_Error
}

/// A system call that does nothing, for measuring entry and exit costs
/// (`seL4_BenchmarkNullSyscall`; option `ENABLE_BENCHMARKS`).
#[cfg(sel4_syscall = "BenchmarkNullSyscall")]
#[inline]
pub fn seL4_BenchmarkNullSyscall() {
    // SAFETY: no arguments, no results.
    unsafe { arch::sys_null(crate::seL4_SysBenchmarkNullSyscall) }
}

/// Cleans and invalidates all caches (`seL4_BenchmarkFlushCaches`; option
/// `ENABLE_BENCHMARKS`).
#[cfg(sel4_syscall = "BenchmarkFlushCaches")]
#[inline]
pub fn seL4_BenchmarkFlushCaches() {
    // SAFETY: two values in registers; nothing comes back.
    unsafe { arch::sys_send_null(crate::seL4_SysBenchmarkFlushCaches, 0, 0) }
}

/// Cleans and invalidates the L1 caches of type `cache_type` (`seL4_BenchmarkFlushL1Caches`;
/// option `ENABLE_BENCHMARKS`; ARM and RISC-V, as in libsel4).
#[cfg(all(sel4_syscall = "BenchmarkFlushCaches", not(target_arch = "x86_64")))]
#[inline]
pub fn seL4_BenchmarkFlushL1Caches(cache_type: seL4_Word) {
    // SAFETY: two values in registers; nothing comes back.
    unsafe { arch::sys_send_null(crate::seL4_SysBenchmarkFlushCaches, 1, cache_type) }
}

/// Stores the utilisation of thread `tcb_cptr` in this thread's IPC buffer
/// (`seL4_BenchmarkGetThreadUtilisation`; option `BENCHMARK_TRACK_UTILISATION`).
///
/// The kernel writes the figures into the IPC buffer frame registered for this thread, as it
/// does for any received message; read them with [`crate::seL4_GetMR`].
#[cfg(sel4_syscall = "BenchmarkGetThreadUtilisation")]
#[inline]
pub fn seL4_BenchmarkGetThreadUtilisation(tcb_cptr: seL4_Word) {
    // SAFETY: one value in a register; results are discarded.
    unsafe {
        arch::sys_send_recv(
            crate::seL4_SysBenchmarkGetThreadUtilisation,
            tcb_cptr,
            0,
            [0; 4],
            0,
        );
    }
}

/// Resets the utilisation counters of thread `tcb_cptr`
/// (`seL4_BenchmarkResetThreadUtilisation`; option `BENCHMARK_TRACK_UTILISATION`).
#[cfg(sel4_syscall = "BenchmarkResetThreadUtilisation")]
#[inline]
pub fn seL4_BenchmarkResetThreadUtilisation(tcb_cptr: seL4_Word) {
    // SAFETY: one value in a register; results are discarded.
    unsafe {
        arch::sys_send_recv(
            crate::seL4_SysBenchmarkResetThreadUtilisation,
            tcb_cptr,
            0,
            [0; 4],
            0,
        );
    }
}

/// Prints the utilisation of every thread on the kernel's console
/// (`seL4_BenchmarkDumpAllThreadsUtilisation`; options `DEBUG_BUILD` and
/// `BENCHMARK_TRACK_UTILISATION`).
#[cfg(sel4_syscall = "BenchmarkDumpAllThreadsUtilisation")]
#[inline]
pub fn seL4_BenchmarkDumpAllThreadsUtilisation() {
    // SAFETY: no arguments; results are discarded.
    unsafe {
        arch::sys_send_recv(
            crate::seL4_SysBenchmarkDumpAllThreadsUtilisation,
            0,
            0,
            [0; 4],
            0,
        );
    }
}

/// Resets the utilisation counters of every thread
/// (`seL4_BenchmarkResetAllThreadsUtilisation`; options `DEBUG_BUILD` and
/// `BENCHMARK_TRACK_UTILISATION`).
#[cfg(sel4_syscall = "BenchmarkResetAllThreadsUtilisation")]
#[inline]
pub fn seL4_BenchmarkResetAllThreadsUtilisation() {
    // SAFETY: no arguments; results are discarded.
    unsafe {
        arch::sys_send_recv(
            crate::seL4_SysBenchmarkResetAllThreadsUtilisation,
            0,
            0,
            [0; 4],
            0,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Thread-local storage and x86-specific calls

/// Sets this thread's TLS base register (`seL4_SetTLSBase`; option `SET_TLS_BASE_SELF`).
///
/// # Safety
///
/// Every thread-local variable, possibly including the IPC buffer pointer, is found through
/// this register: `tls_base` must point to a TLS area laid out as the compiled code expects,
/// and no reference to a thread-local of the old area may be used afterwards.
#[cfg(sel4_syscall = "SetTLSBase")]
#[inline]
pub unsafe fn seL4_SetTLSBase(tls_base: seL4_Word) {
    // SAFETY: guaranteed by the caller.
    unsafe { arch::sys_send_null(crate::seL4_SysSetTLSBase, tls_base, 0) }
}

/// Writes `value` to the model-specific register `msr` (`seL4_X86DangerousWRMSR`; option
/// `KERNEL_X86_DANGEROUS_MSR`, x86-64 only).
///
/// # Safety
///
/// MSRs control the machine (the FS and GS bases that thread-locals use, system-call entry
/// points, ...): the write must not break any assumption of this program or the kernel.
#[cfg(all(sel4_syscall = "X86DangerousWRMSR", target_arch = "x86_64"))]
#[inline]
pub unsafe fn seL4_X86DangerousWRMSR(msr: crate::seL4_Uint32, value: crate::seL4_Uint64) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        arch::sys_send(
            crate::seL4_SysX86DangerousWRMSR,
            msr as seL4_Word,
            0,
            [value as seL4_Word, 0, 0, 0],
        )
    }
}

/// Reads the model-specific register `msr` (`seL4_X86DangerousRDMSR`; option
/// `KERNEL_X86_DANGEROUS_MSR`, x86-64 only).
///
/// Safe: reading an MSR cannot affect this program's memory.
#[cfg(all(sel4_syscall = "X86DangerousRDMSR", target_arch = "x86_64"))]
#[inline]
pub fn seL4_X86DangerousRDMSR(msr: crate::seL4_Uint32) -> crate::seL4_Uint64 {
    // SAFETY: the answer comes back in a register.
    let received = unsafe { arch::sys_recv(crate::seL4_SysX86DangerousRDMSR, msr as seL4_Word, 0) };
    received.mrs[0] as crate::seL4_Uint64
}

/// Runs the guest of this thread's VCPU until it exits or a notification arrives
/// (`seL4_VMEnter`; option `VTX`, x86-64 only).
///
/// Message registers 0..3 (guest state) are taken from the IPC buffer and the new values stored
/// there. Returns `seL4_VMEnter_Result` (0: a notification arrived, whose badge goes to
/// `sender` if given; otherwise the guest faulted).
///
/// # Safety
///
/// Reads and writes the IPC buffer through the IPC buffer pointer, which must be valid (see
/// [`crate::ipc_buffer`]).
#[cfg(all(sel4_syscall = "VMEnter", target_arch = "x86_64"))]
#[inline]
pub unsafe fn seL4_VMEnter(sender: Option<&mut seL4_Word>) -> seL4_Word {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe {
        let mrs = mrs_from_ipc_buffer();
        let received = arch::sys_send_recv(crate::seL4_SysVMEnter, 0, 0, mrs, 0);
        mrs_to_ipc_buffer(received.mrs);
        let fault = received.info;
        if fault == 0 {
            if let Some(sender) = sender {
                *sender = received.badge;
            }
        }
        fault
    }
}
