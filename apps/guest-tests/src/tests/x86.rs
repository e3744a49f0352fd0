//! x86-64's own invocations: interrupts through the I/O APIC and as MSIs, I/O ports, the paging
//! structures above the page tables, and the IOMMU's invocations on a machine without one.

use sel4::debug::CapTag;
use sel4::sys::seL4_Word;
use sel4::{cap_type, init_thread, Cap, CapRights, Error};

use super::{irq, new_object};
use crate::arch::ATTRS;
use crate::harness::{check, equal, fails_with, ok, Ctx, Outcome};

const DEPTH: u8 = sel4::sys::seL4_WordBits as u8;

/// Interrupts the kernel numbers from its first user vector (`irq_user_min`): none is in use
/// at boot.
const IOAPIC_IRQ: seL4_Word = 20;
const MSI_IRQ: seL4_Word = 21;
/// An I/O APIC input no device of QEMU's pc machine drives (ISA IRQ 5), on the first I/O APIC,
/// edge-triggered (`level` 0), active high (`polarity` 0).
const IOAPIC_PIN: seL4_Word = 5;

/// `IrqControl::get_ioapic`: a handler for an I/O APIC input, then what the handler does.
/// `IrqControl::get` takes ISA interrupt numbers, which a kernel with an I/O APIC refuses.
pub fn irq_ioapic_and_handler(ctx: &mut Ctx) -> Outcome {
    let control = init_thread::IRQ_CONTROL;
    let (cnode, slot) = (init_thread::CNODE, ok(ctx.objects.alloc_slot(), "slot")?);
    let other = ok(ctx.objects.alloc_slot(), "slot")?;
    fails_with(
        control.get(4, cnode, other, DEPTH),
        Error::IllegalOperation,
        "an ISA IRQ with the I/O APIC",
    )?;
    fails_with(
        control.get_ioapic(cnode, other, DEPTH, 0, IOAPIC_PIN, 0, 0, 100_000),
        Error::RangeError,
        "an IRQ past the last user vector",
    )?;
    fails_with(
        control.get_ioapic(cnode, other, DEPTH, 0, 200, 0, 0, IOAPIC_IRQ),
        Error::RangeError,
        "a pin the I/O APIC does not have",
    )?;
    fails_with(
        control.get_ioapic(cnode, other, DEPTH, 0, IOAPIC_PIN, 2, 0, IOAPIC_IRQ),
        Error::RangeError,
        "a level that is neither 0 nor 1",
    )?;
    ok(
        control.get_ioapic(cnode, slot, DEPTH, 0, IOAPIC_PIN, 0, 0, IOAPIC_IRQ),
        "get an I/O APIC IRQ handler",
    )?;
    let handler = Cap::<cap_type::IrqHandler>::from_bits(slot);
    equal(
        handler.debug_identify(),
        Some(CapTag::IrqHandler),
        "handler capability",
    )?;
    fails_with(
        control.get_ioapic(cnode, other, DEPTH, 0, IOAPIC_PIN, 0, 0, IOAPIC_IRQ),
        Error::RevokeFirst,
        "the same IRQ twice",
    )?;
    irq::use_handler(ctx, handler)
}

/// `IrqControl::get_msi`: a handler for a message-signalled interrupt of a PCI function (the
/// kernel records it; no device is touched), with the PCI address checked.
pub fn irq_msi(ctx: &mut Ctx) -> Outcome {
    let control = init_thread::IRQ_CONTROL;
    let (cnode, slot) = (init_thread::CNODE, ok(ctx.objects.alloc_slot(), "slot")?);
    let other = ok(ctx.objects.alloc_slot(), "slot")?;
    fails_with(
        control.get_msi(cnode, other, DEPTH, 256, 0, 0, 0, MSI_IRQ),
        Error::RangeError,
        "PCI bus 256",
    )?;
    fails_with(
        control.get_msi(cnode, other, DEPTH, 0, 32, 0, 0, MSI_IRQ),
        Error::RangeError,
        "PCI device 32",
    )?;
    fails_with(
        control.get_msi(cnode, other, DEPTH, 0, 3, 8, 0, MSI_IRQ),
        Error::RangeError,
        "PCI function 8",
    )?;
    ok(
        control.get_msi(cnode, slot, DEPTH, 0, 3, 0, 0, MSI_IRQ),
        "get an MSI handler",
    )?;
    let handler = Cap::<cap_type::IrqHandler>::from_bits(slot);
    equal(
        handler.debug_identify(),
        Some(CapTag::IrqHandler),
        "handler capability",
    )?;
    fails_with(
        control.get_msi(cnode, other, DEPTH, 0, 3, 0, 0, MSI_IRQ),
        Error::RevokeFirst,
        "the same IRQ twice",
    )?;
    ok(handler.clear(), "clear")
}

