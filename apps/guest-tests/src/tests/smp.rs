//! Threads on another core of an SMP kernel: a server placed on core 1 (`ThreadConfig::core`)
//! answers calls from the root thread on core 0, so each call and reply crosses cores; and what
//! the kernel tells the root server about the cores.

use sel4::sys::config::MAX_NUM_NODES;
use sel4::sys::seL4_Word;
use sel4::{cap_type, get_mr, set_mr, Cap, MessageInfo, ReplyTo};
use sel4_runtime::thread::ThreadConfig;

use super::{new_object, reply_to, spawn};
use crate::harness::{equal, Ctx, Outcome};

#[derive(Clone, Copy)]
struct Server {
    ep: Cap<cap_type::Endpoint>,
    replier: ReplyTo,
}

/// Doubles the number in each message, for good.
fn double(server: &'static Server) {
    let (_, _) = server.ep.recv_into(server.replier);
    loop {
        set_mr(0, get_mr(0) * 2);
        let (_, _) = server
            .ep
            .reply_recv_into(MessageInfo::new(0, 0, 0, 1), server.replier);
    }
}

pub fn cross_core_ipc(ctx: &mut Ctx) -> Outcome {
    let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    let replier = reply_to(ctx)?;
    let config = ThreadConfig {
        core: 1,
        ..Default::default()
    };
    spawn(ctx, double, Server { ep, replier }, &config)?;
    for number in [1, 20, 300] {
        set_mr(0, number);
        let reply = ep.call(MessageInfo::new(0, 0, 0, 1));
        equal(
            (reply.length(), get_mr(0)),
            (1, 2 * number),
            "the answer from core 1",
        )?;
    }
    Ok(())
}

/// The root server starts on node 0 and is told how many nodes the kernel brought up: all it
/// was configured for (QEMU gets as many cores).
pub fn root_server_node(ctx: &mut Ctx) -> Outcome {
    equal(ctx.bootinfo.node_id(), 0, "BootInfo::node_id")?;
    // The configuration's values are u64 whatever the word size.
    equal(
        ctx.bootinfo.num_nodes(),
        MAX_NUM_NODES as seL4_Word,
        "BootInfo::num_nodes",
    )
}
