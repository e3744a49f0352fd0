//! MCS: scheduling contexts and control, reply objects, the non-blocking send-receive forms,
//! timeout faults.

use core::sync::atomic::{AtomicUsize, Ordering};

use sel4::sys::seL4_MinSchedContextBits;
use sel4::{
    cap_type, get_mr, init_thread, set_mr, Cap, Error, Fault, MessageInfo, ObjectBlueprint, ReplyTo,
};
use sel4_runtime::thread::ThreadConfig;

use super::{badged, new_object, reply_to, spawn};
use crate::harness::{check, equal, fails_with, ok, Ctx, Failure, Outcome};

fn sched_context(ctx: &mut Ctx) -> Result<Cap<cap_type::SchedContext>, Failure> {
    ok(
        ctx.objects.allocate_as(ObjectBlueprint::SchedContext {
            size_bits: seL4_MinSchedContextBits as usize,
        }),
        "scheduling context",
    )
}

fn control(ctx: &Ctx) -> Result<Cap<cap_type::SchedControl>, Failure> {
    init_thread::sched_control(ctx.bootinfo, 0)
        .ok_or_else(|| "no scheduling control capability".into())
}

pub fn sched_control(ctx: &mut Ctx) -> Outcome {
    let sc = sched_context(ctx)?;
    let control = control(ctx)?;
    ok(
        control.configure_flags(sc, 1000, 10_000, 0, 0, 0),
        "configure",
    )?;
    fails_with(
        control.configure_flags(sc, 10_000, 1000, 0, 0, 0),
        Error::RangeError,
        "budget above period",
    )?;
    fails_with(
        control.configure_flags(init_thread::TCB.cast(), 1000, 1000, 0, 0, 0),
        Error::InvalidCapability,
        "a TCB",
    )
}

pub fn bind_unbind(ctx: &mut Ctx) -> Outcome {
    let sc = sched_context(ctx)?;
    ok(
        control(ctx)?.configure_flags(sc, 1000, 1000, 0, 0, 0),
        "configure",
    )?;
    let tcb = new_object::<cap_type::Tcb>(ctx, "TCB")?;
    ok(sc.bind(tcb.upcast()), "bind a TCB")?;
    fails_with(sc.bind(tcb.upcast()), Error::IllegalOperation, "bind twice")?;
    ok(sc.unbind_object(tcb.upcast()), "unbind the TCB")?;
    let ntfn = new_object::<cap_type::Notification>(ctx, "notification")?;
    ok(sc.bind(ntfn.upcast()), "bind a notification")?;
    ok(sc.unbind(), "unbind everything")?;
    fails_with(
        sc.unbind_object(ntfn.upcast()),
        Error::IllegalOperation,
        "unbind what is not bound",
    )?;
    let used = ok(init_thread::SCHED_CONTEXT.consumed(), "consumed")?;
    check(used < u64::MAX, || "consumed time".into())
}

/// How often [`yield_to`] yields before it decides the thread yielded to never runs.
const YIELD_ATTEMPTS: usize = 20;

static SPINS: AtomicUsize = AtomicUsize::new(0);

fn spin(_: &'static ()) {
    loop {
        SPINS.fetch_add(1, Ordering::Relaxed);
    }
}

pub fn yield_to(ctx: &mut Ctx) -> Outcome {
    // At the caller's priority the thread yielded to runs before the caller continues (a
    // lower-priority one would only move to the head of its queue).
    let config = ThreadConfig {
        priority: 255,
        ..Default::default()
    };
    let thread = spawn(ctx, spin, (), &config)?;
    // QEMU's timer follows the host's clock: when the host deschedules the emulated core for
    // longer than the thread's budget (a loaded machine, or four emulated cores on two), the
    // budget runs out before the thread executes an instruction and the caller continues. The
    // yield is repeated so that one such lost slice does not fail the test.
    let mut ran = false;
    for _ in 0..YIELD_ATTEMPTS {
        let before = SPINS.load(Ordering::Relaxed);
        ok(
            thread.sched_context().yield_to(),
            "yield to a thread of the same priority",
        )?;
        if SPINS.load(Ordering::Relaxed) > before {
            ran = true;
            break;
        }
    }
    ok(thread.tcb().suspend(), "suspend it")?;
    check(ran, || {
        alloc::format!("the thread did not run in {YIELD_ATTEMPTS} yields to it")
    })?;
    let idle = sched_context(ctx)?;
    fails_with(
        idle.yield_to(),
        Error::IllegalOperation,
        "a scheduling context with no thread",
    )
}

