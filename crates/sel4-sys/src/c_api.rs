//! libsel4's C API implemented in Rust (cargo feature `c-api`): the system calls, the IPC
//! buffer accessors, every object invocation, the bitfield functions and the fault helpers of
//! this configuration, with C linkage and libsel4's exact names and signatures.
//!
//! Each function is the crate's Rust function of the same name, inlined. Built into a program
//! whose libsel4 is configured with `LibSel4FunctionAttributes=public` (libsel4's functions
//! are then weak symbols in every C file), these strong definitions replace libsel4's: the C
//! code calls Rust without a change to its sources. The CMake option `SEL4_RUST_LIBSEL4`
//! (cmake/sel4_rust.cmake) sets that up.
//!
//! What C may pass and Rust's signatures cannot hold is translated as libsel4 does: a null
//! `sender` is not written, and a null message-register pointer of a `...WithMRs` call sends 0
//! and receives nothing.
//!
//! # Safety
//!
//! Every function is `unsafe`: its C caller keeps libsel4's contract (a valid IPC buffer
//! pointer, pointers valid for reads and writes), which is the Rust function's.

// Every function's contract is libsel4's, stated once in the module documentation.
#![allow(clippy::missing_safety_doc)]

use core::ffi::c_int;

use crate::{seL4_CPtr, seL4_IPCBuffer, seL4_MessageInfo_t, seL4_Word};

// The object invocations, bitfield functions and fault decoders, generated from the interface
// files and bitfield specs like the Rust functions they call.
include!(concat!(env!("SEL4_SYS_GENERATED_DIR"), "/c_api.rs"));

/// `sender` as Rust's optional reference: C passes NULL when it does not want the badge.
///
/// # Safety
///
/// `sender` is null or valid for writes.
unsafe fn sender<'a>(sender: *mut seL4_Word) -> Option<&'a mut seL4_Word> {
    // SAFETY: guaranteed by the caller.
    unsafe { sender.as_mut() }
}

/// `mr` as a reference, or `spare` (zero) when C passed NULL: libsel4 then sends 0 in that
/// register and writes nothing back.
///
/// # Safety
///
/// `mr` is null or valid for reads and writes.
unsafe fn mr(mr: *mut seL4_Word, spare: &mut seL4_Word) -> &mut seL4_Word {
    // SAFETY: guaranteed by the caller.
    match unsafe { mr.as_mut() } {
        Some(mr) => mr,
        None => spare,
    }
}

/// Calls `$f` with the leading arguments, the four message-register pointers translated by
/// [`mr`], and the trailing arguments.
macro_rules! with_mrs {
    ($f:path, ($($before:expr),*), $mr0:ident, $mr1:ident, $mr2:ident, $mr3:ident $(, $after:expr)*) => {{
        let (mut s0, mut s1, mut s2, mut s3) = (0, 0, 0, 0);
        // SAFETY: the caller passes null or valid pointers, as libsel4 requires.
        unsafe {
            $f(
                $($before,)*
                mr($mr0, &mut s0),
                mr($mr1, &mut s1),
                mr($mr2, &mut s2),
                mr($mr3, &mut s3),
                $($after,)*
            )
        }
    }};
}

