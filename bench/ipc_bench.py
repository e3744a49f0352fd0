#!/usr/bin/env python3
"""IPC round-trip benchmark: instructions per seL4_Call + seL4_ReplyRecv, Rust against C, per architecture.

    python3 bench/ipc_bench.py [--arch A ...] [--runs N] [--reuse] [--timeout S]

Two root servers do the same thing: a second thread waits on an endpoint with seL4_ReplyRecv
and the root thread makes 10000 seL4_Calls of a 1-word message to it (after a warm-up of 100),
reading a counter before and after. Rust: apps/ipc-bench, built as this project's root server
(-DSEL4_RUST_APP=ipc-bench) in the shared workspace (build-ipc-bench-rust-<arch>). C:
bench/c-ipc (libsel4, sel4runtime, musllibc; -O2), built in a workspace of its own under
build/ipc-bench/<arch>/ made by tests/sel4build.project_workspace. Both are configured with the
same options (the platform's, simulation, debug kernel as init-build.sh gives it, plus what the
counter needs), and the script checks that the two kernels' configurations are identical, so
the ratio compares user code only.

Architectures (--arch, default: every one whose cross compiler and QEMU are installed; the
others are skipped, saying what is missing), their platforms and counters (bench/arches.py):

* aarch64, qemu-arm-virt: the Arm generic timer's virtual count CNTVCT_EL0 (user access with
  KernelArmExportVCNTUser), 62.5 MHz;
* aarch32, qemu-arm-virt: the same counter through cp15 (mrrc p15, 1, ..., c14);
* riscv64, qemu-riscv-virt: the `time` CSR (rdtime), 10 MHz. seL4 leaves scounteren 0, so
  a user-mode read of cycle, time or instret traps to OpenSBI v0.9 (illegal instructions are
  not delegated to the kernel); OpenSBI emulates `time` without a permission check but refuses
  cycle and instret, so only `time` works (each read costs a trap into OpenSBI, the same for
  both languages);
* x86_64, pc99: the TSC (rdtsc). Under -icount QEMU's TSC is its virtual clock in ns, so one
  tick is one instruction: the script takes 1 GHz (bench/arches.py), not the frequency the
  programs print (the kernel's measurement at boot from the boot information, 999 MHz here).

Every image is booted with QEMU's `-icount shift=0,sleep=off`: every guest instruction advances
virtual time by exactly 1 ns, and each counter follows virtual time, so

    instructions per round trip = (counter_end - counter_start) * 1e9 / counter_freq / iterations

counts the instructions of both threads and of the kernel (fastpath, and the timer ticks that
fall inside the loop), to within one counter tick over the whole loop (a difference of one tick
is reported as such, not as a missed goal), deterministically: the same
image gives the same figure on every run (--runs N boots each N times and says whether they
agree). Goal: Rust / C <= 1.00 on every architecture.

Each program prints, on the kernel's debug console:

    ipc-bench: lang=<C|Rust> iterations=<N> counter_start=<a> counter_end=<b> counter_freq=<f>
    ipc-bench: done

The report is one row per architecture. A failure (build, boot, no result line) is one line
naming its log; the other architectures still run, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sel4build  # noqa: E402
from arches import BenchArch, add_arch_option, select  # noqa: E402

BENCH = Path(__file__).resolve().parent
C_PROJECT = BENCH / "c-ipc"
RUST_APP = "ipc-bench"
#: The C workspaces and their builds live here, one per architecture (git-ignored), kept after
#: the run for inspection.
WORK = ROOT / "build" / "ipc-bench"
RUST_BUILD_NAME = "ipc-bench-rust"  # <shared workspace>/build-ipc-bench-rust-<arch>
#: One guest instruction = 1 ns of virtual time (2^0), so counter ticks convert to instructions.
#: sleep=off: while the guest idles (during boot) virtual time jumps to the next timer instead of
#: following the host's clock, so even the absolute counter readings are the same in every run
#: (with sleep on they move, and the difference by one tick, depending on the host).
QEMU_ARGS = "-icount shift=0,sleep=off"
ITERATIONS = 10000
GOAL_RATIO = 1.00

RESULT = re.compile(
    r"ipc-bench: lang=(?P<lang>\w+) iterations=(?P<iterations>\d+) counter_start=(?P<start>\d+) "
    r"counter_end=(?P<end>\d+) counter_freq=(?P<freq>\d+)"
)
DONE = "ipc-bench: done"
ERROR = re.compile(r"ipc-bench: error: .*")


class BenchError(Exception):
    """A step failed; the message is one line naming the log to read."""


@dataclass(frozen=True)
class Measurement:
    lang: str
    iterations: int
    start: int
    end: int
    freq: int

    @property
    def instructions(self) -> float:
        """Instructions per round trip: under -icount shift=0 one instruction is 1 ns."""
        return (self.end - self.start) * 1e9 / self.freq / self.iterations


@dataclass
class Side:
    lang: str
    build_dir: Path
    runs: list[Measurement]

    @property
    def deterministic(self) -> bool:
        return len({(m.start, m.end) for m in self.runs}) == 1


# ---- building -------------------------------------------------------------------------------------


def build(ws: Path, name: str, options: list[str], what: str, reuse: bool = False) -> Path:
    """configure_and_build in ws/build-<name> (with ``reuse``, the one there, after an
    incremental ninja); its directory, or BenchError naming what failed and its log."""
    bdir = ws / f"build-{name}"
    if reuse:
        if not (bdir / "simulate").exists():
            raise BenchError(f"{what}: --reuse but no built {bdir}/simulate; run once without --reuse")
        log = bdir / "build.log"
        with log.open("wb") as f:
            rc = subprocess.run(["ninja"], cwd=bdir, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT).returncode
        if rc != 0:
            raise BenchError(f"{what} build: ninja exited {rc} (log: {log})")
        return bdir
    b = sel4build.configure_and_build(ws, name, options)
    if not b.ok:
        raise BenchError(f"{what} build: {b.failure(0).splitlines()[0]}")
    return b.dir


def c_workspace(ws: Path, cws: Path) -> None:
    """A fresh workspace at cws for bench/c-ipc, sharing ws's checkouts."""
    shutil.rmtree(cws, ignore_errors=True)
    files = {f.name: f.read_text() for f in C_PROJECT.iterdir() if f.is_file()}
    sel4build.project_workspace(ws, cws, "c-ipc", files)


