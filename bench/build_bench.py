#!/usr/bin/env python3
"""Build-time and size benchmark of the Rust root server apps/hello (qemu-arm-virt).

    python3 bench/build_bench.py [--rev REV] [--runs N] [--new-dirs N] [--c-build-type TYPE] [--boot] [--keep]

It builds a snapshot of this project (the working tree as it is now, or git revision REV) in a
temporary workspace whose kernel, tools and libraries are links to the shared one
(tests/sel4build.py, scripts/setup-workspace), so that edits made to the tree while it runs do
not change what is measured and its own touching of lib.rs does not reach the tree. It times,
and prints beside each figure its goal:

1. configure: ../init-build.sh -DPLATFORM=qemu-arm-virt -DSIMULATION=TRUE (no goal);
2. the Rust part of a clean build on a new machine: in the configured build directory, with an
   empty core cache (a temporary SEL4_RUST_CORE_CACHE), `ninja cargo-build_hello`: everything
   the Rust library needs, as ninja schedules it (core and alloc built once per toolchain and
   target, the kernel's generated interface files, the bindings, cargo building sel4-sys,
   sel4, sel4-runtime and hello) (goal < 30 s; core's own step is printed beside it); then
   the same in a new build directory (configured first, not timed), core now in the cache, as
   every other build directory on the machine (goal < 5 s; with --new-dirs N, the best of N
   new build directories);
3. an incremental rebuild: touch apps/hello/src/lib.rs, time `ninja` (goal < 1 s; median of N
   runs), and, beside it, a real edit (one string in lib.rs changed), which also relinks the
   root server and remakes the elfloader image;
4. a no-op rebuild: `ninja` with nothing changed (goal < 0.2 s; median of N runs), and, for
   comparison, cargo's own no-op (the command ninja runs for the crate, run directly); and
   what it prints: status lines only (goal: no line longer than 120 characters);
5. ELF sizes: hello-rootserver against bench/c-hello, the same root server in C (sel4runtime,
   musllibc, sel4muslcsys), built in a second temporary workspace with CMAKE_BUILD_TYPE Debug
   (what init-build.sh gives both) and MinSizeRel (-Os, as cargo's release profile here); goal:
   Rust at most half of C, in text+data+bss and in stripped file size.

Nothing is written to the source tree or the shared workspace; --keep keeps the temporary one.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))

import sel4_rust_core  # noqa: E402
import sel4build  # noqa: E402

PLATFORM_OPTIONS = ["-DPLATFORM=qemu-arm-virt", "-DSIMULATION=TRUE"]
CRATE = "hello"
RUST_ELF = "hello-rootserver"
TOUCHED = ROOT / "apps" / "hello" / "src" / "lib.rs"
EDIT_MARK = 'debug_println!("'
C_HELLO = Path(__file__).resolve().parent / "c-hello"
C_ELF = "c-hello"
SIZE = "aarch64-linux-gnu-size"
STRIP = "aarch64-linux-gnu-strip"

#: The Rust part of a build in a new build directory, core already in the cache.
GOAL_NEW_DIR_S = 5.0
#: The same on a new machine: core built first.
GOAL_CLEAN_S = 30.0
#: What the step that builds core into the cache makes (its name ends the ninja edge's output).
CORE_STEP_OUTPUT = sel4_rust_core.COMPLETE
GOAL_INCREMENTAL_S = 1.0
GOAL_NOOP_S = 0.2
#: A no-op ninja prints only its status lines, no command line (the cargo step's is 1-11 KB).
GOAL_NOOP_LINE = 120


class BenchError(Exception):
    """A step failed; the message names the command and its log."""


@dataclass
class Timed:
    seconds: float
    cpu: float  # user + system seconds of the command and everything it waited for
    output: str
    steps: list[tuple[str, float]]  # (output path, seconds) of the ninja edges that ran


def run(cmd: list[str], cwd: Path, log: Path | None = None) -> Timed:
    """Run cmd, return its wall time and output; raise BenchError if it fails."""
    ninja_log = cwd / ".ninja_log"
    before = ninja_log.stat().st_size if ninja_log.exists() else 0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    if log is not None:
        with log.open("a") as f:
            f.write(f"$ {shlex.join(cmd)}  # {seconds:.3f} s, exit {r.returncode}\n{r.stdout}\n")
    if r.returncode != 0:
        tail = "\n".join(ln if len(ln) <= 300 else ln[:300] + " [...]" for ln in r.stdout.splitlines()[-30:])
        raise BenchError(f"`{shlex.join(cmd)}` in {cwd} exited {r.returncode}; last lines:\n{tail}")
    return Timed(seconds, cpu, r.stdout, new_ninja_steps(ninja_log, before))


def new_ninja_steps(ninja_log: Path, offset: int) -> list[tuple[str, float]]:
    """The edges ninja ran since its log had `offset` bytes: (first output, duration)."""
    if not ninja_log.exists() or ninja_log.stat().st_size < offset:
        return []  # none, or ninja rewrote (recompacted) its log
    with ninja_log.open("rb") as f:
        f.seek(offset)
        text = f.read().decode(errors="replace")
    steps: dict[tuple[int, int], str] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 5 and parts[0].isdigit():
            steps.setdefault((int(parts[0]), int(parts[1])), parts[3])
    return [(out, (end - begin) / 1000) for (begin, end), out in sorted(steps.items())]


def repeat(n: int, once: Callable[[], Timed]) -> list[Timed]:
    return [once() for _ in range(n)]


def median(ts: list[Timed]) -> Timed:
    return sorted(ts, key=lambda t: t.seconds)[(len(ts) - 1) // 2]


def fmt_steps(steps: list[tuple[str, float]], build_dir: Path) -> str:
    prefix = f"{build_dir}/"
    return ", ".join(f"{out.removeprefix(prefix)} {s:.2f}s" for out, s in steps) or "none"


def find_elf(build_dir: Path, name: str) -> Path:
    found = [p for p in build_dir.rglob(name) if p.is_file() and "images" not in p.parts and os.access(p, os.X_OK)]
    if not found:
        raise BenchError(f"no executable {name} under {build_dir}")
    return min(found, key=lambda p: len(p.parts))


@dataclass
class Sizes:
    text: int
    data: int
    bss: int
    stripped: int

    @property
    def total(self) -> int:
        return self.text + self.data + self.bss


def elf_sizes(elf: Path) -> Sizes:
    out = subprocess.run([SIZE, str(elf)], check=True, capture_output=True, text=True).stdout
    text, data, bss = (int(x) for x in out.splitlines()[1].split()[:3])
    with tempfile.TemporaryDirectory() as tmp:
        stripped = Path(tmp) / elf.name
        subprocess.run([STRIP, "-o", str(stripped), str(elf)], check=True)
        return Sizes(text, data, bss, stripped.stat().st_size)


def largest_symbols(elf: Path, sections: str, count: int = 3) -> str:
    """The `count` largest symbols of nm's types in `sections` (e.g. "bB"), as 'name size'."""
    nm = SIZE.replace("size", "nm")
    out = subprocess.run([nm, "--size-sort", "-S", str(elf)], check=True, capture_output=True, text=True).stdout
    rows = [ln.split() for ln in out.splitlines()]
    rows = [r for r in rows if len(r) == 4 and r[2] in sections]
    return ", ".join(f"{r[3]} {int(r[1], 16)}" for r in rows[-count:][::-1])


