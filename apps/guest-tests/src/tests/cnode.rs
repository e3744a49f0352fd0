//! CNodes: copying, minting, moving, mutating, rotating, deleting, revoking capabilities.

use sel4::debug::CapTag;
use sel4::sys::seL4_Word;
use sel4::{cap_type, init_thread, Cap, CapRights, Error, MessageInfo, ObjectBlueprint, Slot};

use super::new_object;
use crate::harness::{equal, fails_with, ok, Ctx, Failure, Outcome};

/// Capability pointers in the root CNode resolve all their bits.
const DEPTH: u8 = sel4::sys::seL4_WordBits as u8;
const ROOT: Cap<cap_type::CNode> = init_thread::CNODE;

fn identify(slot: seL4_Word) -> Option<CapTag> {
    Cap::<cap_type::Unspecified>::from_bits(slot).debug_identify()
}

fn slot(ctx: &mut Ctx) -> Result<seL4_Word, Failure> {
    ok(ctx.objects.alloc_slot(), "slot")
}

pub fn copy_mint_delete(ctx: &mut Ctx) -> Outcome {
    let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    let copy = slot(ctx)?;
    ok(
        ROOT.copy(copy, DEPTH, ROOT, ep.bits(), DEPTH, CapRights::ALL),
        "copy",
    )?;
    equal(identify(copy), Some(CapTag::Endpoint), "copied capability")?;
    fails_with(
        ROOT.copy(copy, DEPTH, ROOT, ep.bits(), DEPTH, CapRights::ALL),
        Error::DeleteFirst,
        "copy onto a full slot",
    )?;
    let empty = slot(ctx)?;
    let dest = slot(ctx)?;
    fails_with(
        ROOT.copy(dest, DEPTH, ROOT, empty, DEPTH, CapRights::ALL),
        Error::FailedLookup,
        "copy from an empty slot",
    )?;
    ok(
        ROOT.mint(dest, DEPTH, ROOT, ep.bits(), DEPTH, CapRights::ALL, 42),
        "mint with badge 42",
    )?;
    equal(identify(dest), Some(CapTag::Endpoint), "minted capability")?;
    fails_with(
        ROOT.mint(dest, DEPTH, ROOT, ep.bits(), DEPTH, CapRights::ALL, 1),
        Error::DeleteFirst,
        "mint onto a full slot",
    )?;
    ok(ROOT.delete(copy, DEPTH), "delete")?;
    equal(identify(copy), Some(CapTag::Null), "deleted slot")?;
    ok(ROOT.delete(copy, DEPTH), "delete an empty slot")?;
    fails_with(
        ROOT.delete(copy, 1),
        Error::FailedLookup,
        "delete at a depth that does not resolve",
    )
}