#[derive(Clone, Copy)]
struct Echo {
    ep: Cap<cap_type::Endpoint>,
    replier: ReplyTo,
}

fn echo_once(echo: &'static Echo) {
    echo.ep.recv_into(echo.replier);
    let value = get_mr(0);
    set_mr(0, value + 100);
    echo.replier
        .reply_object()
        .send(MessageInfo::new(0, 0, 0, 1));
}

pub fn reply_object(ctx: &mut Ctx) -> Outcome {
    let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    let replier = reply_to(ctx)?;
    spawn(
        ctx,
        echo_once,
        Echo { ep, replier },
        &ThreadConfig::default(),
    )?;
    set_mr(0, 1);
    ep.call(MessageInfo::new(0, 0, 0, 1));
    equal(get_mr(0), 101, "reply through the reply object")
}

#[derive(Clone, Copy)]
struct Relay {
    own: Cap<cap_type::Endpoint>,
    root: Cap<cap_type::Endpoint>,
    replier: ReplyTo,
}

/// Receives a word on `own`, sends it plus one to `root`, then passes it plus two with
/// `nb_send_wait` while waiting on `own` again.
fn relay(relay: &'static Relay) {
    relay.own.recv_into(relay.replier);
    let value = get_mr(0);
    set_mr(0, value + 1);
    relay.root.send(MessageInfo::new(0, 0, 0, 1));
    set_mr(0, value + 2);
    relay
        .own
        .nb_send_wait(relay.root, MessageInfo::new(0, 0, 0, 1));
}

pub fn nb_send_recv(ctx: &mut Ctx) -> Outcome {
    let own = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    let root = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    let replier = reply_to(ctx)?;
    let mine = reply_to(ctx)?;
    let thread = spawn(
        ctx,
        relay,
        Relay { own, root, replier },
        &ThreadConfig {
            priority: 255,
            ..Default::default()
        },
    )?;
    // Let the relay block in its receive, then put it below this thread, so that this thread
    // waits again before the relay's nb_send_wait (which drops the message otherwise).
    sel4::yield_now();
    ok(
        thread.tcb().set_priority(init_thread::TCB, 254),
        "lower the relay's priority",
    )?;
    set_mr(0, 10);
    let (_, _) = root.nb_send_recv(own, MessageInfo::new(0, 0, 0, 1), mine.reply_object());
    equal(get_mr(0), 11, "sent then received")?;
    let (_, _) = root.recv_into(mine);
    equal(get_mr(0), 12, "non-blocking send of nb_send_wait")
}

fn busy(_: &'static ()) {
    loop {
        core::hint::spin_loop();
    }
}

pub fn timeout_fault(ctx: &mut Ctx) -> Outcome {
    let ep = new_object::<cap_type::Endpoint>(ctx, "timeout endpoint")?;
    let badged = badged(ctx, ep, 0x7e)?;
    let replier = reply_to(ctx)?;
    // A budget below its period, so that running out of it is a timeout fault.
    let config = ThreadConfig {
        budget_us: 1000,
        period_us: 10_000,
        ..Default::default()
    };
    let thread = spawn(ctx, busy, (), &config)?;
    ok(
        thread.tcb().set_timeout_endpoint(badged),
        "set timeout endpoint",
    )?;
    fails_with(
        thread.tcb().set_timeout_endpoint(init_thread::TCB.cast()),
        Error::InvalidCapability,
        "a TCB as endpoint",
    )?;
    let (info, badge) = ep.recv_into(replier);
    equal(badge, 0x7e, "badge")?;
    match Fault::new(info) {
        Fault::Timeout(_) => Ok(()),
        other => Err(alloc::format!("expected a timeout fault, got {other:?}")),
    }
}
