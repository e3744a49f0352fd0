//! IPC between threads: call and reply-recv, send and recv with badges, non-blocking forms,
//! capability transfer, notifications.

use core::sync::atomic::{AtomicUsize, Ordering};

use sel4::sys::seL4_Word;
use sel4::{cap_type, get_mr, init_thread, set_mr, Cap, MessageInfo, ReplyTo};
use sel4_runtime::thread::ThreadConfig;

use super::{badged, new_object, reply_to, spawn};
use crate::harness::{equal, ok, Ctx, Outcome};

const DEPTH: u8 = sel4::sys::seL4_WordBits as u8;

#[derive(Clone, Copy)]
struct Server {
    ep: Cap<cap_type::Endpoint>,
    replier: ReplyTo,
}

/// Replies to each call with its first word plus one and its badge in the second word.
fn add_one_server(server: &'static Server) {
    let (mut info, mut badge) = server.ep.recv_into(server.replier);
    loop {
        let value = get_mr(0);
        check_len(info);
        set_mr(0, value + 1);
        set_mr(1, badge);
        (info, badge) = server
            .ep
            .reply_recv_into(MessageInfo::new(0, 0, 0, 2), server.replier);
    }
}

fn check_len(info: MessageInfo) {
    if info.length() != 1 {
        sel4::debug_println!("add_one_server: unexpected message {info:?}");
    }
}

/// The same server as [`add_one_server`], with each kernel mode's own receive and
/// reply-receive (a reply object passed explicitly on MCS kernels, none on the others).
fn add_one_server_per_mode(server: &'static Server) {
    #[cfg(sel4_cfg_KERNEL_MCS)]
    let (mut info, mut badge) = server.ep.recv(server.replier.reply_object());
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    let (mut info, mut badge) = server.ep.recv();
    loop {
        let value = get_mr(0);
        check_len(info);
        set_mr(0, value + 1);
        set_mr(1, badge);
        let answer = MessageInfo::new(0, 0, 0, 2);
        #[cfg(sel4_cfg_KERNEL_MCS)]
        {
            (info, badge) = server.ep.reply_recv(answer, server.replier.reply_object());
        }
        #[cfg(not(sel4_cfg_KERNEL_MCS))]
        {
            (info, badge) = server.ep.reply_recv(answer);
        }
    }
}

