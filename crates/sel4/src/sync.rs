//! Locks for the threads of one address space: [`RawMutex`] and [`Mutex`]; and [`OnceCell`],
//! a value set once.
//!
//! A lock is a counter in memory plus a notification to sleep on (a "benaphore"): taking a
//! free lock or releasing one that nobody waits for is one atomic instruction, and a thread
//! that finds the lock taken blocks in the kernel (`seL4_Wait`) until the holder hands it on
//! (`seL4_Signal`). Blocking in the kernel, rather than spinning, is what makes the lock work
//! between threads of different priorities: a higher-priority waiter does not starve the
//! holder.
//!
//! The notification must be used by this lock alone (its badge bits are ignored). A lock
//! made without one ([`RawMutex::new`], until [`RawMutex::set_notification`]) spins and
//! yields instead, which is enough only for threads of equal priority.
//!
//! A thread that stops while it holds a lock (a fault, a suspend) keeps it: others then wait
//! for good. Hold locks for short, fault-free stretches.

use core::cell::UnsafeCell;
use core::fmt;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::{cap_type, Cap};

/// A lock without data: [`lock`](Self::lock) and [`unlock`](Self::unlock); see the
/// [module documentation](self).
pub struct RawMutex {
    /// The holder plus the threads waiting or about to wait: 0 when free.
    count: AtomicUsize,
    /// The notification's capability pointer; 0 when there is none yet.
    notification: AtomicUsize,
}

impl RawMutex {
    /// A free lock with no notification yet: it spins until
    /// [`set_notification`](Self::set_notification) gives it one.
    pub const fn new() -> Self {
        Self {
            count: AtomicUsize::new(0),
            notification: AtomicUsize::new(0),
        }
    }

    /// A free lock that sleeps on `notification`, which nothing else may use.
    pub const fn with_notification(notification: Cap<cap_type::Notification>) -> Self {
        Self {
            count: AtomicUsize::new(0),
            notification: AtomicUsize::new(notification.bits() as usize),
        }
    }

    /// Gives the lock its notification, which nothing else may use. Call it while no thread
    /// holds or waits for the lock (typically before starting the threads that share it).
    pub fn set_notification(&self, notification: Cap<cap_type::Notification>) {
        self.notification
            .store(notification.bits() as usize, Ordering::Release);
    }

    /// Whether the lock has its notification.
    pub fn has_notification(&self) -> bool {
        self.notification.load(Ordering::Acquire) != 0
    }

    /// Takes the lock, waiting for it if another thread holds it. Not reentrant: a thread that
    /// takes a lock it holds waits for good.
    pub fn lock(&self) {
        match self.notification() {
            Some(notification) => {
                if self.count.fetch_add(1, Ordering::Acquire) != 0 {
                    // The holder signals once for each waiter it hands the lock to, and a
                    // signal sent before this wait is kept by the notification.
                    wait_in_registers(notification);
                }
            }
            None => {
                while !self.try_lock() {
                    crate::yield_now();
                }
            }
        }
    }

    /// Takes the lock if it is free; whether it did.
    pub fn try_lock(&self) -> bool {
        self.count
            .compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// Releases the lock, waking one waiting thread if there is one.
    ///
    /// # Safety
    ///
    /// The calling thread holds the lock.
    pub unsafe fn unlock(&self) {
        if self.count.fetch_sub(1, Ordering::Release) != 1 {
            if let Some(notification) = self.notification() {
                notification.signal();
            }
        }
    }

    fn notification(&self) -> Option<Cap<cap_type::Notification>> {
        match self.notification.load(Ordering::Acquire) {
            0 => None,
            bits => Some(Cap::from_bits(bits as sel4_sys::seL4_CPtr)),
        }
    }
}

/// Waits for a signal of `notification`, the message coming back in registers only: no IPC
/// buffer is touched (nor the thread-local pointer to it), so that printing may take a lock
/// on any path, a panic's included.
fn wait_in_registers(notification: Cap<cap_type::Notification>) {
    let [mut mr0, mut mr1, mut mr2, mut mr3] = [0; 4];
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    sel4_sys::seL4_RecvWithMRs(
        notification.bits(),
        None,
        &mut mr0,
        &mut mr1,
        &mut mr2,
        &mut mr3,
    );
    #[cfg(sel4_cfg_KERNEL_MCS)]
    sel4_sys::seL4_WaitWithMRs(
        notification.bits(),
        None,
        &mut mr0,
        &mut mr1,
        &mut mr2,
        &mut mr3,
    );
}

impl Default for RawMutex {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for RawMutex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawMutex")
            .field("count", &self.count.load(Ordering::Relaxed))
            .field("notification", &self.notification.load(Ordering::Relaxed))
            .finish()
    }
}

