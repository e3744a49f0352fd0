"""What a build of Rust code for this kernel configuration needs to know, in one place:
the rustc `--cfg`/`--check-cfg` flags and `contract.json` (the Rust target and the
architecture's facts). CMake, the crates' build scripts and the tests read these outputs and
restate none of it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from . import __version__
from .archinfo import ARCHES, rust_arches
from .config import Config

#: The version of `contract.json`'s layout, for readers to check.
CONTRACT_VERSION = 1

#: Options the hand-written crates test with `#[cfg]` that a configuration may not list (the
#: architecture-specific ones, and those of other releases): always declared, so `#[cfg]`s on
#: them compile without warnings wherever they are absent, and set only when present.
HANDWRITTEN_OPTIONS = frozenset({
    "KERNEL_MCS", "PRINTING", "DEBUG_BUILD", "ENABLE_SMP_SUPPORT", "ENABLE_BENCHMARKS",
    "BENCHMARK_TRACK_UTILISATION", "DANGEROUS_CODE_INJECTION", "SET_TLS_BASE_SELF",
    "KERNEL_X86_DANGEROUS_MSR", "VTX", "SYSENTER", "LIB_SEL4_USE_THREAD_LOCALS", "ARCH_RISCV",
    "ARM_HYPERVISOR_SUPPORT", "IOMMU", "KERNEL_INVOCATION_REPORT_ERROR_IPC",
})


def cfg_flags(cfg: Config, other_options: frozenset[str] = frozenset(), syscalls: Sequence[str] = ()) -> list[str]:
    """rustc flags for the configuration. ``other_options``: options the inputs' conditions name
    that this configuration lacks (another architecture's); declared so `#[cfg]`s on them do
    not warn, and never set, as in C where they are undefined. The options of
    :data:`HANDWRITTEN_OPTIONS` are declared likewise, and `SEL4_ARCH` with every architecture's
    name, so that code for all of them compiles without warnings in any one build.
    ``syscalls``: the system calls the configuration's syscall.xml has (``DebugNameThread``),
    each as ``--cfg=sel4_syscall="<name>"``: a hand-written wrapper exists exactly when the
    release's XML has its call, whatever the options say."""
    flags: list[str] = []
    for name in sorted(cfg.values):
        value = cfg.values[name]
        key = f"sel4_cfg_{name}"
        if isinstance(value, bool):
            flags.append(f"--check-cfg=cfg({key})")
            if value:
                flags.append(f"--cfg={key}")
        elif any(c.isspace() for c in str(cfg.raw[name])):
            # Build systems pass RUSTFLAGS split at white space; such a value stays a constant only.
            flags.append(f"--check-cfg=cfg({key},values(any()))")
        else:
            text = json.dumps(str(cfg.raw[name]))
            if name == "SEL4_ARCH":
                names = ",".join(json.dumps(a) for a in sorted(ARCHES))
                flags.append(f"--check-cfg=cfg({key},values({names}))")
            else:
                flags.append(f"--check-cfg=cfg({key},values({text}))")
            flags.append(f"--cfg={key}={text}")
    for name in sorted((other_options | HANDWRITTEN_OPTIONS) - set(cfg.values)):
        flags.append(f"--check-cfg=cfg(sel4_cfg_{name})")
    # Any name: the calls of other releases appear in `#[cfg]`s too.
    flags.append("--check-cfg=cfg(sel4_syscall,values(any()))")
    flags.extend(f'--cfg=sel4_syscall="{name}"' for name in syscalls)
    return flags


def unsupported(cfg: Config) -> list[str]:
    """What in this configuration the Rust side cannot build for: each an option, its value and
    the fix, for the build to refuse at configure time."""
    problems = []
    if cfg.arch.name == "x86_64" and cfg.values.get("SYSENTER") is True:
        problems.append(
            "KernelSyscall=sysenter: on x86_64 sel4-sys enters the kernel with the `syscall` "
            "instruction only; configure the kernel with -DKernelSyscall=syscall"
        )
    return problems


#: 32-bit Arm: the register the kernel keeps the thread pointer in (KernelArmTLSReg) -> the
#: LLVM feature that makes compiled code read it directly, as gcc does for C with
#: -mtp=cp15, instead of calling __aeabi_read_tp on every thread-local access.
_ARM_TLS_REG_FEATURES = {"tpidruro": "+read-tp-tpidruro", "tpidru": "+read-tp-tpidrurw"}


def codegen_flags(cfg: Config) -> list[str]:
    """rustc flags the configuration asks of all Rust code built for it besides the cfgs: how
    to reach the thread pointer where the kernel keeps it."""
    if cfg.arch.rust_target_arch == "arm":
        feature = _ARM_TLS_REG_FEATURES.get(str(cfg.values.get("ARM_TLS_REG", "")))
        if feature:
            return [f"-Ctarget-feature={feature}"]
    return []


def contract(cfg: Config, flags: list[str]) -> dict[str, Any]:
    """The contract's content (see docs in the README, "The build contract")."""
    arch = cfg.arch
    return {
        "contract": CONTRACT_VERSION,
        "generator": __version__,
        "kernel_release": str(cfg.release),
        "sel4_arch": arch.name,
        "arch": arch.family,
        "word_bits": arch.word_bits,
        "mcs": cfg.mcs,
        "rust": {
            "target_arch": arch.rust_target_arch,
            "targets": [
                {"triple": t.triple, "c_macro": t.c_macro, "float_abi": t.float_abi, "base": t.base, "spec": dict(t.spec)}
                for t in arch.rust_targets
            ],
            "runtime": arch.runtime,
            "rustflags": codegen_flags(cfg),
            "arches": rust_arches(),
            "runtime_arches": [name for name, a in ARCHES.items() if a.runtime],
        },
        "unsupported": unsupported(cfg),
        "cfg": flags,
    }


def contract_files(cfg: Config, other_options: frozenset[str], syscalls: Sequence[str]) -> dict[str, str]:
    """`cfg.rustflags` (one rustc argument per line) and `contract.json`."""
    flags = cfg_flags(cfg, other_options, syscalls)
    return {
        "cfg.rustflags": "".join(f"{flag}\n" for flag in flags),
        "contract.json": json.dumps(contract(cfg, flags), indent=1) + "\n",
    }
