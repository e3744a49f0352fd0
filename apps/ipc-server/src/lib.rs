//! `ipc-server`: two threads exchanging messages over an endpoint.
//!
//! The root thread creates an endpoint and starts a server thread with `sel4-runtime`; the
//! server answers each call in the classic seL4 server loop (receive once, then reply-and-
//! receive), and the root thread calls it a few times as a client. On MCS kernels the server
//! receives with a reply object. Each client holds a badged copy of the endpoint, so the
//! server knows who calls.

#![no_std]

use sel4::sys::seL4_Word;
use sel4::{
    cap_type, debug_println, get_mr, init_thread, set_mr, BootInfo, Cap, CapRights, MessageInfo,
};
use sel4_runtime::objects::ObjectAllocator;
use sel4_runtime::thread::{Thread, ThreadConfig};
use sel4_runtime::vspace::AddressSpace;

sel4_runtime::main!(main);

/// Label of the one request the server knows: add the two words.
const ADD: seL4_Word = 1;

/// What the server thread gets: its endpoint and, on MCS kernels, the reply object it
/// receives calls with.
struct Server {
    ep: Cap<cap_type::Endpoint>,
    #[cfg(sel4_cfg_KERNEL_MCS)]
    reply: Cap<cap_type::Reply>,
}

fn server(
    Server {
        ep,
        #[cfg(sel4_cfg_KERNEL_MCS)]
        reply,
    }: Server,
) {
    #[cfg(sel4_cfg_KERNEL_MCS)]
    let (mut info, mut badge) = ep.recv(reply);
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    let (mut info, mut badge) = ep.recv();
    loop {
        let answer = if info.label() == ADD && info.length() == 2 {
            set_mr(0, get_mr(0) + get_mr(1));
            MessageInfo::new(0, 0, 0, 1)
        } else {
            MessageInfo::new(1, 0, 0, 0)
        };
        debug_println!("ipc-server: request from client {badge}, answered");
        #[cfg(sel4_cfg_KERNEL_MCS)]
        {
            (info, badge) = ep.reply_recv(answer, reply);
        }
        #[cfg(not(sel4_cfg_KERNEL_MCS))]
        {
            (info, badge) = ep.reply_recv(answer);
        }
    }
}

fn main(bootinfo: &'static BootInfo) {
    let mut objects = ObjectAllocator::new(bootinfo);
    let mut vspace = AddressSpace::new();
    let ep = objects
        .allocate_fixed::<cap_type::Endpoint>()
        .expect("endpoint");
    let server_args = Server {
        ep,
        #[cfg(sel4_cfg_KERNEL_MCS)]
        reply: objects
            .allocate_as(sel4::ObjectBlueprint::Reply)
            .expect("reply object"),
    };
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