/// C-linkage functions that pass their arguments unchanged to the Rust function of the same name
/// in `crate::$module`: most of libsel4's API has the same signature in both languages.
macro_rules! forward {
    ($module:ident: $($(#[$attr:meta])* fn $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?;)*) => {$(
        $(#[$attr])*
        #[no_mangle]
        // Some of the Rust functions are safe.
        #[allow(unused_unsafe)]
        pub unsafe extern "C" fn $name($($arg: $ty),*) $(-> $ret)? {
            // SAFETY: the caller keeps libsel4's contract, which is the Rust function's.
            unsafe { crate::$module::$name($($arg),*) }
        }
    )*};
}

/// Prints a panic's message on the kernel's debug console, or nothing when the kernel has none:
/// for the panic handler of a staticlib that provides this API (crates/sel4-libsel4).
pub fn report_panic(info: &core::panic::PanicInfo) {
    #[cfg(sel4_syscall = "DebugPutChar")]
    {
        use core::fmt::Write;
        struct Console;
        impl Write for Console {
            fn write_str(&mut self, s: &str) -> core::fmt::Result {
                crate::syscalls::seL4_DebugPutString(s);
                Ok(())
            }
        }
        let _ = writeln!(Console, "libsel4 (Rust): {info}");
    }
    #[cfg(not(sel4_syscall = "DebugPutChar"))]
    let _ = info;
}

// ---------------------------------------------------------------------------------------------
// The IPC buffer (libsel4's functions.h)

forward! {
    ipc_buffer:
    /// `seL4_IPCBuffer *seL4_GetIPCBuffer(void)`.
    fn seL4_GetIPCBuffer() -> *mut seL4_IPCBuffer;
    /// `void seL4_SetIPCBuffer(seL4_IPCBuffer *ipc_buffer)`.
    fn seL4_SetIPCBuffer(ipc_buffer: *mut seL4_IPCBuffer);
    /// `seL4_Word seL4_GetUserData(void)`.
    fn seL4_GetUserData() -> seL4_Word;
    /// `void seL4_SetUserData(seL4_Word data)`.
    fn seL4_SetUserData(data: seL4_Word);
    /// `void seL4_SetCapReceivePath(seL4_CPtr receiveCNode, seL4_CPtr receiveIndex, seL4_Word receiveDepth)`.
    fn seL4_SetCapReceivePath(receiveCNode: seL4_CPtr, receiveIndex: seL4_CPtr, receiveDepth: seL4_Word);
}

/// `seL4_Word seL4_GetMR(int i)`.
#[no_mangle]
pub unsafe extern "C" fn seL4_GetMR(i: c_int) -> seL4_Word {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::ipc_buffer::seL4_GetMR(i as usize) }
}

/// `void seL4_SetMR(int i, seL4_Word mr)`.
#[no_mangle]
pub unsafe extern "C" fn seL4_SetMR(i: c_int, mr: seL4_Word) {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::ipc_buffer::seL4_SetMR(i as usize, mr) }
}

/// `seL4_Word seL4_GetBadge(int i)`.
#[no_mangle]
pub unsafe extern "C" fn seL4_GetBadge(i: c_int) -> seL4_Word {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::ipc_buffer::seL4_GetBadge(i as usize) }
}

/// `seL4_CPtr seL4_GetCap(int i)`.
#[no_mangle]
pub unsafe extern "C" fn seL4_GetCap(i: c_int) -> seL4_CPtr {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::ipc_buffer::seL4_GetCap(i as usize) }
}

/// `void seL4_SetCap(int i, seL4_CPtr cptr)`.
#[no_mangle]
pub unsafe extern "C" fn seL4_SetCap(i: c_int, cptr: seL4_CPtr) {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::ipc_buffer::seL4_SetCap(i as usize, cptr) }
}

/// `void seL4_GetCapReceivePath(seL4_CPtr *receiveCNode, seL4_CPtr *receiveIndex, seL4_Word *receiveDepth)`.
#[no_mangle]
pub unsafe extern "C" fn seL4_GetCapReceivePath(
    receiveCNode: *mut seL4_CPtr,
    receiveIndex: *mut seL4_CPtr,
    receiveDepth: *mut seL4_Word,
) {
    // SAFETY: the caller passes null or valid pointers and keeps libsel4's contract.
    unsafe {
        crate::ipc_buffer::seL4_GetCapReceivePath(
            receiveCNode.as_mut(),
            receiveIndex.as_mut(),
            receiveDepth.as_mut(),
        )
    }
}

// Kernels that report invocation errors in the IPC buffer (KernelInvocationReportErrorIPC).
forward! {
    debug_error:
    /// `char *seL4_GetDebugError(void)`.
    #[cfg(sel4_cfg_KERNEL_INVOCATION_REPORT_ERROR_IPC)]
    fn seL4_GetDebugError() -> *mut core::ffi::c_char;
    /// `void seL4_SetPrintError(char print_error)`.
    #[cfg(sel4_cfg_KERNEL_INVOCATION_REPORT_ERROR_IPC)]
    fn seL4_SetPrintError(print_error: core::ffi::c_char);
    /// `char seL4_CanPrintError(void)`.
    #[cfg(sel4_cfg_KERNEL_INVOCATION_REPORT_ERROR_IPC)]
    fn seL4_CanPrintError() -> core::ffi::c_char;
}

// ---------------------------------------------------------------------------------------------
// System calls (libsel4's syscalls.h and its architecture's)

