//! A simple allocator for CSpace slots and kernel objects: [`ObjectAllocator`].
//!
//! It hands out the root CNode's empty slots (`bootinfo.empty`) in order and creates objects
//! from the initial RAM untypeds. It keeps, for each untyped, where the kernel will place the
//! next object (the kernel's free index, which it mirrors), so it asks only an untyped that has
//! room: no retype fails, and the kernel prints no error. It never frees: it is meant for a root
//! server that builds its system once at start-up, as the examples do.
//!
//! A request it cannot satisfy returns an [`AllocError`]: what was asked for and why it could
//! not be had. It converts into the [`sel4::Error`] the kernel would have given (`?` works in
//! functions returning [`sel4::Result`]).

use core::fmt;

use sel4::sys::config::MAX_NUM_BOOTINFO_UNTYPED_CAPS;
use sel4::sys::seL4_Word;
use sel4::{
    cap_type, init_thread, BootInfo, Cap, CapType, Error, FixedSizeObject, ObjectBlueprint, ReplyTo,
};

/// What an [`ObjectAllocator`] was asked for, as its [`AllocError`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// An empty slot of the root CNode ([`ObjectAllocator::alloc_slot`]).
    Slot,
    /// An object of a fixed-size type ([`ObjectAllocator::allocate_fixed`]).
    Object {
        /// The name of its capability type (`"Endpoint"`, ...).
        type_name: &'static str,
        /// Its size, as a power of two in bytes.
        size_bits: seL4_Word,
    },
    /// An object described by a blueprint ([`ObjectAllocator::allocate`]).
    Blueprint(ObjectBlueprint),
    /// The device frame at a physical address ([`ObjectAllocator::device_frame`]).
    DeviceFrame {
        /// The address asked for, rounded down to its page.
        paddr: seL4_Word,
    },
}

/// Why an [`ObjectAllocator`] request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortage {
    /// The root CNode has no empty slot left.
    Slots,
    /// No RAM untyped has room for an object of `2^size_bits` bytes.
    Memory {
        /// The size that did not fit, as a power of two in bytes.
        size_bits: seL4_Word,
    },
    /// No device untyped covers the address.
    NoDevice,
    /// The device untyped covering the address has given its frame already.
    DeviceTaken,
    /// The kernel refused the retype (a size out of its range, ...).
    Kernel(Error),
}

/// A failed [`ObjectAllocator`] request: what was asked for, and why it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllocError {
    /// What was asked for.
    pub request: Request,
    /// Why it could not be had.
    pub shortage: Shortage,
}

impl AllocError {
    /// The kernel's error for the same failure: [`Error::NotEnoughMemory`] for a shortage of
    /// slots or memory or a device frame given already, [`Error::InvalidArgument`] for an
    /// address no device untyped covers, the kernel's own error for a refused retype.
    pub const fn error(&self) -> Error {
        match self.shortage {
            Shortage::Slots | Shortage::Memory { .. } | Shortage::DeviceTaken => {
                Error::NotEnoughMemory
            }
            Shortage::NoDevice => Error::InvalidArgument,
            Shortage::Kernel(error) => error,
        }
    }
}

impl From<AllocError> for Error {
    fn from(e: AllocError) -> Self {
        e.error()
    }
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Slot => write!(f, "a slot"),
            Self::Object {
                type_name,
                size_bits,
            } => write!(f, "a {type_name} object of 2^{size_bits} bytes"),
            Self::Blueprint(blueprint) => write!(f, "an object {blueprint:?}"),
            Self::DeviceFrame { paddr } => write!(f, "the device frame at {paddr:#x}"),
        }
    }
}

impl fmt::Display for Shortage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Slots => write!(f, "the root CNode has no empty slot left"),
            Self::Memory { size_bits } => {
                write!(f, "no RAM untyped has 2^{size_bits} bytes free")
            }
            Self::NoDevice => write!(f, "no device untyped covers it"),
            Self::DeviceTaken => write!(f, "its device untyped has given its frame already"),
            Self::Kernel(error) => write!(f, "the kernel refused the retype: {error}"),
        }
    }
}

impl fmt::Display for AllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot allocate {}: {}", self.request, self.shortage)
    }
}

/// The result of an [`ObjectAllocator`] request.
pub type Result<T> = core::result::Result<T, AllocError>;

