//! The boot information the kernel gives the root task.

use core::fmt;
use core::ops::Range;

use sel4_sys::{seL4_BootInfo, seL4_IPCBuffer, seL4_SlotRegion, seL4_UntypedDesc, seL4_Word};

use crate::{cap_type, Cap, CapType};

/// The kernel's boot information for the root task (`seL4_BootInfo`): which slots of the
/// root CNode hold what, and the initial untyped memory.
///
/// A transparent wrapper: a `&BootInfo` is a `&seL4_BootInfo` ([`BootInfo::inner`] gives the
/// raw structure). The runtime hands it to the root task's `main`; C code has it from
/// `sel4runtime_bootinfo()`.
#[repr(transparent)]
pub struct BootInfo(seL4_BootInfo);

impl BootInfo {
    /// The boot information at `ptr`, as the kernel passes it to the root task.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid `seL4_BootInfo` (the kernel's boot information frame)
    /// that stays mapped and unchanged for `'a`, followed by its `extraLen` bytes of extra
    /// boot information one boot-info frame further on, as the kernel maps them.
    pub unsafe fn from_ptr<'a>(ptr: *const seL4_BootInfo) -> &'a Self {
        // SAFETY: `BootInfo` is `repr(transparent)` over `seL4_BootInfo`, and the caller
        // guarantees that `ptr` is valid for `'a`.
        unsafe { &*ptr.cast::<Self>() }
    }

    /// The raw structure, for what this wrapper does not cover.
    #[inline]
    pub const fn inner(&self) -> &seL4_BootInfo {
        &self.0
    }

    /// The address of the root task's IPC buffer (`ipcBuffer`).
    #[inline]
    pub const fn ipc_buffer(&self) -> *mut seL4_IPCBuffer {
        self.0.ipcBuffer
    }

    /// The empty slots of the root CNode (`empty`).
    #[inline]
    pub const fn empty(&self) -> SlotRegion {
        SlotRegion::from_sys(self.0.empty)
    }

    /// The slots of the capabilities to the initial untyped memory (`untyped`), in the order
    /// of [`BootInfo::untyped_list`].
    #[inline]
    pub const fn untyped(&self) -> SlotRegion {
        SlotRegion::from_sys(self.0.untyped)
    }

    /// The slots of the frames shared between nodes (`sharedFrames`).
    #[inline]
    pub const fn shared_frames(&self) -> SlotRegion {
        SlotRegion::from_sys(self.0.sharedFrames)
    }

    /// The slots of the frames of the root task's image (`userImageFrames`).
    #[inline]
    pub const fn user_image_frames(&self) -> SlotRegion {
        SlotRegion::from_sys(self.0.userImageFrames)
    }

    /// The slots of the page tables of the root task's image (`userImagePaging`).
    #[inline]
    pub const fn user_image_paging(&self) -> SlotRegion {
        SlotRegion::from_sys(self.0.userImagePaging)
    }

    /// The slots of the I/O space capabilities (`ioSpaceCaps`).
    #[inline]
    pub const fn io_space_caps(&self) -> SlotRegion {
        SlotRegion::from_sys(self.0.ioSpaceCaps)
    }

    /// The slots of the frames of the extra boot information pages (`extraBIPages`).
    #[inline]
    pub const fn extra_bi_pages(&self) -> SlotRegion {
        SlotRegion::from_sys(self.0.extraBIPages)
    }

    /// The length in bytes of the extra boot information after this structure (`extraLen`).
    #[inline]
    pub const fn extra_len(&self) -> seL4_Word {
        self.0.extraLen
    }

    /// The number of the node (CPU) the root task runs on (`nodeID`).
    #[inline]
    pub const fn node_id(&self) -> seL4_Word {
        self.0.nodeID
    }

    /// The number of nodes (CPUs) (`numNodes`).
    #[inline]
    pub const fn num_nodes(&self) -> seL4_Word {
        self.0.numNodes
    }

    /// The number of slots of the root CNode, as a power of two (`initThreadCNodeSizeBits`).
    #[inline]
    pub const fn init_thread_cnode_size_bits(&self) -> seL4_Word {
        self.0.initThreadCNodeSizeBits
    }

    /// The scheduling domain of the root task (`initThreadDomain`).
    #[inline]
    pub const fn init_thread_domain(&self) -> seL4_Word {
        self.0.initThreadDomain
    }

    /// The descriptions of the initial untyped memory, one per slot of
    /// [`BootInfo::untyped`] (the valid part of `untypedList`).
    #[inline]
    pub fn untyped_list(&self) -> &[seL4_UntypedDesc] {
        let list = &self.0.untypedList;
        let len = usize::try_from(self.untyped().len()).unwrap_or(usize::MAX);
        &list[..len.min(list.len())]
    }

    /// The initial untyped memory: each capability with its physical address, size and
    /// whether it is device memory.
    #[inline]
    pub fn untypeds(&self) -> Untypeds<'_> {
        Untypeds {
            descs: self.untyped_list().iter(),
            next_slot: self.untyped().start,
        }
    }

    /// The slots of the scheduling control capabilities, one per CPU (`schedcontrol`, MCS).
    #[cfg(sel4_cfg_KERNEL_MCS)]
    #[inline]
    pub const fn sched_control(&self) -> SlotRegion {
        SlotRegion::from_sys(self.0.schedcontrol)
    }

    /// The extra boot information after the boot information frame (`extraLen` bytes): the
    /// chunks the kernel adds for the platform, such as the device tree. Padding chunks are
    /// skipped.
    #[inline]
    pub fn extra(&self) -> ExtraChunks<'_> {
        let start = (self as *const Self as usize) + (1usize << sel4_sys::seL4_BootInfoFrameBits);
        let len = usize::try_from(self.extra_len()).unwrap_or(0);
        // SAFETY: `from_ptr`'s contract: the kernel maps `extraLen` bytes of extra boot
        // information right after the boot information frame, for as long as `self` lives.
        let bytes = unsafe { core::slice::from_raw_parts(start as *const u8, len) };
        ExtraChunks { bytes }
    }

    /// The device tree the kernel passed on (`SEL4_BOOTINFO_HEADER_FDT`), if any: the flattened
    /// blob, starting with its magic `0xd00dfeed`.
    #[inline]
    pub fn device_tree(&self) -> Option<&[u8]> {
        self.extra()
            .find(|chunk| chunk.id == sel4_sys::SEL4_BOOTINFO_HEADER_FDT as seL4_Word)
            .map(|chunk| chunk.data)
    }
}

