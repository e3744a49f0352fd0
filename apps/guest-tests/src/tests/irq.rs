//! Interrupts, domains and secure monitor calls.

use sel4::debug::CapTag;
use sel4::sys::seL4_Word;
use sel4::{cap_type, init_thread, Cap, Error};

use super::new_object;
use crate::harness::{equal, fails_with, ok, Ctx, Outcome};

#[cfg(not(target_arch = "x86_64"))]
const DEPTH: u8 = sel4::sys::seL4_WordBits as u8;

/// An interrupt number no controller has.
#[cfg(not(target_arch = "x86_64"))]
const NO_SUCH_IRQ: seL4_Word = 100_000;

/// `IrqControl::get` (Arm, RISC-V): a handler for a spare interrupt, then what the handler
/// does. Where the platform has no interrupt to give (Spike), every number is out of range.
#[cfg(not(target_arch = "x86_64"))]
pub fn control_and_handler(ctx: &mut Ctx) -> Outcome {
    let control = init_thread::IRQ_CONTROL;
    let slot = ok(ctx.objects.alloc_slot(), "slot")?;
    let Some(spare) = crate::arch::SPARE_IRQ else {
        fails_with(
            control.get(NO_SUCH_IRQ, init_thread::CNODE, slot, DEPTH),
            Error::RangeError,
            "an IRQ on a platform without any",
        )?;
        return handler_errors();
    };
    ok(
        control.get(spare, init_thread::CNODE, slot, DEPTH),
        "get an IRQ handler",
    )?;
    let handler = Cap::<cap_type::IrqHandler>::from_bits(slot);
    equal(
        handler.debug_identify(),
        Some(CapTag::IrqHandler),
        "handler capability",
    )?;
    let other = ok(ctx.objects.alloc_slot(), "slot")?;
    fails_with(
        control.get(spare, init_thread::CNODE, other, DEPTH),
        Error::RevokeFirst,
        "the same IRQ twice",
    )?;
    fails_with(
        control.get(NO_SUCH_IRQ, init_thread::CNODE, other, DEPTH),
        Error::RangeError,
        "an IRQ beyond the controller",
    )?;
    use_handler(ctx, handler)
}

/// What a handler does: a notification to deliver its interrupt to, acknowledging, clearing;
/// and the same invocations on a capability that is not a handler.
pub fn use_handler(ctx: &mut Ctx, handler: Cap<cap_type::IrqHandler>) -> Outcome {
    let ntfn = new_object::<cap_type::Notification>(ctx, "notification")?;
    ok(handler.set_notification(ntfn), "set notification")?;
    fails_with(
        handler.set_notification(init_thread::TCB.cast()),
        Error::InvalidCapability,
        "a TCB as notification",
    )?;
    ok(handler.ack(), "ack")?;
    ok(handler.clear(), "clear")?;
    equal(
        handler.debug_identify(),
        Some(CapTag::IrqHandler),
        "handler after clear",
    )?;
    handler_errors()
}

/// The handler's invocations on a TCB.
fn handler_errors() -> Outcome {
    let not_a_handler = init_thread::TCB.cast::<cap_type::IrqHandler>();
    fails_with(
        not_a_handler.set_notification(init_thread::TCB.cast()),
        Error::IllegalOperation,
        "set notification on a TCB",
    )?;
    fails_with(
        not_a_handler.clear(),
        Error::IllegalOperation,
        "clear on a TCB",
    )?;
    fails_with(not_a_handler.ack(), Error::IllegalOperation, "ack on a TCB")
}

/// `IrqControl::get_trigger` (RISC-V, and Arm with SMP, whose SGI test does not run): an
/// edge-triggered handler for the spare interrupt after the one `control_and_handler` takes.
#[cfg(any(
    target_arch = "riscv64",
    target_arch = "riscv32",
    all(
        any(target_arch = "aarch64", target_arch = "arm"),
        sel4_cfg_ENABLE_SMP_SUPPORT
    )
))]
pub fn trigger(ctx: &mut Ctx) -> Outcome {
    let control = init_thread::IRQ_CONTROL;
    let slot = ok(ctx.objects.alloc_slot(), "slot")?;
    let Some(spare) = crate::arch::SPARE_IRQ else {
        return fails_with(
            control.get_trigger(NO_SUCH_IRQ, 1, init_thread::CNODE, slot, DEPTH),
            Error::RangeError,
            "an IRQ on a platform without any",
        );
    };
    ok(
        control.get_trigger(spare + 1, 1, init_thread::CNODE, slot, DEPTH),
        "get an edge-triggered IRQ handler",
    )?;
    equal(
        Cap::<cap_type::IrqHandler>::from_bits(slot).debug_identify(),
        Some(CapTag::IrqHandler),
        "handler",
    )?;
    let other = ok(ctx.objects.alloc_slot(), "slot")?;
    fails_with(
        control.get_trigger(spare + 1, 0, init_thread::CNODE, other, DEPTH),
        Error::RevokeFirst,
        "the same IRQ twice",
    )?;
    fails_with(
        control.get_trigger(NO_SUCH_IRQ, 1, init_thread::CNODE, other, DEPTH),
        Error::RangeError,
        "an IRQ beyond the controller",
    )
}

