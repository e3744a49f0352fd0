//! Faults: threads that fault, with the fault delivered to a handler endpoint and decoded.

use core::sync::atomic::{AtomicUsize, Ordering};

use sel4::sys::seL4_Word;
use sel4::{cap_type, Cap, Fault, MessageInfo};
use sel4_runtime::thread::{Thread, ThreadConfig};

use super::{badged, new_object, reply_to, spawn};
use crate::arch::BOGUS_SYSCALL;
use crate::harness::{check, equal, ok, Ctx, Failure, Outcome};

const FAULT_BADGE: seL4_Word = 0xfa;

/// The fault endpoint capability of the thread `run_until_fault` started last, so that a
/// thread whose expected fault does not come can report that instead of leaving the handler
/// waiting.
static FAULT_EP: AtomicUsize = AtomicUsize::new(0);

/// Sent by a thread whose access did not fault.
const NO_FAULT_LABEL: seL4_Word = 0x5a;

/// Starts `entry(arg)` with a badged copy of a new endpoint as fault endpoint, waits for its
/// fault, and returns the thread and the decoded fault.
fn run_until_fault<A: Send + Sync + 'static>(
    ctx: &mut Ctx,
    entry: fn(&'static A),
    arg: A,
) -> Result<(Thread, Fault), Failure> {
    let ep = new_object::<cap_type::Endpoint>(ctx, "fault endpoint")?;
    let badged = badged(ctx, ep, FAULT_BADGE)?;
    let replier = reply_to(ctx)?;
    FAULT_EP.store(badged.bits() as usize, Ordering::SeqCst);
    let config = ThreadConfig {
        fault_endpoint: Some(badged),
        ..Default::default()
    };
    let thread = spawn(ctx, entry, arg, &config)?;
    let (info, badge) = ep.recv_into(replier);
    equal(badge, FAULT_BADGE, "badge of the fault message")?;
    Ok((thread, Fault::new(info)))
}

fn write_to(address: &'static usize) {
    // SAFETY: not safe at all: the address is unmapped, and the fault is the point.
    unsafe { core::ptr::write_volatile(*address as *mut usize, 1) };
}

pub fn vm_fault(ctx: &mut Ctx) -> Outcome {
    let address = ok(ctx.vspace.reserve(1), "reserve an unmapped page")? + 0x18;
    let (_, fault) = run_until_fault(ctx, write_to, address)?;
    match fault {
        Fault::VmFault(vm) => {
            equal(vm.addr, address as seL4_Word, "fault address")?;
            check(!vm.prefetch, || {
                "a data access reported as instruction fetch".into()
            })
        }
        other => Err(alloc::format!("expected a VM fault, got {other:?}")),
    }
}

#[inline(never)]
fn recurse(depth: usize) -> usize {
    let frame = core::hint::black_box([depth as u8; 512]);
    if depth == 0 {
        0
    } else {
        recurse(depth - 1) + usize::from(frame[depth % 512])
    }
}

fn overflow(_: &'static ()) {
    core::hint::black_box(recurse(core::hint::black_box(1 << 20)));
}

pub fn stack_overflow(ctx: &mut Ctx) -> Outcome {
    let (thread, fault) = run_until_fault(ctx, overflow, ())?;
    let guard = thread.guard_page() as seL4_Word..(thread.guard_page() + 4096) as seL4_Word;
    match fault {
        Fault::VmFault(vm) if guard.contains(&vm.addr) => Ok(()),
        other => Err(alloc::format!(
            "expected a VM fault in the guard page {guard:#x?}, got {other:?}"
        )),
    }
}

fn undefined_instruction(_: &'static ()) {
    crate::arch::undefined_instruction();
}

pub fn user_exception(ctx: &mut Ctx) -> Outcome {
    match run_until_fault(ctx, undefined_instruction, ())?.1 {
        Fault::UserException(exception) => check(exception.ip != 0, || "no fault address".into()),
        other => Err(alloc::format!("expected a user exception, got {other:?}")),
    }
}

fn bogus_syscall(_: &'static ()) {
    crate::arch::bogus_syscall();
}

pub fn unknown_syscall(ctx: &mut Ctx) -> Outcome {
    match run_until_fault(ctx, bogus_syscall, ())?.1 {
        Fault::UnknownSyscall(syscall) => equal(
            syscall.syscall,
            BOGUS_SYSCALL as seL4_Word,
            "syscall number",
        ),
        other => Err(alloc::format!(
            "expected an unknown syscall fault, got {other:?}"
        )),
    }
}

fn invoke_nowhere(slot: &'static seL4_Word) {
    let _ = Cap::<cap_type::Tcb>::from_bits(*slot).suspend();
}

pub fn cap_fault(ctx: &mut Ctx) -> Outcome {
    // An empty slot is a null capability, whose invocation is an error; an address that does
    // not resolve (the root CNode's guard is zero) is a lookup failure, a fault.
    let nowhere = crate::arch::UNRESOLVED_CPTR;
    match run_until_fault(ctx, invoke_nowhere, nowhere)?.1 {
        Fault::CapFault(fault) => {
            equal(fault.addr, nowhere, "capability address")?;
            check(!fault.in_recv_phase, || {
                "reported in the receive phase".into()
            })
        }
        other => Err(alloc::format!("expected a capability fault, got {other:?}")),
    }
}

fn read_root_guard(address: &'static usize) {
    // SAFETY: not safe at all: the page should be unmapped, and the fault is the point.
    let value = unsafe { core::ptr::read_volatile(*address as *const usize) };
    core::hint::black_box(value);
    // Only reached if the page is mapped after all.
    let ep = Cap::<cap_type::Endpoint>::from_bits(FAULT_EP.load(Ordering::SeqCst) as seL4_Word);
    ep.send(MessageInfo::new(NO_FAULT_LABEL, 0, 0, 0));
}

pub fn root_stack_guard(ctx: &mut Ctx) -> Outcome {
    let guard = sel4_runtime::root_stack_guard_page();
    let stack_var = 0u8;
    let here = core::ptr::addr_of!(stack_var) as usize;
    check(
        guard < here && here - guard < 4096 + sel4_runtime::STACK_SIZE,
        || alloc::format!("guard page {guard:#x} not right below the stack ({here:#x})"),
    )?;
    match run_until_fault(ctx, read_root_guard, guard)?.1 {
        Fault::VmFault(vm) => equal(vm.addr, guard as seL4_Word, "fault address"),
        other => Err(alloc::format!(
            "expected a VM fault at the root stack's guard page {guard:#x}, got {other:?}"
        )),
    }
}