/// One chunk of extra boot information, from [`BootInfo::extra`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtraChunk<'a> {
    /// What the chunk holds (`SEL4_BOOTINFO_HEADER_FDT`, ...).
    pub id: seL4_Word,
    /// The chunk's contents, after its header.
    pub data: &'a [u8],
}

/// Iterator over the extra boot information: [`BootInfo::extra`].
#[derive(Debug, Clone)]
pub struct ExtraChunks<'a> {
    bytes: &'a [u8],
}

impl<'a> Iterator for ExtraChunks<'a> {
    type Item = ExtraChunk<'a>;

    fn next(&mut self) -> Option<ExtraChunk<'a>> {
        const WORD: usize = core::mem::size_of::<seL4_Word>();
        loop {
            if self.bytes.len() < 2 * WORD {
                return None;
            }
            let word = |i: usize| {
                let mut raw = [0u8; WORD];
                raw.copy_from_slice(&self.bytes[i * WORD..(i + 1) * WORD]);
                seL4_Word::from_ne_bytes(raw)
            };
            // seL4_BootInfoHeader: `id`, then `len`, which counts the header too.
            let (id, len) = (word(0), usize::try_from(word(1)).unwrap_or(usize::MAX));
            if len < 2 * WORD || len > self.bytes.len() {
                self.bytes = &[];
                return None;
            }
            let (chunk, rest) = self.bytes.split_at(len);
            self.bytes = rest;
            if id != sel4_sys::SEL4_BOOTINFO_HEADER_PADDING as seL4_Word {
                return Some(ExtraChunk {
                    id,
                    data: &chunk[2 * WORD..],
                });
            }
        }
    }
}

impl fmt::Debug for BootInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BootInfo")
            .field("node_id", &self.node_id())
            .field("num_nodes", &self.num_nodes())
            .field("ipc_buffer", &self.ipc_buffer())
            .field("empty", &self.empty())
            .field("untyped", &self.untyped())
            .field(
                "init_thread_cnode_size_bits",
                &self.init_thread_cnode_size_bits(),
            )
            .finish_non_exhaustive()
    }
}

/// A half-open range of slots in the root CNode (`seL4_SlotRegion`): `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SlotRegion {
    /// The first slot.
    pub start: seL4_Word,
    /// One past the last slot.
    pub end: seL4_Word,
}

impl SlotRegion {
    /// The region the raw structure describes.
    #[inline]
    pub const fn from_sys(region: seL4_SlotRegion) -> Self {
        Self {
            start: region.start,
            end: region.end,
        }
    }

    /// The number of slots (0 if `end` is not after `start`).
    #[inline]
    pub const fn len(&self) -> seL4_Word {
        self.end.saturating_sub(self.start)
    }

    /// Whether the region has no slots.
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The slot numbers, as a range.
    #[inline]
    pub const fn range(&self) -> Range<seL4_Word> {
        self.start..self.end
    }

    /// The capability in the `index`-th slot of the region, taken to be of type `T`, or
    /// `None` if the region is shorter. (In the root task a slot number is the capability's
    /// address.)
    #[inline]
    pub fn cap<T: CapType>(&self, index: seL4_Word) -> Option<Cap<T>> {
        (index < self.len()).then(|| Cap::from_bits(self.start + index))
    }
}

/// One region of initial untyped memory, from [`BootInfo::untypeds`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UntypedInfo {
    /// The capability to the untyped object.
    pub cap: Cap<cap_type::Untyped>,
    /// Its physical address.
    pub paddr: seL4_Word,
    /// Its size in bytes, as a power of two.
    pub size_bits: u8,
    /// Whether it is device memory (which can only be retyped into frames) rather than RAM.
    pub is_device: bool,
}

impl UntypedInfo {
    /// Its size in bytes (saturating at the largest word).
    #[inline]
    pub const fn size(&self) -> seL4_Word {
        let one: seL4_Word = 1;
        match one.checked_shl(self.size_bits as u32) {
            Some(size) => size,
            None => seL4_Word::MAX,
        }
    }
}

/// Iterator over the initial untyped memory: [`BootInfo::untypeds`].
#[derive(Debug, Clone)]
pub struct Untypeds<'a> {
    descs: core::slice::Iter<'a, seL4_UntypedDesc>,
    next_slot: seL4_Word,
}

impl Iterator for Untypeds<'_> {
    type Item = UntypedInfo;

    fn next(&mut self) -> Option<UntypedInfo> {
        let desc = self.descs.next()?;
        let slot = self.next_slot;
        self.next_slot += 1;
        Some(UntypedInfo {
            cap: Cap::from_bits(slot),
            paddr: desc.paddr,
            size_bits: desc.sizeBits,
            is_device: desc.isDevice != 0,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.descs.size_hint()
    }
}

impl ExactSizeIterator for Untypeds<'_> {}

impl core::iter::FusedIterator for Untypeds<'_> {}