# ---- the Rust hello ------------------------------------------------------------------------------


@dataclass
class RustResults:
    build_dir: Path
    configure: Timed
    new_machine: Timed
    new_dirs: list[Timed]
    rest: Timed
    noop: list[Timed]
    cargo_noop: list[Timed]
    incremental: list[Timed]
    edited: list[Timed]
    cargo_targets: list[str]
    sizes: Sizes
    bss_symbols: str


def snapshot(dest: Path, rev: str | None) -> None:
    """The project at dest: git revision rev, or the working tree's files (tracked and untracked,
    not ignored) as they are now."""
    dest.mkdir(parents=True)
    if rev is not None:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        return
    files = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():  # a deleted but still tracked file is listed too
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def make_workspace(ws: Path, dest: Path, project: str) -> Path:
    """A workspace at dest like scripts/setup-workspace makes: links to ws's kernel, tools and
    libraries, around the copy of this project already in projects/<project>.

    The libraries are linked by their real paths and projects/<project> is a real directory:
    settings.cmake files find the workspace as ../.. of themselves, and musllibc's build (cp -a
    of its source, then rm and cp in the copy) must see the real checkout, not a link to it.
    """
    (dest / "projects").mkdir(parents=True, exist_ok=True)
    (dest / "kernel").symlink_to((ws / "kernel").resolve())
    (dest / "tools").symlink_to((ws / "tools").resolve())
    for name in ("musllibc", "util_libs", "seL4_libs", "sel4runtime"):
        (dest / "projects" / name).symlink_to((ws / "projects" / name).resolve())
    (dest / "init-build.sh").symlink_to("tools/seL4/cmake-tool/init-build.sh")
    (dest / "easy-settings.cmake").symlink_to(f"projects/{project}/easy-settings.cmake")
    return dest


