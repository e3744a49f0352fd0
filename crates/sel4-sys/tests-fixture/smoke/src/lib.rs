//! Calls every function of sel4-sys from outside the crate, as `#[no_mangle]` functions whose
//! machine code tests/test_rustbuild.py disassembles. Never run.

#![no_std]
#![allow(non_snake_case)]

use sel4_sys::*;

fn info(word: seL4_Word) -> seL4_MessageInfo_t {
    seL4_MessageInfo { words: [word] }
}

/// `seL4_CallWithMRs`: the message registers go in and come back in registers. (`dest` comes
/// second so that it has to be moved to the capability register.)
#[no_mangle]
pub extern "C" fn smoke_call_with_mrs(mrs: &mut [seL4_Word; 4], dest: seL4_CPtr) -> seL4_Word {
    let [mr0, mr1, mr2, mr3] = mrs;
    seL4_CallWithMRs(dest, seL4_MessageInfo::new(7, 0, 0, 4), mr0, mr1, mr2, mr3).words[0]
}

/// `seL4_SendWithMRs`, `seL4_NBSendWithMRs`, `seL4_Signal`, `seL4_Yield`.
#[no_mangle]
pub extern "C" fn smoke_send_with_mrs(dest: seL4_CPtr, mrs: &mut [seL4_Word; 4]) {
    let [mr0, mr1, mr2, mr3] = mrs;
    seL4_SendWithMRs(dest, seL4_MessageInfo::new(1, 0, 0, 2), mr0, mr1, mr2, mr3);
    seL4_NBSendWithMRs(dest, seL4_MessageInfo::new(1, 0, 0, 3), mr0, mr1, mr2, mr3);
    seL4_Signal(dest);
    seL4_Yield();
}

/// Every call that goes through the IPC buffer, and the IPC buffer accessors.
///
/// # Safety
///
/// Needs a valid IPC buffer.
#[no_mangle]
pub unsafe extern "C" fn smoke_ipc_buffer(
    dest: seL4_CPtr,
    buffer: *mut seL4_IPCBuffer,
) -> seL4_Word {
    let mut badge: seL4_Word = 0;
    let mut acc: seL4_Word = 0;
    unsafe {
        seL4_SetIPCBuffer(buffer);
        acc ^= seL4_GetIPCBuffer() as usize as seL4_Word;
        seL4_SetMR(5, 55);
        acc ^= seL4_GetMR(5);
        seL4_SetUserData(1);
        acc ^= seL4_GetUserData();
        seL4_SetCap(0, dest);
        acc ^= seL4_GetCap(0);
        acc ^= seL4_GetBadge(1);
        seL4_SetCapReceivePath(1, 2, 3);
        let (mut cnode, mut index, mut depth) = (0, 0, 0);
        seL4_GetCapReceivePath(Some(&mut cnode), Some(&mut index), Some(&mut depth));
        seL4_GetCapReceivePath(None, None, None);
        acc ^= cnode ^ index ^ depth;

        seL4_Send(dest, info(1));
        seL4_NBSend(dest, info(1));
        acc ^= seL4_Call(dest, info(2)).words[0];
        acc ^= seL4_Poll(dest, Some(&mut badge)).words[0];
    }
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    unsafe {
        seL4_Reply(info(3));
        acc ^= seL4_Recv(dest, Some(&mut badge)).words[0];
        acc ^= seL4_NBRecv(dest, None).words[0];
        acc ^= seL4_ReplyRecv(dest, info(4), Some(&mut badge)).words[0];
        seL4_Wait(dest, None);
    }
    #[cfg(sel4_cfg_KERNEL_MCS)]
    unsafe {
        acc ^= seL4_Recv(dest, Some(&mut badge), 9).words[0];
        acc ^= seL4_NBRecv(dest, None, 9).words[0];
        acc ^= seL4_ReplyRecv(dest, info(4), Some(&mut badge), 9).words[0];
        acc ^= seL4_Wait(dest, None).words[0];
        acc ^= seL4_NBWait(dest, Some(&mut badge)).words[0];
        acc ^= seL4_NBSendRecv(dest, info(5), 8, Some(&mut badge), 9).words[0];
        acc ^= seL4_NBSendWait(dest, info(6), 8, None).words[0];
    }
    acc ^ badge
}

/// `seL4_Recv` (non-MCS): the badge comes back in the first argument register.
///
/// # Safety
///
/// Needs a valid IPC buffer.
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[no_mangle]
pub unsafe extern "C" fn smoke_recv(src: seL4_CPtr, badge: &mut seL4_Word) -> seL4_Word {
    unsafe { seL4_Recv(src, Some(badge)).words[0] }
}

/// `seL4_Recv` (MCS): the reply capability goes in the reply register.
///
/// # Safety
///
/// Needs a valid IPC buffer.
#[cfg(sel4_cfg_KERNEL_MCS)]
#[no_mangle]
pub unsafe extern "C" fn smoke_recv(src: seL4_CPtr, badge: &mut seL4_Word) -> seL4_Word {
    unsafe { seL4_Recv(src, Some(badge), 0x99).words[0] }
}