/// Data shared between threads behind a [`RawMutex`]: [`lock`](Self::lock) gives a guard that
/// dereferences to the data and releases the lock when dropped.
pub struct Mutex<T: ?Sized> {
    raw: RawMutex,
    value: UnsafeCell<T>,
}

// SAFETY: the lock lets one thread at a time reach the value, which may move between threads.
unsafe impl<T: ?Sized + Send> Sync for Mutex<T> {}
// SAFETY: as for any owned `T`.
unsafe impl<T: ?Sized + Send> Send for Mutex<T> {}

impl<T> Mutex<T> {
    /// `value` behind a lock that sleeps on `notification`, which nothing else may use.
    pub const fn new(notification: Cap<cap_type::Notification>, value: T) -> Self {
        Self {
            raw: RawMutex::with_notification(notification),
            value: UnsafeCell::new(value),
        }
    }

    /// `value` behind a lock with no notification yet (for a `static`); see
    /// [`RawMutex::new`].
    pub const fn without_notification(value: T) -> Self {
        Self {
            raw: RawMutex::new(),
            value: UnsafeCell::new(value),
        }
    }

    /// The data, the lock no longer needed.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// The lock itself, for [`RawMutex::set_notification`].
    pub fn raw(&self) -> &RawMutex {
        &self.raw
    }

    /// Takes the lock, waiting as [`RawMutex::lock`] does.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.raw.lock();
        MutexGuard { mutex: self }
    }

    /// Takes the lock if it is free.
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        // A closure, not `then_some`: a guard made and dropped on failure would release the
        // lock another thread holds.
        self.raw.try_lock().then(|| MutexGuard { mutex: self })
    }

    /// The data, through exclusive access to the lock (no locking needed).
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }
}

impl<T: ?Sized> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mutex")
            .field("raw", &self.raw)
            .finish_non_exhaustive()
    }
}

/// The lock of a [`Mutex`], held: the data by `*`; released when dropped.
pub struct MutexGuard<'a, T: ?Sized> {
    mutex: &'a Mutex<T>,
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock, so no other reference to the value exists.
        unsafe { &*self.mutex.value.get() }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the lock, so no other reference to the value exists.
        unsafe { &mut *self.mutex.value.get() }
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the guard holds the lock.
        unsafe { self.mutex.raw.unlock() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// A value set once, then read by any thread: `static` configuration such as the global
/// logger ([`crate::log::set_logger`]). Setting and reading take no lock.
pub struct OnceCell<T> {
    state: core::sync::atomic::AtomicU8,
    value: UnsafeCell<core::mem::MaybeUninit<T>>,
}

const EMPTY: u8 = 0;
const SETTING: u8 = 1;
const READY: u8 = 2;

// SAFETY: the value is written once, before `state` says READY (release), and only read after
// a reader saw READY (acquire); sharing it needs `T: Sync`, handing it over `T: Send`.
unsafe impl<T: Send + Sync> Sync for OnceCell<T> {}

impl<T> OnceCell<T> {
    /// An empty cell.
    pub const fn new() -> Self {
        Self {
            state: core::sync::atomic::AtomicU8::new(EMPTY),
            value: UnsafeCell::new(core::mem::MaybeUninit::uninit()),
        }
    }

    /// The value, once set.
    pub fn get(&self) -> Option<&T> {
        (self.state.load(Ordering::Acquire) == READY).then(|| {
            // SAFETY: READY: the value was written and is never written again.
            unsafe { (*self.value.get()).assume_init_ref() }
        })
    }

    /// Sets the value; gives `value` back if the cell was set (or being set) already.
    ///
    /// # Errors
    ///
    /// `Err(value)` when another value got there first.
    pub fn set(&self, value: T) -> Result<(), T> {
        if self
            .state
            .compare_exchange(EMPTY, SETTING, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return Err(value);
        }
        // SAFETY: this thread alone moved the state to SETTING, so it alone writes.
        unsafe { (*self.value.get()).write(value) };
        self.state.store(READY, Ordering::Release);
        Ok(())
    }

    /// The value, set by `init` first if the cell is empty. Threads that find it empty at
    /// once each run `init`; the first result is kept, and a thread whose result came second
    /// yields until the first is there.
    pub fn get_or_init(&self, init: impl FnOnce() -> T) -> &T {
        if let Some(value) = self.get() {
            return value;
        }
        let _ = self.set(init());
        loop {
            if let Some(value) = self.get() {
                return value;
            }
            crate::yield_now();
        }
    }
}

impl<T> Default for OnceCell<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Drop for OnceCell<T> {
    fn drop(&mut self) {
        if *self.state.get_mut() == READY {
            // SAFETY: READY: the value was written, and it is dropped once, here.
            unsafe { self.value.get_mut().assume_init_drop() }
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OnceCell").field(&self.get()).finish()
    }
}
