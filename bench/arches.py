"""The architectures bench/ipc_bench.py and bench/stub_counts.py run on: one table of what differs.

Which platform (and so which init-build.sh options, cross compiler and QEMU) each architecture
uses comes from tests/sel4build.py (PLATFORMS, PLATFORM_TOOLS), its Rust target from
tools/sel4gen/archinfo.py through tests/rustbuild.py; this table adds what only the benchmarks
need.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import sel4build  # noqa: E402


@dataclass(frozen=True)
class BenchArch:
    #: seL4's KernelSel4Arch.
    name: str
    #: The key of sel4build.PLATFORMS whose init-build.sh options (platform, architecture)
    #: both languages' builds get.
    platform: str
    #: More options for both builds (the kernel configurations must be identical).
    options: tuple[str, ...]
    #: Options of the C project only, "{ws}" standing for the shared workspace: what this
    #: project's settings.cmake sets and tests/sel4project's does not, outside the kernel.
    c_options: tuple[str, ...]
    #: The counter both programs read, and what one of its ticks is under -icount shift=0.
    counter: str
    #: The frame map invocation of bench/stubs (libsel4's name).
    page_map: str
    #: Counter ticks per second when QEMU fixes it whatever the program reads (then the
    #: program's figure is shown beside it only); None: the frequency the program prints.
    frequency: int | None = None

    @property
    def init_options(self) -> list[str]:
        return ["-DSIMULATION=TRUE", *sel4build.PLATFORMS[self.platform], *self.options]

    def missing_tools(self) -> str:
        """Why this architecture cannot be built and booted here, or ""."""
        if self.platform in sel4build.PLATFORM_TOOLS:
            return sel4build.missing_platform_tools(self.platform)
        # aarch64's tools are the base set (sel4build.TOOLS).
        missing = [t for t in ("aarch64-linux-gnu-gcc", "qemu-system-aarch64") if shutil.which(t) is None]
        return f"{', '.join(missing)} not installed (scripts/install-deps installs them)" if missing else ""


#: User access to the generic timer's virtual count (CNTKCTL.PL0VCTEN).
_VCNT = ("-DKernelArmExportVCNTUser=ON",)
_GENERIC_TIMER = "Arm generic timer, virtual count (CNTFRQ 62.5 MHz: 16 instructions per tick)"

ARCHES: dict[str, BenchArch] = {
    a.name: a
    for a in (
        BenchArch("aarch64", "qemu-arm-virt", _VCNT, (), f"CNTVCT_EL0: {_GENERIC_TIMER}", "seL4_ARM_Page_Map"),
        # tests/sel4project's settings leave KernelArmTLSReg at the kernel's default (tpidru);
        # this project's set tpidruro on 32-bit Arm (musllibc reads the thread pointer there).
        BenchArch(
            "aarch32",
            "aarch32-qemu-arm-virt",
            (*_VCNT, "-DKernelArmTLSReg=tpidruro"),
            (),
            f"CNTVCT via cp15 (mrrc p15, 1, c14): {_GENERIC_TIMER}",
            "seL4_ARM_Page_Map",
        ),
        # rdtime: seL4 leaves scounteren 0, so U-mode reads of cycle, time and instret trap to
        # M-mode (OpenSBI v0.9 does not delegate illegal instructions); OpenSBI emulates `time`
        # without a permission check (sbi_emulate_csr.c) but refuses cycle and instret, whose
        # scounteren bit is clear, so the thread would fault. `time` is the CLINT's mtime, QEMU's
        # virtual clock at the 10 MHz timebase. The emulation's own instructions (a trap into
        # OpenSBI per read) fall inside the window, the same number for both languages.
        # The elfloader looks for OpenSBI in the project (this project's settings point at the
        # workspace's).
        BenchArch(
            "riscv64",
            "riscv64-qemu-riscv-virt",
            (),
            ("-DOPENSBI_PATH={ws}/tools/opensbi",),
            "time CSR (rdtime, emulated by OpenSBI): mtime at 10 MHz, 100 instructions per tick",
            "seL4_RISCV_Page_Map",
        ),
        # rdtsc: under -icount QEMU's TSC is its virtual clock in ns (cpu_get_tsc -> icount_get),
        # so one tick is one instruction, 1 GHz exactly; the frequency the programs print is the
        # kernel's measurement at boot (against the PIT), 999 MHz, which would be 0.1% off.
        BenchArch(
            "x86_64",
            "x86_64-pc99",
            (),
            (),
            "TSC (rdtsc): QEMU's virtual ns, 1 instruction per tick (1 GHz; the programs print the kernel's measurement)",
            "seL4_X86_Page_Map",
            frequency=1_000_000_000,
        ),
    )
}


def select(names: list[str] | None) -> tuple[list[BenchArch], list[str]]:
    """The architectures to run (the named ones, or all whose tools are installed) and one line
    per architecture skipped for a missing tool."""
    chosen = [ARCHES[n] for n in names] if names else list(ARCHES.values())
    runnable, skipped = [], []
    for arch in chosen:
        if why := arch.missing_tools():
            skipped.append(f"{arch.name}: skipped, {why}")
        else:
            runnable.append(arch)
    return runnable, skipped


def add_arch_option(parser: argparse.ArgumentParser, what: str) -> None:
    """The benchmarks' `--arch` option; `what`: what the benchmark does with one."""
    parser.add_argument(
        "--arch",
        action="append",
        choices=list(ARCHES),
        help=f"an architecture to {what} (repeatable; default: all whose cross compiler and QEMU are installed)",
    )
