//! Untyped memory: retype, with each kind of error.

use sel4::debug::CapTag;
use sel4::{cap_type, init_thread, Cap, Error, ObjectBlueprint};

use crate::harness::{equal, fails_with, ok, Ctx, Outcome};

fn small_untyped(
    ctx: &mut Ctx,
    size_bits: usize,
) -> Result<Cap<cap_type::Untyped>, crate::harness::Failure> {
    ok(
        ctx.objects
            .allocate_as(ObjectBlueprint::Untyped { size_bits }),
        "allocate an untyped",
    )
}

pub fn retype(ctx: &mut Ctx) -> Outcome {
    let untyped = small_untyped(ctx, 16)?;
    let first = ok(ctx.objects.alloc_slot(), "slot")?;
    ok(ctx.objects.alloc_slot(), "slot")?;
    ok(
        untyped.retype(
            ObjectBlueprint::Endpoint,
            init_thread::CNODE.slots(first, 2),
        ),
        "retype 2 endpoints",
    )?;
    for slot in [first, first + 1] {
        equal(
            Cap::<cap_type::Endpoint>::from_bits(slot).debug_identify(),
            Some(CapTag::Endpoint),
            "new endpoint",
        )?;
    }
    let slot = ok(ctx.objects.alloc_slot(), "slot")?;
    let tcb = ok(
        untyped.retype_one::<cap_type::Tcb>(init_thread::CNODE, slot),
        "retype_one TCB",
    )?;
    equal(tcb.debug_identify(), Some(CapTag::Thread), "new TCB")?;
    let slot = ok(ctx.objects.alloc_slot(), "slot")?;
    let cnode = ObjectBlueprint::CNode { size_bits: 4 };
    ok(
        untyped.retype(cnode, init_thread::CNODE.slots(slot, 1)),
        "retype a CNode",
    )?;
    equal(
        Cap::<cap_type::CNode>::from_bits(slot).debug_identify(),
        Some(CapTag::CNode),
        "new CNode",
    )?;
    let slot = ok(ctx.objects.alloc_slot(), "slot")?;
    let page = ObjectBlueprint::Arch(crate::arch::SMALL_PAGE);
    ok(
        untyped.retype(page, init_thread::CNODE.slots(slot, 1)),
        "retype a page",
    )?;
    equal(
        page.physical_size_bits(),
        sel4::sys::seL4_PageBits,
        "page size",
    )?;
    equal(cnode.api_size_bits(), 4, "CNode size argument")?;
    equal(
        cnode.physical_size_bits(),
        4 + sel4::sys::seL4_SlotBits,
        "CNode size in memory",
    )?;
    equal(
        ObjectBlueprint::Tcb.ty(),
        sel4::sys::seL4_TCBObject as _,
        "TCB type",
    )
}

pub fn retype_errors(ctx: &mut Ctx) -> Outcome {
    let untyped = small_untyped(ctx, 12)?;
    let slot = ok(ctx.objects.alloc_slot(), "slot")?;
    let page = ObjectBlueprint::Arch(crate::arch::SMALL_PAGE);
    ok(
        untyped.retype(page, init_thread::CNODE.slots(slot, 1)),
        "a page fills 4 KiB",
    )?;
    let other = ok(ctx.objects.alloc_slot(), "slot")?;
    fails_with(
        untyped.retype(page, init_thread::CNODE.slots(other, 1)),
        Error::NotEnoughMemory,
        "no memory left",
    )?;
    fails_with(
        untyped.retype(ObjectBlueprint::Endpoint, init_thread::CNODE.slots(slot, 1)),
        Error::DeleteFirst,
        "occupied slot",
    )?;
    let big = small_untyped(ctx, 16)?;
    fails_with(
        big.retype(
            ObjectBlueprint::Untyped { size_bits: 70 },
            init_thread::CNODE.slots(other, 1),
        ),
        Error::RangeError,
        "untyped size out of range",
    )?;
    fails_with(
        big.retype(
            ObjectBlueprint::CNode { size_bits: 0 },
            init_thread::CNODE.slots(other, 1),
        ),
        Error::InvalidArgument,
        "CNode of no slots",
    )?;
    fails_with(
        big.retype(
            ObjectBlueprint::Endpoint,
            init_thread::CNODE.slots(other, 0),
        ),
        Error::RangeError,
        "zero objects",
    )?;
    fails_with(
        init_thread::TCB.cast::<cap_type::Untyped>().retype(
            ObjectBlueprint::Endpoint,
            init_thread::CNODE.slots(other, 1),
        ),
        Error::IllegalOperation,
        "retype on a TCB (wrong object type)",
    )?;
    fails_with(
        big.retype(
            ObjectBlueprint::Endpoint,
            init_thread::TCB.cast::<cap_type::CNode>().slots(other, 1),
        ),
        Error::FailedLookup,
        "destination is not a CNode (invalid capability)",
    )
}
