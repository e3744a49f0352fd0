//! Interrupts, domains and secure monitor calls.

use sel4::debug::CapTag;
use sel4::sys::seL4_Word;
use sel4::{cap_type, init_thread, Cap, Error};

use super::new_object;
use crate::harness::{equal, fails_with, ok, Ctx, Outcome};

const DEPTH: u8 = sel4::sys::seL4_WordBits as u8;
/// Shared peripheral interrupts that no device of either test platform (qemu-arm-virt,
/// zynqmp) uses and the kernel does not reserve.
const SPARE_IRQ: seL4_Word = 100;

pub fn control_and_handler(ctx: &mut Ctx) -> Outcome {
    let control = init_thread::IRQ_CONTROL;
    let slot = ok(ctx.objects.alloc_slot(), "slot")?;
    ok(
        control.get(SPARE_IRQ, init_thread::CNODE, slot, DEPTH),
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
        control.get(SPARE_IRQ, init_thread::CNODE, other, DEPTH),
        Error::RevokeFirst,
        "the same IRQ twice",
    )?;
    fails_with(
        control.get(100_000, init_thread::CNODE, other, DEPTH),
        Error::RangeError,
        "an IRQ beyond the controller",
    )?;
    let ntfn = new_object::<cap_type::Notification>(ctx, "notification")?;
    ok(handler.set_notification(ntfn), "set notification")?;
    fails_with(
        handler.set_notification(init_thread::TCB.cast()),
        Error::InvalidCapability,
        "a TCB as notification",
    )?;
    ok(handler.ack(), "ack")?;
    ok(handler.clear(), "clear")?;
    fails_with(
        init_thread::TCB.cast::<cap_type::IrqHandler>().ack(),
        Error::IllegalOperation,
        "ack on a TCB",
    )
}

pub fn trigger_and_sgi(ctx: &mut Ctx) -> Outcome {
    let control = init_thread::IRQ_CONTROL;
    let slot = ok(ctx.objects.alloc_slot(), "slot")?;
    ok(
        control.get_trigger(SPARE_IRQ + 1, 1, init_thread::CNODE, slot, DEPTH),
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

pub fn smc(_ctx: &mut Ctx) -> Outcome {
    // The root task has no SMC capability unless the kernel allows SMC calls.
    let args = sel4::sys::seL4_ARM_SMCContext::default();
    fails_with(
        init_thread::TCB.cast::<cap_type::Smc>().call(&args),
        Error::IllegalOperation,
        "an SMC call on a TCB",
    )
}
