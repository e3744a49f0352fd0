"""Facts about each seL4 architecture that libsel4 keeps in its generator scripts.

The interface XML names parameter types but not their sizes; the kernel's own
stub generator carries that table, and so must we. The message-register counts
decide how many message words travel in CPU registers (libsel4's default
`seL4_CallWithMRs` path).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ArchInfo:
    """One value of the kernel's ``SEL4_ARCH``."""

    name: str
    family: str
    word_bits: int
    fast_mrs: int
    fast_mrs_mcs: int
    rust_target: str | None
    #: Word-sized scalar types (C enums or typedefs of seL4_Word) used as parameters.
    word_types: tuple[str, ...] = ()
    #: Capability typedefs that have no interface of their own in the XML.
    extra_caps: tuple[str, ...] = ()
    #: Multi-word structs passed by reference: name -> size in words. A value may be a
    #: (option, words if on, words if off) triple for config-dependent sizes.
    structs: Mapping[str, int | tuple[str, int, int]] = field(default_factory=dict)
    #: `ARCH_*` options that may be on with this SEL4_ARCH (arm_hyp is an aarch32 kernel).
    flags: tuple[str, ...] = ()
    #: The capability types of a VSpace root and of a base-size frame (typed API aliases).
    vspace_root: str = ""
    frame: str = ""

    @property
    def allowed_flags(self) -> tuple[str, ...]:
        return (f"ARCH_{self.name.upper()}", *self.flags)


_ARM_CAPS = (
    "seL4_ARM_Page", "seL4_ARM_PageTable", "seL4_ARM_ASIDControl", "seL4_ARM_ASIDPool",
    "seL4_ARM_VCPU", "seL4_ARM_IOSpace", "seL4_ARM_IOPageTable",
    "seL4_ARM_SIDControl", "seL4_ARM_SID", "seL4_ARM_CBControl", "seL4_ARM_CB",
)
_RISCV_CAPS = ("seL4_RISCV_Page", "seL4_RISCV_PageTable", "seL4_RISCV_ASIDControl", "seL4_RISCV_ASIDPool")
_X86_CAPS = (
    "seL4_X86_IOPort", "seL4_X86_IOPortControl", "seL4_X86_ASIDControl", "seL4_X86_ASIDPool",
    "seL4_X86_IOSpace", "seL4_X86_Page", "seL4_X86_PageDirectory", "seL4_X86_PageTable",
    "seL4_X86_IOPageTable", "seL4_X86_VCPU", "seL4_X86_EPTPML4", "seL4_X86_EPTPDPT",
    "seL4_X86_EPTPD", "seL4_X86_EPTPT",
)

ARCHES: dict[str, ArchInfo] = {
    a.name: a
    for a in (
        ArchInfo(
            "aarch64", "arm", 64, 4, 4, "aarch64-unknown-none",
            word_types=("seL4_ARM_VMAttributes", "seL4_VCPUReg"),
            extra_caps=(*_ARM_CAPS, "seL4_ARM_VSpace", "seL4_ARM_SMC"),
            structs={"seL4_UserContext": 36, "seL4_ARM_SMCContext": 8},
            vspace_root="seL4_ARM_VSpace", frame="seL4_ARM_Page",
        ),
        ArchInfo(
            "aarch32", "arm", 32, 4, 4, "armv7a-none-eabi",
            word_types=("seL4_ARM_VMAttributes", "seL4_VCPUReg"),
            extra_caps=(*_ARM_CAPS, "seL4_ARM_PageDirectory"),
            structs={"seL4_UserContext": 19},
            vspace_root="seL4_ARM_PageDirectory", frame="seL4_ARM_Page",
        ),
        ArchInfo(
            "arm_hyp", "arm", 32, 4, 4, "armv7a-none-eabi",
            word_types=("seL4_ARM_VMAttributes", "seL4_VCPUReg"),
            extra_caps=(*_ARM_CAPS, "seL4_ARM_PageDirectory"),
            structs={"seL4_UserContext": 19},
            flags=("ARCH_AARCH32",),
            vspace_root="seL4_ARM_PageDirectory", frame="seL4_ARM_Page",
        ),
        ArchInfo(
            "riscv64", "riscv", 64, 4, 4, "riscv64gc-unknown-none-elf",
            word_types=("seL4_RISCV_VMAttributes",),
            extra_caps=_RISCV_CAPS,
            structs={"seL4_UserContext": 32},
            vspace_root="seL4_RISCV_PageTable", frame="seL4_RISCV_Page",
        ),
        ArchInfo(
            "riscv32", "riscv", 32, 4, 4, "riscv32imac-unknown-none-elf",
            word_types=("seL4_RISCV_VMAttributes",),
            extra_caps=_RISCV_CAPS,
            structs={"seL4_UserContext": 32},
            vspace_root="seL4_RISCV_PageTable", frame="seL4_RISCV_Page",
        ),
        ArchInfo(
            "x86_64", "x86", 64, 4, 4, "x86_64-unknown-none",
            word_types=("seL4_X86_VMAttributes", "seL4_X86_EPT_VMAttributes"),
            extra_caps=(*_X86_CAPS, "seL4_X64_PML4", "seL4_X86_PDPT"),
            structs={
                "seL4_UserContext": 20,
                "seL4_VCPUContext": ("X86_64_VTX_64BIT_GUESTS", 15, 7),
            },
            vspace_root="seL4_X64_PML4", frame="seL4_X86_Page",
        ),
        ArchInfo(
            "ia32", "x86", 32, 2, 1, None,
            word_types=("seL4_X86_VMAttributes", "seL4_X86_EPT_VMAttributes"),
            extra_caps=_X86_CAPS,
            structs={"seL4_UserContext": 12, "seL4_VCPUContext": 7},
            vspace_root="seL4_X86_PageDirectory", frame="seL4_X86_Page",
        ),
    )
}
