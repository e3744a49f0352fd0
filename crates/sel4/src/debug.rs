//! Output on the kernel's debug console, and other debugging aids of debug kernels.
//!
//! The console exists when the kernel is configured with `PRINTING` (`sel4_cfg_PRINTING`).
//! Without it everything here still compiles, and prints nothing: [`debug_print!`],
//! [`debug_println!`] and [`DebugWriter`] discard their output, so code need not be
//! conditional itself. [`PRINTING`] tells which case applies.
//!
//! [`debug_print!`]: crate::debug_print
//! [`debug_println!`]: crate::debug_println

use core::fmt;

use crate::{Cap, CapType};

/// Whether the kernel has a debug console (`PRINTING`), so that output here is shown.
pub const PRINTING: bool = cfg!(sel4_cfg_PRINTING);

/// Prints one byte on the kernel's debug console (`seL4_DebugPutChar`); nothing without
/// `PRINTING`.
#[inline]
pub fn put_char(c: u8) {
    #[cfg(sel4_cfg_PRINTING)]
    sel4_sys::seL4_DebugPutChar(c);
    #[cfg(not(sel4_cfg_PRINTING))]
    let _ = c;
}

/// Prints bytes on the kernel's debug console, one `seL4_DebugPutChar` each; nothing without
/// `PRINTING`.
#[inline]
pub fn put_bytes(bytes: &[u8]) {
    for &c in bytes {
        put_char(c);
    }
}

/// The kernel's debug console as a [`fmt::Write`] sink, for `write!` and `writeln!`.
///
/// Writing never fails; without `PRINTING` the text is discarded.
#[derive(Debug, Default, Clone, Copy)]
pub struct DebugWriter;

impl fmt::Write for DebugWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        put_bytes(s.as_bytes());
        Ok(())
    }
}

/// Formats `args` on the debug console: the implementation of [`debug_print!`] and
/// [`debug_println!`].
///
/// [`debug_print!`]: crate::debug_print
/// [`debug_println!`]: crate::debug_println
#[doc(hidden)]
#[inline]
pub fn _print(args: fmt::Arguments<'_>) {
    #[cfg(sel4_cfg_PRINTING)]
    {
        // `DebugWriter` never fails; an error could only come from a `Display`
        // implementation, and there is nothing better to do with it than stop printing.
        let _ = fmt::Write::write_fmt(&mut DebugWriter, args);
    }
    #[cfg(not(sel4_cfg_PRINTING))]
    let _ = args;
}

/// Prints to the kernel's debug console, formatting like `print!`; nothing without
/// `PRINTING`.
#[macro_export]
macro_rules! debug_print {
    ($($arg:tt)*) => {
        $crate::debug::_print(::core::format_args!($($arg)*))
    };
}

/// Prints a line to the kernel's debug console, formatting like `println!`; nothing
/// without `PRINTING`.
#[macro_export]
macro_rules! debug_println {
    () => {
        $crate::debug::_print(::core::format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::debug::_print(::core::format_args!("{}\n", ::core::format_args!($($arg)*)))
    };
}

/// Prints what a panic handler reports, on the debug console:
///
/// ```text
/// panicked at src/main.rs:12:5:
/// the message
/// ```
///
/// For `#[panic_handler]` functions (`sel4-runtime`'s, or a program's own).
pub fn print_panic(info: &core::panic::PanicInfo<'_>) {
    match info.location() {
        Some(location) => crate::debug_println!("panicked at {location}:"),
        None => crate::debug_println!("panicked:"),
    }
    crate::debug_println!("{}", info.message());
}

/// A capability type as the kernel reports it to [`Cap::debug_identify`]: the kernel's own
/// `cap_tag_t`, which differs from the object type numbers that retyping takes.
///
/// The variants are the architecture-independent tags (even numbers, the same on every
/// architecture); the architectures' own capabilities (frames, page tables, ...) are
/// [`CapTag::Arch`] with the kernel's odd number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CapTag {
    /// An empty slot (`cap_null_cap`).
    Null,
    /// Untyped memory (`cap_untyped_cap`).
    Untyped,
    /// An endpoint (`cap_endpoint_cap`).
    Endpoint,
    /// A notification (`cap_notification_cap`).
    Notification,
    /// A reply capability or, on MCS kernels, a reply object (`cap_reply_cap`).
    Reply,
    /// A CNode (`cap_cnode_cap`).
    CNode,
    /// A thread control block (`cap_thread_cap`).
    Thread,
    /// The IRQ control capability (`cap_irq_control_cap`).
    IrqControl,
    /// An IRQ handler (`cap_irq_handler_cap`).
    IrqHandler,
    /// A capability being deleted (`cap_zombie_cap`).
    Zombie,
    /// The domain capability (`cap_domain_cap`).
    Domain,
    /// A scheduling context, on MCS kernels (`cap_sched_context_cap`).
    SchedContext,
    /// The scheduling control capability, on MCS kernels (`cap_sched_control_cap`).
    SchedControl,
    /// An architecture-specific capability, with the kernel's tag number.
    Arch(u32),
}

impl CapTag {
    /// The tag for the kernel's number.
    #[inline]
    pub const fn from_raw(tag: u32) -> Self {
        match tag {
            0 => Self::Null,
            2 => Self::Untyped,
            4 => Self::Endpoint,
            6 => Self::Notification,
            8 => Self::Reply,
            10 => Self::CNode,
            12 => Self::Thread,
            14 => Self::IrqControl,
            16 => Self::IrqHandler,
            18 => Self::Zombie,
            20 => Self::Domain,
            22 => Self::SchedContext,
            24 => Self::SchedControl,
            other => Self::Arch(other),
        }
    }

