//! `ipc-server`: two threads exchanging messages over an endpoint.
//!
//! The root thread creates an endpoint and starts a server thread with `sel4-runtime`; the
//! server answers each call in the classic seL4 server loop (receive once, then reply-and-
//! receive), and the root thread calls it a few times as a client. The loop is the same for
//! both kernel modes: the server replies through a [`ReplyTo`] (a reply object on MCS
//! kernels, the thread's own reply slot on the others). Each client holds a badged copy of the
//! endpoint, so the server knows who calls.

#![no_std]

use sel4::sys::seL4_Word;
use sel4::{
    cap_type, debug_println, get_mr, init_thread, set_mr, BootInfo, Cap, CapRights, MessageInfo,
    ReplyTo,
};
use sel4_runtime::objects::ObjectAllocator;
use sel4_runtime::thread::{Thread, ThreadConfig};
use sel4_runtime::vspace::AddressSpace;

sel4_runtime::main!(main);

/// Label of the one request the server knows: add the two words.
const ADD: seL4_Word = 1;

/// The server thread: answers calls on `ep`, replying through `reply_to`.
fn server((ep, reply_to): (Cap<cap_type::Endpoint>, ReplyTo)) {
    let (mut info, mut badge) = ep.recv_into(reply_to);
    loop {
        let answer = if info.label() == ADD && info.length() == 2 {
            set_mr(0, get_mr(0) + get_mr(1));
            MessageInfo::new(0, 0, 0, 1)
        } else {
            MessageInfo::new(1, 0, 0, 0)
        };
        debug_println!("ipc-server: request from client {badge}, answered");
        (info, badge) = ep.reply_recv_into(answer, reply_to);
    }
}

fn main(bootinfo: &'static BootInfo) {
    let mut objects = ObjectAllocator::new(bootinfo);
    let mut vspace = AddressSpace::new();
    let ep = objects
        .allocate_fixed::<cap_type::Endpoint>()
        .expect("endpoint");
    let server_args = (ep, objects.allocate_reply_to().expect("reply object"));
    Thread::spawn_with(
        &mut objects,
        &mut vspace,
        server,
        server_args,
        &ThreadConfig::default(),
    )
    .expect("server thread");

    // The client's capability carries badge 7: the server sees it with every request.
    let client = objects.alloc_slot().expect("slot");
    let depth = sel4::sys::seL4_WordBits as u8;
    init_thread::CNODE
        .mint(
            client,
            depth,
            init_thread::CNODE,
            ep.bits(),
            depth,
            CapRights::ALL,
            7,
        )
        .expect("mint");
    let client = Cap::<cap_type::Endpoint>::from_bits(client);
    for (a, b) in [(1, 2), (20, 22), (1000, 337)] {
        set_mr(0, a);
        set_mr(1, b);
        let reply = client.call(MessageInfo::new(ADD, 0, 0, 2));
        debug_println!(
            "ipc-server: {a} + {b} = {} (reply label {})",
            get_mr(0),
            reply.label()
        );
    }
    debug_println!("ipc-server: done");
}
