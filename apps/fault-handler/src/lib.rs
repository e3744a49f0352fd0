//! `fault-handler`: a child thread's faults, delivered to a fault handler and decoded.
//!
//! The root thread is the fault handler: it gives two child threads a badged copy of an
//! endpoint as their fault endpoint. The first writes to an address where nothing is mapped;
//! the second recurses until its stack runs into the unmapped guard page `sel4-runtime` puts
//! below every stack it creates. Each fault arrives as a message, which `sel4::Fault` decodes.

#![no_std]

use sel4::sys::seL4_Word;
use sel4::{cap_type, debug_println, init_thread, BootInfo, Cap, CapRights, Fault};
use sel4_runtime::objects::ObjectAllocator;
use sel4_runtime::thread::{Thread, ThreadConfig};
use sel4_runtime::vspace::AddressSpace;

sel4_runtime::main!(main);

/// An address with nothing mapped: the fault handler expects a fault there.
const NOWHERE: usize = 0xdead_0000;

fn bad_write(_: usize) {
    // SAFETY: none; the write faults, which is the point of the example.
    unsafe { core::ptr::write_volatile(NOWHERE as *mut usize, 1) };
}

#[inline(never)]
fn recurse(depth: usize) -> usize {
    let frame = core::hint::black_box([depth as u8; 256]);
    if depth == 0 {
        0
    } else {
        recurse(depth - 1) + usize::from(frame[depth % 256])
    }
}

fn stack_overflow(_: usize) {
    core::hint::black_box(recurse(core::hint::black_box(100_000)));
}

fn main(bootinfo: &'static BootInfo) {
    let mut objects = ObjectAllocator::new(bootinfo);
    let mut vspace = AddressSpace::new();
    let ep = objects
        .allocate_fixed::<cap_type::Endpoint>()
        .expect("endpoint");
    let reply_to = objects.allocate_reply_to().expect("reply object");
    let depth = sel4::sys::seL4_WordBits as u8;

    for (badge, (name, entry)) in [
        ("bad write", bad_write as fn(usize)),
        ("stack overflow", stack_overflow),
    ]
    .into_iter()
    .enumerate()
    {
        let slot = objects.alloc_slot().expect("slot");
        init_thread::CNODE
            .mint(
                slot,
                depth,
                init_thread::CNODE,
                ep.bits(),
                depth,
                CapRights::ALL,
                badge as seL4_Word,
            )
            .expect("mint");
        let config = ThreadConfig {
            fault_endpoint: Some(Cap::from_bits(slot)),
            ..Default::default()
        };
        let child = Thread::spawn(&mut objects, &mut vspace, entry, 0, &config).expect("thread");

        let (info, from) = ep.recv_into(reply_to);
        let fault = Fault::new(info);
        debug_println!("fault-handler: child {from} ({name}) faulted: {fault:?}");
        if let Fault::VmFault(vm) = fault {
            let guard = child.guard_page();
            let place = if (guard..guard + 4096).contains(&(vm.addr as usize)) {
                "in the guard page below its stack"
            } else if vm.addr as usize == NOWHERE {
                "at the unmapped address it wrote to"
            } else {
                "somewhere unexpected"
            };
            debug_println!("fault-handler: VM fault at {:#x}, {place}", vm.addr);
        }
        // The child stays blocked, waiting for a reply that never comes: stop it for good.
        child.tcb().suspend().expect("suspend");
    }
    debug_println!("fault-handler: done");
}