    /// The object type number ([`ObjectType::OBJECT_TYPE`](crate::ObjectType::OBJECT_TYPE))
    /// of the object such a capability names, for the types [`cap_type`](crate::cap_type)
    /// has; `None` for the others.
    #[inline]
    pub const fn object_type(self) -> Option<sel4_sys::seL4_Word> {
        match self {
            Self::Untyped => Some(sel4_sys::seL4_UntypedObject as sel4_sys::seL4_Word),
            Self::Thread => Some(sel4_sys::seL4_TCBObject as sel4_sys::seL4_Word),
            Self::Endpoint => Some(sel4_sys::seL4_EndpointObject as sel4_sys::seL4_Word),
            Self::Notification => Some(sel4_sys::seL4_NotificationObject as sel4_sys::seL4_Word),
            Self::CNode => Some(sel4_sys::seL4_CapTableObject as sel4_sys::seL4_Word),
            _ => None,
        }
    }
}

impl<T: CapType> Cap<T> {
    /// What kind of capability is at this capability pointer, as the kernel sees it
    /// (`seL4_DebugCapIdentify`); `None` when the kernel is not a debug build
    /// (`DEBUG_BUILD`). An empty slot, or an address that does not resolve, is
    /// [`CapTag::Null`].
    #[inline]
    pub fn debug_identify(self) -> Option<CapTag> {
        #[cfg(sel4_cfg_DEBUG_BUILD)]
        {
            Some(CapTag::from_raw(sel4_sys::seL4_DebugCapIdentify(
                self.bits(),
            )))
        }
        #[cfg(not(sel4_cfg_DEBUG_BUILD))]
        {
            None
        }
    }
}

/// Prints the kernel's scheduler queues on the debug console (`seL4_DebugDumpScheduler`).
#[cfg(sel4_cfg_PRINTING)]
#[inline]
pub fn dump_scheduler() {
    sel4_sys::seL4_DebugDumpScheduler();
}

/// Stops the whole system (`seL4_DebugHalt`): the kernel halts the machine.
#[cfg(sel4_cfg_DEBUG_BUILD)]
#[inline]
pub fn halt() {
    sel4_sys::seL4_DebugHalt();
}

/// Has the kernel take a snapshot of the system state for capDL (`seL4_DebugSnapshot`).
#[cfg(sel4_cfg_DEBUG_BUILD)]
#[inline]
pub fn snapshot() {
    sel4_sys::seL4_DebugSnapshot();
}

#[cfg(sel4_cfg_DEBUG_BUILD)]
impl Cap<crate::cap_type::Tcb> {
    /// Names the thread for the kernel's debug output (`seL4_DebugNameThread`): fault
    /// reports and the scheduler dump show it. The name is cut to fit the IPC buffer.
    #[inline]
    pub fn debug_name(self, name: &str) {
        // SAFETY: the IPC buffer pointer is set (the crate's contract); the name goes into it
        // and nothing else is touched.
        unsafe { sel4_sys::seL4_DebugNameThread(self.bits(), name) }
    }
}

/// The kernel's benchmark system calls (`ENABLE_BENCHMARKS` and its variants).
#[cfg(sel4_cfg_ENABLE_BENCHMARKS)]
pub mod benchmark {
    use crate::{Cap, Error, Result};

    /// Starts a new benchmark log (`seL4_BenchmarkResetLog`).
    #[inline]
    pub fn reset_log() -> Result<()> {
        Error::check(sel4_sys::seL4_BenchmarkResetLog())
    }

    /// Ends the log and returns how many entries it has (`seL4_BenchmarkFinalizeLog`).
    #[inline]
    pub fn finalize_log() -> sel4_sys::seL4_Word {
        sel4_sys::seL4_BenchmarkFinalizeLog()
    }

    /// Gives the kernel a large frame for its log (`seL4_BenchmarkSetLogBuffer`).
    #[inline]
    pub fn set_log_buffer<T: crate::CapType>(frame: Cap<T>) -> Result<()> {
        Error::check(sel4_sys::seL4_BenchmarkSetLogBuffer(frame.bits()))
    }

    /// A system call that does nothing, for measuring the cost of one
    /// (`seL4_BenchmarkNullSyscall`).
    #[inline]
    pub fn null_syscall() {
        sel4_sys::seL4_BenchmarkNullSyscall();
    }

    /// Flushes the caches (`seL4_BenchmarkFlushCaches`).
    #[inline]
    pub fn flush_caches() {
        sel4_sys::seL4_BenchmarkFlushCaches();
    }

    /// Puts a thread's utilisation figures into the IPC buffer
    /// (`seL4_BenchmarkGetThreadUtilisation`, `BENCHMARK_TRACK_UTILISATION`).
    #[cfg(sel4_cfg_BENCHMARK_TRACK_UTILISATION)]
    #[inline]
    pub fn get_thread_utilisation(tcb: Cap<crate::cap_type::Tcb>) {
        sel4_sys::seL4_BenchmarkGetThreadUtilisation(tcb.bits());
    }

    /// Resets a thread's utilisation figures (`seL4_BenchmarkResetThreadUtilisation`).
    #[cfg(sel4_cfg_BENCHMARK_TRACK_UTILISATION)]
    #[inline]
    pub fn reset_thread_utilisation(tcb: Cap<crate::cap_type::Tcb>) {
        sel4_sys::seL4_BenchmarkResetThreadUtilisation(tcb.bits());
    }
}
