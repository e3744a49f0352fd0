//! The kernel's error codes as a Rust error type.

use core::fmt;

use sel4_sys::seL4_Error;

/// The result of a kernel invocation.
pub type Result<T> = core::result::Result<T, Error>;

/// An error a kernel invocation returned: libsel4's `seL4_Error` values other than
/// `seL4_NoError`.
///
/// The kernel's meaning of each value depends on the invocation; see the seL4 manual and the
/// documentation of the `sel4_sys` function behind each method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Error {
    /// `seL4_InvalidArgument`: an argument is out of range or not allowed.
    InvalidArgument,
    /// `seL4_InvalidCapability`: a capability argument has the wrong type or rights.
    InvalidCapability,
    /// `seL4_IllegalOperation`: the operation is not allowed on this object or in this state.
    IllegalOperation,
    /// `seL4_RangeError`: a numeric argument is outside the accepted range.
    RangeError,
    /// `seL4_AlignmentError`: an address or size is not suitably aligned.
    AlignmentError,
    /// `seL4_FailedLookup`: a capability could not be looked up.
    FailedLookup,
    /// `seL4_TruncatedMessage`: the message has fewer words or capabilities than needed.
    TruncatedMessage,
    /// `seL4_DeleteFirst`: the destination slot is not empty.
    DeleteFirst,
    /// `seL4_RevokeFirst`: the object has derived capabilities that must be revoked first.
    RevokeFirst,
    /// `seL4_NotEnoughMemory`: the untyped object has too little free memory.
    NotEnoughMemory,
    /// A value this kernel interface does not define (not expected from a correct kernel).
    Unknown(seL4_Error),
}

impl Error {
    /// The error for a kernel error code, or `None` for `seL4_NoError`.
    // The patterns are libsel4's constants, with libsel4's names.
    #[allow(non_upper_case_globals)]
    pub const fn from_sys(err: seL4_Error) -> Option<Self> {
        use sel4_sys::*;
        Some(match err {
            seL4_NoError => return None,
            seL4_InvalidArgument => Self::InvalidArgument,
            seL4_InvalidCapability => Self::InvalidCapability,
            seL4_IllegalOperation => Self::IllegalOperation,
            seL4_RangeError => Self::RangeError,
            seL4_AlignmentError => Self::AlignmentError,
            seL4_FailedLookup => Self::FailedLookup,
            seL4_TruncatedMessage => Self::TruncatedMessage,
            seL4_DeleteFirst => Self::DeleteFirst,
            seL4_RevokeFirst => Self::RevokeFirst,
            seL4_NotEnoughMemory => Self::NotEnoughMemory,
            other => Self::Unknown(other),
        })
    }

    /// `Ok(())` for `seL4_NoError`, the error otherwise: the result of an invocation that
    /// returned `err`.
    pub const fn check(err: seL4_Error) -> Result<()> {
        match Self::from_sys(err) {
            None => Ok(()),
            Some(error) => Err(error),
        }
    }

    /// The kernel's error code for this error.
    pub const fn to_sys(self) -> seL4_Error {
        use sel4_sys::*;
        match self {
            Self::InvalidArgument => seL4_InvalidArgument,
            Self::InvalidCapability => seL4_InvalidCapability,
            Self::IllegalOperation => seL4_IllegalOperation,
            Self::RangeError => seL4_RangeError,
            Self::AlignmentError => seL4_AlignmentError,
            Self::FailedLookup => seL4_FailedLookup,
            Self::TruncatedMessage => seL4_TruncatedMessage,
            Self::DeleteFirst => seL4_DeleteFirst,
            Self::RevokeFirst => seL4_RevokeFirst,
            Self::NotEnoughMemory => seL4_NotEnoughMemory,
            Self::Unknown(err) => err,
        }
    }

    /// libsel4's name of the error code (`"seL4_NotEnoughMemory"`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Self::InvalidArgument => "seL4_InvalidArgument",
            Self::InvalidCapability => "seL4_InvalidCapability",
            Self::IllegalOperation => "seL4_IllegalOperation",
            Self::RangeError => "seL4_RangeError",
            Self::AlignmentError => "seL4_AlignmentError",
            Self::FailedLookup => "seL4_FailedLookup",
            Self::TruncatedMessage => "seL4_TruncatedMessage",
            Self::DeleteFirst => "seL4_DeleteFirst",
            Self::RevokeFirst => "seL4_RevokeFirst",
            Self::NotEnoughMemory => "seL4_NotEnoughMemory",
            Self::Unknown(_) => "unknown seL4 error",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown(err) => write!(f, "unknown seL4 error {err}"),
            known => write!(f, "{} ({})", known.name(), known.to_sys()),
        }
    }
}

impl core::error::Error for Error {}