def c_options(ws: Path, arch: BenchArch) -> list[str]:
    """init-build.sh's options for bench/c-ipc on ``arch``."""
    return [*arch.init_options, *(o.format(ws=ws) for o in arch.c_options)]


def c_build_dir(arch: BenchArch) -> Path:
    return WORK / arch.name / "c-ws" / "build-c-ipc"


def rust_build_dir(ws: Path, arch: BenchArch) -> Path:
    return ws / f"build-{RUST_BUILD_NAME}-{arch.name}"


def build_c(ws: Path, arch: BenchArch, reuse: bool = False) -> Path:
    cws = c_build_dir(arch).parent
    if not reuse:
        c_workspace(ws, cws)
    return build(cws, "c-ipc", c_options(ws, arch), f"{arch.name} C", reuse)


def build_rust(ws: Path, arch: BenchArch, reuse: bool = False) -> Path:
    name = rust_build_dir(ws, arch).name.removeprefix("build-")
    return build(ws, name, [*arch.init_options, f"-DSEL4_RUST_APP={RUST_APP}"], f"{arch.name} Rust", reuse)


def kernel_config(bdir: Path) -> dict[str, object]:
    return json.loads((bdir / "kernel" / "gen_config" / "kernel" / "gen_config.json").read_text())


def config_differences(a: Path, b: Path) -> list[str]:
    """The kernel options whose values differ between two builds, as 'NAME: x vs y'."""
    ca, cb = kernel_config(a), kernel_config(b)
    return [f"{k}: {ca.get(k)!r} vs {cb.get(k)!r}" for k in sorted(ca.keys() | cb.keys()) if ca.get(k) != cb.get(k)]


# ---- booting --------------------------------------------------------------------------------------


#: ./simulate's --extra-qemu-args and its default, which passing QEMU_ARGS replaces: on
#: qemu-riscv-virt "-bios none" (the image has OpenSBI in it; QEMU's own would overlap it).
SIMULATE_EXTRA_ARGS = re.compile(r"""'--extra-qemu-args'.*?default=(?P<q>["'])(?P<args>.*?)(?P=q)""", re.S)


def qemu_args(bdir: Path) -> str:
    """QEMU_ARGS after what ./simulate passes by default in bdir."""
    m = SIMULATE_EXTRA_ARGS.search((bdir / "simulate").read_text())
    return f"{m.group('args')} {QEMU_ARGS}".strip() if m else QEMU_ARGS


def simulate(bdir: Path, log: Path, timeout: float) -> str:
    """./simulate with QEMU_ARGS until DONE or an error line is printed, QEMU exits or timeout;
    the output also goes to log."""
    until = re.compile(f"{re.escape(DONE)}|{ERROR.pattern}", ERROR.flags)
    out = sel4build.simulate(bdir, until, timeout, qemu_args=qemu_args(bdir))
    log.write_text(out)
    return out


def measure(bdir: Path, lang: str, run: int, timeout: float, frequency: int | None) -> Measurement:
    """One boot's result; `frequency` (when QEMU fixes it) replaces the one the program printed."""
    log = bdir / f"ipc-bench-run{run}.log"
    out = simulate(bdir, log, timeout)
    if err := ERROR.search(out):
        raise BenchError(f"{lang}: the program failed: {err.group(0).strip()} (log: {log})")
    m = RESULT.search(out)
    if m is None or DONE not in out:
        what = "no result line" if m is None else f"no {DONE!r} line"
        raise BenchError(f"{lang}: {what} within {timeout:.0f} s (log: {log})")
    if m.group("lang") != lang:
        raise BenchError(f"{lang}: the result line says lang={m.group('lang')} (log: {log})")
    result = Measurement(lang, *(int(m.group(k)) for k in ("iterations", "start", "end", "freq")))
    if frequency is not None:
        result = Measurement(result.lang, result.iterations, result.start, result.end, frequency)
    if result.freq == 0 or result.iterations == 0 or result.end <= result.start:
        raise BenchError(f"{lang}: implausible result line {m.group(0)!r} (log: {log})")
    return result


