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
#[cfg(sel4_cfg_PRINTING)]
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::sync::RawMutex;
use crate::{cap_type, Cap, CapType};

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
        let _console = lock_console();
        // `DebugWriter` never fails; an error could only come from a `Display`
        // implementation, and there is nothing better to do with it than stop printing.
        let _ = fmt::Write::write_fmt(&mut DebugWriter, args);
    }
    #[cfg(not(sel4_cfg_PRINTING))]
    let _ = args;
}

/// The lock that keeps [`debug_print!`] and [`debug_println!`] calls of different threads
/// from interleaving: without a notification (one thread) printing takes no lock.
///
/// [`debug_print!`]: crate::debug_print
/// [`debug_println!`]: crate::debug_println
static CONSOLE: RawMutex = RawMutex::new();
/// The IPC buffer address of the thread holding [`CONSOLE`] (a thread's identity that needs
/// no thread-local storage of this crate), 0 when free: a panic while printing prints
/// its message instead of waiting for itself.
#[cfg(sel4_cfg_PRINTING)]
static CONSOLE_OWNER: AtomicUsize = AtomicUsize::new(0);

/// `ipc_buffer_address`, once [`set_console_lock`] was called (0 before). Printing reads the
/// calling thread's identity only through this pointer: a panic before thread-local storage
/// exists (in a runtime's set-up) must have no path to a thread-local read, and with no direct
/// call from the printing functions it has none.
#[cfg(sel4_cfg_PRINTING)]
static THREAD_IDENTITY: AtomicUsize = AtomicUsize::new(0);

/// The calling thread's IPC buffer address: its libsel4 pointer, a thread-local variable.
#[cfg(sel4_cfg_PRINTING)]
fn ipc_buffer_address() -> usize {
    // SAFETY: reads the calling thread's own IPC buffer pointer variable; only reached once
    // threads exist (see `THREAD_IDENTITY`).
    unsafe { sel4_sys::seL4_GetIPCBuffer() as usize }
}

/// Makes [`debug_print!`] and [`debug_println!`] take a lock that sleeps on `notification`,
/// so that each call's text comes out whole when several threads print. `sel4-runtime` calls
/// it when it starts the first thread; a program that starts threads of its own calls it
/// before, with a notification nothing else uses.
///
/// [`debug_print!`]: crate::debug_print
/// [`debug_println!`]: crate::debug_println
pub fn set_console_lock(notification: Cap<cap_type::Notification>) {
    #[cfg(sel4_cfg_PRINTING)]
    {
        let identity: fn() -> usize = ipc_buffer_address;
        THREAD_IDENTITY.store(identity as usize, Ordering::Release);
    }
    CONSOLE.set_notification(notification);
}

/// Whether [`set_console_lock`] was called.
pub fn has_console_lock() -> bool {
    CONSOLE.has_notification()
}

/// The console, held by this thread until the guard is dropped.
#[cfg(sel4_cfg_PRINTING)]
struct ConsoleGuard;

#[cfg(sel4_cfg_PRINTING)]
impl Drop for ConsoleGuard {
    fn drop(&mut self) {
        CONSOLE_OWNER.store(0, Ordering::Relaxed);
        // SAFETY: a `ConsoleGuard` exists only while its thread holds the lock.
        unsafe { CONSOLE.unlock() }
    }
}

/// Takes the console lock if there is one and this thread does not hold it already.
#[cfg(sel4_cfg_PRINTING)]
fn lock_console() -> Option<ConsoleGuard> {
    // Before threads exist (and before thread-local storage is set up, when a panic may print)
    // nothing below runs.
    if !CONSOLE.has_notification() {
        return None;
    }
    let identity = THREAD_IDENTITY.load(Ordering::Acquire);
    if identity == 0 {
        return None;
    }
    // SAFETY: only `set_console_lock` stores here, and it stores a `fn() -> usize`.
    let me = unsafe { core::mem::transmute::<usize, fn() -> usize>(identity) }();
    if CONSOLE_OWNER.load(Ordering::Relaxed) == me {
        return None;
    }
    CONSOLE.lock();
    CONSOLE_OWNER.store(me, Ordering::Relaxed);
    Some(ConsoleGuard)
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
    #[cfg(sel4_cfg_PRINTING)]
    let _console = lock_console();
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

/// The kernel's tags of the capabilities after the thread's, on 64-bit kernels.
#[cfg(target_pointer_width = "64")]
mod late_tags {
    pub(super) const IRQ_CONTROL: u32 = 14;
    pub(super) const IRQ_HANDLER: u32 = 16;
    pub(super) const ZOMBIE: u32 = 18;
    pub(super) const DOMAIN: u32 = 20;
    pub(super) const SCHED_CONTEXT: u32 = 22;
    pub(super) const SCHED_CONTROL: u32 = 24;
}

/// The kernel's tags of the capabilities after the thread's, on 32-bit kernels (8-bit tags).
#[cfg(not(target_pointer_width = "64"))]
mod late_tags {
    pub(super) const IRQ_CONTROL: u32 = 0x0e;
    pub(super) const IRQ_HANDLER: u32 = 0x1e;
    pub(super) const ZOMBIE: u32 = 0x2e;
    pub(super) const DOMAIN: u32 = 0x3e;
    pub(super) const SCHED_CONTEXT: u32 = 0x4e;
    pub(super) const SCHED_CONTROL: u32 = 0x5e;
}

impl CapTag {
    /// The tag for the kernel's number.
    ///
    /// The numbers are the kernel's `structures_64.bf`/`structures_32.bf` (and each mode's
    /// `structures.bf`): the same up to the thread capability, then, on 32-bit kernels, 8-bit
    /// tags whose low 4 bits are `0xe` (`0x0e`, `0x1e`, ...), where 64-bit kernels go on
    /// counting in twos.
    #[inline]
    pub const fn from_raw(tag: u32) -> Self {
        use late_tags::*;
        match tag {
            0 => Self::Null,
            2 => Self::Untyped,
            4 => Self::Endpoint,
            6 => Self::Notification,
            8 => Self::Reply,
            10 => Self::CNode,
            12 => Self::Thread,
            IRQ_CONTROL => Self::IrqControl,
            IRQ_HANDLER => Self::IrqHandler,
            ZOMBIE => Self::Zombie,
            DOMAIN => Self::Domain,
            SCHED_CONTEXT => Self::SchedContext,
            SCHED_CONTROL => Self::SchedControl,
            other => Self::Arch(other),
        }
    }

    /// The object type number ([`ObjectType::OBJECT_TYPE`](crate::ObjectType::OBJECT_TYPE))
    /// of the object such a capability names, for the types [`cap_type`]
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
