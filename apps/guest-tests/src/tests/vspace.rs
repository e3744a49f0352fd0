//! Address spaces: frames, page tables, cache maintenance, ASID pools.

use core::ptr;

use sel4::sys::seL4_Word;
use sel4::{cap_type, init_thread, Cap, CapRights, Error, ObjectBlueprint};

use super::new_object;
use crate::arch::{ATTRS, PAGE, TABLE_SPAN, UPPER_SPAN, VSPACE_ROOT};
use crate::harness::{check, equal, fails_with, ok, Ctx, Failure, Outcome};

/// Reserves `pages` pages that one last-level page table maps (reserving again when they would
/// straddle two), and returns the first address.
fn reserve_in_one_table(ctx: &mut Ctx, pages: usize) -> Result<usize, Failure> {
    loop {
        let base = ok(ctx.vspace.reserve(pages), "reserve pages")?;
        if base / TABLE_SPAN == (base + pages * PAGE - 1) / TABLE_SPAN {
            return Ok(base);
        }
    }
}

/// A fresh frame mapped read-write at a fresh address, with page tables in place around it;
/// the page after it is free, and in the same page table.
fn mapped_frame(ctx: &mut Ctx) -> Result<(Cap<cap_type::Page>, usize), Failure> {
    let base = reserve_in_one_table(ctx, 3)?;
    // The runtime's mapping creates the page tables; the test maps the second page itself.
    ok(
        ctx.vspace.map_new_frame(&mut ctx.objects, base),
        "map a frame",
    )?;
    let frame = new_object::<cap_type::Page>(ctx, "frame")?;
    let vaddr = base + PAGE;
    ok(
        frame.map(
            init_thread::VSPACE,
            vaddr as seL4_Word,
            CapRights::READ_WRITE,
            ATTRS,
        ),
        "map",
    )?;
    Ok((frame, vaddr))
}

pub fn page_map_use_unmap(ctx: &mut Ctx) -> Outcome {
    let (frame, vaddr) = mapped_frame(ctx)?;
    let word = vaddr as *mut u64;
    // SAFETY: the page was just mapped read-write and nothing else uses it.
    let read = unsafe {
        equal(ptr::read_volatile(word), 0, "a new frame is zeroed")?;
        ptr::write_volatile(word.add(7), 0x5eed);
        ptr::read_volatile(word.add(7))
    };
    equal(read, 0x5eed, "memory written through the mapping")?;
    let paddr = ok(frame.get_address(), "get address")?;
    check((paddr as usize).is_multiple_of(PAGE), || {
        alloc::format!("paddr {paddr:#x} not page aligned")
    })?;
    check(
        ctx.bootinfo
            .untypeds()
            .any(|ut| !ut.is_device && ut.paddr <= paddr && paddr < ut.paddr + ut.size()),
        || alloc::format!("paddr {paddr:#x} in no RAM untyped"),
    )?;
    // Remapping at the same address changes rights; another address is refused.
    ok(
        frame.map(
            init_thread::VSPACE,
            vaddr as seL4_Word,
            CapRights::READ,
            ATTRS,
        ),
        "remap read-only",
    )?;
    // The third page of `mapped_frame`'s, in the same page table (some architectures look up
    // the page table before they check whether the frame is mapped elsewhere).
    let elsewhere = (vaddr + PAGE) as seL4_Word;
    fails_with(
        frame.map(init_thread::VSPACE, elsewhere, CapRights::READ_WRITE, ATTRS),
        Error::InvalidArgument,
        "map at two addresses",
    )?;
    let other = new_object::<cap_type::Page>(ctx, "frame")?;
    fails_with(
        other.map(
            init_thread::VSPACE,
            elsewhere + 8,
            CapRights::READ_WRITE,
            ATTRS,
        ),
        Error::AlignmentError,
        "misaligned address",
    )?;
    fails_with(
        other.map(
            init_thread::TCB.cast(),
            elsewhere,
            CapRights::READ_WRITE,
            ATTRS,
        ),
        Error::InvalidCapability,
        "a TCB as VSpace",
    )?;
    ok(frame.unmap(), "unmap")?;
    ok(frame.unmap(), "unmap an unmapped frame")?;
    fails_with(
        init_thread::TCB.cast::<cap_type::Page>().unmap(),
        Error::IllegalOperation,
        "unmap a TCB",
    )
}