/// Slots and objects for a root server; see the [module documentation](self).
#[derive(Debug)]
pub struct ObjectAllocator {
    bootinfo: &'static BootInfo,
    next_slot: seL4_Word,
    end_slot: seL4_Word,
    /// Index into the untyped list of the untyped tried first (the last one that had room).
    current: usize,
    /// For each untyped, the bytes below the kernel's free index: where the next object may
    /// start (it is aligned to its size from there).
    used: [seL4_Word; MAX_NUM_BOOTINFO_UNTYPED_CAPS as usize],
}

impl ObjectAllocator {
    /// An allocator over all the empty slots and RAM untypeds that `bootinfo` lists.
    ///
    /// Create one per program: two allocators would hand out the same slots.
    pub fn new(bootinfo: &'static BootInfo) -> Self {
        let empty = bootinfo.empty();
        Self {
            bootinfo,
            next_slot: empty.start,
            end_slot: empty.end,
            current: 0,
            used: [0; MAX_NUM_BOOTINFO_UNTYPED_CAPS as usize],
        }
    }

    /// How many slots are left.
    pub fn free_slots(&self) -> seL4_Word {
        self.end_slot - self.next_slot
    }

    /// Takes an empty slot of the root CNode; its number is also its capability pointer.
    ///
    /// # Errors
    ///
    /// [`Shortage::Slots`] when no empty slot is left.
    pub fn alloc_slot(&mut self) -> Result<seL4_Word> {
        self.slot_for(Request::Slot)
    }

    /// An empty slot for `request`, which a shortage of slots is reported against.
    fn slot_for(&mut self, request: Request) -> Result<seL4_Word> {
        if self.next_slot >= self.end_slot {
            return Err(AllocError {
                request,
                shortage: Shortage::Slots,
            });
        }
        self.next_slot += 1;
        Ok(self.next_slot - 1)
    }

    /// Creates an object as `blueprint` describes, in a fresh slot, and returns its capability.
    ///
    /// # Errors
    ///
    /// [`Shortage::Slots`] or [`Shortage::Memory`] when no slot is left or no RAM untyped has
    /// room; [`Shortage::Kernel`] when the kernel refuses the blueprint
    /// ([`Error::RangeError`] for a size out of its range).
    pub fn allocate(&mut self, blueprint: ObjectBlueprint) -> Result<Cap<cap_type::Unspecified>> {
        self.create(
            Request::Blueprint(blueprint),
            blueprint.physical_size_bits(),
            |untyped, slot| untyped.retype(blueprint, init_thread::CNODE.slots(slot, 1)),
        )
    }

    /// [`allocate`](Self::allocate), with the capability typed as `T` (which the caller
    /// promises matches the blueprint).
    pub fn allocate_as<T: CapType>(&mut self, blueprint: ObjectBlueprint) -> Result<Cap<T>> {
        self.allocate(blueprint).map(Cap::cast)
    }

    /// Creates one object of the fixed-size type `T` (a TCB, an endpoint, a page, ...).
    ///
    /// # Errors
    ///
    /// As [`allocate`](Self::allocate).
    pub fn allocate_fixed<T: FixedSizeObject>(&mut self) -> Result<Cap<T>> {
        let request = Request::Object {
            type_name: T::NAME,
            size_bits: T::SIZE_BITS,
        };
        self.create(request, T::SIZE_BITS, |untyped, slot| {
            untyped.retype_one::<T>(init_thread::CNODE, slot).map(drop)
        })
        .map(Cap::cast)
    }

    /// Runs `retype` on a fresh slot with the first RAM untyped, from the last one that had
    /// room, that still has room for an object of `2^size_bits` bytes.
    fn create(
        &mut self,
        request: Request,
        size_bits: seL4_Word,
        mut retype: impl FnMut(Cap<cap_type::Untyped>, seL4_Word) -> sel4::Result<()>,
    ) -> Result<Cap<cap_type::Unspecified>> {
        let fail = |shortage| AllocError { request, shortage };
        let slot = self.slot_for(request)?;
        let list = self.bootinfo.untyped_list();
        let size: seL4_Word = 1 << size_bits;
        for step in 0..list.len() {
            let index = (self.current + step) % list.len();
            let desc = &list[index];
            let capacity_bits = seL4_Word::from(desc.sizeBits);
            if desc.isDevice != 0 || capacity_bits < size_bits {
                continue;
            }
            // The kernel places the object at the free index rounded up to the object's size.
            let start = self.used[index].next_multiple_of(size);
            if start + size > 1 << capacity_bits {
                continue;
            }
            let untyped = Cap::from_bits(self.bootinfo.untyped().start + index as seL4_Word);
            match retype(untyped, slot) {
                Ok(()) => {
                    self.current = index;
                    self.used[index] = start + size;
                    return Ok(Cap::from_bits(slot));
                }
                Err(Error::NotEnoughMemory) => {
                    // Someone else retyped from it too: take the kernel's word that it is full.
                    self.used[index] = 1 << capacity_bits;
                }
                Err(other) => {
                    // Nothing was created: the slot is still empty, hand it out again.
                    self.next_slot -= 1;
                    return Err(fail(Shortage::Kernel(other)));
                }
            }
        }
        self.next_slot -= 1;
        Err(fail(Shortage::Memory { size_bits }))
    }