forward! {
    syscalls:
    /// `void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)`.
    fn seL4_Send(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t);
    /// `void seL4_NBSend(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)`.
    fn seL4_NBSend(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t);
    /// `void seL4_Reply(seL4_MessageInfo_t msgInfo)` (non-MCS).
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    fn seL4_Reply(msgInfo: seL4_MessageInfo_t);
    /// `void seL4_Signal(seL4_CPtr dest)`.
    fn seL4_Signal(dest: seL4_CPtr);
    /// `seL4_MessageInfo_t seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)`.
    fn seL4_Call(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t) -> seL4_MessageInfo_t;
    /// `void seL4_Yield(void)`.
    fn seL4_Yield();
    /// `void seL4_DebugDumpScheduler(void)`.
    #[cfg(sel4_syscall = "DebugDumpScheduler")]
    fn seL4_DebugDumpScheduler();
    /// `void seL4_DebugHalt(void)`.
    #[cfg(sel4_syscall = "DebugHalt")]
    fn seL4_DebugHalt();
    /// `void seL4_DebugSnapshot(void)`.
    #[cfg(sel4_syscall = "DebugSnapshot")]
    fn seL4_DebugSnapshot();
    /// `seL4_Uint32 seL4_DebugCapIdentify(seL4_CPtr cap)`.
    #[cfg(sel4_syscall = "DebugCapIdentify")]
    fn seL4_DebugCapIdentify(cap: seL4_CPtr) -> crate::seL4_Uint32;
    /// `seL4_Word seL4_DebugGetThreadAffinity(seL4_CPtr tcb)`.
    #[cfg(sel4_syscall = "DebugGetThreadAffinity")]
    fn seL4_DebugGetThreadAffinity(tcb: seL4_CPtr) -> seL4_Word;
    /// `void seL4_DebugSendIPI(seL4_Uint8 target, unsigned irq)`.
    #[cfg(sel4_syscall = "DebugSendIPI")]
    fn seL4_DebugSendIPI(target: crate::seL4_Uint8, irq: core::ffi::c_uint);
    /// `void seL4_DebugRun(void (*userfn)(void *), void *userarg)`.
    #[cfg(sel4_syscall = "DebugRun")]
    fn seL4_DebugRun(userfn: unsafe extern "C" fn(*mut core::ffi::c_void), userarg: *mut core::ffi::c_void);
    /// `seL4_Error seL4_BenchmarkResetLog(void)`.
    #[cfg(sel4_syscall = "BenchmarkResetLog")]
    fn seL4_BenchmarkResetLog() -> crate::seL4_Error;
    /// `seL4_Word seL4_BenchmarkFinalizeLog(void)`.
    #[cfg(sel4_syscall = "BenchmarkFinalizeLog")]
    fn seL4_BenchmarkFinalizeLog() -> seL4_Word;
    /// `seL4_Error seL4_BenchmarkSetLogBuffer(seL4_Word frame_cptr)`.
    #[cfg(sel4_syscall = "BenchmarkSetLogBuffer")]
    fn seL4_BenchmarkSetLogBuffer(frame_cptr: seL4_Word) -> crate::seL4_Error;
    /// `void seL4_BenchmarkNullSyscall(void)`.
    #[cfg(sel4_syscall = "BenchmarkNullSyscall")]
    fn seL4_BenchmarkNullSyscall();
    /// `void seL4_BenchmarkFlushCaches(void)`.
    #[cfg(sel4_syscall = "BenchmarkFlushCaches")]
    fn seL4_BenchmarkFlushCaches();
    /// `void seL4_BenchmarkFlushL1Caches(seL4_Word cache_type)`.
    #[cfg(all(sel4_syscall = "BenchmarkFlushCaches", not(target_arch = "x86_64")))]
    fn seL4_BenchmarkFlushL1Caches(cache_type: seL4_Word);
    /// `void seL4_BenchmarkGetThreadUtilisation(seL4_Word tcb_cptr)`.
    #[cfg(sel4_syscall = "BenchmarkGetThreadUtilisation")]
    fn seL4_BenchmarkGetThreadUtilisation(tcb_cptr: seL4_Word);
    /// `void seL4_BenchmarkResetThreadUtilisation(seL4_Word tcb_cptr)`.
    #[cfg(sel4_syscall = "BenchmarkResetThreadUtilisation")]
    fn seL4_BenchmarkResetThreadUtilisation(tcb_cptr: seL4_Word);
    /// `void seL4_BenchmarkDumpAllThreadsUtilisation(void)`.
    #[cfg(sel4_syscall = "BenchmarkDumpAllThreadsUtilisation")]
    fn seL4_BenchmarkDumpAllThreadsUtilisation();
    /// `void seL4_BenchmarkResetAllThreadsUtilisation(void)`.
    #[cfg(sel4_syscall = "BenchmarkResetAllThreadsUtilisation")]
    fn seL4_BenchmarkResetAllThreadsUtilisation();
    /// `void seL4_SetTLSBase(seL4_Word tls_base)`.
    #[cfg(sel4_syscall = "SetTLSBase")]
    fn seL4_SetTLSBase(tls_base: seL4_Word);
    /// `void seL4_X86DangerousWRMSR(seL4_Uint32 msr, seL4_Uint64 value)`.
    #[cfg(all(sel4_syscall = "X86DangerousWRMSR", target_arch = "x86_64"))]
    fn seL4_X86DangerousWRMSR(msr: crate::seL4_Uint32, value: crate::seL4_Uint64);
    /// `seL4_Uint64 seL4_X86DangerousRDMSR(seL4_Uint32 msr)`.
    #[cfg(all(sel4_syscall = "X86DangerousRDMSR", target_arch = "x86_64"))]
    fn seL4_X86DangerousRDMSR(msr: crate::seL4_Uint32) -> crate::seL4_Uint64;
}