#[cfg(any(target_arch = "aarch64", target_arch = "arm"))]
pub fn page_cache(ctx: &mut Ctx) -> Outcome {
    let (frame, _) = mapped_frame(ctx)?;
    let size = PAGE as seL4_Word;
    ok(frame.clean_data(0, size), "clean")?;
    ok(frame.clean_invalidate_data(0, size), "clean and invalidate")?;
    ok(frame.invalidate_data(0, 64), "invalidate")?;
    ok(frame.unify_instruction(0, size), "unify instruction")?;
    fails_with(
        frame.clean_data(0, 2 * size),
        Error::InvalidArgument,
        "range beyond the page",
    )?;
    fails_with(
        frame.clean_data(64, 64),
        Error::InvalidArgument,
        "empty range",
    )?;
    let unmapped = new_object::<cap_type::Page>(ctx, "frame")?;
    fails_with(
        unmapped.clean_data(0, size),
        Error::IllegalOperation,
        "unmapped frame",
    )
}

pub fn page_table(ctx: &mut Ctx) -> Outcome {
    // An address at the start of what a page table maps, whose upper levels exist (on the
    // architectures that have them): map a frame in the span before it first.
    const LARGE: usize = TABLE_SPAN;
    let reserved = ok(ctx.vspace.reserve(3 * LARGE / PAGE), "reserve")?;
    let first = reserved.next_multiple_of(LARGE);
    ok(
        ctx.vspace.map_new_frame(&mut ctx.objects, first),
        "map a frame",
    )?;
    let second = (first + LARGE) as seL4_Word;
    let table = new_object::<cap_type::PageTable>(ctx, "page table")?;
    // The next span may need a new level above it when it crosses into another 1 GiB.
    if UPPER_SPAN.is_some_and(|upper| (first + LARGE).is_multiple_of(upper)) {
        return Err("test address crosses a 1 GiB boundary; move the window".into());
    }
    ok(
        table.map(init_thread::VSPACE, second, ATTRS),
        "map a page table",
    )?;
    let again = new_object::<cap_type::PageTable>(ctx, "page table")?;
    fails_with(
        again.map(init_thread::VSPACE, second, ATTRS),
        Error::DeleteFirst,
        "a second table at the same place",
    )?;
    fails_with(
        table.map(init_thread::VSPACE, second + LARGE as seL4_Word, ATTRS),
        Error::InvalidCapability,
        "a mapped table again",
    )?;
    let frame = new_object::<cap_type::Page>(ctx, "frame")?;
    ok(
        frame.map(init_thread::VSPACE, second, CapRights::READ_WRITE, ATTRS),
        "map a frame through the new table",
    )?;
    ok(frame.unmap(), "unmap the frame")?;
    ok(table.unmap(), "unmap the table")?;
    ok(
        again.map(init_thread::VSPACE, second, ATTRS),
        "map another table in its place",
    )
}

/// The cache operations of the address-space root: AArch64's VSpace, AArch32's page directory.
#[cfg(any(target_arch = "aarch64", target_arch = "arm"))]
pub fn vspace_cache(ctx: &mut Ctx) -> Outcome {
    let (_, vaddr) = mapped_frame(ctx)?;
    let (start, end) = (vaddr as seL4_Word, (vaddr + PAGE) as seL4_Word);
    let vspace = init_thread::VSPACE;
    ok(vspace.clean_data(start, end), "clean")?;
    ok(
        vspace.clean_invalidate_data(start, end),
        "clean and invalidate",
    )?;
    ok(vspace.invalidate_data(start, start + 64), "invalidate")?;
    ok(vspace.unify_instruction(start, end), "unify instruction")?;
    fails_with(
        vspace.clean_data(end, start),
        Error::InvalidArgument,
        "start after end",
    )?;
    fails_with(
        init_thread::TCB
            .cast::<cap_type::VSpaceRoot>()
            .clean_data(start, end),
        Error::IllegalOperation,
        "a TCB",
    )
}

