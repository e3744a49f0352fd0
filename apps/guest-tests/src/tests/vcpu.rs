//! The virtual CPU of AArch64 hypervisor kernels (`ARM_HYP`): bound to a thread, its saved
//! registers read back what was written, virtual interrupts injected into its list registers,
//! and only the virtual timer's PPI acknowledged.

use sel4::sys::{seL4_VCPUReg_TPIDR_EL1, seL4_Word};
use sel4::{cap_type, Error};

use super::new_object;
use crate::harness::{equal, fails_with, ok, Ctx, Outcome};

/// The virtual timer's private interrupt on the GIC of every AArch64 platform.
const VTIMER_PPI: seL4_Word = 27;

pub fn registers_and_interrupts(ctx: &mut Ctx) -> Outcome {
    let vcpu = new_object::<cap_type::Vcpu>(ctx, "VCPU")?;
    let tcb = new_object::<cap_type::Tcb>(ctx, "TCB")?;
    ok(vcpu.set_tcb(tcb), "bind the VCPU to a thread")?;
    ok(
        vcpu.write_regs(seL4_VCPUReg_TPIDR_EL1, 0x5e14_c0de),
        "write TPIDR_EL1",
    )?;
    equal(
        ok(vcpu.read_regs(seL4_VCPUReg_TPIDR_EL1), "read TPIDR_EL1")?,
        0x5e14_c0de,
        "TPIDR_EL1 read back",
    )?;
    ok(
        vcpu.inject_irq(42, 0, 0, 0),
        "inject virtual IRQ 42 into list register 0",
    )?;
    fails_with(
        vcpu.inject_irq(42, 32, 0, 1),
        Error::RangeError,
        "priority 32",
    )?;
    fails_with(
        vcpu.inject_irq(42, 0, 0, 255),
        Error::RangeError,
        "list register 255",
    )?;
    ok(
        vcpu.ack_vppi(VTIMER_PPI),
        "acknowledge the virtual timer's PPI",
    )?;
    fails_with(
        vcpu.ack_vppi(1),
        Error::InvalidArgument,
        "acknowledge an SGI as a VPPI",
    )
}