/// `void seL4_SendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0, ..., seL4_Word *mr3)`.
#[no_mangle]
pub unsafe extern "C" fn seL4_SendWithMRs(
    dest: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    mr0: *mut seL4_Word,
    mr1: *mut seL4_Word,
    mr2: *mut seL4_Word,
    mr3: *mut seL4_Word,
) {
    with_mrs!(
        crate::syscalls::seL4_SendWithMRs,
        (dest, msgInfo),
        mr0,
        mr1,
        mr2,
        mr3
    )
}

/// `void seL4_NBSendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0, ..., seL4_Word *mr3)`.
#[no_mangle]
pub unsafe extern "C" fn seL4_NBSendWithMRs(
    dest: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    mr0: *mut seL4_Word,
    mr1: *mut seL4_Word,
    mr2: *mut seL4_Word,
    mr3: *mut seL4_Word,
) {
    with_mrs!(
        crate::syscalls::seL4_NBSendWithMRs,
        (dest, msgInfo),
        mr0,
        mr1,
        mr2,
        mr3
    )
}

/// `void seL4_ReplyWithMRs(seL4_MessageInfo_t msgInfo, seL4_Word *mr0, ..., seL4_Word *mr3)` (non-MCS).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[no_mangle]
pub unsafe extern "C" fn seL4_ReplyWithMRs(
    msgInfo: seL4_MessageInfo_t,
    mr0: *mut seL4_Word,
    mr1: *mut seL4_Word,
    mr2: *mut seL4_Word,
    mr3: *mut seL4_Word,
) {
    with_mrs!(
        crate::syscalls::seL4_ReplyWithMRs,
        (msgInfo),
        mr0,
        mr1,
        mr2,
        mr3
    )
}

/// `seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender)` (non-MCS).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[no_mangle]
pub unsafe extern "C" fn seL4_Recv(src: seL4_CPtr, sender_: *mut seL4_Word) -> seL4_MessageInfo_t {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::syscalls::seL4_Recv(src, sender(sender_)) }
}

/// `seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender, seL4_CPtr reply)` (MCS).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[no_mangle]
pub unsafe extern "C" fn seL4_Recv(
    src: seL4_CPtr,
    sender_: *mut seL4_Word,
    reply: seL4_CPtr,
) -> seL4_MessageInfo_t {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::syscalls::seL4_Recv(src, sender(sender_), reply) }
}

/// `seL4_RecvWithMRs(seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0, ..., seL4_Word *mr3)` (non-MCS).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[no_mangle]
pub unsafe extern "C" fn seL4_RecvWithMRs(
    src: seL4_CPtr,
    sender_: *mut seL4_Word,
    mr0: *mut seL4_Word,
    mr1: *mut seL4_Word,
    mr2: *mut seL4_Word,
    mr3: *mut seL4_Word,
) -> seL4_MessageInfo_t {
    with_mrs!(
        crate::syscalls::seL4_RecvWithMRs,
        (src, sender(sender_)),
        mr0,
        mr1,
        mr2,
        mr3
    )
}

