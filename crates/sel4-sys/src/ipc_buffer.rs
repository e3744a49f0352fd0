//! The IPC buffer pointer `__sel4_ipc_buffer` and libsel4's accessors for it.
//!
//! libsel4 keeps the address of the current thread's IPC buffer in the global
//! `seL4_IPCBuffer *__sel4_ipc_buffer`, which is thread-local (`__thread`) when libsel4 is
//! configured with `LIB_SEL4_USE_THREAD_LOCALS`. This crate uses the very same symbol, so Rust
//! and C in one program agree on it:
//!
//! * by default the symbol is only declared (`extern`): C's sel4runtime (or another C or Rust
//!   runtime) defines it;
//! * with the cargo feature `define-ipc-buffer` this crate defines it (`#[no_mangle]`,
//!   initially null), for programs without a C runtime, such as pure-Rust root servers.
//!
//! With `sel4_cfg_LIB_SEL4_USE_THREAD_LOCALS` it is a `#[thread_local]` static, otherwise a
//! plain static shared by all threads of the address space (as in libsel4).
//!
//! # Safety
//!
//! All accessors are `unsafe`. Each one reads or writes through the stored pointer (or, for
//! [`seL4_GetIPCBuffer`] and [`seL4_SetIPCBuffer`], reads or writes a mutable static that C code
//! and, when it is not thread-local, other threads may write at the same time). Callers must
//! ensure that:
//!
//! * the pointer was set (with [`seL4_SetIPCBuffer`] or by the runtime) to this thread's IPC
//!   buffer, mapped and writable, as registered with the kernel for this thread (or to another
//!   valid `seL4_IPCBuffer`);
//! * no other thread accesses the same pointer variable or buffer concurrently, and no Rust
//!   reference into the buffer is alive across the access.
//!
//! Indices are checked: an index at or past the end of the array it names panics instead of
//! reaching past the buffer.

use crate::{seL4_CPtr, seL4_IPCBuffer, seL4_Word};

#[cfg(not(feature = "define-ipc-buffer"))]
extern "C" {
    /// libsel4's IPC buffer pointer, defined by the C runtime (sel4runtime).
    #[cfg_attr(sel4_cfg_LIB_SEL4_USE_THREAD_LOCALS, thread_local)]
    static mut __sel4_ipc_buffer: *mut seL4_IPCBuffer;
}

/// libsel4's IPC buffer pointer, defined here because the `define-ipc-buffer` feature is on.
#[cfg(feature = "define-ipc-buffer")]
#[cfg_attr(sel4_cfg_LIB_SEL4_USE_THREAD_LOCALS, thread_local)]
#[no_mangle]
static mut __sel4_ipc_buffer: *mut seL4_IPCBuffer = core::ptr::null_mut();

/// The current thread's IPC buffer pointer (`seL4_GetIPCBuffer`).
///
/// # Safety
///
/// Reads the mutable static `__sel4_ipc_buffer`: no other thread may write it concurrently
/// (only a concern when it is not thread-local). See the [module documentation](self).
#[inline]
pub unsafe fn seL4_GetIPCBuffer() -> *mut seL4_IPCBuffer {
    // SAFETY: a plain read of the pointer's value; the caller excludes concurrent writers.
    unsafe { __sel4_ipc_buffer }
}

/// Sets the current thread's IPC buffer pointer (`seL4_SetIPCBuffer`).
///
/// This only tells libsel4 and this crate where the buffer is; the kernel learns it from
/// `seL4_TCB_SetIPCBuffer` / `seL4_TCB_Configure`.
///
/// # Safety
///
/// Writes the mutable static `__sel4_ipc_buffer`: no other thread may access it concurrently
/// (only a concern when it is not thread-local). Every accessor and system call that uses the
/// IPC buffer will dereference `ipc_buffer`, so it must point to a valid, writable
/// `seL4_IPCBuffer` (normally the buffer the kernel was given for this thread) for as long as it
/// is installed. See the [module documentation](self).
#[inline]
pub unsafe fn seL4_SetIPCBuffer(ipc_buffer: *mut seL4_IPCBuffer) {
    // SAFETY: a plain write of the pointer's value; the caller excludes concurrent access.
    unsafe { __sel4_ipc_buffer = ipc_buffer }
}

/// Message register `i` from the IPC buffer (`seL4_GetMR`).
///
/// # Safety
///
/// The IPC buffer pointer must be valid; see the [module documentation](self).
///
/// # Panics
///
/// If `i >= seL4_MsgMaxLength`.
#[inline]
pub unsafe fn seL4_GetMR(i: usize) -> seL4_Word {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid; the index is checked.
    unsafe { (*seL4_GetIPCBuffer()).msg[i] }
}

