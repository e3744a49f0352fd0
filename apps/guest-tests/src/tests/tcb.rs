//! Threads: configuration, registers, priorities, flags, notifications, suspend and resume.

use core::sync::atomic::{AtomicUsize, Ordering};

use sel4::sys::{seL4_UserContext, seL4_Word};
use sel4::{cap_type, init_thread, Cap, Error};
use sel4_runtime::thread::ThreadConfig;

use super::{badged, new_object, reply_to, spawn};
use crate::arch::{pc_sp_arg_other, user_context};
use crate::harness::{check, equal, fails_with, ok, Ctx, Failure, Outcome};

const REGISTER_WORDS: seL4_Word =
    (core::mem::size_of::<seL4_UserContext>() / core::mem::size_of::<seL4_Word>()) as seL4_Word;

/// A fresh TCB and a mapped frame with its address, for an IPC buffer.
fn tcb_and_frame(
    ctx: &mut Ctx,
) -> Result<(Cap<cap_type::Tcb>, Cap<cap_type::Frame>, seL4_Word), Failure> {
    let tcb = new_object::<cap_type::Tcb>(ctx, "TCB")?;
    let vaddr = ok(ctx.vspace.reserve(1), "reserve a page")?;
    let frame = ok(
        ctx.vspace.map_new_frame(&mut ctx.objects, vaddr),
        "map a frame",
    )?;
    Ok((tcb, frame, vaddr as seL4_Word))
}

fn configure_tcb(
    tcb: Cap<cap_type::Tcb>,
    frame: Cap<cap_type::Frame>,
    buffer: seL4_Word,
) -> sel4::Result<()> {
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    return tcb.configure(
        0,
        init_thread::CNODE,
        0,
        init_thread::VSPACE,
        0,
        buffer,
        frame,
    );
    #[cfg(sel4_cfg_KERNEL_MCS)]
    return tcb.configure(init_thread::CNODE, 0, init_thread::VSPACE, 0, buffer, frame);
}

pub fn configure(ctx: &mut Ctx) -> Outcome {
    let (tcb, frame, buffer) = tcb_and_frame(ctx)?;
    ok(configure_tcb(tcb, frame, buffer), "configure")?;
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    let fault_ep = 0;
    #[cfg(sel4_cfg_KERNEL_MCS)]
    let fault_ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    ok(
        tcb.set_space(fault_ep, init_thread::CNODE, 0, init_thread::VSPACE, 0),
        "set space",
    )?;
    let not_a_vspace = init_thread::TCB.cast::<cap_type::VSpaceRoot>();
    fails_with(
        tcb.set_space(fault_ep, init_thread::CNODE, 0, not_a_vspace, 0),
        Error::IllegalOperation,
        "a TCB as VSpace",
    )?;
    ok(tcb.set_ipc_buffer(buffer, frame), "set IPC buffer")?;
    fails_with(
        tcb.set_ipc_buffer(buffer + 8, frame),
        Error::AlignmentError,
        "misaligned IPC buffer",
    )?;
    ok(tcb.set_tls_base(0x1000), "set TLS base")
}

pub fn registers(ctx: &mut Ctx) -> Outcome {
    let (tcb, frame, buffer) = tcb_and_frame(ctx)?;
    ok(configure_tcb(tcb, frame, buffer), "configure")?;
    let regs = user_context(0x40_0000, 0x80_0000, 123, 0xabc);
    ok(
        tcb.write_registers(false, 0, REGISTER_WORDS, &regs),
        "write registers",
    )?;
    let read = ok(
        tcb.read_registers(false, 0, REGISTER_WORDS),
        "read registers",
    )?;
    equal(
        pc_sp_arg_other(&read),
        pc_sp_arg_other(&regs),
        "registers read back",
    )?;
    fails_with(
        tcb.read_registers(false, 0, REGISTER_WORDS + 1),
        Error::RangeError,
        "too many registers",
    )?;
    fails_with(
        init_thread::TCB.read_registers(false, 0, 1),
        Error::IllegalOperation,
        "own registers",
    )?;
    let (target, frame, buffer) = tcb_and_frame(ctx)?;
    ok(configure_tcb(target, frame, buffer), "configure")?;
    ok(
        target.copy_registers(tcb, false, false, true, true, 0),
        "copy registers",
    )?;
    let copied = ok(
        target.read_registers(false, 0, REGISTER_WORDS),
        "read copied registers",
    )?;
    let (pc, _, arg, _) = pc_sp_arg_other(&copied);
    let (regs_pc, _, regs_arg, _) = pc_sp_arg_other(&regs);
    equal((pc, arg), (regs_pc, regs_arg), "registers copied")
}

