//! The kernel's error codes as a Rust error type.

use core::fmt;
use core::num::NonZero;

use sel4_sys::seL4_Error;

/// The result of a kernel invocation.
pub type Result<T> = core::result::Result<T, Error>;

/// An error a kernel invocation returned: one of libsel4's `seL4_Error` values other than
/// `seL4_NoError`.
///
/// It is the kernel's code itself (a non-zero `seL4_Error`), so `Result<(), Error>` has the size
/// of the code and converting either way costs nothing. The errors the kernel defines are
/// associated constants, usable in patterns:
///
/// ```ignore
/// match tcb.set_priority(authority, 300) {
///     Err(Error::RangeError) => { /* above the authority's maximum controlled priority */ }
///     other => other?,
/// }
/// ```
///
/// The kernel's meaning of each error depends on the invocation; see the seL4 manual and the
/// documentation of each method.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct Error(NonZero<seL4_Error>);

const fn code(value: seL4_Error) -> Error {
    match NonZero::new(value) {
        Some(code) => Error(code),
        None => panic!("seL4_NoError is not an error"),
    }
}

// The constants keep libsel4's names (without the `seL4_` prefix), so they read as the
// variants of an enum.
#[allow(non_upper_case_globals)]
impl Error {
    /// `seL4_InvalidArgument`: an argument is out of range or not allowed.
    pub const InvalidArgument: Self = code(sel4_sys::seL4_InvalidArgument);
    /// `seL4_InvalidCapability`: a capability argument has the wrong type or rights.
    pub const InvalidCapability: Self = code(sel4_sys::seL4_InvalidCapability);
    /// `seL4_IllegalOperation`: the operation is not allowed on this object or in this state.
    pub const IllegalOperation: Self = code(sel4_sys::seL4_IllegalOperation);
    /// `seL4_RangeError`: a numeric argument is outside the accepted range.
    pub const RangeError: Self = code(sel4_sys::seL4_RangeError);
    /// `seL4_AlignmentError`: an address or size is not suitably aligned.
    pub const AlignmentError: Self = code(sel4_sys::seL4_AlignmentError);
    /// `seL4_FailedLookup`: a capability could not be looked up.
    pub const FailedLookup: Self = code(sel4_sys::seL4_FailedLookup);
    /// `seL4_TruncatedMessage`: the message has fewer words or capabilities than needed.
    pub const TruncatedMessage: Self = code(sel4_sys::seL4_TruncatedMessage);
    /// `seL4_DeleteFirst`: the destination slot is not empty.
    pub const DeleteFirst: Self = code(sel4_sys::seL4_DeleteFirst);
    /// `seL4_RevokeFirst`: the object has derived capabilities that must be revoked first.
    pub const RevokeFirst: Self = code(sel4_sys::seL4_RevokeFirst);
    /// `seL4_NotEnoughMemory`: the untyped object has too little free memory.
    pub const NotEnoughMemory: Self = code(sel4_sys::seL4_NotEnoughMemory);

    /// Every error the kernel defines, in the order of their codes.
    pub const ALL: [Self; 10] = [
        Self::InvalidArgument,
        Self::InvalidCapability,
        Self::IllegalOperation,
        Self::RangeError,
        Self::AlignmentError,
        Self::FailedLookup,
        Self::TruncatedMessage,
        Self::DeleteFirst,
        Self::RevokeFirst,
        Self::NotEnoughMemory,
    ];

    /// The error for a kernel error code, or `None` for `seL4_NoError`.
    #[inline]
    pub const fn from_sys(err: seL4_Error) -> Option<Self> {
        match NonZero::new(err) {
            Some(code) => Some(Self(code)),
            None => None,
        }
    }

    /// `Ok(())` for `seL4_NoError`, the error otherwise: the result of an invocation that
    /// returned `err`.
    #[inline]
    pub const fn check(err: seL4_Error) -> Result<()> {
        match Self::from_sys(err) {
            None => Ok(()),
            Some(error) => Err(error),
        }
    }

    /// The kernel's error code for this error.
    #[inline]
    pub const fn to_sys(self) -> seL4_Error {
        self.0.get()
    }

    /// Whether this is one of the errors the kernel defines (below `seL4_NumErrors`), as a
    /// correct kernel always returns.
    #[inline]
    pub const fn is_known(self) -> bool {
        self.0.get() < sel4_sys::seL4_NumErrors
    }

    /// libsel4's name of the error code (`"seL4_NotEnoughMemory"`, ...), or
    /// `"unknown seL4 error"`.
    pub const fn name(self) -> &'static str {
        const NAMES: [&str; 10] = [
            "seL4_InvalidArgument",
            "seL4_InvalidCapability",
            "seL4_IllegalOperation",
            "seL4_RangeError",
            "seL4_AlignmentError",
            "seL4_FailedLookup",
            "seL4_TruncatedMessage",
            "seL4_DeleteFirst",
            "seL4_RevokeFirst",
            "seL4_NotEnoughMemory",
        ];
        let mut i = 0;
        while i < Self::ALL.len() {
            if Self::ALL[i].to_sys() == self.to_sys() {
                return NAMES[i];
            }
            i += 1;
        }
        "unknown seL4 error"
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name().strip_prefix("seL4_") {
            Some(name) => f.write_str(name),
            None => write!(f, "Error({})", self.to_sys()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_known() {
            write!(f, "{} ({})", self.name(), self.to_sys())
        } else {
            write!(f, "unknown seL4 error {}", self.to_sys())
        }
    }
}

impl core::error::Error for Error {}
