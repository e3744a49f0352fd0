// A HAND-MADE STAND-IN for the `bindings.rs` that the sel4gen generator writes, used only by
// sel4-sys's own tests (tests/test_rustbuild.py) until real generator output is available.
// It is NOT generated and NOT authoritative: it has just the items that the hand-written part
// of sel4-sys relies on, with the same names and types. Unlike real output, which is written
// for one configuration, it selects with `cfg`s (word size, MCS, debug options) so that one
// file serves every test configuration. The numbers of the API system calls are those of seL4;
// those of the debug and benchmark calls are arbitrary but distinct.

/// Signed 8-bit integer.
pub type seL4_Int8 = i8;
/// Signed 16-bit integer.
pub type seL4_Int16 = i16;
/// Signed 32-bit integer.
pub type seL4_Int32 = i32;
/// Signed 64-bit integer.
pub type seL4_Int64 = i64;
/// Unsigned 8-bit integer.
pub type seL4_Uint8 = u8;
/// Unsigned 16-bit integer.
pub type seL4_Uint16 = u16;
/// Unsigned 32-bit integer.
pub type seL4_Uint32 = u32;
/// Unsigned 64-bit integer.
pub type seL4_Uint64 = u64;
/// A machine word.
#[cfg(target_pointer_width = "64")]
pub type seL4_Word = seL4_Uint64;
/// A machine word.
#[cfg(target_pointer_width = "32")]
pub type seL4_Word = seL4_Uint32;
/// A capability pointer.
pub type seL4_CPtr = seL4_Word;
/// A boolean.
pub type seL4_Bool = seL4_Int8;

/// A system-call number.
pub type seL4_Syscall_ID = isize;

#[cfg(not(sel4_cfg_KERNEL_MCS))]
mod syscall_numbers {
    use super::seL4_Syscall_ID;
    pub const seL4_SysCall: seL4_Syscall_ID = -1;
    pub const seL4_SysReplyRecv: seL4_Syscall_ID = -2;
    pub const seL4_SysSend: seL4_Syscall_ID = -3;
    pub const seL4_SysNBSend: seL4_Syscall_ID = -4;
    pub const seL4_SysRecv: seL4_Syscall_ID = -5;
    pub const seL4_SysReply: seL4_Syscall_ID = -6;
    pub const seL4_SysYield: seL4_Syscall_ID = -7;
    pub const seL4_SysNBRecv: seL4_Syscall_ID = -8;
}

#[cfg(sel4_cfg_KERNEL_MCS)]
mod syscall_numbers {
    use super::seL4_Syscall_ID;
    pub const seL4_SysCall: seL4_Syscall_ID = -1;
    pub const seL4_SysReplyRecv: seL4_Syscall_ID = -2;
    pub const seL4_SysNBSendRecv: seL4_Syscall_ID = -3;
    pub const seL4_SysNBSendWait: seL4_Syscall_ID = -4;
    pub const seL4_SysSend: seL4_Syscall_ID = -5;
    pub const seL4_SysNBSend: seL4_Syscall_ID = -6;
    pub const seL4_SysRecv: seL4_Syscall_ID = -7;
    pub const seL4_SysNBRecv: seL4_Syscall_ID = -8;
    pub const seL4_SysWait: seL4_Syscall_ID = -9;
    pub const seL4_SysNBWait: seL4_Syscall_ID = -10;
    pub const seL4_SysYield: seL4_Syscall_ID = -11;
}

pub use syscall_numbers::*;