pub fn priorities(ctx: &mut Ctx) -> Outcome {
    let tcb = new_object::<cap_type::Tcb>(ctx, "TCB")?;
    ok(tcb.set_priority(init_thread::TCB, 100), "set priority")?;
    fails_with(
        tcb.set_priority(init_thread::TCB, 256),
        Error::RangeError,
        "priority above the authority's MCP",
    )?;
    ok(tcb.set_mc_priority(init_thread::TCB, 50), "set MCP")?;
    fails_with(
        tcb.set_mc_priority(init_thread::TCB, 300),
        Error::RangeError,
        "MCP above the authority's",
    )?;
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    ok(
        tcb.set_sched_params(init_thread::TCB, 60, 60),
        "set sched params",
    )?;
    #[cfg(sel4_cfg_KERNEL_MCS)]
    {
        let sc = ok(
            ctx.objects.allocate_as::<cap_type::SchedContext>(
                sel4::ObjectBlueprint::SchedContext {
                    size_bits: sel4::sys::seL4_MinSchedContextBits as usize,
                },
            ),
            "scheduling context",
        )?;
        let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
        ok(
            tcb.set_sched_params(init_thread::TCB, 60, 60, sc, ep),
            "set sched params",
        )?;
    }
    // The new TCB's MCP is now 60: as an authority it allows priorities up to 60.
    let other = new_object::<cap_type::Tcb>(ctx, "TCB")?;
    ok(
        other.set_priority(tcb, 60),
        "priority within the authority's MCP",
    )?;
    fails_with(
        other.set_priority(tcb, 61),
        Error::RangeError,
        "priority above the authority's MCP 60",
    )
}

pub fn flags(ctx: &mut Ctx) -> Outcome {
    let tcb = new_object::<cap_type::Tcb>(ctx, "TCB")?;
    let fpu_disabled = sel4::sys::seL4_TCBFlag_fpuDisabled as seL4_Word;
    let before = ok(tcb.set_flags(0, 0), "read flags")?;
    let set = ok(tcb.set_flags(0, fpu_disabled), "disable the FPU")?;
    check(set & fpu_disabled != 0, || {
        alloc::format!("flag not set: {set:#x} (before {before:#x})")
    })?;
    let cleared = ok(tcb.set_flags(fpu_disabled, 0), "enable the FPU")?;
    equal(cleared & fpu_disabled, 0, "flag cleared")
}

