//! Typed capability pointers.

use core::fmt;
use core::marker::PhantomData;

use sel4_sys::{seL4_CPtr, seL4_Word};

/// A capability pointer (`seL4_CPtr`) to an object of type `T`, such as [`Cap<Endpoint>`].
///
/// It is a plain address in the caller's CSpace with the object type as a compile-time tag:
/// the same size and representation as `seL4_CPtr` (`#[repr(transparent)]`), `Copy`, and
/// it owns nothing. The type is a promise made by whoever created the value: the kernel
/// checks the actual capability at each invocation and fails with
/// [`Error::InvalidCapability`](crate::Error::InvalidCapability) or
/// [`Error::IllegalOperation`](crate::Error::IllegalOperation) if it is something else.
///
/// [`Cap<Endpoint>`]: cap_type::Endpoint
#[repr(transparent)]
pub struct Cap<T: CapType> {
    cptr: seL4_CPtr,
    _type: PhantomData<T>,
}

impl<T: CapType> Cap<T> {
    /// The capability at `cptr`, taken to be of type `T`.
    #[inline]
    pub const fn from_bits(cptr: seL4_CPtr) -> Self {
        Self {
            cptr,
            _type: PhantomData,
        }
    }

    /// The capability pointer, for `sel4_sys` functions and C code.
    #[inline]
    pub const fn bits(self) -> seL4_CPtr {
        self.cptr
    }

    /// The same capability pointer taken to be of type `U`.
    #[inline]
    pub const fn cast<U: CapType>(self) -> Cap<U> {
        Cap::from_bits(self.cptr)
    }

    /// The same capability pointer as an [`Unspecified`](cap_type::Unspecified) capability.
    #[inline]
    pub const fn upcast(self) -> Cap<cap_type::Unspecified> {
        self.cast()
    }

    /// Whether this is the null capability pointer (`seL4_CapNull`, slot 0).
    #[inline]
    pub const fn is_null(self) -> bool {
        self.cptr == sel4_sys::seL4_CapNull
    }
}

// Implemented by hand: derives would require `T` itself to be `Clone`, `PartialEq`, ...
impl<T: CapType> Clone for Cap<T> {
    #[inline]
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: CapType> Copy for Cap<T> {}

impl<T: CapType> PartialEq for Cap<T> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.cptr == other.cptr
    }
}

impl<T: CapType> Eq for Cap<T> {}

impl<T: CapType> core::hash::Hash for Cap<T> {
    #[inline]
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.cptr.hash(state);
    }
}

impl<T: CapType> fmt::Debug for Cap<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cap<{}>({:#x})", T::NAME, self.cptr)
    }
}

/// A type of capability: the marker types in [`cap_type`].
pub trait CapType: Copy + 'static {
    /// The name of the type, for debug output.
    const NAME: &'static str;
}

/// A type of kernel object that an untyped object can be retyped into.
pub trait ObjectType: CapType {
    /// The object type number the kernel takes (`seL4_EndpointObject`, ...).
    const OBJECT_TYPE: seL4_Word;
}

/// An object type whose objects all have the same size.
pub trait FixedSizeObject: ObjectType {
    /// The size of one object, as a power of two in bytes (`seL4_EndpointBits`, ...).
    const SIZE_BITS: seL4_Word;
}

pub mod cap_type {
    //! Marker types for [`Cap`](super::Cap): one per type of capability.
    //!
    //! The types with object invocations ([`Tcb`], [`CNode`], [`Untyped`], the architecture's
    //! page tables and frames, ...) are generated from the kernel's interface files, so exactly
    //! this configuration's types exist; [`VSpaceRoot`] and [`Frame`] name the architecture's
    //! address-space root and base-size frame. [`Endpoint`], [`Notification`], [`Reply`] and
    //! [`Unspecified`] are the types without object invocations (endpoints, notifications and
    //! replies have system calls instead).

    use super::{CapType, FixedSizeObject, ObjectType};
    use sel4_sys::seL4_Word;

    pub use crate::generated::markers::*;