pub fn asid_pool(ctx: &mut Ctx) -> Outcome {
    let untyped: Cap<cap_type::Untyped> = ok(
        ctx.objects.allocate_as(ObjectBlueprint::Untyped {
            size_bits: sel4::sys::seL4_ASIDPoolBits as usize,
        }),
        "untyped for an ASID pool",
    )?;
    let depth = sel4::sys::seL4_WordBits as u8;
    let slot = ok(ctx.objects.alloc_slot(), "slot")?;
    ok(
        init_thread::ASID_CONTROL.make_pool(untyped, init_thread::CNODE, slot, depth),
        "make pool",
    )?;
    let pool = Cap::<cap_type::AsidPool>::from_bits(slot);
    let other = ok(ctx.objects.alloc_slot(), "slot")?;
    fails_with(
        init_thread::ASID_CONTROL.make_pool(untyped, init_thread::CNODE, other, depth),
        Error::RevokeFirst,
        "the same untyped again",
    )?;
    let wrong: Cap<cap_type::Untyped> = ok(
        ctx.objects
            .allocate_as(ObjectBlueprint::Untyped { size_bits: 13 }),
        "untyped",
    )?;
    fails_with(
        init_thread::ASID_CONTROL.make_pool(wrong, init_thread::CNODE, other, depth),
        Error::InvalidCapability,
        "an untyped of the wrong size",
    )?;
    let vspace: Cap<cap_type::VSpaceRoot> = ok(
        ctx.objects.allocate_as(ObjectBlueprint::Arch(VSPACE_ROOT)),
        "VSpace",
    )?;
    ok(pool.assign(vspace), "assign a new VSpace")?;
    fails_with(
        pool.assign(vspace),
        Error::InvalidCapability,
        "assign it twice",
    )?;
    let second: Cap<cap_type::VSpaceRoot> = ok(
        ctx.objects.allocate_as(ObjectBlueprint::Arch(VSPACE_ROOT)),
        "VSpace",
    )?;
    ok(
        init_thread::ASID_POOL.assign(second),
        "assign with the root task's pool",
    )
}

/// Page tables at every level below the root (AArch64 and RISC-V have one page-table object
/// for all levels): in a region nothing maps yet, a frame's mapping fails until a page table is
/// mapped at each missing level, each table going to the first level that lacks one; a table
/// more is refused. With the last table unmapped, another takes its place.
#[cfg(any(
    target_arch = "aarch64",
    target_arch = "riscv64",
    target_arch = "riscv32"
))]
pub fn page_table_levels(ctx: &mut Ctx) -> Outcome {
    // On the 64-bit architectures a fresh 1 GiB lacks two levels (the table of its 2 MiB
    // spans and the page table); with Sv32 a fresh 4 MiB lacks the page table only.
    let (region, missing) = match UPPER_SPAN {
        Some(upper) => (upper, 2),
        None => (TABLE_SPAN, 1),
    };
    let reserved = ok(ctx.vspace.reserve(2 * region / PAGE), "reserve a region")?;
    let base = reserved.next_multiple_of(region) as seL4_Word;
    let frame = new_object::<cap_type::Page>(ctx, "frame")?;
    fails_with(
        frame.map(init_thread::VSPACE, base, CapRights::READ_WRITE, ATTRS),
        Error::FailedLookup,
        "a frame where no page table is",
    )?;
    let mut tables = alloc::vec::Vec::new();
    for level in 0..missing {
        let table = new_object::<cap_type::PageTable>(ctx, "page table")?;
        ok(
            table.map(init_thread::VSPACE, base, ATTRS),
            &alloc::format!("page table {level} of {missing}"),
        )?;
        tables.push(table);
    }
    let spare = new_object::<cap_type::PageTable>(ctx, "page table")?;
    fails_with(
        spare.map(init_thread::VSPACE, base, ATTRS),
        Error::DeleteFirst,
        "a page table below the last level",
    )?;
    ok(
        frame.map(init_thread::VSPACE, base, CapRights::READ_WRITE, ATTRS),
        "map a frame through the new tables",
    )?;
    let word = base as usize as *mut u64;
    // SAFETY: the frame was just mapped read-write at `base` and nothing else uses it.
    let read = unsafe {
        core::ptr::write_volatile(word, 0x1e7e1);
        core::ptr::read_volatile(word)
    };
    equal(read, 0x1e7e1, "memory written through the new tables")?;
    ok(frame.unmap(), "unmap the frame")?;
    let last = *tables.last().ok_or("no page table mapped")?;
    ok(last.unmap(), "unmap the last page table")?;
    ok(
        spare.map(init_thread::VSPACE, base, ATTRS),
        "another page table in its place",
    )?;
    ok(
        frame.map(init_thread::VSPACE, base, CapRights::READ, ATTRS),
        "map the frame again, read-only",
    )?;
    // SAFETY: mapped again, readable; the frame kept its contents.
    let again = unsafe { core::ptr::read_volatile(word) };
    equal(
        again,
        0x1e7e1,
        "the frame's contents through the other table",
    )?;
    ok(frame.unmap(), "unmap the frame")
}
