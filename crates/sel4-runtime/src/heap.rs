//! A global allocator over a static region: [`StaticHeap`].
//!
//! ```ignore
//! extern crate alloc;
//!
//! #[global_allocator]
//! static HEAP: sel4_runtime::heap::StaticHeap<{ 256 * 1024 }> = sel4_runtime::heap::StaticHeap::new();
//! ```
//!
//! The region is part of the program's `.bss`, so its size is chosen at compile time and costs
//! nothing in the image. The allocator is a first-fit list of free blocks in address order,
//! merged on free, behind a spin lock: threads of the root server may allocate concurrently.
//! Every block is a multiple of 16 bytes and 16-byte aligned.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr;
use core::sync::atomic::{AtomicBool, Ordering};

const UNIT: usize = 16;

/// A free block: its size in bytes (a multiple of [`UNIT`]) and the next free block above it.
#[repr(C)]
struct Hole {
    size: usize,
    next: *mut Hole,
}

const _: () = assert!(core::mem::size_of::<Hole>() <= UNIT);

struct Inner {
    head: *mut Hole,
    initialised: bool,
}

/// A global allocator for `N` bytes of static memory; see the [module documentation](self).
#[repr(C, align(16))]
pub struct StaticHeap<const N: usize> {
    memory: UnsafeCell<[u8; N]>,
    inner: UnsafeCell<Inner>,
    lock: AtomicBool,
}

// SAFETY: `inner` and the memory's free blocks are only touched with `lock` held.
unsafe impl<const N: usize> Sync for StaticHeap<N> {}

impl<const N: usize> Default for StaticHeap<N> {
    fn default() -> Self {
        Self::new()
    }
}

fn round_up(value: usize, align: usize) -> Option<usize> {
    Some(value.checked_add(align - 1)? & !(align - 1))
}

impl<const N: usize> StaticHeap<N> {
    /// An empty heap of `N` bytes (all zero, so it costs no space in the image).
    pub const fn new() -> Self {
        Self {
            memory: UnsafeCell::new([0; N]),
            inner: UnsafeCell::new(Inner {
                head: ptr::null_mut(),
                initialised: false,
            }),
            lock: AtomicBool::new(false),
        }
    }

    /// Bytes of the region, including what the allocator's bookkeeping uses.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// Bytes free right now, in all free blocks together.
    pub fn free_bytes(&self) -> usize {
        self.with(|inner| {
            let mut total = 0;
            let mut hole = inner.head;
            while !hole.is_null() {
                // SAFETY: every hole in the list is a valid `Hole` inside the region.
                unsafe {
                    total += (*hole).size;
                    hole = (*hole).next;
                }
            }
            total
        })
    }

    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        while self
            .lock
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            core::hint::spin_loop();
        }
        // SAFETY: the lock is held, so this is the only reference to `inner`.
        let inner = unsafe { &mut *self.inner.get() };
        if !inner.initialised {
            inner.initialised = true;
            let start = self.memory.get() as usize;
            let end = (start + N) & !(UNIT - 1);
            let start = round_up(start, UNIT).unwrap_or(end);
            if end > start {
                let hole = start as *mut Hole;
                // SAFETY: [start, end) lies in the region, is aligned, and no one uses it yet.
                unsafe {
                    hole.write(Hole {
                        size: end - start,
                        next: ptr::null_mut(),
                    })
                };
                inner.head = hole;
            }
        }
        let result = f(inner);
        self.lock.store(false, Ordering::Release);
        result
    }

    fn block_size(layout: Layout) -> Option<usize> {
        round_up(layout.size().max(UNIT), UNIT)
    }
}

// SAFETY: blocks handed out lie inside the region, are at least `layout.size()` bytes and
// aligned to `layout.align()`, and are never in the free list while allocated.
unsafe impl<const N: usize> GlobalAlloc for StaticHeap<N> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(size) = Self::block_size(layout) else {
            return ptr::null_mut();
        };
        let align = layout.align().max(UNIT);
        self.with(|inner| {
            let mut link: *mut *mut Hole = &mut inner.head;
            // SAFETY: `link` points at the list head or at the `next` of a hole in the list;
            // every hole is a valid `Hole` in the region, in address order.
            unsafe {
                while !(*link).is_null() {
                    let hole = *link;
                    let start = hole as usize;
                    let end = start + (*hole).size;
                    if let Some(at) = round_up(start, align) {
                        if at.checked_add(size).is_some_and(|top| top <= end) {
                            let next = (*hole).next;
                            let mut after = next;
                            if at + size < end {
                                let rest = (at + size) as *mut Hole;
                                rest.write(Hole {
                                    size: end - (at + size),
                                    next,
                                });
                                after = rest;
                            }
                            if at > start {
                                // The part below the block stays free (a multiple of UNIT).
                                (*hole).size = at - start;
                                (*hole).next = after;
                            } else {
                                *link = after;
                            }
                            return at as *mut u8;
                        }
                    }
                    link = &mut (*hole).next;
                }
            }
            ptr::null_mut()
        })
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let Some(size) = Self::block_size(layout) else {
            return;
        };
        let start = block as usize;
        self.with(|inner| {
            // SAFETY: `block` came from `alloc` with this layout, so [start, start + size) is a
            // block of the region that is not in the list; the list stays in address order and
            // neighbours that touch are merged.
            unsafe {
                let mut prev: *mut Hole = ptr::null_mut();
                let mut next = inner.head;
                while !next.is_null() && (next as usize) < start {
                    prev = next;
                    next = (*next).next;
                }
                let hole = start as *mut Hole;
                hole.write(Hole { size, next });
                if !next.is_null() && start + size == next as usize {
                    (*hole).size += (*next).size;
                    (*hole).next = (*next).next;
                }
                if prev.is_null() {
                    inner.head = hole;
                } else if prev as usize + (*prev).size == start {
                    (*prev).size += (*hole).size;
                    (*prev).next = (*hole).next;
                } else {
                    (*prev).next = hole;
                }
            }
        });
    }
}
