//! The plain types: capabilities, errors, message info, rights, boot information, the heap.

use alloc::boxed::Box;
use alloc::format;
use alloc::vec::Vec;

use sel4::debug::CapTag;
use sel4::sys::seL4_Word;
use sel4::{cap_type, init_thread, Cap, CapRights, Error, MessageInfo};

use crate::harness::{check, equal, Ctx, Outcome};

pub fn cap_basics(_ctx: &mut Ctx) -> Outcome {
    let tcb = Cap::<cap_type::Tcb>::from_bits(sel4::sys::seL4_CapInitThreadTCB);
    equal(tcb, init_thread::TCB, "from_bits")?;
    equal(tcb.bits(), 1, "bits")?;
    equal(tcb.upcast().bits(), tcb.bits(), "upcast")?;
    equal(tcb.cast::<cap_type::CNode>().bits(), tcb.bits(), "cast")?;
    check(
        Cap::<cap_type::Endpoint>::from_bits(0).is_null() && !tcb.is_null(),
        || "is_null".into(),
    )?;
    equal(
        tcb.debug_identify(),
        Some(CapTag::Thread),
        "identify the root TCB",
    )?;
    equal(
        init_thread::CNODE.debug_identify(),
        Some(CapTag::CNode),
        "identify the root CNode",
    )?;
    equal(
        Cap::<cap_type::Endpoint>::from_bits(0).debug_identify(),
        Some(CapTag::Null),
        "identify slot 0",
    )?;
    check(format!("{tcb:?}") == "Cap<Tcb>(0x1)", || {
        format!("Debug: {tcb:?}")
    })
}

pub fn error_codes(_ctx: &mut Ctx) -> Outcome {
    equal(
        Error::check(sel4::sys::seL4_NoError),
        Ok(()),
        "check(NoError)",
    )?;
    for error in Error::ALL {
        equal(Error::from_sys(error.to_sys()), Some(error), error.name())?;
        equal(Error::check(error.to_sys()), Err(error), "check")?;
    }
    equal(
        Error::NotEnoughMemory.name(),
        "seL4_NotEnoughMemory",
        "name",
    )?;
    let unknown = Error::from_sys(99);
    check(
        unknown.is_some_and(|e| !e.is_known() && e.to_sys() == 99),
        || "unknown code".into(),
    )?;
    equal(
        Error::ALL.len(),
        sel4::sys::seL4_NumErrors as usize - 1,
        "every error",
    )
}

pub fn message_info_and_rights(_ctx: &mut Ctx) -> Outcome {
    let info = MessageInfo::new(0x1234, 1, 2, 17);
    equal(
        (
            info.label(),
            info.caps_unwrapped(),
            info.extra_caps(),
            info.length(),
        ),
        (0x1234, 1, 2, 17),
        "MessageInfo fields",
    )?;
    equal(
        MessageInfo::from_sys(info.into_sys()),
        info,
        "MessageInfo round trip",
    )?;
    for rights in [
        CapRights::ALL,
        CapRights::NONE,
        CapRights::READ_WRITE,
        CapRights::READ,
        CapRights::WRITE,
        CapRights::new(false, false, true, false),
        CapRights::new(false, false, false, true),
    ] {
        equal(
            CapRights::from_sys(rights.into_sys()),
            rights,
            "CapRights round trip",
        )?;
    }
    // seL4_CapRights_t: grant-reply, grant, read, write from bit 3 down.
    equal(CapRights::ALL.into_word(), 0b1111, "AllRights")?;
    equal(CapRights::READ.into_word(), 0b0010, "CanRead")
}