def bench_rust(ws: Path, tmp: Path, rev: str | None, runs: int, new_dir_runs: int) -> RustResults:
    rws = tmp / "rust-ws"
    project = rws / "projects" / "sel4-rust"
    snapshot(project, rev)
    make_workspace(ws, rws, "sel4-rust")
    touched = project / TOUCHED.relative_to(ROOT)
    bdir = rws / "build-hello"
    bdir.mkdir()
    log = bdir / "bench.log"
    # An empty core cache of the benchmark's own: the first build pays for core, as on a new
    # machine; the rest share it, as every other build directory does.
    os.environ["SEL4_RUST_CORE_CACHE"] = str(tmp / "core-cache")
    configure = run(["../init-build.sh", *PLATFORM_OPTIONS], bdir, log)

    targets = run(["ninja", "-t", "targets", "all"], bdir).output
    cargo_targets = sorted({ln.split(":")[0] for ln in targets.splitlines() if "cargo" in ln.split(":")[0]})
    build_target = f"cargo-build_{CRATE}"
    if build_target not in cargo_targets:
        raise BenchError(f"no target {build_target} in {bdir}; cargo targets: {cargo_targets}")
    new_machine = run(["ninja", build_target], bdir, log)
    if not any(out.endswith(CORE_STEP_OUTPUT) for out, _ in new_machine.steps):
        raise BenchError(f"`ninja {build_target}` in {bdir} did not build core (no step made {CORE_STEP_OUTPUT})")
    new_dirs = []
    for i in range(new_dir_runs):
        other = rws / f"build-hello-new-dir-{i + 1}"
        other.mkdir()
        run(["../init-build.sh", *PLATFORM_OPTIONS], other, log)
        new_dirs.append(run(["ninja", build_target], other, log))
        shutil.rmtree(other)
    cargo_cmd = run(["ninja", "-t", "commands", f"apps/{CRATE}/CMakeFiles/_cargo-build_{CRATE}"], bdir).output
    cargo_line = cargo_cmd.strip().splitlines()[-1]
    rest = run(["ninja"], bdir, log)
    elf = find_elf(bdir, RUST_ELF)
    sizes, bss_symbols = elf_sizes(elf), largest_symbols(elf, "bB")  # before the edits below

    # No-op: ninja with nothing changed (after one settling run), then cargo's own no-op.
    run(["ninja"], bdir, log)
    noop = repeat(runs, lambda: run(["ninja"], bdir, log))
    cargo_noop = repeat(runs, lambda: run(["sh", "-c", cargo_line], bdir, log))

    # Incremental: a newer modification time on one source file, as an editor's save makes.
    def touch_and_build() -> Timed:
        touched.touch()
        return run(["ninja"], bdir, log)

    incremental = repeat(runs, touch_and_build)

    # A real edit: one string of the root server changes (and changes back on the next run), so
    # the staticlib differs and the executable, the elfloader and the image are made again.
    original = touched.read_text()
    if EDIT_MARK not in original:
        raise BenchError(f"{touched}: no {EDIT_MARK!r} to edit")
    edited_text = original.replace(EDIT_MARK, EDIT_MARK + "[edited] ", 1)
    edits = iter([edited_text, original] * runs)

    def edit_and_build() -> Timed:
        touched.write_text(next(edits))
        return run(["ninja"], bdir, log)

    edited = repeat(runs, edit_and_build)
    cargo_targets = [t for t in cargo_targets if "/" not in t]
    return RustResults(
        bdir, configure, new_machine, new_dirs, rest, noop, cargo_noop, incremental, edited, cargo_targets, sizes,
        bss_symbols,
    )  # fmt: skip


# ---- the C reference -----------------------------------------------------------------------------


@dataclass
class CResults:
    build_type: str
    configure: Timed
    build: Timed
    sizes: Sizes
    bss_symbols: str
    boot: str


