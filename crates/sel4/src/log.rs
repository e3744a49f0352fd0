//! Logging: levels, targets, one global logger set once, and a maximum level both at compile
//! time and at run time.
//!
//! ```ignore
//! static CONSOLE: sel4::log::DebugConsoleLogger = sel4::log::DebugConsoleLogger;
//! sel4::log::set_logger(&CONSOLE).ok();
//! sel4::info!("started with {} untypeds", n);
//! sel4::warn!(target: "alloc", "untyped {i} is full");
//! ```
//!
//! A program's messages go to whichever [`Logger`] it installs: [`DebugConsoleLogger`] (the
//! kernel's debug console, debug kernels only), or its own, over a serial driver for example
//! (`apps/serial-echo`). Before one is installed, messages are dropped.
//!
//! Levels above the compile-time maximum ([`STATIC_MAX_LEVEL`], lowered by the crate's
//! `max-level-*` features) compile to nothing; [`set_max_level`] lowers the maximum at run
//! time (default: everything the compile-time maximum lets through).

use core::fmt;
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::sync::OnceCell;

/// How important a message is; `Error` is the most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(usize)]
pub enum Level {
    /// Something failed.
    Error = 1,
    /// Something is wrong but the program goes on.
    Warn,
    /// What the program does, in broad steps.
    Info,
    /// Details for the developer.
    Debug,
    /// Everything.
    Trace,
}

impl Level {
    /// The name a log line shows: `ERROR`, `WARN`, `INFO`, `DEBUG`, `TRACE`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Error => "ERROR",
            Self::Warn => "WARN",
            Self::Info => "INFO",
            Self::Debug => "DEBUG",
            Self::Trace => "TRACE",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The most detailed level let through, or none ([`LevelFilter::Off`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(usize)]
pub enum LevelFilter {
    /// Nothing.
    Off = 0,
    /// [`Level::Error`] only.
    Error,
    /// Up to [`Level::Warn`].
    Warn,
    /// Up to [`Level::Info`].
    Info,
    /// Up to [`Level::Debug`].
    Debug,
    /// Everything.
    Trace,
}

impl LevelFilter {
    /// Whether messages of `level` pass.
    #[inline]
    pub const fn allows(self, level: Level) -> bool {
        level as usize <= self as usize
    }

    const fn from_usize(n: usize) -> Self {
        match n {
            0 => Self::Off,
            1 => Self::Error,
            2 => Self::Warn,
            3 => Self::Info,
            4 => Self::Debug,
            _ => Self::Trace,
        }
    }
}

/// The compile-time maximum: messages above it are compiled out. `Trace` unless one of the
/// crate's features `max-level-off`, `max-level-error`, `max-level-warn`, `max-level-info`,
/// `max-level-debug` lowers it (the lowest wins).
pub const STATIC_MAX_LEVEL: LevelFilter = if cfg!(feature = "max-level-off") {
    LevelFilter::Off
} else if cfg!(feature = "max-level-error") {
    LevelFilter::Error
} else if cfg!(feature = "max-level-warn") {
    LevelFilter::Warn
} else if cfg!(feature = "max-level-info") {
    LevelFilter::Info
} else if cfg!(feature = "max-level-debug") {
    LevelFilter::Debug
} else {
    LevelFilter::Trace
};

/// One message: its level, its target (the module that logged it unless the call named
/// another) and its text, still to be formatted.
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    /// How important it is.
    pub level: Level,
    /// Where it comes from.
    pub target: &'a str,
    /// The text.
    pub args: fmt::Arguments<'a>,
}

/// Where messages go. Implementations must be usable from every thread (`Sync`) and should
/// write each message whole (one line, not interleaved with another thread's).
pub trait Logger: Sync {
    /// Whether messages of `level` from `target` are wanted (all by default).
    fn enabled(&self, level: Level, target: &str) -> bool {
        let _ = (level, target);
        true
    }

    /// Writes `record`.
    fn log(&self, record: &Record<'_>);
}

static LOGGER: OnceCell<&'static dyn Logger> = OnceCell::new();
static MAX_LEVEL: AtomicUsize = AtomicUsize::new(STATIC_MAX_LEVEL as usize);

/// The global logger is set already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetLoggerError;

impl fmt::Display for SetLoggerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the global logger is set already")
    }
}