/// Sets message register `i` in the IPC buffer (`seL4_SetMR`).
///
/// # Safety
///
/// The IPC buffer pointer must be valid; see the [module documentation](self).
///
/// # Panics
///
/// If `i >= seL4_MsgMaxLength`.
#[inline]
pub unsafe fn seL4_SetMR(i: usize, mr: seL4_Word) {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid; the index is checked.
    unsafe { (*seL4_GetIPCBuffer()).msg[i] = mr }
}

/// The user-data word of the IPC buffer (`seL4_GetUserData`).
///
/// The kernel never reads or writes it; runtimes use it for per-thread data.
///
/// # Safety
///
/// The IPC buffer pointer must be valid; see the [module documentation](self).
#[inline]
pub unsafe fn seL4_GetUserData() -> seL4_Word {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe { (*seL4_GetIPCBuffer()).userData }
}

/// Sets the user-data word of the IPC buffer (`seL4_SetUserData`).
///
/// # Safety
///
/// The IPC buffer pointer must be valid; see the [module documentation](self).
#[inline]
pub unsafe fn seL4_SetUserData(data: seL4_Word) {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe { (*seL4_GetIPCBuffer()).userData = data }
}

/// Badge `i` of the last received message's unwrapped capabilities (`seL4_GetBadge`).
///
/// # Safety
///
/// The IPC buffer pointer must be valid; see the [module documentation](self).
///
/// # Panics
///
/// If `i >= seL4_MsgMaxExtraCaps`.
#[inline]
pub unsafe fn seL4_GetBadge(i: usize) -> seL4_Word {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid; the index is checked.
    unsafe { (*seL4_GetIPCBuffer()).caps_or_badges[i] }
}

/// Extra capability slot `i` of the IPC buffer (`seL4_GetCap`).
///
/// # Safety
///
/// The IPC buffer pointer must be valid; see the [module documentation](self).
///
/// # Panics
///
/// If `i >= seL4_MsgMaxExtraCaps`.
#[inline]
pub unsafe fn seL4_GetCap(i: usize) -> seL4_CPtr {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid; the index is checked.
    unsafe { (*seL4_GetIPCBuffer()).caps_or_badges[i] as seL4_CPtr }
}

/// Sets extra capability `i` to be sent with the next message (`seL4_SetCap`).
///
/// # Safety
///
/// The IPC buffer pointer must be valid; see the [module documentation](self).
///
/// # Panics
///
/// If `i >= seL4_MsgMaxExtraCaps`.
#[inline]
pub unsafe fn seL4_SetCap(i: usize, cptr: seL4_CPtr) {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid; the index is checked.
    unsafe { (*seL4_GetIPCBuffer()).caps_or_badges[i] = cptr as seL4_Word }
}

/// Where capabilities received by this thread will be stored (`seL4_GetCapReceivePath`).
///
/// Each of the three parts is written only if its argument is `Some`, as libsel4 skips null
/// pointers.
///
/// # Safety
///
/// The IPC buffer pointer must be valid; see the [module documentation](self).
#[inline]
pub unsafe fn seL4_GetCapReceivePath(
    receiveCNode: Option<&mut seL4_CPtr>,
    receiveIndex: Option<&mut seL4_CPtr>,
    receiveDepth: Option<&mut seL4_Word>,
) {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe {
        let ipc_buffer = seL4_GetIPCBuffer();
        if let Some(cnode) = receiveCNode {
            *cnode = (*ipc_buffer).receiveCNode;
        }
        if let Some(index) = receiveIndex {
            *index = (*ipc_buffer).receiveIndex;
        }
        if let Some(depth) = receiveDepth {
            *depth = (*ipc_buffer).receiveDepth;
        }
    }
}

/// Sets where capabilities received by this thread will be stored (`seL4_SetCapReceivePath`):
/// the slot at `receiveIndex`, resolved to `receiveDepth` bits in the CNode `receiveCNode`.
///
/// # Safety
///
/// The IPC buffer pointer must be valid; see the [module documentation](self).
#[inline]
pub unsafe fn seL4_SetCapReceivePath(
    receiveCNode: seL4_CPtr,
    receiveIndex: seL4_CPtr,
    receiveDepth: seL4_Word,
) {
    // SAFETY: the caller guarantees the IPC buffer pointer is valid.
    unsafe {
        let ipc_buffer = seL4_GetIPCBuffer();
        (*ipc_buffer).receiveCNode = receiveCNode;
        (*ipc_buffer).receiveIndex = receiveIndex;
        (*ipc_buffer).receiveDepth = receiveDepth;
    }
}