def run_side(bdir: Path, lang: str, runs: int, timeout: float, frequency: int | None) -> Side:
    return Side(lang, bdir, [measure(bdir, lang, i + 1, timeout, frequency) for i in range(runs)])


# ---- report ---------------------------------------------------------------------------------------


@dataclass
class ArchResult:
    arch: BenchArch
    c: Side | None = None
    rust: Side | None = None
    differences: list[str] | None = None
    #: Why a figure is missing (a failed build or boot), "" when both are there.
    error: str = ""


def describe(side: Side) -> str:
    m = side.runs[0]
    ticks = ", ".join(str(r.end - r.start) for r in side.runs)
    same = "" if len(side.runs) == 1 else ("; identical in every run" if side.deterministic else "; runs DIFFER")
    return (
        f"{side.lang:<4} {m.instructions:10.2f} instructions per round trip "
        f"({m.iterations} round trips, counter ticks {ticks} at {m.freq} Hz{same})"
    )


def figure(side: Side | None) -> str:
    if side is None:
        return "-"
    return f"{side.runs[0].instructions:.2f}" + ("" if side.deterministic else " (runs differ)")


def report(results: list[ArchResult], skipped: list[str]) -> None:
    print(f"QEMU: {QEMU_ARGS}; {ITERATIONS} round trips; instructions per round trip (both threads and the kernel)")
    for r in results:
        print()
        print(f"{r.arch.name}: {' '.join(r.arch.init_options)}")
        print(f"  counter: {r.arch.counter}")
        for side in (r.c, r.rust):
            if side is not None:
                print(f"  {describe(side)}  [{side.build_dir}]")
        if r.differences is not None:
            print("  kernel configurations: " + ("identical" if not r.differences else "DIFFER: " + "; ".join(r.differences)))
        if r.error:
            print(f"  failed: {r.error}")
    for line in skipped:
        print(f"\n{line}")
    print()
    header = ("arch", "C", "Rust", "Rust - C", "Rust / C", f"goal <= {GOAL_RATIO:.2f}")
    rows = [header]
    for r in results:
        ratio, diff, verdict = "-", "-", "-"
        if r.c is not None and r.rust is not None:
            c, rust = r.c.runs[0].instructions, r.rust.runs[0].instructions
            ratio, diff = f"{rust / c:.3f}", f"{rust - c:+.2f}"
            # Each reading is exact only to one counter tick (16 instructions on Arm, 100 on
            # RISC-V): a difference within a tick over the whole loop is no difference.
            c_ticks, rust_ticks = (side.runs[0].end - side.runs[0].start for side in (r.c, r.rust))
            if rust / c <= GOAL_RATIO:
                verdict = "met"
            elif rust_ticks - c_ticks <= 1:
                verdict = f"met (1 counter tick more: {rust - c:.4f} per round trip)"
            else:
                verdict = "MISSED"
            # The ratio compares user code only if the kernels are the same.
            if r.differences:
                verdict = "kernels differ"
        rows.append((r.arch.name, figure(r.c), figure(r.rust), diff, ratio, verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def run_arch(ws: Path, arch: BenchArch, runs: int, timeout: float, reuse: bool) -> ArchResult:
    """Build and boot both languages for one architecture; a failure ends up in .error."""
    result = ArchResult(arch)
    try:
        c_dir = build_c(ws, arch, reuse)
        rust_dir = build_rust(ws, arch, reuse)
        result.differences = config_differences(c_dir, rust_dir)
        result.c = run_side(c_dir, "C", runs, timeout, arch.frequency)
        result.rust = run_side(rust_dir, "Rust", runs, timeout, arch.frequency)
    except BenchError as e:
        result.error = str(e)
        print(f"ipc_bench: {arch.name}: {e}", file=sys.stderr)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    add_arch_option(parser, "run")
    parser.add_argument("--runs", type=int, default=2, help="boots of each image (default 2: shows the count is deterministic)")
    parser.add_argument("--reuse", action="store_true", help="reuse the build directories of an earlier run (ninja only)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per boot (default 300)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    ws, why = sel4build.workspace()
    if ws is None:
        print(f"ipc_bench: no seL4 workspace: {why}", file=sys.stderr)
        return 2
    arches, skipped = select(args.arch)
    for line in skipped:
        print(f"ipc_bench: {line}", file=sys.stderr)
    results = [run_arch(ws, arch, args.runs, args.timeout, args.reuse) for arch in arches]
    report(results, skipped)
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
