"""Facts about each seL4 architecture: those libsel4 keeps in its generator scripts, and how
Rust builds for it. This table is the one place these facts are written; the generator hands
what a build needs to CMake, the crates' build scripts and the tests in `contract.json`.

The interface XML names parameter types but not their sizes; the kernel's own
stub generator carries that table, and so must we. The message-register counts
decide how many message words travel in CPU registers (libsel4's default
`seL4_CallWithMRs` path).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RustTarget:
    """A Rust bare-metal target and the C code it links with."""

    triple: str
    #: A macro the C compiler predefines exactly when it uses this target's calling convention
    #: (its float ABI): the build links Rust with the C code of the same build, and the linker
    #: refuses to mix float ABIs.
    c_macro: str
    #: The C float ABI, for messages.
    float_abi: str
    #: For a target Rust does not have built in: the built-in target it is made from (rustc's
    #: own specification of it, as this rustc prints it) and the fields that differ. The
    #: specification is written as ``<triple>.json`` (tools/sel4_rust_core.py).
    base: str = ""
    spec: tuple[tuple[str, str], ...] = ()

    @property
    def builtin(self) -> bool:
        return not self.base


@dataclass(frozen=True)
class ArchInfo:
    """One value of the kernel's ``SEL4_ARCH``."""

    name: str
    family: str
    word_bits: int
    fast_mrs: int
    fast_mrs_mcs: int
    #: Rust's `target_arch` for this architecture; "" when Rust has no bare-metal target for it.
    rust_target_arch: str
    #: The targets whose ABI a build's C code may have, the one seL4's default cross compiler
    #: uses first; empty when Rust code cannot be built for the architecture.
    rust_targets: tuple[RustTarget, ...]
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
    #: Whether `sel4-runtime` (entry point, TLS, threads) supports the architecture, so that
    #: root servers written in Rust can be built.
    runtime: bool = False
    #: Alignment of 64-bit integers in structs: 8 but on ia32, whose SysV ABI aligns them to 4.
    int64_align: int = 8

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

#: 32-bit Arm: seL4 looks for `arm-linux-gnueabi-` (soft-float calls) first. Rust's built-in
#: targets keep a frame pointer in every function, which costs each invocation stub a push, a
#: pop and a move that gcc (no frame pointer at -O2) does not spend; these are the same targets
#: without it.
_NO_FRAME_POINTER = (("frame-pointer", "may-omit"),)
_ARM32_TARGETS = (
    RustTarget("armv7a-unknown-none-eabi", "__ARM_PCS", "soft", base="armv7a-none-eabi", spec=_NO_FRAME_POINTER),
    RustTarget("armv7a-unknown-none-eabihf", "__ARM_PCS_VFP", "hard", base="armv7a-none-eabihf", spec=_NO_FRAME_POINTER),
)

ARCHES: dict[str, ArchInfo] = {
    a.name: a
    for a in (
        ArchInfo(
            "aarch64", "arm", 64, 4, 4, "aarch64",
            (RustTarget("aarch64-unknown-none", "__aarch64__", "hard"),),
            word_types=("seL4_ARM_VMAttributes", "seL4_VCPUReg"),
            extra_caps=(*_ARM_CAPS, "seL4_ARM_VSpace", "seL4_ARM_SMC"),
            structs={"seL4_UserContext": 36, "seL4_ARM_SMCContext": 8},
            vspace_root="seL4_ARM_VSpace", frame="seL4_ARM_Page",
            runtime=True,
        ),
        ArchInfo(
            "aarch32", "arm", 32, 4, 4, "arm", _ARM32_TARGETS,
            word_types=("seL4_ARM_VMAttributes", "seL4_VCPUReg"),
            extra_caps=(*_ARM_CAPS, "seL4_ARM_PageDirectory"),
            structs={"seL4_UserContext": 19},
            vspace_root="seL4_ARM_PageDirectory", frame="seL4_ARM_Page",
            runtime=True,
        ),
        ArchInfo(
            "arm_hyp", "arm", 32, 4, 4, "arm", _ARM32_TARGETS,
            word_types=("seL4_ARM_VMAttributes", "seL4_VCPUReg"),
            extra_caps=(*_ARM_CAPS, "seL4_ARM_PageDirectory"),
            structs={"seL4_UserContext": 19},
            flags=("ARCH_AARCH32",),
            vspace_root="seL4_ARM_PageDirectory", frame="seL4_ARM_Page",
        ),
        ArchInfo(
            "riscv64", "riscv", 64, 4, 4, "riscv64",
            (
                RustTarget("riscv64gc-unknown-none-elf", "__riscv_float_abi_double", "lp64d"),
                RustTarget("riscv64imac-unknown-none-elf", "__riscv_float_abi_soft", "lp64"),
            ),
            word_types=("seL4_RISCV_VMAttributes",),
            extra_caps=_RISCV_CAPS,
            structs={"seL4_UserContext": 32},
            vspace_root="seL4_RISCV_PageTable", frame="seL4_RISCV_Page",
            runtime=True,
        ),
        ArchInfo(
            "riscv32", "riscv", 32, 4, 4, "riscv32",
            (
                # seL4's default for riscv32 (KernelRiscvExtD): rv32imafdc, ilp32d, which no
                # built-in Rust target has.
                RustTarget(
                    "riscv32imafdc-unknown-none-elf", "__riscv_float_abi_double", "ilp32d",
                    base="riscv32imac-unknown-none-elf",
                    spec=(("llvm-abiname", "ilp32d"), ("features", "+m,+a,+f,+d,+c,+zicsr,+zifencei")),
                ),
                RustTarget("riscv32imac-unknown-none-elf", "__riscv_float_abi_soft", "ilp32"),
                RustTarget("riscv32imafc-unknown-none-elf", "__riscv_float_abi_single", "ilp32f"),
            ),
            word_types=("seL4_RISCV_VMAttributes",),
            extra_caps=_RISCV_CAPS,
            structs={"seL4_UserContext": 32},
            vspace_root="seL4_RISCV_PageTable", frame="seL4_RISCV_Page",
            runtime=True,
        ),
        ArchInfo(
            "x86_64", "x86", 64, 4, 4, "x86_64",
            (RustTarget("x86_64-unknown-none", "__x86_64__", "sse"),),
            word_types=("seL4_X86_VMAttributes", "seL4_X86_EPT_VMAttributes"),
            extra_caps=(*_X86_CAPS, "seL4_X64_PML4", "seL4_X86_PDPT"),
            structs={
                "seL4_UserContext": 20,
                "seL4_VCPUContext": ("X86_64_VTX_64BIT_GUESTS", 15, 7),
            },
            vspace_root="seL4_X64_PML4", frame="seL4_X86_Page",
            runtime=True,
        ),
        ArchInfo(
            "ia32", "x86", 32, 2, 1, "", (),
            word_types=("seL4_X86_VMAttributes", "seL4_X86_EPT_VMAttributes"),
            extra_caps=_X86_CAPS,
            structs={"seL4_UserContext": 12, "seL4_VCPUContext": 7},
            vspace_root="seL4_X86_PageDirectory", frame="seL4_X86_Page",
            int64_align=4,
        ),
    )
}


def rust_arches() -> list[str]:
    """The architectures Rust code can be built for."""
    return [name for name, arch in ARCHES.items() if arch.rust_targets]