#[cfg(sel4_cfg_PRINTING)]
pub const seL4_SysDebugPutChar: seL4_Syscall_ID = -20;
#[cfg(sel4_cfg_PRINTING)]
pub const seL4_SysDebugDumpScheduler: seL4_Syscall_ID = -21;
#[cfg(sel4_cfg_DEBUG_BUILD)]
pub const seL4_SysDebugHalt: seL4_Syscall_ID = -22;
#[cfg(sel4_cfg_DEBUG_BUILD)]
pub const seL4_SysDebugCapIdentify: seL4_Syscall_ID = -23;
#[cfg(sel4_cfg_DEBUG_BUILD)]
pub const seL4_SysDebugSnapshot: seL4_Syscall_ID = -24;
#[cfg(sel4_cfg_DEBUG_BUILD)]
pub const seL4_SysDebugNameThread: seL4_Syscall_ID = -25;
#[cfg(all(sel4_cfg_DEBUG_BUILD, sel4_cfg_ENABLE_SMP_SUPPORT))]
pub const seL4_SysDebugSendIPI: seL4_Syscall_ID = -26;
#[cfg(all(sel4_cfg_DEBUG_BUILD, sel4_cfg_ENABLE_SMP_SUPPORT))]
pub const seL4_SysDebugGetThreadAffinity: seL4_Syscall_ID = -27;
#[cfg(sel4_cfg_DANGEROUS_CODE_INJECTION)]
pub const seL4_SysDebugRun: seL4_Syscall_ID = -28;
#[cfg(sel4_cfg_ENABLE_BENCHMARKS)]
pub const seL4_SysBenchmarkFlushCaches: seL4_Syscall_ID = -29;
#[cfg(sel4_cfg_ENABLE_BENCHMARKS)]
pub const seL4_SysBenchmarkResetLog: seL4_Syscall_ID = -30;
#[cfg(sel4_cfg_ENABLE_BENCHMARKS)]
pub const seL4_SysBenchmarkFinalizeLog: seL4_Syscall_ID = -31;
#[cfg(sel4_cfg_ENABLE_BENCHMARKS)]
pub const seL4_SysBenchmarkSetLogBuffer: seL4_Syscall_ID = -32;
#[cfg(sel4_cfg_ENABLE_BENCHMARKS)]
pub const seL4_SysBenchmarkNullSyscall: seL4_Syscall_ID = -33;
#[cfg(sel4_cfg_BENCHMARK_TRACK_UTILISATION)]
pub const seL4_SysBenchmarkGetThreadUtilisation: seL4_Syscall_ID = -34;
#[cfg(sel4_cfg_BENCHMARK_TRACK_UTILISATION)]
pub const seL4_SysBenchmarkResetThreadUtilisation: seL4_Syscall_ID = -35;
#[cfg(all(sel4_cfg_DEBUG_BUILD, sel4_cfg_BENCHMARK_TRACK_UTILISATION))]
pub const seL4_SysBenchmarkDumpAllThreadsUtilisation: seL4_Syscall_ID = -36;
#[cfg(all(sel4_cfg_DEBUG_BUILD, sel4_cfg_BENCHMARK_TRACK_UTILISATION))]
pub const seL4_SysBenchmarkResetAllThreadsUtilisation: seL4_Syscall_ID = -37;
#[cfg(sel4_cfg_KERNEL_X86_DANGEROUS_MSR)]
pub const seL4_SysX86DangerousWRMSR: seL4_Syscall_ID = -38;
#[cfg(sel4_cfg_KERNEL_X86_DANGEROUS_MSR)]
pub const seL4_SysX86DangerousRDMSR: seL4_Syscall_ID = -39;
#[cfg(sel4_cfg_VTX)]
pub const seL4_SysVMEnter: seL4_Syscall_ID = -40;
#[cfg(sel4_cfg_SET_TLS_BASE_SELF)]
pub const seL4_SysSetTLSBase: seL4_Syscall_ID = -41;

/// Number of message registers.
pub const seL4_MsgMaxLength: seL4_Word = 120;
/// Number of extra capabilities a message can carry.
pub const seL4_MsgMaxExtraCaps: seL4_Word = 3;

/// Error codes of invocations.
pub type seL4_Error = seL4_Word;
/// Success.
pub const seL4_NoError: seL4_Error = 0;
/// An invalid argument.
pub const seL4_InvalidArgument: seL4_Error = 1;

/// The message info word: label, unwrapped-caps mask, extra caps, length.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct seL4_MessageInfo {
    /// The raw word.
    pub words: [seL4_Word; 1],
}

/// libsel4's name for [`seL4_MessageInfo`].
pub type seL4_MessageInfo_t = seL4_MessageInfo;

impl seL4_MessageInfo {
    /// Packs the four fields.
    #[inline]
    pub const fn new(
        label: seL4_Word,
        capsUnwrapped: seL4_Word,
        extraCaps: seL4_Word,
        length: seL4_Word,
    ) -> Self {
        Self {
            words: [((label & (seL4_Word::MAX >> 12)) << 12)
                | ((capsUnwrapped & 0x7) << 9)
                | ((extraCaps & 0x3) << 7)
                | (length & 0x7f)],
        }
    }
    /// The label.
    #[inline]
    pub const fn get_label(&self) -> seL4_Word {
        self.words[0] >> 12
    }
    /// The number of message registers.
    #[inline]
    pub const fn get_length(&self) -> seL4_Word {
        self.words[0] & 0x7f
    }
    /// Sets the number of message registers.
    #[inline]
    pub fn set_length(&mut self, v: seL4_Word) {
        self.words[0] = (self.words[0] & !0x7f) | (v & 0x7f);
    }
    /// The number of extra capabilities.
    #[inline]
    pub const fn get_extraCaps(&self) -> seL4_Word {
        (self.words[0] >> 7) & 0x3
    }
    /// The mask of unwrapped capabilities.
    #[inline]
    pub const fn get_capsUnwrapped(&self) -> seL4_Word {
        (self.words[0] >> 9) & 0x7
    }
}

/// The IPC buffer.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct seL4_IPCBuffer {
    /// Message info of the last message.
    pub tag: seL4_MessageInfo_t,
    /// Message registers.
    pub msg: [seL4_Word; seL4_MsgMaxLength as usize],
    /// Free for user-level use.
    pub userData: seL4_Word,
    /// Capabilities to send or badges received.
    pub caps_or_badges: [seL4_Word; seL4_MsgMaxExtraCaps as usize],
    /// CNode for received capabilities.
    pub receiveCNode: seL4_CPtr,
    /// Slot index for received capabilities.
    pub receiveIndex: seL4_CPtr,
    /// Depth of `receiveIndex`.
    pub receiveDepth: seL4_Word,
}
