//! The kernel's message about a refused invocation, on kernels that write it into the caller's
//! IPC buffer instead of printing it (kernel option `KernelInvocationReportErrorIPC`,
//! `sel4_cfg_KERNEL_INVOCATION_REPORT_ERROR_IPC`).
//!
//! A method that returns an [`Error`](crate::Error) has printed the kernel's message already
//! when this thread's flag is set ([`can_print_error`]; initially libsel4's option
//! `LibSel4PrintInvocationErrors`). [`debug_error`] reads the message instead, for code that
//! handles the error itself and turns the printing off ([`set_print_error`]).

use core::ffi::c_char;
use core::fmt;
use core::mem::size_of;

use sel4_sys::{seL4_Word, DEBUG_MESSAGE_MAXLEN};

/// The most bytes the kernel's message takes in the IPC buffer, its NUL included.
const CAPACITY: usize = DEBUG_MESSAGE_MAXLEN as usize * size_of::<seL4_Word>();

/// A copy of the kernel's message about the last invocation it refused this thread
/// (`seL4_GetDebugError`), which the next IPC or invocation would overwrite.
///
/// Its [`Display`](fmt::Display) is the message's text (bytes that are not UTF-8 shown as
/// U+FFFD).
#[derive(Clone, Copy)]
pub struct DebugError {
    bytes: [u8; CAPACITY],
    len: usize,
}

impl DebugError {
    /// The message's bytes, without the NUL that ends it.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl fmt::Display for DebugError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.as_bytes().utf8_chunks() {
            f.write_str(chunk.valid())?;
            if !chunk.invalid().is_empty() {
                f.write_str("\u{FFFD}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for DebugError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = f.debug_tuple("DebugError");
        match core::str::from_utf8(self.as_bytes()) {
            Ok(text) => t.field(&text),
            Err(_) => t.field(&self.as_bytes()),
        };
        t.finish()
    }
}

/// The kernel's message about the last invocation it refused this thread, copied out of the
/// IPC buffer (`seL4_GetDebugError`). What it holds after an invocation that succeeded, or
/// after other IPC, is whatever the message registers hold then.
pub fn debug_error() -> DebugError {
    // SAFETY: this crate's methods assume the calling thread's IPC buffer pointer is set (see
    // the crate documentation); the message's words lie inside the buffer's message registers
    // (asserted by sel4-sys), CAPACITY bytes from where seL4_GetDebugError points.
    let message = unsafe {
        core::slice::from_raw_parts(sel4_sys::seL4_GetDebugError() as *const u8, CAPACITY)
    };
    // The kernel ends the message with a NUL; without one, the whole area is the message.
    let len = message.iter().position(|&b| b == 0).unwrap_or(CAPACITY);
    let mut bytes = [0; CAPACITY];
    bytes[..len].copy_from_slice(&message[..len]);
    DebugError { bytes, len }
}

/// Makes the invocations this thread makes from now on print the kernel's message when they
/// fail, or not (`seL4_SetPrintError`).
#[inline]
pub fn set_print_error(print: bool) {
    // SAFETY: libsel4's flag is the thread's own when its IPC buffer pointer is thread-local
    // (LibSel4UseThreadLocals). Otherwise both are shared by every thread, and this crate's
    // methods already assume that only one thread makes invocations (the pointer must be its
    // IPC buffer), so no other thread reads or writes the flag meanwhile.
    unsafe { sel4_sys::seL4_SetPrintError(print as c_char) }
}

/// Whether the invocations this thread makes print the kernel's message when they fail
/// (`seL4_CanPrintError`).
#[inline]
pub fn can_print_error() -> bool {
    // SAFETY: as for set_print_error.
    unsafe { sel4_sys::seL4_CanPrintError() != 0 }
}
