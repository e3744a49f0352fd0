//! `sel4::sync::Mutex` between threads: two threads of one priority add to a shared counter,
//! each yielding to the other while it holds the lock, so that the other finds it taken and
//! sleeps on the lock's notification until it is handed over.

use core::sync::atomic::{AtomicUsize, Ordering};

use sel4::sync::Mutex;
use sel4::{cap_type, Cap};
use sel4_runtime::thread::ThreadConfig;

use super::{new_object, spawn};
use crate::harness::{check, equal, Ctx, Outcome};

const ROUNDS: usize = 200;
const WORKERS: usize = 2;

struct Shared {
    counter: Mutex<usize>,
    contended: AtomicUsize,
    finished: AtomicUsize,
    done: Cap<cap_type::Notification>,
}

fn add(shared: &'static Shared) {
    for _ in 0..ROUNDS {
        let mut guard = match shared.counter.try_lock() {
            Some(guard) => guard,
            None => {
                shared.contended.fetch_add(1, Ordering::Relaxed);
                shared.counter.lock()
            }
        };
        let seen = *guard;
        // The other worker runs now, finds the lock taken and waits for it.
        sel4::yield_now();
        *guard = seen + 1;
    }
    shared.finished.fetch_add(1, Ordering::Release);
    shared.done.signal();
}

pub fn mutex_between_threads(ctx: &mut Ctx) -> Outcome {
    let lock = new_object::<cap_type::Notification>(ctx, "the lock's notification")?;
    let done = new_object::<cap_type::Notification>(ctx, "notification")?;
    let shared = Shared {
        counter: Mutex::new(lock, 0),
        contended: AtomicUsize::new(0),
        finished: AtomicUsize::new(0),
        done,
    };
    // Below the root thread, so that both workers share the processor while it waits.
    let config = ThreadConfig {
        priority: 200,
        ..Default::default()
    };
    let shared: &'static Shared = alloc::boxed::Box::leak(alloc::boxed::Box::new(shared));
    for _ in 0..WORKERS {
        spawn_worker(ctx, shared, &config)?;
    }
    while shared.finished.load(Ordering::Acquire) < WORKERS {
        done.wait();
    }
    equal(*shared.counter.lock(), WORKERS * ROUNDS, "counter")?;
    check(shared.contended.load(Ordering::Relaxed) > 0, || {
        "the workers never found the lock taken".into()
    })
}

fn spawn_worker(ctx: &mut Ctx, shared: &'static Shared, config: &ThreadConfig) -> Outcome {
    fn run(shared: &'static &'static Shared) {
        add(shared)
    }
    spawn(ctx, run, shared, config).map(drop)
}
