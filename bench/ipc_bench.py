#!/usr/bin/env python3
"""IPC round-trip benchmark: instructions per seL4_Call + seL4_ReplyRecv, Rust against C.

    python3 bench/ipc_bench.py [--runs N] [--reuse] [--timeout S]

Two root servers do the same thing: a second thread waits on an endpoint with seL4_ReplyRecv
and the root thread makes 10000 seL4_Calls of a 1-word message to it (after a warm-up of 100),
reading the ARM generic timer's virtual counter before and after. Rust: apps/ipc-bench, built
as this project's root server (-DSEL4_RUST_APP=ipc-bench) in the shared workspace. C:
bench/c-ipc (libsel4, sel4runtime, musllibc; -O2), built in a workspace of its own under
build/ipc-bench/ made by tests/sel4build.project_workspace. Both are configured with the same
options (qemu-arm-virt, simulation, debug kernel as init-build.sh gives it, plus
KernelArmExportVCNTUser so user code may read the counter), and the script checks that the two
kernels' configurations are identical, so the ratio compares user code only.

Both are booted with QEMU's `-icount shift=0,sleep=off`: every guest instruction advances virtual time by
exactly 1 ns, and the counter follows virtual time, so

    instructions per round trip = (counter_end - counter_start) * 1e9 / counter_freq / iterations

counts the instructions of both threads and of the kernel (fastpath, and the timer ticks that
fall inside the loop), deterministically: the same image gives the same figure on every run
(--runs N boots each N times and says whether they agree). Goal: Rust / C <= 1.00.

Each program prints, on the kernel's debug console:

    ipc-bench: lang=<C|Rust> iterations=<N> counter_start=<a> counter_end=<b> counter_freq=<f>
    ipc-bench: done

Without apps/ipc-bench the Rust side is reported missing and the C figure is still printed.
A failure (build, boot, no result line) prints one line naming its log and exits 1.
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

import sel4build  # noqa: E402

BENCH = Path(__file__).resolve().parent
C_PROJECT = BENCH / "c-ipc"
RUST_APP = "ipc-bench"
RUST_APP_DIR = ROOT / "apps" / RUST_APP
#: The C workspace and its build live here (git-ignored), kept after the run for inspection.
WORK = ROOT / "build" / "ipc-bench"
RUST_BUILD_NAME = "ipc-bench-rust"  # <shared workspace>/build-ipc-bench-rust

OPTIONS = ["-DPLATFORM=qemu-arm-virt", "-DSIMULATION=TRUE", "-DKernelArmExportVCNTUser=ON"]
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


def build(ws: Path, name: str, options: list[str], lang: str) -> Path:
    """configure_and_build in ws/build-<name>; its directory, or BenchError naming the log."""
    b = sel4build.configure_and_build(ws, name, options)
    if b.ok:
        return b.dir
    step, rc, log = (
        ("init-build.sh", b.configure_rc, b.configure_log) if b.configure_rc != 0 else ("ninja", b.build_rc, b.build_log)
    )
    state = "timed out" if rc is None else f"exited {rc}"
    raise BenchError(f"{lang} build: {step} {state} (log: {log})")


def build_c(ws: Path) -> Path:
    cws = WORK / "c-ws"
    shutil.rmtree(cws, ignore_errors=True)
    files = {f.name: f.read_text() for f in C_PROJECT.iterdir() if f.is_file()}
    sel4build.project_workspace(ws, cws, "c-ipc", files)
    return build(cws, "c-ipc", OPTIONS, "C")


def build_rust(ws: Path) -> Path:
    return build(ws, RUST_BUILD_NAME, [*OPTIONS, f"-DSEL4_RUST_APP={RUST_APP}"], "Rust")


def existing_build(bdir: Path, lang: str) -> Path:
    """For --reuse: a build directory that has a ./simulate, after an incremental ninja."""
    if not (bdir / "simulate").exists():
        raise BenchError(f"{lang}: --reuse but no built {bdir}/simulate; run once without --reuse")
    log = bdir / "build.log"
    with log.open("wb") as f:
        rc = subprocess.run(["ninja"], cwd=bdir, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT).returncode
    if rc != 0:
        raise BenchError(f"{lang} build: ninja exited {rc} (log: {log})")
    return bdir


def kernel_config(bdir: Path) -> dict[str, object]:
    return json.loads((bdir / "kernel" / "gen_config" / "kernel" / "gen_config.json").read_text())


def config_differences(a: Path, b: Path) -> list[str]:
    """The kernel options whose values differ between two builds, as 'NAME: x vs y'."""
    ca, cb = kernel_config(a), kernel_config(b)
    return [f"{k}: {ca.get(k)!r} vs {cb.get(k)!r}" for k in sorted(ca.keys() | cb.keys()) if ca.get(k) != cb.get(k)]


# ---- booting --------------------------------------------------------------------------------------


def simulate(bdir: Path, log: Path, timeout: float) -> str:
    """./simulate with QEMU_ARGS until DONE or an error line is printed, QEMU exits or timeout;
    the output also goes to log."""
    until = re.compile(f"{re.escape(DONE)}|{ERROR.pattern}", ERROR.flags)
    out = sel4build.simulate(bdir, until, timeout, qemu_args=QEMU_ARGS)
    log.write_text(out)
    return out


def measure(bdir: Path, lang: str, run: int, timeout: float) -> Measurement:
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
    if result.freq == 0 or result.iterations == 0 or result.end <= result.start:
        raise BenchError(f"{lang}: implausible result line {m.group(0)!r} (log: {log})")
    return result


def run_side(bdir: Path, lang: str, runs: int, timeout: float) -> Side:
    return Side(lang, bdir, [measure(bdir, lang, i + 1, timeout) for i in range(runs)])


# ---- report ---------------------------------------------------------------------------------------


def describe(side: Side) -> str:
    m = side.runs[0]
    ticks = ", ".join(str(r.end - r.start) for r in side.runs)
    same = "" if len(side.runs) == 1 else ("; identical in every run" if side.deterministic else "; runs DIFFER")
    return (
        f"{side.lang:<4} {m.instructions:10.2f} instructions per round trip "
        f"({m.iterations} round trips, counter ticks {ticks} at {m.freq} Hz{same})"
    )


def report(c: Side, rust: Side | None, why_no_rust: str, differences: list[str] | None) -> None:
    print(f"configure options: {' '.join(OPTIONS)}; QEMU: {QEMU_ARGS}")
    print(f"builds: C {c.build_dir}, Rust {rust.build_dir if rust else '-'}")
    if differences is not None:
        print("kernel configurations: " + ("identical" if not differences else "DIFFER: " + "; ".join(differences)))
    print()
    print(describe(c))
    if rust is None:
        print(f"Rust missing: {why_no_rust}")
        return
    print(describe(rust))
    ratio = rust.runs[0].instructions / c.runs[0].instructions
    verdict = "met" if ratio <= GOAL_RATIO else "MISSED"
    print(f"ratio Rust / C: {ratio:.3f} (goal <= {GOAL_RATIO:.2f}: {verdict})")
    # The kernel's part (most of a round trip) is the same in both, so the difference is the
    # user code's alone.
    print(f"difference Rust - C: {rust.runs[0].instructions - c.runs[0].instructions:+.2f} instructions per round trip")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
    have_rust = (RUST_APP_DIR / "CMakeLists.txt").exists()
    try:
        if args.reuse:
            c_dir = existing_build(WORK / "c-ws" / "build-c-ipc", "C")
            rust_dir = existing_build(ws / f"build-{RUST_BUILD_NAME}", "Rust") if have_rust else None
        else:
            c_dir = build_c(ws)
            rust_dir = build_rust(ws) if have_rust else None
        c = run_side(c_dir, "C", args.runs, args.timeout)
        rust = run_side(rust_dir, "Rust", args.runs, args.timeout) if rust_dir else None
        differences = config_differences(c_dir, rust_dir) if rust_dir else None
    except BenchError as e:
        print(f"ipc_bench: {e}", file=sys.stderr)
        return 1
    report(c, rust, f"{RUST_APP_DIR.relative_to(ROOT)} does not exist yet: no Rust figure, no ratio", differences)
    return 0


if __name__ == "__main__":
    sys.exit(main())
