#!/usr/bin/env python3
"""libsel4 in Rust for C code (SEL4_RUST_LIBSEL4) against libsel4's inline C: size and speed.

    python3 bench/libsel4_bench.py [--arch A ...] [--reuse] [--timeout S] [--no-sel4test]

Both figures come from unchanged C programs built twice, once as seL4 ships them (libsel4's
functions inlined into the C code) and once with this project added through
cmake/sel4_rust_hook.cmake and -DSEL4_RUST_LIBSEL4=ON (every libsel4 call runs sel4-sys's C
API in Rust):

* instructions per IPC round trip of bench/c-ipc, the C side of bench/ipc_bench.py (a thread
  waiting in seL4_ReplyRecv, 10000 seL4_Calls to it), booted with QEMU's -icount as
  ipc_bench.py does (see its documentation for the counters and why the figure is exact);
* with the sel4test workspace (manifest/sel4test/default.xml, as tests/test_sel4test.py
  builds it; --no-sel4test leaves it out): the code (.text) and read-only data (.rodata) of
  sel4test's two programs, sel4test-driver and sel4test-tests.

Builds live under build/libsel4-bench/<arch>/ (C programs) and in the sel4test workspace
(build-bench-{c,rust}-<arch>); --reuse runs only ninja in them. Architectures as ipc_bench.py
(--arch, default every one whose cross compiler and QEMU are installed). The report prints
Rust / C per figure; no goal is set for the IPC ratio (C calling Rust cannot inline the system
call as C's own libsel4 does), the size goal is <= 1.00.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import ipc_bench  # noqa: E402
import sel4build  # noqa: E402
from arches import BenchArch, add_arch_option, select  # noqa: E402

WORK = ROOT / "build" / "libsel4-bench"
#: What turns a C build into one whose libsel4 is Rust, without an edit to the C project.
RUST_OPTIONS = [
    "-DSEL4_RUST_LIBSEL4=ON",
    "-DLibSel4FunctionAttributes=public",
    f"-DCMAKE_PROJECT_INCLUDE={ROOT / 'cmake' / 'sel4_rust_hook.cmake'}",
]
#: sel4test's programs, relative to its build directory.
PROGRAMS = ("apps/sel4test-driver/sel4test-driver", "apps/sel4test-driver/sel4test-tests/sel4test-tests")
SIZE_GOAL = 1.00


@dataclass
class Sizes:
    text: int
    rodata: int


@dataclass
class ArchResult:
    arch: BenchArch
    ipc: dict[str, ipc_bench.Side] = field(default_factory=dict)
    #: program -> variant ("C", "Rust") -> sizes
    sizes: dict[str, dict[str, Sizes]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def c_ipc(ws: Path, arch: BenchArch, variant: str, reuse: bool) -> Path:
    """bench/c-ipc in a workspace of its own for this variant, built."""
    cws = WORK / arch.name / f"{variant.lower()}-ws"
    if not reuse:
        ipc_bench.c_workspace(ws, cws)
    options = ipc_bench.c_options(ws, arch)
    if variant == "Rust":
        options += RUST_OPTIONS
    return ipc_bench.build(cws, "c-ipc", options, f"{arch.name} c-ipc, libsel4 in {variant}", reuse)


def section_sizes(elf: Path, prefix: str) -> Sizes:
    size = shutil.which(f"{prefix}size") or "size"
    out = subprocess.run([size, "-A", str(elf)], capture_output=True, text=True, check=True).stdout
    sections = {ln.split()[0]: int(ln.split()[1]) for ln in out.splitlines() if ln.startswith(".")}
    return Sizes(sections.get(".text", 0), sections.get(".rodata", 0))


def binutils_prefix(bdir: Path) -> str:
    """The cross prefix the build's C compiler has (CMAKE_C_COMPILER ends in gcc)."""
    for line in (bdir / "CMakeCache.txt").read_text().splitlines():
        if line.startswith("CMAKE_C_COMPILER:"):
            return Path(line.split("=", 1)[1]).name.removesuffix("gcc")
    return ""


def run_arch(ws: Path, arch: BenchArch, args: argparse.Namespace) -> ArchResult:
    result = ArchResult(arch)
    for variant in ("C", "Rust"):
        try:
            bdir = c_ipc(ws, arch, variant, args.reuse)
            # The program is C in both builds, and says so.
            result.ipc[variant] = ipc_bench.run_side(bdir, "C", 1, args.timeout, arch.frequency)
        except ipc_bench.BenchError as e:
            result.errors.append(str(e))
    if args.no_sel4test:
        return result
    sws, why = sel4build.sel4test_workspace()
    if sws is None:
        result.errors.append(f"sel4test sizes: {why}")
        return result
    options = ["-DSIMULATION=TRUE", *sel4build.PLATFORMS[arch.platform]]
    for variant, extra in (("C", []), ("Rust", RUST_OPTIONS)):
        try:
            what = f"{arch.name} sel4test, libsel4 in {variant}"
            bdir = ipc_bench.build(sws, f"bench-{variant.lower()}-{arch.name}", [*options, *extra], what, args.reuse)
        except ipc_bench.BenchError as e:
            result.errors.append(str(e))
            continue
        prefix = binutils_prefix(bdir)
        for program in PROGRAMS:
            result.sizes.setdefault(Path(program).name, {})[variant] = section_sizes(bdir / program, prefix)
    return result


def ratio(c: float, rust: float) -> str:
    return f"{rust / c:.3f}" if c else "-"


def report(results: list[ArchResult]) -> None:
    rows = [("arch", "figure", "libsel4 in C", "libsel4 in Rust", "Rust / C", "goal")]
    for r in results:
        if "C" in r.ipc and "Rust" in r.ipc:
            c, rust = (r.ipc[v].runs[0].instructions for v in ("C", "Rust"))
            rows.append((r.arch.name, "c-ipc instructions per round trip", f"{c:.2f}", f"{rust:.2f}", ratio(c, rust), "(none)"))
        for program, variants in r.sizes.items():
            if "C" not in variants or "Rust" not in variants:
                continue
            c_sizes, rust_sizes = variants["C"], variants["Rust"]
            for name, c_value, rust_value in (
                (".text", c_sizes.text, rust_sizes.text),
                (".text + .rodata", c_sizes.text + c_sizes.rodata, rust_sizes.text + rust_sizes.rodata),
            ):
                verdict = "met" if rust_value <= c_value * SIZE_GOAL else "MISSED"
                rows.append((r.arch.name, f"{program} {name} bytes", str(c_value), str(rust_value), ratio(c_value, rust_value),
                             f"<= {SIZE_GOAL:.2f} {verdict}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print(f"QEMU: {ipc_bench.QEMU_ARGS}")
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    for r in results:
        for e in r.errors:
            print(f"{r.arch.name}: failed: {e}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    add_arch_option(parser, "run")
    parser.add_argument("--reuse", action="store_true", help="reuse the build directories of an earlier run (ninja only)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per boot (default 300)")
    parser.add_argument("--no-sel4test", action="store_true", help="leave out sel4test's sizes (two builds per architecture)")
    args = parser.parse_args()
    ws, why = sel4build.workspace()
    if ws is None:
        print(f"libsel4_bench: no seL4 workspace: {why}", file=sys.stderr)
        return 2
    arches, skipped = select(args.arch)
    for line in skipped:
        print(f"libsel4_bench: {line}", file=sys.stderr)
    results = [run_arch(ws, arch, args) for arch in arches]
    report(results)
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
