"""Checks across inputs that each parse fine alone: the bitfield specs and gen_config.json must
come from one kernel build (word size, MCS), and the specs must be libsel4's (the blocks the
bindings and the crates build on)."""

from __future__ import annotations

from .abi import Abi
from .bitfield import Bitfields
from .config import Config
from .errors import GenError
from .pbf import SpecFile

#: What libsel4's shared_types.pbf defines in every supported release, and the crates use.
SHARED_BLOCKS = ("seL4_MessageInfo", "seL4_CapRights", "seL4_CNode_CapData")
FAULT_UNION = "seL4_Fault"
#: The fault only MCS kernels have: its presence tells an MCS specification from another.
MCS_FAULT = "Timeout"


def check_specs(config: Config, shared: SpecFile, sel4_arch: SpecFile, bitfields: Bitfields) -> None:
    """The specs fit the configuration; raises GenError naming the file otherwise."""
    for spec in (shared, sel4_arch):
        if not spec.blocks and not spec.unions:
            raise GenError("defines no bitfield block; is this the .pbf the kernel build wrote?", spec.path, 1)
        for decl in (*spec.blocks, *spec.unions):
            bits = decl.base.bits
            if isinstance(bits, int) and bits != config.word_bits:
                raise GenError(
                    f"{decl.name} is laid out in {bits}-bit words, but the configuration's words are "
                    f"{config.word_bits} bits ({config.arch.name}); the .pbf files and gen_config.json "
                    "must come from the same kernel build",
                    spec.path,
                    decl.base.line,
                )
    defined = {b.name for b in bitfields.blocks} | {u.name for u in bitfields.unions}
    defined |= {f"{u.name}_{t.name}" for u in bitfields.unions for t in u.tags}
    missing = [name for name in (*SHARED_BLOCKS, FAULT_UNION) if name not in defined]
    if missing:
        raise GenError(
            f"defines no {', '.join(missing)}; is this libsel4's shared_types.pbf?", shared.path, 1
        )
    has_mcs_fault = f"{FAULT_UNION}_{MCS_FAULT}" in defined or MCS_FAULT in defined
    if has_mcs_fault != config.mcs:
        mode = ("an MCS kernel's" if has_mcs_fault else "a non-MCS kernel's")
        raise GenError(
            f"these bitfield specs are {mode} ({FAULT_UNION}_{MCS_FAULT} {'present' if has_mcs_fault else 'absent'}) "
            f"but KERNEL_MCS is {'off' if has_mcs_fault else 'on'} in the configuration; the .pbf files and "
            "gen_config.json must come from the same kernel build",
            sel4_arch.path,
        )


#: A fault whose message length the header tables give per architecture: its block in the
#: architecture's specification must have as many fields, or the specification is another's.
ARCH_FAULT = "UnknownSyscall"


def check_arch_spec(config: Config, sel4_arch: SpecFile, bitfields: Bitfields, abi: Abi) -> None:
    """The architecture's specification is this architecture's (after the header tables loaded)."""
    length = abi.values().get(f"seL4_{ARCH_FAULT}_Length")
    for union in bitfields.unions:
        for tag in union.tags:
            if tag.name != ARCH_FAULT or length is None:
                continue
            fields = [f.name for f in tag.block.fields if f.name != union.tag_field]
            if len(fields) != length:
                raise GenError(
                    f"its {ARCH_FAULT} fault has {len(fields)} message registers, {config.arch.name}'s has "
                    f"{length}: is this another architecture's types.pbf? The .pbf files and gen_config.json "
                    "must come from the same kernel build",
                    sel4_arch.path,
                )