pub fn move_mutate_rotate(ctx: &mut Ctx) -> Outcome {
    let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    let (a, b, c) = (slot(ctx)?, slot(ctx)?, slot(ctx)?);
    ok(
        ROOT.copy(a, DEPTH, ROOT, ep.bits(), DEPTH, CapRights::ALL),
        "copy",
    )?;
    ok(ROOT.move_(b, DEPTH, ROOT, a, DEPTH), "move")?;
    equal(
        (identify(a), identify(b)),
        (Some(CapTag::Null), Some(CapTag::Endpoint)),
        "after move",
    )?;
    fails_with(
        ROOT.move_(c, DEPTH, ROOT, a, DEPTH),
        Error::FailedLookup,
        "move from an empty slot",
    )?;
    // Mutate and rotate keep badges: the kernel refuses them for endpoints.
    fails_with(
        ROOT.mutate(c, DEPTH, ROOT, b, DEPTH, 7),
        Error::IllegalOperation,
        "mutate an endpoint",
    )?;
    ok(ROOT.delete(b, DEPTH), "delete")?;
    let cnode = slot(ctx)?;
    ok(
        ep_untyped(ctx)?.retype(
            ObjectBlueprint::CNode { size_bits: 4 },
            ROOT.slots(cnode, 1),
        ),
        "CNode",
    )?;
    ok(
        ROOT.mutate(c, DEPTH, ROOT, cnode, DEPTH, 0),
        "mutate a CNode capability (guard 0)",
    )?;
    equal(
        (identify(cnode), identify(c)),
        (Some(CapTag::Null), Some(CapTag::CNode)),
        "after mutate",
    )?;
    // Source c moves to pivot b, pivot b moves to destination a.
    let tcb = new_object::<cap_type::Tcb>(ctx, "TCB")?;
    ok(
        ROOT.move_(b, DEPTH, ROOT, tcb.bits(), DEPTH),
        "TCB to the pivot",
    )?;
    ok(
        ROOT.rotate(a, DEPTH, 0, ROOT, b, DEPTH, 0, ROOT, c, DEPTH),
        "rotate",
    )?;
    equal(
        (identify(a), identify(b), identify(c)),
        (
            Some(CapTag::Thread),
            Some(CapTag::CNode),
            Some(CapTag::Null),
        ),
        "after rotate",
    )?;
    fails_with(
        ROOT.rotate(a, DEPTH, 0, ROOT, b, DEPTH, 0, ROOT, c, DEPTH),
        Error::DeleteFirst,
        "rotate onto a full slot",
    )?;
    let d = slot(ctx)?;
    fails_with(
        ROOT.rotate(d, DEPTH, 0, ROOT, b, DEPTH, 0, ROOT, c, DEPTH),
        Error::FailedLookup,
        "rotate from an empty slot",
    )
}

fn ep_untyped(ctx: &mut Ctx) -> Result<Cap<cap_type::Untyped>, Failure> {
    ok(
        ctx.objects
            .allocate_as(ObjectBlueprint::Untyped { size_bits: 12 }),
        "untyped",
    )
}

pub fn revoke(ctx: &mut Ctx) -> Outcome {
    let untyped: Cap<cap_type::Untyped> = ok(
        ctx.objects
            .allocate_as(ObjectBlueprint::Untyped { size_bits: 12 }),
        "untyped",
    )?;
    let child = slot(ctx)?;
    ok(
        untyped.retype(ObjectBlueprint::Notification, ROOT.slots(child, 1)),
        "retype",
    )?;
    equal(identify(child), Some(CapTag::Notification), "child")?;
    fails_with(
        untyped.retype(ObjectBlueprint::Endpoint, ROOT.slots(child, 1)),
        Error::DeleteFirst,
        "retype onto the child",
    )?;
    ok(ROOT.revoke(untyped.bits(), DEPTH), "revoke the untyped")?;
    equal(identify(child), Some(CapTag::Null), "child after revoke")?;
    equal(
        identify(untyped.bits()),
        Some(CapTag::Untyped),
        "the untyped itself stays",
    )?;
    ok(
        untyped.retype(ObjectBlueprint::Endpoint, ROOT.slots(child, 1)),
        "retype after revoke",
    )
}

pub fn cancel_badged_sends(ctx: &mut Ctx) -> Outcome {
    let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    let badged = slot(ctx)?;
    ok(
        ROOT.mint(badged, DEPTH, ROOT, ep.bits(), DEPTH, CapRights::ALL, 5),
        "mint",
    )?;
    ok(
        ROOT.cancel_badged_sends(badged, DEPTH),
        "cancel badged sends",
    )?;
    let read_only = slot(ctx)?;
    ok(
        ROOT.mint(read_only, DEPTH, ROOT, ep.bits(), DEPTH, CapRights::READ, 6),
        "mint read-only",
    )?;
    fails_with(
        ROOT.cancel_badged_sends(read_only, DEPTH),
        Error::IllegalOperation,
        "without all rights",
    )
}

