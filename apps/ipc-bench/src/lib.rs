//! `ipc-bench`: the IPC round trip benchmark, Rust side (bench/ipc_bench.py runs it).
//!
//! Two threads of the root server at the same priority (so both directions take the kernel's
//! fastpath): the root thread calls, a server thread answers with reply-recv, one message word
//! each way. After a warm-up, the root thread reads a counter ([`counter`]: the Arm generic
//! timer's virtual count, RISC-V's `time`, x86's TSC) before and after `ITERATIONS` round
//! trips and prints both with the counter frequency, in the line format bench/ipc_bench.py
//! parses (the C program of bench/c-ipc prints the same). Under QEMU with `-icount shift=0` one
//! instruction is one nanosecond of virtual time, so counter ticks convert to instructions.

#![no_std]

use sel4::sys::seL4_Word;
use sel4::{cap_type, debug_println, get_mr, set_mr, BootInfo, Cap, MessageInfo, ReplyTo};
use sel4_runtime::objects::ObjectAllocator;
use sel4_runtime::thread::{Thread, ThreadConfig};
use sel4_runtime::vspace::AddressSpace;

mod counter;

sel4_runtime::main!(main);

const WARM_UP: u64 = 100;
const ITERATIONS: u64 = 10_000;

/// The server thread: adds one to each request's word, replying through `reply_to`.
fn server((ep, reply_to): (Cap<cap_type::Endpoint>, ReplyTo)) {
    ep.recv_into(reply_to);
    loop {
        set_mr(0, get_mr(0) + 1);
        ep.reply_recv_into(MessageInfo::new(0, 0, 0, 1), reply_to);
    }
}

fn round_trips(ep: Cap<cap_type::Endpoint>, count: u64) -> seL4_Word {
    let mut value = 0;
    for _ in 0..count {
        set_mr(0, value);
        ep.call(MessageInfo::new(0, 0, 0, 1));
        value = get_mr(0);
    }
    value
}

fn main(bootinfo: &'static BootInfo) {
    let mut objects = ObjectAllocator::new(bootinfo);
    let mut vspace = AddressSpace::new();
    let ep = objects
        .allocate_fixed::<cap_type::Endpoint>()
        .expect("endpoint");
    let server_args = (ep, objects.allocate_reply_to().expect("reply object"));
    // The root thread's priority: the kernel's fastpath wants the same on both sides.
    let config = ThreadConfig {
        priority: 255,
        ..Default::default()
    };
    Thread::spawn_with(&mut objects, &mut vspace, server, server_args, &config)
        .expect("server thread");

    round_trips(ep, WARM_UP);
    let start = counter::read();
    let value = round_trips(ep, ITERATIONS);
    let end = counter::read();
    if value != ITERATIONS as seL4_Word {
        debug_println!("ipc-bench: wrong answers: {value} after {ITERATIONS} round trips");
    }
    debug_println!(
        "ipc-bench: lang=Rust iterations={ITERATIONS} counter_start={start} counter_end={end} counter_freq={}",
        counter::frequency(bootinfo)
    );
    debug_println!("ipc-bench: done");
}
