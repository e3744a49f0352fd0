//! Mapping frames into the root server's own address space: [`AddressSpace`].
//!
//! The root server's image sits at the bottom of its address space; the runtime places what it
//! maps (thread stacks, IPC buffers, frames the program asks for) in a separate window,
//! [`AddressSpace::WINDOW`], handed out upwards and never reused. Page tables are created on
//! demand: when the kernel reports that a mapping has no page table at some level
//! (`seL4_FailedLookup`), one is created from untyped memory and mapped there (on x86-64 the
//! page table, page directory or page-directory pointer table that the kernel's lookup level
//! names; elsewhere a page table of the architecture's only kind), and the mapping is tried
//! again.

use core::ops::Range;

use sel4::sys::seL4_Word;
use sel4::{cap_type, init_thread, Cap, CapRights, Error, Result};

use crate::arch::{self, VmAttributes, DEFAULT_VM_ATTRIBUTES, DEVICE_VM_ATTRIBUTES, PAGE_SIZE};
use crate::objects::ObjectAllocator;

/// The root server's address space, for mapping frames in the runtime's window; see the
/// [module documentation](self). Create one per program: two would hand out the same addresses.
#[derive(Debug)]
pub struct AddressSpace {
    vspace: Cap<cap_type::VSpaceRoot>,
    next: usize,
}

impl Default for AddressSpace {
    fn default() -> Self {
        Self::new()
    }
}

impl AddressSpace {
    /// The virtual addresses the runtime maps into, far above any root server image and below
    /// the top of user space: on 64-bit architectures 64 GiB from 64 GiB up
    /// (`0x10_0000_0000..0x20_0000_0000`), on 32-bit ones the upper half of user space
    /// (`seL4_UserTop / 2..seL4_UserTop`).
    pub const WINDOW: Range<usize> = arch::VSPACE_WINDOW;

    /// The root server's address space ([`init_thread::VSPACE`]), with the whole window free.
    pub const fn new() -> Self {
        Self {
            vspace: init_thread::VSPACE,
            next: Self::WINDOW.start,
        }
    }

    /// The address-space root capability.
    pub const fn vspace(&self) -> Cap<cap_type::VSpaceRoot> {
        self.vspace
    }

    /// Reserves `pages` pages of the window, unmapped, and returns the first address.
    ///
    /// # Errors
    ///
    /// [`Error::NotEnoughMemory`] when the window is used up.
    pub fn reserve(&mut self, pages: usize) -> Result<usize> {
        let start = self.next;
        let end = pages
            .checked_mul(PAGE_SIZE)
            .and_then(|len| start.checked_add(len))
            .filter(|end| *end <= Self::WINDOW.end)
            .ok_or(Error::NotEnoughMemory)?;
        self.next = end;
        Ok(start)
    }

    /// Maps `frame` at `vaddr` with `rights`, creating page tables as needed.
    ///
    /// # Errors
    ///
    /// The kernel's (for example [`Error::DeleteFirst`] when something is mapped there, or
    /// [`Error::InvalidCapability`] when `frame` is mapped elsewhere already), or
    /// [`Error::NotEnoughMemory`] when no page table can be created.
    pub fn map_frame(
        &mut self,
        objects: &mut ObjectAllocator,
        frame: Cap<cap_type::Frame>,
        vaddr: usize,
        rights: CapRights,
    ) -> Result<()> {
        self.map_with(objects, frame, vaddr, rights, DEFAULT_VM_ATTRIBUTES)
    }

    /// Maps the device frame `frame` (from [`ObjectAllocator::device_frame`]) at `vaddr`,
    /// read-write, uncached and not executable, as device registers want; returns `vaddr` as
    /// a pointer to them.
    ///
    /// # Errors
    ///
    /// As [`map_frame`](Self::map_frame).
    pub fn map_device_frame(
        &mut self,
        objects: &mut ObjectAllocator,
        frame: Cap<cap_type::Frame>,
        vaddr: usize,
    ) -> Result<*mut u8> {
        self.map_with(
            objects,
            frame,
            vaddr,
            CapRights::READ_WRITE,
            DEVICE_VM_ATTRIBUTES,
        )?;
        Ok(vaddr as *mut u8)
    }

    fn map_with(
        &mut self,
        objects: &mut ObjectAllocator,
        frame: Cap<cap_type::Frame>,
        vaddr: usize,
        rights: CapRights,
        attributes: VmAttributes,
    ) -> Result<()> {
        // One missing paging structure per level at most.
        for _ in 0..4 {
            match frame.map(self.vspace, vaddr as seL4_Word, rights, attributes) {
                Err(Error::FailedLookup) => {
                    arch::map_paging_structure(objects, self.vspace, vaddr)?;
                }
                other => return other,
            }
        }
        frame.map(self.vspace, vaddr as seL4_Word, rights, attributes)
    }

    /// Creates a zeroed frame from untyped memory and maps it at `vaddr`, read-write.
    pub fn map_new_frame(
        &mut self,
        objects: &mut ObjectAllocator,
        vaddr: usize,
    ) -> Result<Cap<cap_type::Frame>> {
        let frame = objects.allocate_fixed::<cap_type::Frame>()?;
        self.map_frame(objects, frame, vaddr, CapRights::READ_WRITE)?;
        Ok(frame)
    }

    /// Reserves `pages` pages and maps fresh zeroed frames at all of them, read-write; returns
    /// the first address. The memory stays mapped for good.
    pub fn allocate_pages(&mut self, objects: &mut ObjectAllocator, pages: usize) -> Result<usize> {
        let start = self.reserve(pages)?;
        for page in 0..pages {
            self.map_new_frame(objects, start + page * PAGE_SIZE)?;
        }
        Ok(start)
    }
}