pub fn bootinfo(ctx: &mut Ctx) -> Outcome {
    let bootinfo = ctx.bootinfo;
    let untypeds: Vec<_> = bootinfo.untypeds().collect();
    check(untypeds.iter().any(|ut| !ut.is_device), || {
        "no RAM untyped".into()
    })?;
    equal(
        untypeds.len() as seL4_Word,
        bootinfo.untyped().len(),
        "one untyped per slot",
    )?;
    check(bootinfo.extra().count() >= 1, || {
        "no extra boot information chunk".into()
    })?;
    // x86 boots without a device tree; its kernel always passes the TSC frequency.
    #[cfg(target_arch = "x86_64")]
    {
        equal(bootinfo.device_tree(), None, "device tree on x86")?;
        let tsc = bootinfo
            .extra()
            .find(|chunk| chunk.id == sel4::sys::SEL4_BOOTINFO_HEADER_X86_TSC_FREQ as seL4_Word)
            .ok_or("no TSC frequency in the extra boot information")?;
        let mhz = tsc
            .data
            .get(..4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        check(mhz.is_some_and(|mhz| mhz > 0), || {
            format!("TSC frequency {mhz:?} MHz")
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        device_tree_magic(ctx)
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn device_tree_magic(ctx: &Ctx) -> Outcome {
    let Some(dtb) = ctx.bootinfo.device_tree() else {
        return Err("no device tree in the extra boot information".into());
    };
    equal(
        dtb.get(..4),
        Some(&[0xd0, 0x0d, 0xfe, 0xed][..]),
        "device tree magic",
    )
}

pub fn heap(_ctx: &mut Ctx) -> Outcome {
    let before = crate::HEAP.free_bytes();
    {
        let mut values: Vec<u64> = (0..1000).collect();
        values.retain(|v| v % 3 == 0);
        let boxed = Box::new([7u8; 3000]);
        let big = alloc::vec![1u32; 10_000];
        equal(
            values.iter().sum::<u64>(),
            (0..1000).filter(|v| v % 3 == 0).sum(),
            "Vec contents",
        )?;
        equal(
            boxed.iter().map(|&b| b as usize).sum::<usize>(),
            21_000,
            "Box contents",
        )?;
        equal(big.len(), 10_000, "large Vec")?;
        check(crate::HEAP.free_bytes() < before, || {
            "allocations took no heap".into()
        })?;
    }
    equal(
        crate::HEAP.free_bytes(),
        before,
        "everything freed and merged",
    )?;
    check(before <= crate::HEAP.capacity(), || {
        "more free than capacity".into()
    })
}

pub fn debug_calls(ctx: &mut Ctx) -> Outcome {
    let tcb = super::new_object::<cap_type::Tcb>(ctx, "TCB")?;
    tcb.debug_name("guest-named-thread");
    init_thread::TCB.debug_name("guest-tests-root");
    // The scheduler dump lists every thread with its name; the host test looks for these.
    sel4::debug::dump_scheduler();
    Ok(())
}

/// The build's platform description (`sel4::sys::platform`) agrees with the kernel's boot
/// information: every RAM untyped lies in a memory region, every device untyped in a device
/// region. Nothing to compare where the build describes no platform (x86).
pub fn platform_regions(ctx: &mut Ctx) -> Outcome {
    use sel4::sys::platform::{DEVICES, KNOWN, MEMORY};
    if !KNOWN {
        return check(MEMORY.is_empty() && DEVICES.is_empty(), || {
            "tables of an unknown platform".into()
        });
    }
    check(!MEMORY.is_empty(), || "no memory region".into())?;
    for ut in ctx.bootinfo.untypeds() {
        let regions = if ut.is_device { DEVICES } else { MEMORY };
        // A word: u32 on 32-bit platforms, whose regions are u64 all the same.
        #[allow(clippy::unnecessary_cast)]
        let (start, size) = (ut.paddr as u64, 1u64 << ut.size_bits);
        check(regions.iter().any(|r| r.holds(start, size)), || {
            format!(
                "{:?} at {start:#x} (2^{} bytes, device: {}) is in no region of {regions:x?}",
                ut.cap, ut.size_bits, ut.is_device
            )
        })?;
    }
    Ok(())
}