    /// A capability to the 4 KiB frame of device memory at physical address `paddr` (rounded
    /// down to its page), for a driver to map (see
    /// [`AddressSpace::map_device_frame`](crate::vspace::AddressSpace::map_device_frame)).
    ///
    /// The frame comes from the device untyped the kernel lists as covering `paddr`, halved
    /// step by step (two slots per step) down to the page: the other halves are left unused.
    /// Each device untyped gives one frame this way.
    ///
    /// # Errors
    ///
    /// [`Shortage::NoDevice`] when no device untyped covers `paddr`; [`Shortage::Slots`]
    /// when slots run out; [`Shortage::DeviceTaken`] when the untyped gave its frame already;
    /// [`Shortage::Kernel`] for a failed retype.
    pub fn device_frame(&mut self, paddr: seL4_Word) -> Result<Cap<cap_type::Frame>> {
        let page_bits = cap_type::Frame::SIZE_BITS;
        let paddr = paddr & !((1 << page_bits) - 1);
        let request = Request::DeviceFrame { paddr };
        let fail = |shortage| AllocError { request, shortage };
        let list = self.bootinfo.untyped_list();
        let Some(index) = list
            .iter()
            .position(|u| u.isDevice != 0 && u.paddr <= paddr && paddr - u.paddr < 1 << u.sizeBits)
        else {
            return Err(fail(Shortage::NoDevice));
        };
        let bits = seL4_Word::from(list[index].sizeBits);
        if self.used[index] != 0 {
            return Err(fail(Shortage::DeviceTaken));
        }
        self.used[index] = 1 << bits;
        let mut untyped: Cap<cap_type::Untyped> =
            Cap::from_bits(self.bootinfo.untyped().start + index as seL4_Word);
        let (mut base, mut bits) = (list[index].paddr, bits);
        while bits > page_bits {
            bits -= 1;
            let halves = self.slot_for(request)?;
            self.slot_for(request)?;
            untyped
                .retype(
                    ObjectBlueprint::Untyped {
                        size_bits: bits as usize,
                    },
                    init_thread::CNODE.slots(halves, 2),
                )
                .map_err(|e| fail(Shortage::Kernel(e)))?;
            let upper = paddr >= base + (1 << bits);
            if upper {
                base += 1 << bits;
            }
            untyped = Cap::from_bits(halves + seL4_Word::from(upper));
        }
        let slot = self.slot_for(request)?;
        untyped
            .retype_one::<cap_type::Frame>(init_thread::CNODE, slot)
            .map_err(|e| fail(Shortage::Kernel(e)))?;
        Ok(Cap::from_bits(slot))
    }

    /// What a thread that receives calls replies through ([`sel4::ReplyTo`]), in either kernel
    /// mode: a new reply object on MCS kernels; nothing to allocate on the others.
    ///
    /// # Errors
    ///
    /// As [`allocate`](Self::allocate) (MCS kernels only).
    pub fn allocate_reply_to(&mut self) -> Result<ReplyTo> {
        #[cfg(sel4_cfg_KERNEL_MCS)]
        return self
            .allocate_as::<cap_type::Reply>(ObjectBlueprint::Reply)
            .map(ReplyTo::object);
        #[cfg(not(sel4_cfg_KERNEL_MCS))]
        Ok(ReplyTo::IMPLICIT)
    }

    /// The boot information the allocator works from.
    pub fn bootinfo(&self) -> &'static BootInfo {
        self.bootinfo
    }
}