pub fn endpoint_without_write_right(ctx: &mut Ctx) -> Outcome {
    let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    let read_only = slot(ctx)?;
    ok(
        ROOT.copy(read_only, DEPTH, ROOT, ep.bits(), DEPTH, CapRights::READ),
        "copy read-only",
    )?;
    // The kernel refuses to send without the write right and replies with the error.
    let reply = Cap::<cap_type::Endpoint>::from_bits(read_only).call(MessageInfo::new(1, 0, 0, 0));
    equal(
        reply.label(),
        sel4::sys::seL4_InvalidCapability as seL4_Word,
        "call without the write right",
    )
}

#[cfg(not(sel4_cfg_KERNEL_MCS))]
static SAVED_REPLY: core::sync::atomic::AtomicUsize = core::sync::atomic::AtomicUsize::new(0);

#[cfg(not(sel4_cfg_KERNEL_MCS))]
fn call_once(caps: &'static (Cap<cap_type::Endpoint>, Cap<cap_type::Notification>)) {
    sel4::set_mr(0, 5);
    caps.0.call(MessageInfo::new(0, 0, 0, 1));
    SAVED_REPLY.store(
        sel4::get_mr(0) as usize,
        core::sync::atomic::Ordering::SeqCst,
    );
    caps.1.signal();
}

#[cfg(not(sel4_cfg_KERNEL_MCS))]
pub fn save_caller(ctx: &mut Ctx) -> Outcome {
    let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    let done = new_object::<cap_type::Notification>(ctx, "notification")?;
    super::spawn(
        ctx,
        call_once,
        (ep, done),
        &sel4_runtime::thread::ThreadConfig::default(),
    )?;
    let (_, _) = ep.recv();
    let saved = slot(ctx)?;
    ok(ROOT.save_caller(saved, DEPTH), "save caller")?;
    equal(
        identify(saved),
        Some(CapTag::Reply),
        "saved reply capability",
    )?;
    sel4::set_mr(0, 6);
    Cap::<cap_type::Reply>::from_bits(saved).send(MessageInfo::new(0, 0, 0, 1));
    done.wait();
    equal(
        SAVED_REPLY.load(core::sync::atomic::Ordering::SeqCst),
        6,
        "reply through the saved capability",
    )?;
    let empty = slot(ctx)?;
    ok(ROOT.save_caller(empty, DEPTH), "save caller with no caller")?;
    equal(identify(empty), Some(CapTag::Null), "nothing saved")?;
    fails_with(
        ROOT.save_caller(ep.bits(), DEPTH),
        Error::DeleteFirst,
        "save caller onto a full slot",
    )
}

pub fn slot_addressing(ctx: &mut Ctx) -> Outcome {
    let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    let (a, b, c) = (slot(ctx)?, slot(ctx)?, slot(ctx)?);
    ok(
        ROOT.slot(a).copy_from(ROOT.slot(ep.bits()), CapRights::ALL),
        "copy",
    )?;
    ok(
        ROOT.slot(b).mint_from(ROOT.slot(a), CapRights::ALL, 3),
        "mint",
    )?;
    ok(ROOT.slot(c).move_from(ROOT.slot(b)), "move")?;
    equal(
        (
            identify(b),
            ROOT.slot(c).cap::<cap_type::Endpoint>().debug_identify(),
        ),
        (Some(CapTag::Null), Some(CapTag::Endpoint)),
        "after move",
    )?;
    ok(ROOT.slot(c).cancel_badged_sends(), "cancel badged sends")?;
    ok(ROOT.slot(a).delete(), "delete")?;
    // A slot of another CNode: index 3 of a 16-slot CNode, resolved 4 bits deep in it.
    let node = slot(ctx)?;
    ok(
        ep_untyped(ctx)?.retype(ObjectBlueprint::CNode { size_bits: 4 }, ROOT.slots(node, 1)),
        "CNode",
    )?;
    let inner = Slot {
        root: Cap::from_bits(node),
        index: 3,
        depth: 4,
    };
    ok(
        inner.copy_from(ROOT.slot(ep.bits()), CapRights::READ),
        "copy into the other CNode",
    )?;
    fails_with(
        inner.copy_from(ROOT.slot(ep.bits()), CapRights::READ),
        Error::DeleteFirst,
        "copy there again",
    )?;
    let back = slot(ctx)?;
    ok(
        ROOT.slot(back).copy_from(inner, CapRights::READ),
        "copy back",
    )?;
    equal(identify(back), Some(CapTag::Endpoint), "copied back")?;
    let wide = Slot { depth: 5, ..inner };
    fails_with(
        wide.delete(),
        Error::FailedLookup,
        "a depth the CNode does not have",
    )?;
    let guarded = slot(ctx)?;
    ok(
        ROOT.slot(guarded).mutate_from(ROOT.slot(node), 0),
        "mutate the CNode capability",
    )?;
    // Copies are children of the original: revoking it deletes them all.
    ok(ROOT.slot(ep.bits()).revoke(), "revoke the original")?;
    equal(
        (identify(c), identify(back), identify(ep.bits())),
        (
            Some(CapTag::Null),
            Some(CapTag::Null),
            Some(CapTag::Endpoint),
        ),
        "after revoke",
    )?;
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    ok(ROOT.slot(a).save_caller(), "save caller")?;
    Ok(())
}