/// `IrqControl::get_trigger` and `IrqControl::issue_sgi_signal` (Arm without SMP): an
/// edge-triggered handler, and a capability to signal software-generated interrupt 1 to core 0.
#[cfg(all(
    any(target_arch = "aarch64", target_arch = "arm"),
    not(sel4_cfg_ENABLE_SMP_SUPPORT)
))]
pub fn trigger_and_sgi(ctx: &mut Ctx) -> Outcome {
    let Some(spare) = crate::arch::SPARE_IRQ else {
        return Err("no spare IRQ on this Arm platform".into());
    };
    let control = init_thread::IRQ_CONTROL;
    let slot = ok(ctx.objects.alloc_slot(), "slot")?;
    ok(
        control.get_trigger(spare + 1, 1, init_thread::CNODE, slot, DEPTH),
        "get an edge-triggered IRQ handler",
    )?;
    equal(
        Cap::<cap_type::IrqHandler>::from_bits(slot).debug_identify(),
        Some(CapTag::IrqHandler),
        "handler",
    )?;
    let sgi = ok(ctx.objects.alloc_slot(), "slot")?;
    ok(
        control.issue_sgi_signal(1, 0, init_thread::CNODE, sgi, DEPTH),
        "issue an SGI signal capability",
    )?;
    let other = ok(ctx.objects.alloc_slot(), "slot")?;
    fails_with(
        control.issue_sgi_signal(16, 0, init_thread::CNODE, other, DEPTH),
        Error::RangeError,
        "SGI 16",
    )
}

pub fn domain_set(ctx: &mut Ctx) -> Outcome {
    let tcb = new_object::<cap_type::Tcb>(ctx, "TCB")?;
    let domains = init_thread::DOMAIN;
    ok(domains.set(0, tcb), "domain 0")?;
    fails_with(
        domains.set(sel4::sys::config::NUM_DOMAINS as u8, tcb),
        Error::InvalidArgument,
        "a domain past the last",
    )?;
    // Entry 0 starts the schedule (a single domain here): keep it domain 0, with a duration.
    ok(
        domains.schedule_configure(0, 0, 1 << 30),
        "schedule entry 0",
    )?;
    fails_with(
        domains.schedule_configure(0, 0, 0),
        Error::InvalidArgument,
        "no duration for the start entry",
    )?;
    let last = sel4::sys::config::NUM_DOMAIN_SCHEDULES as seL4_Word - 1;
    fails_with(
        domains.schedule_configure(last, 0, 1),
        Error::RangeError,
        "the end marker entry",
    )?;
    ok(domains.schedule_set_start(0), "start at entry 0")?;
    fails_with(
        domains.schedule_set_start(last),
        Error::InvalidArgument,
        "start at the end marker",
    )
}

/// `IrqControl::get_trigger_core` (Arm with SMP): a handler for a shared interrupt delivered to
/// core 0; a core the kernel does not have is refused.
#[cfg(all(
    any(target_arch = "aarch64", target_arch = "arm"),
    sel4_cfg_ENABLE_SMP_SUPPORT
))]
pub fn trigger_core(ctx: &mut Ctx) -> Outcome {
    let Some(spare) = crate::arch::SPARE_IRQ else {
        return Err("no spare IRQ on this Arm platform".into());
    };
    let control = init_thread::IRQ_CONTROL;
    let slot = ok(ctx.objects.alloc_slot(), "slot")?;
    let other = ok(ctx.objects.alloc_slot(), "slot")?;
    let cores = sel4::sys::config::MAX_NUM_NODES as seL4_Word;
    fails_with(
        control.get_trigger_core(spare + 2, 1, init_thread::CNODE, other, DEPTH, cores),
        Error::InvalidArgument,
        "a core past the last",
    )?;
    ok(
        control.get_trigger_core(spare + 2, 1, init_thread::CNODE, slot, DEPTH, 0),
        "get an edge-triggered IRQ handler on core 0",
    )?;
    equal(
        Cap::<cap_type::IrqHandler>::from_bits(slot).debug_identify(),
        Some(CapTag::IrqHandler),
        "handler",
    )?;
    fails_with(
        control.get_trigger_core(spare + 2, 1, init_thread::CNODE, other, DEPTH, 0),
        Error::RevokeFirst,
        "the same IRQ twice",
    )
}

#[cfg(target_arch = "aarch64")]
pub fn smc(_ctx: &mut Ctx) -> Outcome {
    // The root task has no SMC capability unless the kernel allows SMC calls.
    let args = sel4::sys::seL4_ARM_SMCContext::default();
    fails_with(
        init_thread::TCB.cast::<cap_type::Smc>().call(&args),
        Error::IllegalOperation,
        "an SMC call on a TCB",
    )
}