/// The PCI configuration address and data ports (mechanism #1): harmless to read, and the
/// address register reads back what was written.
const PCI_CONFIG_ADDRESS: u16 = 0xcf8;
const PCI_CONFIG_DATA: u16 = 0xcfc;
/// The POST diagnostic port and the DMA page registers after it: writes go nowhere that
/// matters.
const POST_PORT: u16 = 0x80;

/// `IoPortControl::issue` and each `IoPort` access: the PCI host bridge's vendor (Intel) read
/// through the configuration ports, writes to the POST port, and accesses outside a
/// capability's ports refused.
pub fn io_ports(ctx: &mut Ctx) -> Outcome {
    let control = Cap::<cap_type::IoPortControl>::from_bits(sel4::sys::seL4_CapIOPortControl);
    let cnode = init_thread::CNODE;
    let pci_slot = ok(ctx.objects.alloc_slot(), "slot")?;
    let post_slot = ok(ctx.objects.alloc_slot(), "slot")?;
    let other = ok(ctx.objects.alloc_slot(), "slot")?;
    let first = PCI_CONFIG_ADDRESS as seL4_Word;
    ok(
        control.issue(first, first + 7, cnode, pci_slot, DEPTH),
        "issue the PCI configuration ports",
    )?;
    let post = POST_PORT as seL4_Word;
    ok(
        control.issue(post, post + 3, cnode, post_slot, DEPTH),
        "issue the POST port",
    )?;
    fails_with(
        control.issue(post + 1, post + 1, cnode, other, DEPTH),
        Error::RevokeFirst,
        "a port issued already",
    )?;
    fails_with(
        control.issue(0x90, 0x8f, cnode, other, DEPTH),
        Error::InvalidArgument,
        "last port before the first",
    )?;
    let pci = Cap::<cap_type::IoPort>::from_bits(pci_slot);
    let tag = pci.debug_identify();
    check(matches!(tag, Some(CapTag::Arch(_))), || {
        alloc::format!("I/O port capability identified as {tag:?}")
    })?;
    // Bus 0, device 0, function 0, register 0: vendor and device of the host bridge.
    let address = 0x8000_0000;
    ok(pci.out32(first, address), "out32 to the address port")?;
    equal(
        ok(pci.in32(PCI_CONFIG_ADDRESS), "in32 from the address port")?,
        address as u32,
        "the address port reads back",
    )?;
    equal(
        ok(pci.in16(PCI_CONFIG_DATA), "in16 from the data port")?,
        0x8086,
        "host bridge vendor (16 bits)",
    )?;
    equal(
        ok(pci.in8(PCI_CONFIG_DATA), "in8 from the data port")?,
        0x86,
        "host bridge vendor (low byte)",
    )?;
    let id = ok(pci.in32(PCI_CONFIG_DATA), "in32 from the data port")?;
    equal(id & 0xffff, 0x8086, "host bridge vendor (32 bits)")?;
    ok(pci.out32(first, 0), "clear the address port")?;
    let post_cap = Cap::<cap_type::IoPort>::from_bits(post_slot);
    ok(post_cap.out8(post, 0x42), "out8")?;
    ok(post_cap.out16(post, 0x4242), "out16")?;
    ok(post_cap.out32(post, 0x4242_4242), "out32")?;
    fails_with(
        post_cap.in8(POST_PORT + 4),
        Error::IllegalOperation,
        "a port past the capability's",
    )?;
    fails_with(
        post_cap.in32(POST_PORT + 2),
        Error::IllegalOperation,
        "a 32-bit access that ends past the capability's ports",
    )?;
    fails_with(
        post_cap.out16(post - 1, 0),
        Error::IllegalOperation,
        "a port before the capability's",
    )?;
    fails_with(
        init_thread::TCB.cast::<cap_type::IoPort>().in8(POST_PORT),
        Error::IllegalOperation,
        "in8 on a TCB",
    )
}

/// Where nothing is mapped: the third 512 GiB of the address space, whose PML4 entry is free
/// (the root server's image and the runtime's window lie in the first).
const FRESH: seL4_Word = 2 << 39;