/// The line a test prints right before a refused invocation whose stub prints the kernel's
/// message (tests/test_guest.py looks for the message on the line after it).
#[cfg(sel4_cfg_KERNEL_INVOCATION_REPORT_ERROR_IPC)]
pub const ERROR_REPORT_MARK: &str = "invocation_error_report: the kernel's message follows";

/// On a kernel that writes its error messages into the IPC buffer: a refused invocation leaves
/// the kernel's message there, `sel4::debug_error` copies it out (the same bytes as libsel4's
/// `seL4_GetDebugError` points at), and the stub prints it when the thread's flag says so.
#[cfg(sel4_cfg_KERNEL_INVOCATION_REPORT_ERROR_IPC)]
pub fn error_report(ctx: &mut Ctx) -> Outcome {
    use alloc::format;
    use core::ffi::CStr;

    use crate::harness::check;

    const MESSAGE: &[u8] = b"Destination not empty";
    let ep = new_object::<cap_type::Endpoint>(ctx, "endpoint")?;
    let full = slot(ctx)?;
    ok(
        ROOT.copy(full, DEPTH, ROOT, ep.bits(), DEPTH, CapRights::ALL),
        "copy",
    )?;
    let default = sel4::can_print_error();
    sel4::set_print_error(false);
    let quiet = ROOT.copy(full, DEPTH, ROOT, ep.bits(), DEPTH, CapRights::ALL);
    let message = sel4::debug_error();
    // SAFETY: the IPC buffer is valid; the kernel's message in it ends with a NUL (snprintf).
    let raw = unsafe { CStr::from_ptr(sel4::sys::seL4_GetDebugError()) }.to_bytes();
    let same = message.as_bytes() == raw;
    let found = message
        .as_bytes()
        .windows(MESSAGE.len())
        .any(|w| w == MESSAGE);
    let shown = format!("{message}");
    sel4::debug_println!("{ERROR_REPORT_MARK}");
    sel4::set_print_error(true);
    let printed = ROOT.copy(full, DEPTH, ROOT, ep.bits(), DEPTH, CapRights::ALL);
    let flag_on = sel4::can_print_error();
    sel4::set_print_error(default);
    fails_with(quiet, Error::DeleteFirst, "copy onto a full slot")?;
    fails_with(
        printed,
        Error::DeleteFirst,
        "copy onto a full slot, printing",
    )?;
    check(default, || {
        "LibSel4PrintInvocationErrors (its default, on) not in the thread's flag".into()
    })?;
    check(flag_on, || "set_print_error(true) not read back".into())?;
    check(same, || {
        format!("debug_error() {message:?} is not seL4_GetDebugError()'s {raw:?}")
    })?;
    check(found && shown.as_bytes() == message.as_bytes(), || {
        format!("the kernel's message in the IPC buffer: {message:?}, shown as {shown:?}")
    })
}