    macro_rules! plain_cap_types {
        ($($(#[$doc:meta])* $name:ident;)*) => {$(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum $name {}

            impl CapType for $name {
                const NAME: &'static str = stringify!($name);
            }
        )*};
    }

    plain_cap_types! {
        /// An IPC endpoint (`seL4_EndpointObject`).
        Endpoint;
        /// A notification object (`seL4_NotificationObject`).
        Notification;
        /// Any capability: the type is not known or does not matter.
        Unspecified;
    }

    /// A reply: on MCS kernels a reply object (`seL4_ReplyObject`), which receives the reply
    /// capability of a call; on others a reply capability saved with the CNode invocation
    /// `save_caller` (`seL4_CNode_SaveCaller`). Either way, sending on it replies.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Reply {}

    impl CapType for Reply {
        const NAME: &'static str = "Reply";
    }

    macro_rules! object_types {
        ($($name:ident = $object:ident $(, $bits:ident)?;)*) => {$(
            impl ObjectType for $name {
                const OBJECT_TYPE: seL4_Word = sel4_sys::$object as seL4_Word;
            }

            $(
                impl FixedSizeObject for $name {
                    const SIZE_BITS: seL4_Word = sel4_sys::$bits as seL4_Word;
                }
            )?
        )*};
    }

    object_types! {
        Untyped = seL4_UntypedObject;
        Tcb = seL4_TCBObject, seL4_TCBBits;
        Endpoint = seL4_EndpointObject, seL4_EndpointBits;
        Notification = seL4_NotificationObject, seL4_NotificationBits;
        CNode = seL4_CapTableObject;
    }

    #[cfg(sel4_cfg_KERNEL_MCS)]
    object_types! {
        SchedContext = seL4_SchedContextObject;
        Reply = seL4_ReplyObject, seL4_ReplyBits;
    }

    // The architecture's paging objects: with their blueprints, in `object.rs`.
}

/// A window of slots in a CNode that capabilities are created in, addressed as the kernel's
/// invocations take it: the CNode at `node_index`, resolved to `node_depth` bits from `root`,
/// and `count` slots in it from `offset` on.
///
/// A `node_depth` of 0 names `root` itself; [`Cap::<CNode>::slots`](Cap::slots) makes such a
/// window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CNodeSlots {
    /// The CNode that `node_index` is resolved in.
    pub root: Cap<cap_type::CNode>,
    /// The destination CNode's address, relative to `root`.
    pub node_index: seL4_Word,
    /// How many bits of `node_index` to resolve; 0 for `root` itself.
    pub node_depth: seL4_Word,
    /// The first slot of the window in the destination CNode.
    pub offset: seL4_Word,
    /// How many slots the window has.
    pub count: seL4_Word,
}

impl Cap<cap_type::CNode> {
    /// The window of `count` slots of this CNode from `offset` on.
    #[inline]
    pub const fn slots(self, offset: seL4_Word, count: seL4_Word) -> CNodeSlots {
        CNodeSlots {
            root: self,
            node_index: 0,
            node_depth: 0,
            offset,
            count,
        }
    }
}

/// One capability slot, addressed as the CNode invocations take it: `index` resolved to `depth`
/// bits in the CNode `root`.
///
/// [`Cap::<CNode>::slot`](Cap::slot) makes one for the caller's own CSpace, where a capability
/// pointer resolves all its bits (the root task's CNode: the index is the capability pointer).
/// The methods are the CNode invocations with this slot as destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// The CNode the address is resolved in.
    pub root: Cap<cap_type::CNode>,
    /// The slot's address in `root`.
    pub index: seL4_Word,
    /// How many bits of `index` to resolve.
    pub depth: u8,
}

impl Cap<cap_type::CNode> {
    /// Slot `index` of the CSpace this CNode is the root of, resolving all the bits of the
    /// index, as capability pointers are.
    #[inline]
    pub const fn slot(self, index: seL4_Word) -> Slot {
        Slot {
            root: self,
            index,
            depth: sel4_sys::seL4_WordBits as u8,
        }
    }
}

impl Slot {
    /// The capability in this slot, as a capability pointer of the caller (true when `root`
    /// is the caller's CSpace root and `depth` is the word size, as [`Cap::slot`] makes it).
    #[inline]
    pub const fn cap<T: CapType>(self) -> Cap<T> {
        Cap::from_bits(self.index)
    }

    /// Copies the capability in `src` here, with at most `rights` (`seL4_CNode_Copy`).
    #[inline]
    pub fn copy_from(self, src: Slot, rights: crate::CapRights) -> crate::Result<()> {
        self.root.copy(
            self.index, self.depth, src.root, src.index, src.depth, rights,
        )
    }

    /// Copies the capability in `src` here with at most `rights` and the badge `badge`
    /// (`seL4_CNode_Mint`).
    #[inline]
    pub fn mint_from(
        self,
        src: Slot,
        rights: crate::CapRights,
        badge: seL4_Word,
    ) -> crate::Result<()> {
        self.root.mint(
            self.index, self.depth, src.root, src.index, src.depth, rights, badge,
        )
    }

    /// Moves the capability in `src` here (`seL4_CNode_Move`).
    #[inline]
    pub fn move_from(self, src: Slot) -> crate::Result<()> {
        self.root
            .move_(self.index, self.depth, src.root, src.index, src.depth)
    }