/// `Pdpt::map`/`unmap` and `PageDirectory::map`/`unmap`: in a region without paging
/// structures a frame or a lower structure cannot be mapped until the ones above it are; each
/// structure is refused where one is already, and when it is mapped elsewhere.
pub fn paging_structures(ctx: &mut Ctx) -> Outcome {
    let vspace = init_thread::VSPACE;
    let pdpt = new_object::<cap_type::Pdpt>(ctx, "PDPT")?;
    let pd = new_object::<cap_type::PageDirectory>(ctx, "page directory")?;
    let pt = new_object::<cap_type::PageTable>(ctx, "page table")?;
    let frame = new_object::<cap_type::Page>(ctx, "frame")?;
    fails_with(
        frame.map(vspace, FRESH, CapRights::READ_WRITE, ATTRS),
        Error::FailedLookup,
        "a frame without paging structures",
    )?;
    fails_with(
        pd.map(vspace, FRESH, ATTRS),
        Error::FailedLookup,
        "a page directory without a PDPT",
    )?;
    ok(pdpt.map(vspace, FRESH, ATTRS), "map a PDPT")?;
    let spare_pdpt = new_object::<cap_type::Pdpt>(ctx, "PDPT")?;
    fails_with(
        spare_pdpt.map(vspace, FRESH, ATTRS),
        Error::DeleteFirst,
        "a second PDPT at the same place",
    )?;
    fails_with(
        pdpt.map(vspace, FRESH + (1 << 39), ATTRS),
        Error::InvalidCapability,
        "a mapped PDPT again",
    )?;
    fails_with(
        pt.map(vspace, FRESH, ATTRS),
        Error::FailedLookup,
        "a page table without a page directory",
    )?;
    ok(pd.map(vspace, FRESH, ATTRS), "map a page directory")?;
    let spare_pd = new_object::<cap_type::PageDirectory>(ctx, "page directory")?;
    fails_with(
        spare_pd.map(vspace, FRESH, ATTRS),
        Error::DeleteFirst,
        "a second page directory at the same place",
    )?;
    fails_with(
        pd.map(vspace, FRESH + (1 << 30), ATTRS),
        Error::InvalidCapability,
        "a mapped page directory again",
    )?;
    ok(pt.map(vspace, FRESH, ATTRS), "map a page table")?;
    ok(
        frame.map(vspace, FRESH, CapRights::READ_WRITE, ATTRS),
        "map a frame through them",
    )?;
    let word = FRESH as usize as *mut u64;
    // SAFETY: the frame was just mapped read-write there and nothing else uses it.
    let read = unsafe {
        core::ptr::write_volatile(word, 0x8664);
        core::ptr::read_volatile(word)
    };
    equal(read, 0x8664, "memory written through the new structures")?;
    ok(frame.unmap(), "unmap the frame")?;
    ok(pt.unmap(), "unmap the page table")?;
    ok(pd.unmap(), "unmap the page directory")?;
    ok(pdpt.unmap(), "unmap the PDPT")?;
    fails_with(
        frame.map(vspace, FRESH, CapRights::READ_WRITE, ATTRS),
        Error::FailedLookup,
        "a frame after the PDPT is gone",
    )?;
    ok(
        spare_pdpt.map(vspace, FRESH, ATTRS),
        "another PDPT in its place",
    )?;
    ok(spare_pdpt.unmap(), "unmap it")?;
    fails_with(
        init_thread::TCB.cast::<cap_type::Pdpt>().unmap(),
        Error::IllegalOperation,
        "unmap a TCB as PDPT",
    )?;
    fails_with(
        init_thread::TCB.cast::<cap_type::PageDirectory>().unmap(),
        Error::IllegalOperation,
        "unmap a TCB as page directory",
    )
}

/// The IOMMU's invocations, on a machine without an IOMMU (QEMU's pc machine): the root task
/// has no I/O space and no I/O page table can be made (the typed API has no blueprint for one),
/// so each is made with something else in their place, which the kernel refuses.
#[cfg(sel4_cfg_IOMMU)]
pub fn iommu_without_an_iospace(ctx: &mut Ctx) -> Outcome {
    let frame = new_object::<cap_type::Page>(ctx, "frame")?;
    fails_with(
        frame.map_io(init_thread::TCB.cast(), CapRights::READ_WRITE, 0),
        Error::InvalidCapability,
        "a TCB as I/O space",
    )?;
    let not_a_table = init_thread::TCB.cast::<cap_type::IoPageTable>();
    fails_with(
        not_a_table.map(init_thread::TCB.cast(), 0),
        Error::IllegalOperation,
        "map a TCB as I/O page table",
    )?;
    fails_with(
        not_a_table.unmap(),
        Error::IllegalOperation,
        "unmap a TCB as I/O page table",
    )
}