pub fn bind_notification(ctx: &mut Ctx) -> Outcome {
    let tcb = new_object::<cap_type::Tcb>(ctx, "TCB")?;
    let ntfn = new_object::<cap_type::Notification>(ctx, "notification")?;
    ok(tcb.bind_notification(ntfn), "bind")?;
    fails_with(
        tcb.bind_notification(ntfn),
        Error::IllegalOperation,
        "bind twice",
    )?;
    ok(tcb.unbind_notification(), "unbind")?;
    fails_with(
        tcb.unbind_notification(),
        Error::IllegalOperation,
        "unbind twice",
    )?;
    // A signal to a thread's bound notification ends its wait on an endpoint.
    let badged = badged(ctx, ntfn, 0x10)?;
    let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    let replier = reply_to(ctx)?;
    ok(
        init_thread::TCB.bind_notification(ntfn),
        "bind to the root thread",
    )?;
    badged.signal();
    let (_, badge) = ep.recv_into(replier);
    ok(
        init_thread::TCB.unbind_notification(),
        "unbind from the root thread",
    )?;
    equal(
        badge,
        0x10,
        "badge delivered through the bound notification",
    )
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn count_forever(_: &'static ()) {
    loop {
        COUNTER.fetch_add(1, Ordering::Relaxed);
        sel4::yield_now();
    }
}

fn yield_times(n: usize) {
    for _ in 0..n {
        sel4::yield_now();
    }
}

pub fn suspend_resume(ctx: &mut Ctx) -> Outcome {
    // Same priority as the root thread, so that yielding lets it run.
    let config = ThreadConfig {
        priority: 255,
        ..Default::default()
    };
    let thread = spawn(ctx, count_forever, (), &config)?;
    yield_times(5);
    let running = COUNTER.load(Ordering::Relaxed);
    check(running > 0, || "the thread did not run".into())?;
    ok(thread.tcb().suspend(), "suspend")?;
    let stopped = COUNTER.load(Ordering::Relaxed);
    yield_times(5);
    equal(
        COUNTER.load(Ordering::Relaxed),
        stopped,
        "counter while suspended",
    )?;
    ok(thread.tcb().resume(), "resume")?;
    yield_times(5);
    check(COUNTER.load(Ordering::Relaxed) > stopped, || {
        "the thread did not run again".into()
    })?;
    ok(thread.tcb().suspend(), "suspend for good")?;
    fails_with(
        init_thread::CNODE.cast::<cap_type::Tcb>().suspend(),
        Error::IllegalOperation,
        "suspend a CNode",
    )
}

static SEEN_IPC_BUFFER: AtomicUsize = AtomicUsize::new(0);

fn report_ipc_buffer(done: &'static Cap<cap_type::Notification>) {
    // SAFETY: reads this thread's own thread-local pointer.
    SEEN_IPC_BUFFER.store(
        unsafe { sel4::sys::seL4_GetIPCBuffer() } as usize,
        Ordering::SeqCst,
    );
    done.signal();
}

pub fn thread_tls_and_ipc_buffer(ctx: &mut Ctx) -> Outcome {
    let done = new_object::<cap_type::Notification>(ctx, "notification")?;
    let thread = spawn(ctx, report_ipc_buffer, done, &ThreadConfig::default())?;
    done.wait();
    equal(
        SEEN_IPC_BUFFER.load(Ordering::SeqCst),
        thread.ipc_buffer(),
        "the thread's IPC buffer pointer",
    )?;
    // SAFETY: reads this thread's own thread-local pointer.
    let own = unsafe { sel4::sys::seL4_GetIPCBuffer() };
    equal(
        own,
        ctx.bootinfo.ipc_buffer(),
        "the root thread's IPC buffer pointer",
    )?;
    check(thread.guard_page() + 4096 == thread.stack().start, || {
        "guard page right below the stack".into()
    })
}

/// `Tcb::set_affinity` (SMP kernels without MCS): a new thread moves to core 0 (it has at
/// least one) and not to a core past the last.
#[cfg(all(sel4_cfg_ENABLE_SMP_SUPPORT, not(sel4_cfg_KERNEL_MCS)))]
pub fn affinity(ctx: &mut Ctx) -> Outcome {
    let tcb = new_object::<cap_type::Tcb>(ctx, "TCB")?;
    ok(tcb.set_affinity(0), "core 0")?;
    fails_with(
        tcb.set_affinity(sel4::sys::config::MAX_NUM_NODES as seL4_Word),
        Error::IllegalOperation,
        "a core past the last",
    )?;
    fails_with(
        init_thread::CNODE.cast::<cap_type::Tcb>().set_affinity(0),
        Error::IllegalOperation,
        "a CNode",
    )
}