/// A server thread's entry point.
type ServerFn = fn(&'static Server);

pub fn call_reply_recv(ctx: &mut Ctx) -> Outcome {
    let servers: [(ServerFn, &str); 2] = [
        (add_one_server, "ReplyTo"),
        (add_one_server_per_mode, "the mode's own calls"),
    ];
    for (server, how) in servers {
        let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
        let replier = reply_to(ctx)?;
        spawn(
            ctx,
            server,
            Server { ep, replier },
            &ThreadConfig::default(),
        )?;
        let badged = badged(ctx, ep, 0xb)?;
        for i in 0..100 {
            set_mr(0, i);
            let reply = badged.call(MessageInfo::new(0x77, 0, 0, 1));
            equal((reply.label(), reply.length()), (0, 2), how)?;
            equal((get_mr(0), get_mr(1)), (i + 1, 0xb), how)?;
        }
    }
    Ok(())
}

static RECEIVED: [AtomicUsize; 3] = [
    AtomicUsize::new(0),
    AtomicUsize::new(0),
    AtomicUsize::new(0),
];

#[derive(Clone, Copy)]
struct Receiver {
    ep: Cap<cap_type::Endpoint>,
    done: Cap<cap_type::Notification>,
    replier: ReplyTo,
}

/// Receives one message, records label, first word and badge, and signals `done`.
fn receive_once(receiver: &'static Receiver) {
    let (info, badge) = receiver.ep.recv_into(receiver.replier);
    RECEIVED[0].store(info.label() as usize, Ordering::SeqCst);
    RECEIVED[1].store(get_mr(0) as usize, Ordering::SeqCst);
    RECEIVED[2].store(badge as usize, Ordering::SeqCst);
    receiver.done.signal();
}

fn received() -> (usize, usize, usize) {
    (
        RECEIVED[0].load(Ordering::SeqCst),
        RECEIVED[1].load(Ordering::SeqCst),
        RECEIVED[2].load(Ordering::SeqCst),
    )
}

pub fn send_recv_badge(ctx: &mut Ctx) -> Outcome {
    let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    let done = new_object::<cap_type::Notification>(ctx, "notification")?;
    let replier = reply_to(ctx)?;
    spawn(
        ctx,
        receive_once,
        Receiver { ep, done, replier },
        &ThreadConfig::default(),
    )?;
    let badged = badged(ctx, ep, 5)?;
    set_mr(0, 77);
    badged.send(MessageInfo::new(9, 0, 0, 1));
    done.wait();
    equal(received(), (9, 77, 5), "label, word and badge received")
}

pub fn nb_send_nb_recv(ctx: &mut Ctx) -> Outcome {
    let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    let replier = reply_to(ctx)?;
    // Nobody waits: the message is dropped, and there is nothing to receive.
    set_mr(0, 1);
    ep.nb_send(MessageInfo::new(3, 0, 0, 1));
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    let (_, badge) = ep.nb_recv();
    #[cfg(sel4_cfg_KERNEL_MCS)]
    let (_, badge) = ep.nb_recv(replier.reply_object());
    equal(badge, 0, "nothing received")?;
    // With a receiver waiting, a non-blocking send is delivered. At the root thread's priority
    // the receiver runs when this thread yields, and blocks in its receive.
    let done = new_object::<cap_type::Notification>(ctx, "notification")?;
    let config = ThreadConfig {
        priority: 255,
        ..Default::default()
    };
    spawn(ctx, receive_once, Receiver { ep, done, replier }, &config)?;
    sel4::yield_now();
    set_mr(0, 55);
    ep.nb_send(MessageInfo::new(4, 0, 0, 1));
    done.wait();
    let (label, word, _) = received();
    equal(
        (label, word),
        (4, 55),
        "non-blocking send to a waiting receiver",
    )
}

#[derive(Clone, Copy)]
struct CapReceiver {
    ep: Cap<cap_type::Endpoint>,
    slot: seL4_Word,
    replier: ReplyTo,
}

static TRANSFER: [AtomicUsize; 4] = [
    AtomicUsize::new(0),
    AtomicUsize::new(0),
    AtomicUsize::new(0),
    AtomicUsize::new(0),
];

/// Receives two calls with one capability each: the first transferred into `slot`, the second
/// unwrapped (a badged capability to the receiving endpoint itself).
fn receive_caps(server: &'static CapReceiver) {
    sel4::set_cap_receive_path(init_thread::CNODE, server.slot, DEPTH.into());
    let (info, _) = server.ep.recv_into(server.replier);
    TRANSFER[0].store(info.extra_caps() as usize, Ordering::SeqCst);
    TRANSFER[1].store(info.caps_unwrapped() as usize, Ordering::SeqCst);
    let (info, _) = server
        .ep
        .reply_recv_into(MessageInfo::new(0, 0, 0, 0), server.replier);
    TRANSFER[2].store(info.caps_unwrapped() as usize, Ordering::SeqCst);
    TRANSFER[3].store(sel4::get_badge(0) as usize, Ordering::SeqCst);
    server.replier.reply(MessageInfo::new(0, 0, 0, 0));
}

pub fn cap_transfer(ctx: &mut Ctx) -> Outcome {
    let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    let slot = ok(ctx.objects.alloc_slot(), "slot")?;
    let replier = reply_to(ctx)?;
    spawn(
        ctx,
        receive_caps,
        CapReceiver { ep, slot, replier },
        &ThreadConfig::default(),
    )?;
    let ntfn = new_object::<cap_type::Notification>(ctx, "notification")?;
    sel4::set_cap(0, ntfn);
    ep.call(MessageInfo::new(0, 0, 1, 0));
    equal(
        Cap::<cap_type::Notification>::from_bits(slot).debug_identify(),
        Some(sel4::debug::CapTag::Notification),
        "capability received in the receive slot",
    )?;
    let badged = badged(ctx, ep, 0x99)?;
    sel4::set_cap(0, badged);
    ep.call(MessageInfo::new(0, 0, 1, 0));
    let seen: [usize; 4] = core::array::from_fn(|i| TRANSFER[i].load(Ordering::SeqCst));
    equal(
        seen,
        [1, 0, 1, 0x99],
        "extra caps, unwrapped bits, badge of the unwrapped capability",
    )
}

pub fn notification(ctx: &mut Ctx) -> Outcome {
    let ntfn = new_object::<cap_type::Notification>(ctx, "notification")?;
    let one = badged(ctx, ntfn, 0b01)?;
    let two = badged(ctx, ntfn, 0b10)?;
    equal(ntfn.poll(), 0, "poll before any signal")?;
    one.signal();
    two.signal();
    equal(ntfn.wait(), 0b11, "badges accumulate")?;
    equal(ntfn.poll(), 0, "wait cleared them")?;
    two.signal();
    equal(ntfn.poll(), 0b10, "poll takes a signal")?;
    // A signal from another thread wakes this one.
    spawn(ctx, signal_it, one, &ThreadConfig::default())?;
    equal(ntfn.wait(), 0b01, "signal from a thread")
}

fn signal_it(ntfn: &'static Cap<cap_type::Notification>) {
    ntfn.signal();
}

#[cfg(not(sel4_cfg_KERNEL_MCS))]
fn double_once(ep: &'static Cap<cap_type::Endpoint>) {
    let (_, _) = ep.recv();
    let value = get_mr(0);
    set_mr(0, value * 2);
    sel4::reply(MessageInfo::new(0, 0, 0, 1));
}

#[cfg(not(sel4_cfg_KERNEL_MCS))]
pub fn reply(ctx: &mut Ctx) -> Outcome {
    let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    spawn(ctx, double_once, ep, &ThreadConfig::default())?;
    set_mr(0, 21);
    let info = ep.call(MessageInfo::new(0, 0, 0, 1));
    equal((info.length(), get_mr(0)), (1, 42), "reply")
}
