//! Object invocations as methods of [`Cap`].
//!
//! Each method calls the generated stub in `sel4_sys` and maps its `seL4_Error` to
//! [`Result`]. They rely on the calling thread's IPC buffer pointer being set (see the
//! [crate documentation](crate#the-ipc-buffer)).

use sel4_sys::seL4_Word;

use crate::cap::{cap_type, CNodeSlots, FixedSizeObject};
use crate::{Cap, Error, Result};

impl Cap<cap_type::Tcb> {
    /// Suspends the thread (`seL4_TCB_Suspend`). Suspending the calling thread does not
    /// return until another thread resumes it.
    pub fn suspend(self) -> Result<()> {
        // SAFETY: the invocation only passes values in registers unless it fails, and then it
        // writes the message registers to the IPC buffer, which the runtime set up for this
        // thread (the crate's documented contract).
        Error::check(unsafe { sel4_sys::seL4_TCB_Suspend(self.bits()) })
    }

    /// Resumes the suspended thread (`seL4_TCB_Resume`).
    pub fn resume(self) -> Result<()> {
        // SAFETY: as in `suspend`.
        Error::check(unsafe { sel4_sys::seL4_TCB_Resume(self.bits()) })
    }
}

impl Cap<cap_type::Untyped> {
    /// Creates `dest.count` objects of type `object_type` (`seL4_EndpointObject`, an
    /// architecture's page type, ...) from this untyped memory, with capabilities to them in
    /// the slots of `dest` (`seL4_Untyped_Retype`).
    ///
    /// `size_bits` is the size of each object for the types whose size varies (untyped
    /// memory, CNodes, ...) as the kernel defines it; fixed-size types ignore it.
    pub fn retype(
        self,
        object_type: seL4_Word,
        size_bits: seL4_Word,
        dest: CNodeSlots,
    ) -> Result<()> {
        // SAFETY: the IPC buffer is set up for this thread (the crate's documented contract),
        // and creating objects from untyped memory cannot change memory this program uses:
        // the kernel refuses untyped memory that still has objects in it.
        Error::check(unsafe {
            sel4_sys::seL4_Untyped_Retype(
                self.bits(),
                object_type,
                size_bits,
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
    pub fn retype_one<T: FixedSizeObject>(
        self,
        cnode: Cap<cap_type::CNode>,
        slot: seL4_Word,
    ) -> Result<Cap<T>> {
        self.retype(T::OBJECT_TYPE, 0, cnode.slots(slot, 1))?;
        Ok(Cap::from_bits(slot))
    }
}
