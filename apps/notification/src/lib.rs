//! `notification`: one thread signals, another waits.
//!
//! The root thread creates a notification and gives two worker threads badged copies of it
//! (badges 0b01 and 0b10). Each worker signals when its work is done; the root thread waits,
//! and learns from the accumulated badge bits which workers have finished.

#![no_std]

use sel4::{cap_type, debug_println, init_thread, BootInfo, Cap, CapRights};
use sel4_runtime::objects::ObjectAllocator;
use sel4_runtime::thread::{Thread, ThreadConfig};
use sel4_runtime::vspace::AddressSpace;

sel4_runtime::main!(main);

fn worker(done: Cap<cap_type::Notification>) {
    let sum: u64 = (1..=1000).sum();
    debug_println!("notification: worker with capability {done:?} computed {sum}");
    done.signal();
}

fn main(bootinfo: &'static BootInfo) {
    let mut objects = ObjectAllocator::new(bootinfo);
    let mut vspace = AddressSpace::new();
    let ntfn = objects
        .allocate_fixed::<cap_type::Notification>()
        .expect("notification");
    let depth = sel4::sys::seL4_WordBits as u8;
    for badge in [0b01, 0b10] {
        let slot = objects.alloc_slot().expect("slot");
        init_thread::CNODE
            .mint(
                slot,
                depth,
                init_thread::CNODE,
                ntfn.bits(),
                depth,
                CapRights::ALL,
                badge,
            )
            .expect("mint");
        Thread::spawn_with(
            &mut objects,
            &mut vspace,
            worker,
            Cap::from_bits(slot),
            &ThreadConfig::default(),
        )
        .expect("worker thread");
    }
    let mut finished = 0;
    while finished != 0b11 {
        let bits = ntfn.wait();
        finished |= bits;
        debug_println!("notification: woken with badge bits {bits:#04b}, finished {finished:#04b}");
    }
    debug_println!("notification: done");
}
