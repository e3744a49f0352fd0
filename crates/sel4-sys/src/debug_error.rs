//! The kernel's error messages in the IPC buffer (kernel option `KernelInvocationReportErrorIPC`)
//! and libsel4's helpers for them.
//!
//! A kernel built with that option does not print why it refused an invocation on its console:
//! it writes the message (NUL-terminated, at most [`DEBUG_MESSAGE_MAXLEN`] words) into the
//! caller's IPC buffer from message register [`DEBUG_MESSAGE_START`] on. libsel4's invocation
//! stubs print it with `seL4_DebugPutString` when the call failed and the thread's flag
//! `__sel4_print_error` is set (initially libsel4's option `LibSel4PrintInvocationErrors`, on
//! by default); the generated stubs of this crate do the same, so a refused invocation is
//! reported as it is from C.
//!
//! `__sel4_print_error` is libsel4's symbol, thread-local like `__sel4_ipc_buffer`: declared
//! here and defined by C's libsel4, or defined here with the cargo feature `define-ipc-buffer`
//! (programs without C's libsel4).
//!
//! # Safety
//!
//! As for [`crate::ipc_buffer`]: the IPC buffer pointer must be valid, and no other thread may
//! write the flag concurrently (only a concern when it is not thread-local).

use core::ffi::c_char;

use crate::{seL4_GetIPCBuffer, seL4_MsgMaxLength, DEBUG_MESSAGE_MAXLEN, DEBUG_MESSAGE_START};

// The kernel's message fits in the IPC buffer's message registers, where it is read.
const _: () = assert!(DEBUG_MESSAGE_START + DEBUG_MESSAGE_MAXLEN <= seL4_MsgMaxLength);

#[cfg(not(feature = "define-ipc-buffer"))]
extern "C" {
    /// Whether failed invocations print the kernel's message: libsel4's flag, defined by C.
    #[cfg_attr(sel4_cfg_LIB_SEL4_USE_THREAD_LOCALS, thread_local)]
    static mut __sel4_print_error: c_char;
}

/// Whether failed invocations print the kernel's message, initially libsel4's option
/// `LibSel4PrintInvocationErrors`: defined here because the `define-ipc-buffer` feature is on.
#[cfg(feature = "define-ipc-buffer")]
#[cfg_attr(sel4_cfg_LIB_SEL4_USE_THREAD_LOCALS, thread_local)]
#[no_mangle]
static mut __sel4_print_error: c_char = crate::config::LIB_SEL4_PRINT_INVOCATION_ERRORS as c_char;

/// The kernel's message about the last refused invocation, in the IPC buffer
/// (`seL4_GetDebugError`): a NUL-terminated string of at most [`DEBUG_MESSAGE_MAXLEN`] words.
///
/// # Safety
///
/// The IPC buffer pointer must be valid; see the [module documentation](self).
#[inline]
pub unsafe fn seL4_GetDebugError() -> *mut c_char {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid; the offset is inside `msg`.
    unsafe {
        (*seL4_GetIPCBuffer())
            .msg
            .as_mut_ptr()
            .add(DEBUG_MESSAGE_START as usize) as *mut c_char
    }
}

/// Makes failed invocations of this thread print the kernel's message, or not
/// (`seL4_SetPrintError`).
///
/// # Safety
///
/// Writes the mutable static `__sel4_print_error`; see the [module documentation](self).
#[inline]
pub unsafe fn seL4_SetPrintError(print_error: c_char) {
    // SAFETY: a plain write; the caller excludes concurrent access.
    unsafe { __sel4_print_error = print_error }
}

/// Whether failed invocations of this thread print the kernel's message
/// (`seL4_CanPrintError`).
///
/// # Safety
///
/// Reads the mutable static `__sel4_print_error`; see the [module documentation](self).
#[inline]
pub unsafe fn seL4_CanPrintError() -> c_char {
    // SAFETY: a plain read; the caller excludes concurrent writers.
    unsafe { __sel4_print_error }
}

/// What libsel4's stubs do when an invocation failed: print the kernel's message if this
/// thread's flag is set. Never reads past the message's words, even without a NUL.
///
/// # Safety
///
/// The IPC buffer pointer must be valid; see the [module documentation](self).
#[inline(never)]
#[cold]
pub(crate) unsafe fn report_invocation_error() {
    // SAFETY: guaranteed by the caller.
    if unsafe { seL4_CanPrintError() } == 0 {
        return;
    }
    let bytes = DEBUG_MESSAGE_MAXLEN as usize * core::mem::size_of::<crate::seL4_Word>();
    // SAFETY: the caller guarantees the IPC buffer pointer is valid; the message's words lie
    // inside its message registers (asserted above).
    let message = unsafe { core::slice::from_raw_parts(seL4_GetDebugError() as *const u8, bytes) };
    crate::syscalls::seL4_DebugPutString(message);
}