def bench_c(ws: Path, tmp: Path, build_type: str, boot: bool) -> CResults:
    cws = tmp / "c-ws"
    if not cws.exists():
        files = {f.name: f.read_text() for f in C_HELLO.iterdir() if f.is_file()}
        sel4build.project_workspace(ws, cws, "c-hello", files)
    bdir = cws / f"build-{build_type}"
    bdir.mkdir()
    log = bdir / "bench.log"
    try:
        configure = run(["../init-build.sh", *PLATFORM_OPTIONS, f"-DSEL4_PROJECT_BUILD_TYPE={build_type}"], bdir, log)
        # Only the root server (and the libraries it links) unless it is to be booted.
        build = run(["ninja"] if boot else ["ninja", C_ELF], bdir, log)
    except BenchError as e:
        raise BenchError(f"{e}\n(C reference, CMAKE_BUILD_TYPE={build_type})") from None
    cache = (bdir / "CMakeCache.txt").read_text()
    if f"CMAKE_BUILD_TYPE:STRING={build_type}\n" not in cache:
        raise BenchError(f"{bdir}: CMAKE_BUILD_TYPE is not {build_type}")
    elf = find_elf(bdir, C_ELF)
    booted = ""
    if boot:
        out = sel4build.simulate(bdir, until="c-hello: done, suspending", timeout=120)
        lines = len(re.findall(r"untyped +\d+: slot", out))
        booted = f"booted, {lines} untyped lines" if "c-hello: done" in out else f"did NOT finish: {out[-500:]!r}"
    return CResults(build_type, configure, build, elf_sizes(elf), largest_symbols(elf, "bB"), booted)