/// The `WithMRs` receive forms.
#[no_mangle]
pub extern "C" fn smoke_recv_with_mrs(src: seL4_CPtr, mrs: &mut [seL4_Word; 4]) -> seL4_Word {
    let mut badge = 0;
    let [mr0, mr1, mr2, mr3] = mrs;
    let mut acc = 0;
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    {
        acc ^= seL4_RecvWithMRs(src, Some(&mut badge), mr0, mr1, mr2, mr3).words[0];
        acc ^= seL4_ReplyRecvWithMRs(src, info(1), None, mr0, mr1, mr2, mr3).words[0];
        seL4_ReplyWithMRs(info(2), mr0, mr1, mr2, mr3);
    }
    #[cfg(sel4_cfg_KERNEL_MCS)]
    {
        acc ^= seL4_RecvWithMRs(src, Some(&mut badge), 9, mr0, mr1, mr2, mr3).words[0];
        acc ^= seL4_ReplyRecvWithMRs(src, info(1), None, mr0, mr1, mr2, mr3, 9).words[0];
        acc ^= seL4_WaitWithMRs(src, Some(&mut badge), mr0, mr1, mr2, mr3).words[0];
        acc ^= seL4_NBSendRecvWithMRs(src, info(2), 8, None, mr0, mr1, mr2, mr3, 9).words[0];
        acc ^= seL4_NBSendWaitWithMRs(src, info(3), 8, None, mr0, mr1, mr2, mr3).words[0];
    }
    acc ^ badge
}

/// `seL4_NBSendRecv` (MCS): destination, source and reply capability in three registers.
///
/// # Safety
///
/// Needs a valid IPC buffer.
#[cfg(sel4_cfg_KERNEL_MCS)]
#[no_mangle]
pub unsafe extern "C" fn smoke_nbsend_recv(dest: seL4_CPtr, src: seL4_CPtr) -> seL4_Word {
    unsafe { seL4_NBSendRecv(dest, info(1), src, None, 0x77).words[0] }
}

/// The debug and benchmark calls of the configuration.
#[no_mangle]
pub extern "C" fn smoke_debug(cap: seL4_CPtr) -> seL4_Word {
    #[allow(unused_mut)]
    let mut acc: seL4_Word = cap;
    #[cfg(sel4_cfg_PRINTING)]
    {
        seL4_DebugPutChar(b'x');
        seL4_DebugPutString("str\n");
        seL4_DebugPutString(b"bytes\0ignored");
        seL4_DebugDumpScheduler();
    }
    #[cfg(sel4_cfg_DEBUG_BUILD)]
    {
        acc ^= seL4_DebugCapIdentify(cap) as seL4_Word;
        seL4_DebugSnapshot();
        seL4_DebugHalt();
    }
    #[cfg(all(sel4_cfg_DEBUG_BUILD, sel4_cfg_ENABLE_SMP_SUPPORT))]
    seL4_DebugSendIPI(1, 2);
    #[cfg(sel4_syscall = "DebugGetThreadAffinity")]
    {
        acc ^= seL4_DebugGetThreadAffinity(cap);
    }
    #[cfg(sel4_cfg_ENABLE_BENCHMARKS)]
    {
        acc ^= seL4_BenchmarkResetLog();
        acc ^= seL4_BenchmarkFinalizeLog();
        acc ^= seL4_BenchmarkSetLogBuffer(cap);
        seL4_BenchmarkNullSyscall();
        seL4_BenchmarkFlushCaches();
        #[cfg(not(target_arch = "x86_64"))]
        seL4_BenchmarkFlushL1Caches(1);
    }
    #[cfg(sel4_cfg_BENCHMARK_TRACK_UTILISATION)]
    {
        seL4_BenchmarkGetThreadUtilisation(cap);
        seL4_BenchmarkResetThreadUtilisation(cap);
    }
    #[cfg(all(sel4_cfg_DEBUG_BUILD, sel4_cfg_BENCHMARK_TRACK_UTILISATION))]
    {
        seL4_BenchmarkDumpAllThreadsUtilisation();
        seL4_BenchmarkResetAllThreadsUtilisation();
    }
    #[cfg(all(target_arch = "x86_64", sel4_cfg_KERNEL_X86_DANGEROUS_MSR))]
    {
        acc ^= seL4_X86DangerousRDMSR(0x10);
    }
    acc
}

/// The debug calls that need the caller's guarantees.
///
/// # Safety
///
/// Needs a valid IPC buffer; runs `f` in the kernel; replaces the TLS base.
#[no_mangle]
pub unsafe extern "C" fn smoke_debug_unsafe(
    cap: seL4_CPtr,
    f: unsafe extern "C" fn(*mut core::ffi::c_void),
) -> seL4_Word {
    let _ = (cap, f);
    #[allow(unused_mut)]
    let mut acc: seL4_Word = 0;
    #[cfg(sel4_cfg_DEBUG_BUILD)]
    unsafe {
        seL4_DebugNameThread(cap, "smoke");
    }
    #[cfg(sel4_cfg_DANGEROUS_CODE_INJECTION)]
    unsafe {
        seL4_DebugRun(f, core::ptr::null_mut());
    }
    #[cfg(sel4_cfg_SET_TLS_BASE_SELF)]
    unsafe {
        seL4_SetTLSBase(0x1000);
    }
    #[cfg(all(target_arch = "x86_64", sel4_cfg_KERNEL_X86_DANGEROUS_MSR))]
    unsafe {
        seL4_X86DangerousWRMSR(0x10, 1);
    }
    #[cfg(all(target_arch = "x86_64", sel4_cfg_VTX))]
    unsafe {
        acc ^= seL4_VMEnter(None);
    }
    acc
}
