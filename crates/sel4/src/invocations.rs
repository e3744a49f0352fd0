//! The invocations written by hand: those whose XML signature the typed API improves on.
//! All others are generated (see [`crate::cap_type`] and the methods of [`Cap`]).

use sel4_sys::seL4_Word;

use crate::cap::{cap_type, CNodeSlots, FixedSizeObject};
use crate::{Cap, Error, ObjectBlueprint, Result};

impl Cap<cap_type::Untyped> {
    /// Creates `dest.count` objects as `blueprint` describes from this untyped memory, with
    /// capabilities to them in the slots of `dest` (`seL4_Untyped_Retype`).
    ///
    /// # Errors
    ///
    /// The kernel's: [`Error::NotEnoughMemory`] when the untyped object has too little room
    /// left, [`Error::RangeError`] for a size or slot range the kernel refuses,
    /// [`Error::DeleteFirst`] when a destination slot is not empty,
    /// [`Error::InvalidCapability`] when this is not an untyped capability, ...
    #[inline]
    pub fn retype(self, blueprint: ObjectBlueprint, dest: CNodeSlots) -> Result<()> {
        // SAFETY: the IPC buffer is set up for this thread (the crate's documented contract),
        // and creating objects from untyped memory cannot change memory this program uses:
        // the kernel refuses untyped memory that still has objects in it.
        Error::check(unsafe {
            sel4_sys::seL4_Untyped_Retype(
                self.bits(),
                blueprint.ty(),
                blueprint.api_size_bits(),
                dest.root.bits(),
                dest.node_index,
                dest.node_depth,
                dest.offset,
                dest.count,
            )
        })
    }

    /// Creates one object of the fixed-size type `T` from this untyped memory, with its
    /// capability in slot `slot` of `cnode`, and returns that capability.
    ///
    /// The returned capability pointer is `slot`: it names the new capability when `cnode` is
    /// the caller's CSpace root and resolves capability pointers to slot numbers, as the root
    /// task's CSpace ([`init_thread::CNODE`](crate::init_thread::CNODE)) does.
    #[inline]
    pub fn retype_one<T: FixedSizeObject>(
        self,
        cnode: Cap<cap_type::CNode>,
        slot: seL4_Word,
    ) -> Result<Cap<T>> {
        // SAFETY: as in `retype`.
        Error::check(unsafe {
            sel4_sys::seL4_Untyped_Retype(
                self.bits(),
                T::OBJECT_TYPE,
                0,
                cnode.bits(),
                0,
                0,
                slot,
                1,
            )
        })?;
        Ok(Cap::from_bits(slot))
    }
}
