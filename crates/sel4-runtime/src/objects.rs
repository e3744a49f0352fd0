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
    /// The page was given already (or lies in a part of its device untyped that was dropped
    /// because more than [`SPARE_DEVICE_PIECES`] were left over).
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
            Self::DeviceTaken => write!(f, "the page was given already"),
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
    /// The parts of device untypeds that splitting them down to a frame left over, for the
    /// next device frames (disjoint; an empty entry has `size_bits` 0).
    spare_device: [Piece; SPARE_DEVICE_PIECES],
}

/// How many left-over parts of device untypeds an [`ObjectAllocator`] keeps. Reaching a page
/// of a `2^n`-byte untyped leaves `n - 12` of them; beyond this many the smallest are dropped.
pub const SPARE_DEVICE_PIECES: usize = 64;

/// An untyped capability to `2^size_bits` bytes of device memory at `paddr`.
#[derive(Debug, Clone, Copy, Default)]
struct Piece {
    cptr: seL4_Word,
    paddr: seL4_Word,
    size_bits: seL4_Word,
}

impl Piece {
    fn covers(&self, paddr: seL4_Word) -> bool {
        self.size_bits != 0 && self.paddr <= paddr && paddr - self.paddr < 1 << self.size_bits
    }
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
            spare_device: [Piece::default(); SPARE_DEVICE_PIECES],
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
    /// step by step (two slots per step) down to the page. The halves not taken are kept for
    /// later calls (up to [`SPARE_DEVICE_PIECES`] of them), so every page of a device untyped
    /// can be had, in any order.
    ///
    /// # Errors
    ///
    /// [`Shortage::NoDevice`] when no device untyped covers `paddr`; [`Shortage::Slots`]
    /// when slots run out; [`Shortage::DeviceTaken`] when the page was given already;
    /// [`Shortage::Kernel`] for a failed retype. After an error the part of the device
    /// untyped that was being split is kept for the next call.
    pub fn device_frame(&mut self, paddr: seL4_Word) -> Result<Cap<cap_type::Frame>> {
        let page_bits = cap_type::Frame::SIZE_BITS;
        let paddr = paddr & !((1 << page_bits) - 1);
        let request = Request::DeviceFrame { paddr };
        let mut piece = self
            .device_piece(paddr)
            .map_err(|shortage| AllocError { request, shortage })?;
        let frame = self.split_to_frame(&mut piece, paddr, page_bits);
        if frame.is_err() {
            // Intact: the step that failed created nothing from it.
            self.keep_spare(piece);
        }
        frame.map_err(|shortage| AllocError { request, shortage })
    }

    /// The part of device memory that covers `paddr`: a spare one (taken out of the list), or
    /// the device untyped the kernel gave, untouched so far.
    fn device_piece(&mut self, paddr: seL4_Word) -> core::result::Result<Piece, Shortage> {
        if let Some(spare) = self.spare_device.iter_mut().find(|p| p.covers(paddr)) {
            return Ok(core::mem::take(spare));
        }
        let list = self.bootinfo.untyped_list();
        let first = self.bootinfo.untyped().start;
        let piece_of = |index: usize| Piece {
            cptr: first + index as seL4_Word,
            paddr: list[index].paddr,
            size_bits: seL4_Word::from(list[index].sizeBits),
        };
        let index = (0..list.len())
            .find(|&index| list[index].isDevice != 0 && piece_of(index).covers(paddr))
            .ok_or(Shortage::NoDevice)?;
        if self.used[index] != 0 {
            return Err(Shortage::DeviceTaken);
        }
        let piece = piece_of(index);
        self.used[index] = 1 << piece.size_bits;
        Ok(piece)
    }

    /// Halves `piece` down to the page at `paddr`, keeping the other halves, and retypes that
    /// page into a frame. On failure `piece` is what is left to split.
    fn split_to_frame(
        &mut self,
        piece: &mut Piece,
        paddr: seL4_Word,
        page_bits: seL4_Word,
    ) -> core::result::Result<Cap<cap_type::Frame>, Shortage> {
        while piece.size_bits > page_bits {
            if self.free_slots() < 2 {
                return Err(Shortage::Slots);
            }
            let halves = self.next_slot;
            let half_bits = piece.size_bits - 1;
            Cap::<cap_type::Untyped>::from_bits(piece.cptr)
                .retype(
                    ObjectBlueprint::Untyped {
                        size_bits: half_bits as usize,
                    },
                    init_thread::CNODE.slots(halves, 2),
                )
                .map_err(Shortage::Kernel)?;
            self.next_slot += 2;
            let lower = Piece {
                cptr: halves,
                paddr: piece.paddr,
                size_bits: half_bits,
            };
            let upper = Piece {
                cptr: halves + 1,
                paddr: piece.paddr + (1 << half_bits),
                size_bits: half_bits,
            };
            let (taken, spare) = if upper.covers(paddr) {
                (upper, lower)
            } else {
                (lower, upper)
            };
            self.keep_spare(spare);
            *piece = taken;
        }
        let slot = self
            .slot_for(Request::DeviceFrame { paddr })
            .map_err(|e| e.shortage)?;
        let untyped = Cap::<cap_type::Untyped>::from_bits(piece.cptr);
        if let Err(error) = untyped.retype_one::<cap_type::Frame>(init_thread::CNODE, slot) {
            self.next_slot -= 1;
            return Err(Shortage::Kernel(error));
        }
        Ok(Cap::from_bits(slot))
    }

    /// Keeps `piece` for later device frames; when the list is full, the smallest of it and
    /// the pieces kept is dropped (its memory stays unused).
    fn keep_spare(&mut self, piece: Piece) {
        let smallest = self
            .spare_device
            .iter_mut()
            .min_by_key(|p| p.size_bits)
            .expect("SPARE_DEVICE_PIECES > 0");
        if smallest.size_bits < piece.size_bits {
            *smallest = piece;
        }
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