    /// Moves the capability in `src` here, changing its data (a CNode's guard) to `data`
    /// (`seL4_CNode_Mutate`).
    #[inline]
    pub fn mutate_from(self, src: Slot, data: seL4_Word) -> crate::Result<()> {
        self.root
            .mutate(self.index, self.depth, src.root, src.index, src.depth, data)
    }

    /// Deletes the capability in this slot (`seL4_CNode_Delete`).
    #[inline]
    pub fn delete(self) -> crate::Result<()> {
        self.root.delete(self.index, self.depth)
    }

    /// Deletes every capability derived from the one in this slot (`seL4_CNode_Revoke`).
    #[inline]
    pub fn revoke(self) -> crate::Result<()> {
        self.root.revoke(self.index, self.depth)
    }

    /// Cancels the pending sends of the badge of the endpoint capability in this slot
    /// (`seL4_CNode_CancelBadgedSends`).
    #[inline]
    pub fn cancel_badged_sends(self) -> crate::Result<()> {
        self.root.cancel_badged_sends(self.index, self.depth)
    }

    /// Saves the reply capability of the last call received here (`seL4_CNode_SaveCaller`,
    /// non-MCS).
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    #[inline]
    pub fn save_caller(self) -> crate::Result<()> {
        self.root.save_caller(self.index, self.depth)
    }
}

/// The capabilities the kernel gives the root task, in the slots libsel4 names
/// (`seL4_CapInitThreadTCB`, ...).
///
/// In the root task's CSpace a capability pointer equals its slot number in the root CNode.
pub mod init_thread {
    use super::{cap_type, Cap};

    /// The root task's own thread (`seL4_CapInitThreadTCB`).
    pub const TCB: Cap<cap_type::Tcb> = Cap::from_bits(sel4_sys::seL4_CapInitThreadTCB);
    /// The root task's root CNode (`seL4_CapInitThreadCNode`).
    pub const CNODE: Cap<cap_type::CNode> = Cap::from_bits(sel4_sys::seL4_CapInitThreadCNode);
    /// The root task's address space (`seL4_CapInitThreadVSpace`).
    pub const VSPACE: Cap<cap_type::VSpaceRoot> =
        Cap::from_bits(sel4_sys::seL4_CapInitThreadVSpace);
    /// The IRQ control capability (`seL4_CapIRQControl`).
    pub const IRQ_CONTROL: Cap<cap_type::IrqControl> = Cap::from_bits(sel4_sys::seL4_CapIRQControl);
    /// The ASID control capability (`seL4_CapASIDControl`).
    pub const ASID_CONTROL: Cap<cap_type::AsidControl> =
        Cap::from_bits(sel4_sys::seL4_CapASIDControl);
    /// The root task's ASID pool (`seL4_CapInitThreadASIDPool`).
    pub const ASID_POOL: Cap<cap_type::AsidPool> =
        Cap::from_bits(sel4_sys::seL4_CapInitThreadASIDPool);
    /// The I/O port control capability (`seL4_CapIOPortControl`, x86).
    #[cfg(target_arch = "x86_64")]
    pub const IO_PORT_CONTROL: Cap<cap_type::IoPortControl> =
        Cap::from_bits(sel4_sys::seL4_CapIOPortControl);
    /// The domain capability (`seL4_CapDomain`).
    pub const DOMAIN: Cap<cap_type::DomainSet> = Cap::from_bits(sel4_sys::seL4_CapDomain);
    /// The frame holding the boot information (`seL4_CapBootInfoFrame`).
    pub const BOOT_INFO_FRAME: Cap<cap_type::Frame> =
        Cap::from_bits(sel4_sys::seL4_CapBootInfoFrame);
    /// The frame of the root task's IPC buffer (`seL4_CapInitThreadIPCBuffer`).
    pub const IPC_BUFFER: Cap<cap_type::Frame> =
        Cap::from_bits(sel4_sys::seL4_CapInitThreadIPCBuffer);
    /// The root task's scheduling context (`seL4_CapInitThreadSC`, MCS).
    #[cfg(sel4_cfg_KERNEL_MCS)]
    pub const SCHED_CONTEXT: Cap<cap_type::SchedContext> =
        Cap::from_bits(sel4_sys::seL4_CapInitThreadSC);

    /// The scheduling control capability of CPU `node` (`bootinfo.schedcontrol`, MCS).
    #[cfg(sel4_cfg_KERNEL_MCS)]
    #[inline]
    pub fn sched_control(
        bootinfo: &crate::BootInfo,
        node: sel4_sys::seL4_Word,
    ) -> Option<Cap<cap_type::SchedControl>> {
        bootinfo.sched_control().cap(node)
    }
}