/// `seL4_RecvWithMRs(seL4_CPtr src, seL4_Word *sender, seL4_CPtr reply, seL4_Word *mr0, ..., seL4_Word *mr3)` (MCS).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[no_mangle]
pub unsafe extern "C" fn seL4_RecvWithMRs(
    src: seL4_CPtr,
    sender_: *mut seL4_Word,
    reply: seL4_CPtr,
    mr0: *mut seL4_Word,
    mr1: *mut seL4_Word,
    mr2: *mut seL4_Word,
    mr3: *mut seL4_Word,
) -> seL4_MessageInfo_t {
    with_mrs!(
        crate::syscalls::seL4_RecvWithMRs,
        (src, sender(sender_), reply),
        mr0,
        mr1,
        mr2,
        mr3
    )
}

/// `seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender)` (non-MCS).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[no_mangle]
pub unsafe extern "C" fn seL4_NBRecv(
    src: seL4_CPtr,
    sender_: *mut seL4_Word,
) -> seL4_MessageInfo_t {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::syscalls::seL4_NBRecv(src, sender(sender_)) }
}

/// `seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender, seL4_CPtr reply)` (MCS).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[no_mangle]
pub unsafe extern "C" fn seL4_NBRecv(
    src: seL4_CPtr,
    sender_: *mut seL4_Word,
    reply: seL4_CPtr,
) -> seL4_MessageInfo_t {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::syscalls::seL4_NBRecv(src, sender(sender_), reply) }
}

/// `seL4_CallWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0, ..., seL4_Word *mr3)`.
#[no_mangle]
pub unsafe extern "C" fn seL4_CallWithMRs(
    dest: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    mr0: *mut seL4_Word,
    mr1: *mut seL4_Word,
    mr2: *mut seL4_Word,
    mr3: *mut seL4_Word,
) -> seL4_MessageInfo_t {
    with_mrs!(
        crate::syscalls::seL4_CallWithMRs,
        (dest, msgInfo),
        mr0,
        mr1,
        mr2,
        mr3
    )
}

/// `seL4_ReplyRecv(seL4_CPtr src, seL4_MessageInfo_t msgInfo, seL4_Word *sender)` (non-MCS).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[no_mangle]
pub unsafe extern "C" fn seL4_ReplyRecv(
    src: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    sender_: *mut seL4_Word,
) -> seL4_MessageInfo_t {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::syscalls::seL4_ReplyRecv(src, msgInfo, sender(sender_)) }
}

/// `seL4_ReplyRecv(seL4_CPtr src, seL4_MessageInfo_t msgInfo, seL4_Word *sender, seL4_CPtr reply)` (MCS).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[no_mangle]
pub unsafe extern "C" fn seL4_ReplyRecv(
    src: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    sender_: *mut seL4_Word,
    reply: seL4_CPtr,
) -> seL4_MessageInfo_t {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::syscalls::seL4_ReplyRecv(src, msgInfo, sender(sender_), reply) }
}

/// `seL4_ReplyRecvWithMRs(seL4_CPtr src, seL4_MessageInfo_t msgInfo, seL4_Word *sender, seL4_Word *mr0, ..., seL4_Word *mr3)` (non-MCS).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[no_mangle]
pub unsafe extern "C" fn seL4_ReplyRecvWithMRs(
    src: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    sender_: *mut seL4_Word,
    mr0: *mut seL4_Word,
    mr1: *mut seL4_Word,
    mr2: *mut seL4_Word,
    mr3: *mut seL4_Word,
) -> seL4_MessageInfo_t {
    with_mrs!(
        crate::syscalls::seL4_ReplyRecvWithMRs,
        (src, msgInfo, sender(sender_)),
        mr0,
        mr1,
        mr2,
        mr3
    )
}

/// `seL4_ReplyRecvWithMRs(seL4_CPtr src, seL4_MessageInfo_t msgInfo, seL4_Word *sender, seL4_Word *mr0, ..., seL4_Word *mr3, seL4_CPtr reply)` (MCS).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[no_mangle]
pub unsafe extern "C" fn seL4_ReplyRecvWithMRs(
    src: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    sender_: *mut seL4_Word,
    mr0: *mut seL4_Word,
    mr1: *mut seL4_Word,
    mr2: *mut seL4_Word,
    mr3: *mut seL4_Word,
    reply: seL4_CPtr,
) -> seL4_MessageInfo_t {
    with_mrs!(
        crate::syscalls::seL4_ReplyRecvWithMRs,
        (src, msgInfo, sender(sender_)),
        mr0,
        mr1,
        mr2,
        mr3,
        reply
    )
}

