//! Untyped memory: retype, with each kind of error.

use alloc::string::ToString;

use sel4::debug::CapTag;
use sel4::{cap_type, init_thread, Cap, Error, ObjectBlueprint};
use sel4_runtime::objects::{AllocError, Request, Shortage};

use crate::harness::{check, equal, fails_with, ok, Ctx, Outcome};

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

/// The allocator's errors name what was asked for; a request no untyped can hold never reaches
/// the kernel, one the kernel refuses leaves the slot it would have used free.
pub fn allocator_errors(ctx: &mut Ctx) -> Outcome {
    let ram = ctx
        .bootinfo
        .untyped_list()
        .iter()
        .filter(|u| u.isDevice == 0);
    let largest = ram.clone().map(|u| u.sizeBits).max().unwrap_or(0);
    let slots = ctx.objects.free_slots();
    let too_big = ObjectBlueprint::Untyped {
        size_bits: usize::from(largest) + 1,
    };
    let err = ctx.objects.allocate(too_big).err();
    let expected = AllocError {
        request: Request::Blueprint(too_big),
        shortage: Shortage::Memory {
            size_bits: sel4::sys::seL4_Word::from(largest) + 1,
        },
    };
    equal(err, Some(expected), "an untyped larger than any")?;
    check(
        expected.to_string()
            == alloc::format!(
                "cannot allocate an object {too_big:?}: no RAM untyped has 2^{} bytes free",
                largest + 1
            ),
        || alloc::format!("the message: {expected}"),
    )?;
    equal(
        Error::from(expected),
        Error::NotEnoughMemory,
        "as a kernel error",
    )?;
    let tiny = ObjectBlueprint::Untyped { size_bits: 2 };
    equal(
        ctx.objects.allocate(tiny).err(),
        Some(AllocError {
            request: Request::Blueprint(tiny),
            shortage: Shortage::Kernel(Error::InvalidArgument),
        }),
        "an untyped below the kernel's minimum",
    )?;
    equal(ctx.objects.free_slots(), slots, "slots left")?;
    let ram_paddr = ram.map(|u| u.paddr).next().unwrap_or(0);
    equal(
        ctx.objects
            .device_frame(ram_paddr)
            .err()
            .map(|e| e.shortage),
        Some(Shortage::NoDevice),
        "a device frame in RAM",
    )?;
    // After the failures, the allocator still works, one slot per object.
    ok(
        ctx.objects.allocate_fixed::<cap_type::Endpoint>(),
        "an endpoint",
    )?;
    equal(
        ctx.objects.free_slots(),
        slots - 1,
        "slots left after one object",
    )
}

/// Every page of a device untyped can be had, in any order, and each once: the allocator
/// keeps the parts it split off on the way to a page.
pub fn device_frames(ctx: &mut Ctx) -> Outcome {
    const PAGE: sel4::sys::seL4_Word = 1 << 12;
    let Some(device) = ctx
        .bootinfo
        .untyped_list()
        .iter()
        .find(|u| u.isDevice != 0 && u.sizeBits >= 14)
    else {
        return check(false, || {
            "no device untyped of 4 pages or more in the boot information".into()
        });
    };
    // The top page first, then two below it: each comes from a part left over by the one before.
    for page in [3, 1, 0] {
        let paddr = device.paddr + page * PAGE;
        let frame = ok(ctx.objects.device_frame(paddr + 8), "a device frame")?;
        equal(
            ok(frame.get_address(), "its address")?,
            paddr,
            "the frame's physical address",
        )?;
    }
    let again = device.paddr + PAGE;
    equal(
        ctx.objects.device_frame(again).err(),
        Some(AllocError {
            request: Request::DeviceFrame { paddr: again },
            shortage: Shortage::DeviceTaken,
        }),
        "a page given already",
    )?;
    let slots = ctx.objects.free_slots();
    ok(
        ctx.objects.device_frame(device.paddr + 2 * PAGE),
        "the page between",
    )?;
    // A page beside one given already costs one slot: its part was kept whole.
    equal(
        ctx.objects.free_slots(),
        slots - 1,
        "slots for the page between",
    )
}
