//! Fault messages, decoded: [`Fault`].
//!
//! When a thread faults, the kernel sends a message on its fault endpoint whose label is the
//! fault type (`seL4_Fault_VMFault`, ...) and whose message registers hold the details, at the
//! indices libsel4 names (`seL4_VMFault_Addr`, ...). [`Fault::new`] reads them.

use sel4_sys::seL4_Word;

use crate::ipc::{get_mr, MessageInfo};

/// A fault a thread took, as its fault handler receives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Not a fault message (`seL4_Fault_NullFault`).
    Null,
    /// A capability lookup failed during a system call (`seL4_Fault_CapFault`).
    CapFault(CapFault),
    /// The thread made a system call the kernel does not know (`seL4_Fault_UnknownSyscall`).
    UnknownSyscall(UnknownSyscall),
    /// The processor raised an exception other than a memory fault
    /// (`seL4_Fault_UserException`).
    UserException(UserException),
    /// A memory access faulted (`seL4_Fault_VMFault`).
    VmFault(VmFault),
    /// The thread's scheduling context ran out of budget (`seL4_Fault_Timeout`, MCS).
    #[cfg(sel4_cfg_KERNEL_MCS)]
    Timeout(Timeout),
    /// A fault type this crate does not decode (virtualisation faults, ...), with its label.
    Other(seL4_Word),
}

/// Details of a [`Fault::VmFault`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VmFault {
    /// The faulting instruction's address.
    pub ip: seL4_Word,
    /// The address accessed.
    pub addr: seL4_Word,
    /// Whether it was an instruction fetch.
    pub prefetch: bool,
    /// The architecture's fault status word.
    pub fsr: seL4_Word,
}

/// Details of a [`Fault::CapFault`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapFault {
    /// The address of the system call instruction.
    pub ip: seL4_Word,
    /// The capability address that could not be looked up.
    pub addr: seL4_Word,
    /// Whether the lookup failed while receiving (rather than sending).
    pub in_recv_phase: bool,
    /// The kind of lookup failure (`seL4_LookupFailureType`).
    pub lookup_failure_type: seL4_Word,
    /// How many bits of the address were left to resolve.
    pub bits_left: seL4_Word,
}

/// Details of a [`Fault::UnknownSyscall`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownSyscall {
    /// The address of the system call instruction.
    pub ip: seL4_Word,
    /// The stack pointer.
    pub sp: seL4_Word,
    /// The system call number.
    pub syscall: seL4_Word,
}

/// Details of a [`Fault::UserException`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserException {
    /// The faulting instruction's address.
    pub ip: seL4_Word,
    /// The stack pointer.
    pub sp: seL4_Word,
    /// The architecture's exception number.
    pub number: seL4_Word,
    /// The architecture's exception code.
    pub code: seL4_Word,
}

/// Details of a [`Fault::Timeout`] (MCS).
#[cfg(sel4_cfg_KERNEL_MCS)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeout {
    /// The badge of the scheduling context that ran out.
    pub data: seL4_Word,
    /// Time consumed since the last report, in microseconds.
    pub consumed: u64,
}

#[inline]
fn mr(index: impl Into<u64>) -> seL4_Word {
    get_mr(index.into() as usize)
}

impl Fault {
    /// Decodes the fault message just received with `info`, reading the message registers.
    ///
    /// Call it before anything else uses the IPC buffer: the next IPC overwrites them.
    #[inline]
    pub fn new(info: MessageInfo) -> Self {
        use sel4_sys::*;
        let label = info.label();
        if label == seL4_Fault_NullFault as seL4_Word {
            Self::Null
        } else if label == seL4_Fault_CapFault as seL4_Word {
            Self::CapFault(CapFault {
                ip: mr(seL4_CapFault_IP),
                addr: mr(seL4_CapFault_Addr),
                in_recv_phase: mr(seL4_CapFault_InRecvPhase) != 0,
                lookup_failure_type: mr(seL4_CapFault_LookupFailureType),
                bits_left: mr(seL4_CapFault_BitsLeft),
            })
        } else if label == seL4_Fault_UnknownSyscall as seL4_Word {
            Self::UnknownSyscall(UnknownSyscall {
                ip: mr(seL4_UnknownSyscall_FaultIP),
                sp: mr(seL4_UnknownSyscall_SP),
                syscall: mr(seL4_UnknownSyscall_Syscall),
            })
        } else if label == seL4_Fault_UserException as seL4_Word {
            Self::UserException(UserException {
                ip: mr(seL4_UserException_FaultIP),
                sp: mr(seL4_UserException_SP),
                number: mr(seL4_UserException_Number),
                code: mr(seL4_UserException_Code),
            })
        } else if label == seL4_Fault_VMFault as seL4_Word {
            Self::VmFault(VmFault {
                ip: mr(seL4_VMFault_IP),
                addr: mr(seL4_VMFault_Addr),
                prefetch: mr(seL4_VMFault_PrefetchFault) != 0,
                fsr: mr(seL4_VMFault_FSR),
            })
        } else {
            Self::new_mcs(label)
        }
    }

    #[cfg(sel4_cfg_KERNEL_MCS)]
    #[inline]
    fn new_mcs(label: seL4_Word) -> Self {
        use sel4_sys::*;
        if label != seL4_Fault_Timeout as seL4_Word {
            return Self::Other(label);
        }
        #[cfg(target_pointer_width = "64")]
        let consumed = mr(seL4_Timeout_Consumed) as u64;
        #[cfg(not(target_pointer_width = "64"))]
        let consumed = ((mr(seL4_Timeout_Consumed_HighBits) as u64) << 32)
            | mr(seL4_Timeout_Consumed_LowBits) as u64;
        Self::Timeout(Timeout {
            data: mr(seL4_Timeout_Data),
            consumed,
        })
    }

    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    #[inline]
    fn new_mcs(label: seL4_Word) -> Self {
        Self::Other(label)
    }
}
