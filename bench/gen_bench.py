#!/usr/bin/env python3
"""Time generating everything for one configuration (goal: under 0.5 s).

    python3 bench/gen_bench.py [CONFIG_DIR] [--runs N]

CONFIG_DIR is an installed libsel4 include tree; default: the aarch64 qemu-arm-virt
data in ../shared/sel4-interfaces. Prints the in-process time (best and median of N)
and the wall time of one `python3 -m sel4gen` process, which is what CMake pays.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from sel4gen.emit import render  # noqa: E402
from sel4gen.generate import build_model  # noqa: E402
from sel4gen.inputs import resolve  # noqa: E402

GOAL_S = 0.5


def main() -> int:
    default = ROOT.parent / "shared" / "sel4-interfaces" / "aarch64-qemu-arm-virt"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config_dir", nargs="?", type=Path, default=default)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    args.config_dir = args.config_dir.resolve()
    if not args.config_dir.is_dir():
        print(f"gen_bench: {args.config_dir}: not a directory; pass a libsel4 include tree", file=sys.stderr)
        return 2
    inputs = resolve(args.config_dir, {})
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        files = render(build_model(inputs))
        times.append(time.perf_counter() - start)
    size = sum(len(text) for text in files.values())
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sel4gen", "--libsel4-include", str(args.config_dir), "--out", out, "-q"],
            cwd=ROOT / "tools", check=True,
        )
        process = time.perf_counter() - start
    print(f"config:            {args.config_dir.name}")
    print(f"output:            {size / 1024:.0f} KiB of Rust and flags")
    print(f"in-process best:   {min(times) * 1000:.1f} ms  (median {statistics.median(times) * 1000:.1f} ms, {args.runs} runs)")
    verdict = "met" if process < GOAL_S else "MISSED"
    print(f"one process:       {process * 1000:.1f} ms  (goal < {GOAL_S * 1000:.0f} ms: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