/// `seL4_NBSendRecv(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_CPtr src, seL4_Word *sender, seL4_CPtr reply)` (MCS).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[no_mangle]
pub unsafe extern "C" fn seL4_NBSendRecv(
    dest: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    src: seL4_CPtr,
    sender_: *mut seL4_Word,
    reply: seL4_CPtr,
) -> seL4_MessageInfo_t {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::syscalls::seL4_NBSendRecv(dest, msgInfo, src, sender(sender_), reply) }
}

/// `seL4_NBSendRecvWithMRs(dest, msgInfo, src, sender, mr0, ..., mr3, reply)` (MCS).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[no_mangle]
pub unsafe extern "C" fn seL4_NBSendRecvWithMRs(
    dest: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    src: seL4_CPtr,
    sender_: *mut seL4_Word,
    mr0: *mut seL4_Word,
    mr1: *mut seL4_Word,
    mr2: *mut seL4_Word,
    mr3: *mut seL4_Word,
    reply: seL4_CPtr,
) -> seL4_MessageInfo_t {
    with_mrs!(
        crate::syscalls::seL4_NBSendRecvWithMRs,
        (dest, msgInfo, src, sender(sender_)),
        mr0,
        mr1,
        mr2,
        mr3,
        reply
    )
}

/// `seL4_NBSendWait(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_CPtr src, seL4_Word *sender)` (MCS).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[no_mangle]
pub unsafe extern "C" fn seL4_NBSendWait(
    dest: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    src: seL4_CPtr,
    sender_: *mut seL4_Word,
) -> seL4_MessageInfo_t {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::syscalls::seL4_NBSendWait(dest, msgInfo, src, sender(sender_)) }
}

/// `seL4_NBSendWaitWithMRs(dest, msgInfo, src, sender, mr0, ..., mr3)` (MCS).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[no_mangle]
pub unsafe extern "C" fn seL4_NBSendWaitWithMRs(
    dest: seL4_CPtr,
    msgInfo: seL4_MessageInfo_t,
    src: seL4_CPtr,
    sender_: *mut seL4_Word,
    mr0: *mut seL4_Word,
    mr1: *mut seL4_Word,
    mr2: *mut seL4_Word,
    mr3: *mut seL4_Word,
) -> seL4_MessageInfo_t {
    with_mrs!(
        crate::syscalls::seL4_NBSendWaitWithMRs,
        (dest, msgInfo, src, sender(sender_)),
        mr0,
        mr1,
        mr2,
        mr3
    )
}

/// `void seL4_Wait(seL4_CPtr src, seL4_Word *sender)` (non-MCS).
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[no_mangle]
pub unsafe extern "C" fn seL4_Wait(src: seL4_CPtr, sender_: *mut seL4_Word) {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::syscalls::seL4_Wait(src, sender(sender_)) }
}

/// `seL4_MessageInfo_t seL4_Wait(seL4_CPtr src, seL4_Word *sender)` (MCS).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[no_mangle]
pub unsafe extern "C" fn seL4_Wait(src: seL4_CPtr, sender_: *mut seL4_Word) -> seL4_MessageInfo_t {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::syscalls::seL4_Wait(src, sender(sender_)) }
}

/// `seL4_WaitWithMRs(seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0, ..., seL4_Word *mr3)` (MCS).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[no_mangle]
pub unsafe extern "C" fn seL4_WaitWithMRs(
    src: seL4_CPtr,
    sender_: *mut seL4_Word,
    mr0: *mut seL4_Word,
    mr1: *mut seL4_Word,
    mr2: *mut seL4_Word,
    mr3: *mut seL4_Word,
) -> seL4_MessageInfo_t {
    with_mrs!(
        crate::syscalls::seL4_WaitWithMRs,
        (src, sender(sender_)),
        mr0,
        mr1,
        mr2,
        mr3
    )
}

/// `seL4_MessageInfo_t seL4_NBWait(seL4_CPtr src, seL4_Word *sender)` (MCS).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[no_mangle]
pub unsafe extern "C" fn seL4_NBWait(
    src: seL4_CPtr,
    sender_: *mut seL4_Word,
) -> seL4_MessageInfo_t {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::syscalls::seL4_NBWait(src, sender(sender_)) }
}