# ---- report --------------------------------------------------------------------------------------


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(r: RustResults, cs: list[CResults], runs: int, load_before: str, load_after: str) -> None:
    new_dir = min(r.new_dirs, key=lambda t: t.seconds)
    core = sum(s for out, s in r.new_machine.steps if out.endswith(CORE_STEP_OUTPUT))
    inc = median(r.incremental)
    edit = median(r.edited)
    noop = median(r.noop)
    cargo_noop = median(r.cargo_noop)
    noop_line = max((len(line) for line in noop.output.splitlines()), default=0)
    rust = r.sizes

    print(f"configure options: {' '.join(PLATFORM_OPTIONS)}")
    print(f"machine: {os.cpu_count()} CPUs; load average {load_before} before, {load_after} after (other builds skew times)")
    print(f"Corrosion targets: {', '.join(r.cargo_targets)}")
    print(
        f"timed: `ninja cargo-build_{CRATE}` in a new build directory (empty core cache, then core cached); "
        f"`ninja` after touching {TOUCHED.relative_to(ROOT)}; `ninja` with nothing changed"
    )
    print()
    rows: list[tuple[str, str, str, str]] = [
        ("configure (init-build.sh)", f"{r.configure.seconds:.1f} s", "-", "-"),
        (
            "Rust part of a clean build on a new machine",
            f"{r.new_machine.seconds:.1f} s (CPU {r.new_machine.cpu:.1f} s)",
            f"< {GOAL_CLEAN_S:.0f} s",
            verdict(r.new_machine.seconds < GOAL_CLEAN_S),
        ),
        ("  of which: core+alloc, once per toolchain and target", f"{core:.1f} s", "-", "-"),
        (
            f"Rust part of a new build directory, core cached (best of {len(r.new_dirs)})",
            f"{new_dir.seconds:.1f} s (CPU {new_dir.cpu:.1f} s)",
            f"< {GOAL_NEW_DIR_S:.0f} s",
            verdict(new_dir.seconds < GOAL_NEW_DIR_S),
        ),
        ("rest of build (kernel, link, elfloader)", f"{r.rest.seconds:.1f} s", "-", "-"),
        (
            f"incremental, lib.rs touched (median of {runs})",
            f"{inc.seconds:.2f} s",
            f"< {GOAL_INCREMENTAL_S:.0f} s",
            verdict(inc.seconds < GOAL_INCREMENTAL_S),
        ),
        (
            f"incremental, one string edited (median of {runs})",
            f"{edit.seconds:.2f} s",
            f"(< {GOAL_INCREMENTAL_S:.0f} s)",
            verdict(edit.seconds < GOAL_INCREMENTAL_S),
        ),
        (
            f"no-op ninja (median of {runs})",
            f"{noop.seconds:.3f} s",
            f"< {GOAL_NOOP_S} s",
            verdict(noop.seconds < GOAL_NOOP_S),
        ),
        (f"  of which: cargo's own no-op (median of {runs})", f"{cargo_noop.seconds:.3f} s", "-", "-"),
        (
            "no-op ninja's longest line of output",
            f"{noop_line} chars",
            f"<= {GOAL_NOOP_LINE} chars",
            verdict(noop_line <= GOAL_NOOP_LINE),
        ),
    ]
    for c in cs:
        half_total, half_file = c.sizes.total // 2, c.sizes.stripped // 2
        rows += [
            (
                f"ELF text+data+bss, Rust vs C {c.build_type}",
                f"{rust.total} B",
                f"<= {half_total} B",
                verdict(rust.total <= half_total),
            ),
            (
                f"ELF stripped file, Rust vs C {c.build_type}",
                f"{rust.stripped} B",
                f"<= {half_file} B",
                verdict(rust.stripped <= half_file),
            ),
        ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    header = ("figure", "measured", "goal", "verdict")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    for row in (header, *rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())

    print()
    print("ELF sizes (bytes)                text     data      bss  text+data+bss  stripped file")
    named = [(f"Rust {RUST_ELF}", rust), *((f"C {C_ELF} ({c.build_type})", c.sizes) for c in cs)]
    for name, s in named:
        print(f"{name:<30} {s.text:>7}  {s.data:>7}  {s.bss:>7}  {s.total:>13}  {s.stripped:>13}")
    print(f"largest bss, Rust: {r.bss_symbols}")
    for c in cs:
        print(f"largest bss, C {c.build_type}: {c.bss_symbols}")

    print()
    print("steps ninja ran:")
    print(f"  Rust part, new machine: {fmt_steps(r.new_machine.steps, r.build_dir)}")
    print(f"  Rust part, new build directory (best run): {fmt_steps(new_dir.steps, r.build_dir)}")
    print(f"  incremental, touched (median run): {fmt_steps(inc.steps, r.build_dir)}")
    print(f"  incremental, edited (median run): {fmt_steps(edit.steps, r.build_dir)}")
    print(f"  no-op (median run): {fmt_steps(noop.steps, r.build_dir)}")
    print("all runs (s):")
    print(f"  Rust part, new build directory: {', '.join(f'{t.seconds:.1f} (CPU {t.cpu:.1f})' for t in r.new_dirs)}")
    print(f"  incremental, touched: {', '.join(f'{t.seconds:.2f}' for t in r.incremental)}")
    print(f"  incremental, edited: {', '.join(f'{t.seconds:.2f}' for t in r.edited)}")
    print(f"  no-op ninja: {', '.join(f'{t.seconds:.3f}' for t in r.noop)}")
    print(f"  cargo no-op: {', '.join(f'{t.seconds:.3f}' for t in r.cargo_noop)}")
    for c in cs:
        boot = f"; {c.boot}" if c.boot else ""
        print(f"  C {c.build_type}: configure {c.configure.seconds:.1f}, build {c.build.seconds:.1f}{boot}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of the no-op and incremental builds (default 5)")
    parser.add_argument(
        "--new-dirs", type=int, default=1, help="new build directories the Rust part is timed in, core cached (default 1)"
    )
    parser.add_argument(
        "--c-build-type",
        action="append",
        help="CMAKE_BUILD_TYPE of the C reference, repeatable (default: Debug, what init-build.sh gives as "
        "in the Rust build, and MinSizeRel, -Os like cargo's release profile's opt-level s)",
    )
    parser.add_argument("--boot", action="store_true", help="also build the C reference's image and boot it in QEMU")
    parser.add_argument("--rev", help="benchmark this git revision instead of the working tree")
    parser.add_argument("--keep", action="store_true", help="keep the temporary workspaces (their path is printed)")
    args = parser.parse_args()
    if args.runs < 1 or args.new_dirs < 1:
        parser.error("--runs and --new-dirs must be at least 1")
    ws, why = sel4build.workspace()
    if ws is None:
        print(f"build_bench: no seL4 workspace: {why}", file=sys.stderr)
        return 2
    for tool in (SIZE, STRIP):
        if shutil.which(tool) is None:
            print(f"build_bench: {tool} not found (apt-get install binutils-aarch64-linux-gnu)", file=sys.stderr)
            return 2
    load_before = load()
    tmp = Path(tempfile.mkdtemp(prefix="build-bench-"))
    try:
        rust = bench_rust(ws, tmp, args.rev, args.runs, args.new_dirs)
        cs = [bench_c(ws, tmp, bt, args.boot) for bt in args.c_build_type or ["Debug", "MinSizeRel"]]
        print(f"source: {'revision ' + args.rev if args.rev else 'working tree of ' + str(ROOT)} (snapshot)")
        report(rust, cs, args.runs, load_before, load())
    except BenchError as e:
        print(f"build_bench: {e}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