/// Installs the global logger, once per program.
///
/// # Errors
///
/// [`SetLoggerError`] when one is installed already.
pub fn set_logger(logger: &'static dyn Logger) -> Result<(), SetLoggerError> {
    LOGGER.set(logger).map_err(|_| SetLoggerError)
}

/// The global logger, if one is installed.
pub fn logger() -> Option<&'static dyn Logger> {
    LOGGER.get().copied()
}

/// Lowers (or raises, up to [`STATIC_MAX_LEVEL`]) the run-time maximum.
pub fn set_max_level(filter: LevelFilter) {
    MAX_LEVEL.store(filter.min(STATIC_MAX_LEVEL) as usize, Ordering::Relaxed);
}

/// The run-time maximum.
pub fn max_level() -> LevelFilter {
    LevelFilter::from_usize(MAX_LEVEL.load(Ordering::Relaxed))
}

/// What the logging macros call: hands the message to the logger if its level passes both
/// maximums and the logger wants it.
#[doc(hidden)]
pub fn _log(level: Level, target: &str, args: fmt::Arguments<'_>) {
    if !max_level().allows(level) {
        return;
    }
    if let Some(logger) = logger() {
        if logger.enabled(level, target) {
            logger.log(&Record {
                level,
                target,
                args,
            });
        }
    }
}

/// A [`Logger`] over the kernel's debug console (debug kernels; nothing is printed without
/// `PRINTING`): one line per message, `LEVEL target: text`, whole even when threads log at
/// once (the console's lock, [`crate::debug::set_console_lock`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct DebugConsoleLogger;

impl Logger for DebugConsoleLogger {
    fn log(&self, record: &Record<'_>) {
        crate::debug_println!("{:<5} {}: {}", record.level, record.target, record.args);
    }
}

/// Logs at `level` (a [`Level`]): `log!(Level::Info, "x = {x}")`, or with a target of its own
/// `log!(target: "net", Level::Info, ...)`.
#[macro_export]
macro_rules! log {
    (target: $target:expr, $level:expr, $($arg:tt)+) => {{
        let level: $crate::log::Level = $level;
        if $crate::log::STATIC_MAX_LEVEL.allows(level) {
            $crate::log::_log(level, $target, ::core::format_args!($($arg)+));
        }
    }};
    ($level:expr, $($arg:tt)+) => {
        $crate::log!(target: ::core::module_path!(), $level, $($arg)+)
    };
}

/// Logs at [`Level::Error`](crate::log::Level::Error), like [`log!`](crate::log!).
#[macro_export]
macro_rules! error {
    (target: $target:expr, $($arg:tt)+) => { $crate::log!(target: $target, $crate::log::Level::Error, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::log::Level::Error, $($arg)+) };
}

/// Logs at [`Level::Warn`](crate::log::Level::Warn), like [`log!`](crate::log!).
#[macro_export]
macro_rules! warn {
    (target: $target:expr, $($arg:tt)+) => { $crate::log!(target: $target, $crate::log::Level::Warn, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::log::Level::Warn, $($arg)+) };
}

/// Logs at [`Level::Info`](crate::log::Level::Info), like [`log!`](crate::log!).
#[macro_export]
macro_rules! info {
    (target: $target:expr, $($arg:tt)+) => { $crate::log!(target: $target, $crate::log::Level::Info, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::log::Level::Info, $($arg)+) };
}

/// Logs at [`Level::Debug`](crate::log::Level::Debug), like [`log!`](crate::log!).
#[macro_export]
macro_rules! debug {
    (target: $target:expr, $($arg:tt)+) => { $crate::log!(target: $target, $crate::log::Level::Debug, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::log::Level::Debug, $($arg)+) };
}

/// Logs at [`Level::Trace`](crate::log::Level::Trace), like [`log!`](crate::log!).
#[macro_export]
macro_rules! trace {
    (target: $target:expr, $($arg:tt)+) => { $crate::log!(target: $target, $crate::log::Level::Trace, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::log::Level::Trace, $($arg)+) };
}