/// `seL4_MessageInfo_t seL4_Poll(seL4_CPtr src, seL4_Word *sender)`.
#[no_mangle]
pub unsafe extern "C" fn seL4_Poll(src: seL4_CPtr, sender_: *mut seL4_Word) -> seL4_MessageInfo_t {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::syscalls::seL4_Poll(src, sender(sender_)) }
}

// ---------------------------------------------------------------------------------------------
// Debugging and benchmarking: each exactly when the kernel has the call (syscall.xml).

/// `void seL4_DebugPutChar(char c)`.
#[cfg(sel4_syscall = "DebugPutChar")]
#[no_mangle]
// `char` is signed on some architectures (x86) and unsigned on others.
#[allow(clippy::unnecessary_cast)]
pub unsafe extern "C" fn seL4_DebugPutChar(c: core::ffi::c_char) {
    crate::syscalls::seL4_DebugPutChar(c as u8)
}

/// `void seL4_DebugPutString(char *str)`.
#[cfg(sel4_syscall = "DebugPutChar")]
#[no_mangle]
pub unsafe extern "C" fn seL4_DebugPutString(str: *mut core::ffi::c_char) {
    // SAFETY: the caller passes a NUL-terminated string, as libsel4 requires.
    crate::syscalls::seL4_DebugPutString(unsafe { core::ffi::CStr::from_ptr(str) }.to_bytes())
}

/// `void seL4_DebugNameThread(seL4_CPtr tcb, const char *name)`.
#[cfg(sel4_syscall = "DebugNameThread")]
#[no_mangle]
pub unsafe extern "C" fn seL4_DebugNameThread(tcb: seL4_CPtr, name: *const core::ffi::c_char) {
    // SAFETY: the caller passes a NUL-terminated string and keeps libsel4's contract.
    unsafe {
        crate::syscalls::seL4_DebugNameThread(tcb, core::ffi::CStr::from_ptr(name).to_bytes())
    }
}

/// `seL4_Word seL4_VMEnter(seL4_Word *sender)`.
#[cfg(all(sel4_syscall = "VMEnter", target_arch = "x86_64"))]
#[no_mangle]
pub unsafe extern "C" fn seL4_VMEnter(sender_: *mut seL4_Word) -> seL4_Word {
    // SAFETY: the caller keeps libsel4's contract.
    unsafe { crate::syscalls::seL4_VMEnter(sender(sender_)) }
}

/// `seL4_MessageInfo_t seL4_TimeoutReply_new(seL4_Bool resume, seL4_UserContext regs,
/// seL4_Word length)`: the reply to a timeout fault that restarts the thread with the first
/// `length` registers of `regs` (at most all of them) unless `resume` is set.
#[cfg(sel4_cfg_KERNEL_MCS)]
#[no_mangle]
pub unsafe extern "C" fn seL4_TimeoutReply_new(
    resume: crate::seL4_Bool,
    regs: crate::seL4_UserContext,
    length: seL4_Word,
) -> seL4_MessageInfo_t {
    const WORDS: usize =
        core::mem::size_of::<crate::seL4_UserContext>() / core::mem::size_of::<seL4_Word>();
    // SAFETY: seL4_UserContext is a C struct of WORDS words, as libsel4 reads it.
    let words: &[seL4_Word; WORDS] = unsafe { &*core::ptr::from_ref(&regs).cast() };
    for (i, &word) in words.iter().take(length as usize).enumerate() {
        // SAFETY: the caller's IPC buffer is set, as libsel4's contract says.
        unsafe { crate::seL4_SetMR(i, word) };
    }
    seL4_MessageInfo_t::new(seL4_Word::from(resume == 0), 0, 0, length)
}

/// `seL4_Word seL4_MappingFailedLookupLevel(void)`: after a failed map, the level of the
/// page-table lookup that failed.
#[cfg(not(target_arch = "x86_64"))]
#[no_mangle]
pub unsafe extern "C" fn seL4_MappingFailedLookupLevel() -> seL4_Word {
    // SAFETY: the caller's IPC buffer is set, as libsel4's contract says.
    unsafe { crate::seL4_GetMR(crate::SEL4_MAPPING_LOOKUP_LEVEL as usize) }
}
