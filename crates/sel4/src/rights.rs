//! Capability access rights: [`CapRights`].

use sel4_sys::{seL4_CapRights, seL4_Word};

/// The rights a capability carries (`seL4_CapRights_t`), for deriving capabilities with fewer
/// rights ([`Cap::<CNode>::copy`](crate::Cap::copy), [`mint`](crate::Cap::mint)) and mapping
/// frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CapRights {
    /// Receive messages; read a frame's memory.
    pub read: bool,
    /// Send messages; write a frame's memory.
    pub write: bool,
    /// Pass capabilities in messages sent through the endpoint.
    pub grant: bool,
    /// Pass capabilities in replies to calls made through the endpoint.
    pub grant_reply: bool,
}

impl CapRights {
    /// All rights (`seL4_AllRights`).
    pub const ALL: Self = Self::new(true, true, true, true);
    /// No rights (`seL4_NoRights`).
    pub const NONE: Self = Self::new(false, false, false, false);
    /// Read and write (`seL4_ReadWrite`).
    pub const READ_WRITE: Self = Self::new(true, true, false, false);
    /// Read only (`seL4_CanRead`).
    pub const READ: Self = Self::new(true, false, false, false);
    /// Write only (`seL4_CanWrite`).
    pub const WRITE: Self = Self::new(false, true, false, false);

    /// Rights with each of the four set as given.
    #[inline]
    pub const fn new(read: bool, write: bool, grant: bool, grant_reply: bool) -> Self {
        Self {
            read,
            write,
            grant,
            grant_reply,
        }
    }

    /// The kernel's bitfield encoding.
    #[inline]
    pub const fn into_sys(self) -> seL4_CapRights {
        seL4_CapRights::new(
            self.grant_reply as _,
            self.grant as _,
            self.read as _,
            self.write as _,
        )
    }

    /// The rights a kernel bitfield encodes.
    #[inline]
    pub const fn from_sys(rights: seL4_CapRights) -> Self {
        Self::new(
            rights.get_capAllowRead() != 0,
            rights.get_capAllowWrite() != 0,
            rights.get_capAllowGrant() != 0,
            rights.get_capAllowGrantReply() != 0,
        )
    }

    /// The raw word of the kernel's encoding.
    #[inline]
    pub const fn into_word(self) -> seL4_Word {
        self.into_sys().words[0] as seL4_Word
    }
}
