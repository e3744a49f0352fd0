#!/usr/bin/env python3
"""Instruction counts of seL4 invocation stubs, C (libsel4) against Rust (crates/sel4), from the disassembly.

    python3 bench/stub_counts.py [--build-dir DIR]

Three invocations, each compiled into one non-inline function per language that returns the
seL4_Error as a word:

* C: bench/stubs/stubs.c calls libsel4's static inline stubs (seL4_Untyped_Retype,
  seL4_TCB_Suspend, seL4_ARM_Page_Map), compiled with aarch64-linux-gnu-gcc and the very flags
  and include directories of a real root server's compile command (bench/c-ipc's main.c in the
  build directory bench/ipc_bench.py makes, built here if missing), at -O2 and at -Os;
* Rust: bench/stubs/rust calls crates/sel4's typed API (Cap<Untyped>::retype,
  Cap<Tcb>::suspend, Cap<Page>::map) and is built as a staticlib with the project's release
  profile (opt-level "s") by tests/rustbuild.py, against bindings that sel4gen generates from
  the same kernel build directory, so that both languages see one kernel configuration.

llvm-objdump disassembles each function; the count is the instructions of its symbol, and the
functions it calls (none expected: the system call is inline assembly) are listed beside it.
A failure prints one line naming its log and exits 1.
"""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(BENCH))

import ipc_bench  # noqa: E402
import rustbuild  # noqa: E402
import sel4build  # noqa: E402

STUBS = BENCH / "stubs"
C_SOURCE = STUBS / "stubs.c"
RUST_CRATE = STUBS / "rust"
RUST_LIB = "libstub_counts.a"
#: Generated bindings, objects and logs (git-ignored).
WORK = ROOT / "build" / "stub-counts"
#: The function of each stub in both languages, and what it invokes.
FUNCTIONS = {
    "stub_untyped_retype": "Untyped retype (endpoint)",
    "stub_tcb_suspend": "TCB suspend",
    "stub_page_map": "frame map (ARM page)",
}
C_LEVELS = ("-O2", "-Os")
#: Cargo profiles of bench/stubs/rust: the project's release profile (opt-level "s") and the same
#: at opt-level 2, as C's -O2.
RUST_PROFILES = {"release": "Rust release (opt s)", "release-o2": "Rust opt 2"}
CC = "aarch64-linux-gnu-gcc"
OBJDUMP = "llvm-objdump"
#: The root server's source file whose compile command gives the C flags.
REFERENCE_SOURCE = "main.c"


class BenchError(Exception):
    """A step failed; the message is one line naming the log to read."""


@dataclass(frozen=True)
class Disassembly:
    instructions: int
    calls: tuple[str, ...]  # the targets of its bl instructions


def run_logged(cmd: list[str], log: Path, what: str, cwd: Path | None = None) -> str:
    """Run cmd, write its command line and output to log; its output, or BenchError."""
    r = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    log.write_text(f"$ {shlex.join(cmd)}\n{r.stdout}{r.stderr}")
    if r.returncode != 0:
        raise BenchError(f"{what} exited {r.returncode} (log: {log})")
    return r.stdout


# ---- the kernel build both languages compile against -------------------------------------------


def build_dir(given: Path | None) -> Path:
    """The C IPC benchmark's build directory (bench/ipc_bench.py's), built now if missing."""
    if given is not None:
        if not (given / "build.ninja").exists():
            raise BenchError(f"{given} is not a build directory (no build.ninja)")
        return given
    bdir = ipc_bench.WORK / "c-ws" / "build-c-ipc"
    if (bdir / "build.ninja").exists():
        return bdir
    ws, why = sel4build.workspace()
    if ws is None:
        raise BenchError(f"no seL4 workspace: {why}")
    print(f"stub_counts: building bench/c-ipc for its compile flags in {bdir} ...", file=sys.stderr)
    try:
        return ipc_bench.build_c(ws)
    except ipc_bench.BenchError as e:
        raise BenchError(str(e)) from None


def c_flags(bdir: Path) -> list[str]:
    """The compile flags of the build's root server source, without its outputs and -O level.

    Include directories (libsel4's sources, its generated headers, the kernel and libsel4
    configurations, musllibc), defines, -march, -ftls-model... exactly as the build uses them.
    """
    commands = subprocess.run(["ninja", "-t", "commands"], cwd=bdir, capture_output=True, text=True).stdout
    line = next((ln for ln in commands.splitlines() if " -c " in ln and ln.rstrip().endswith(f"/{REFERENCE_SOURCE}")), None)
    if line is None:
        raise BenchError(f"no compile command for {REFERENCE_SOURCE} in {bdir} (ninja -t commands)")
    args = shlex.split(line.split("&&")[-1])[1:]  # without the compiler
    flags: list[str] = []
    skip_next = False
    for arg in args:
        if skip_next:
            skip_next = False
        elif arg in ("-o", "-MT", "-MF", "-c"):
            skip_next = True
        elif arg == "-MD" or re.fullmatch(r"-O\w*|-g\w*", arg):
            pass
        else:
            flags.append(arg)
    return flags


def generate_bindings(bdir: Path, out: Path, log: Path) -> Path:
    """sel4gen's output for bdir's kernel configuration, from the same inputs as its CMake step."""
    cache = (bdir / "CMakeCache.txt").read_text()
    arch, sel4_arch = (re.search(rf"^{name}:\w+=(\w+)$", cache, re.M) for name in ("KernelArch", "KernelSel4Arch"))
    if arch is None or sel4_arch is None:
        raise BenchError(f"no KernelArch or KernelSel4Arch in {bdir}/CMakeCache.txt")
    arch_name, sel4_arch_name = arch.group(1), sel4_arch.group(1)
    # libsel4's sources: those of the workspace the build directory sits in (../kernel).
    libsel4 = (bdir.parent / "kernel" / "libsel4").resolve()
    gen_libsel4 = bdir / "libsel4"
    cmd = [
        sys.executable, "-m", "sel4gen", "-q", "--out", str(out),
        "--shared-types", str(gen_libsel4 / "include" / "sel4" / "shared_types.pbf"),
        "--sel4-arch-types", str(gen_libsel4 / "sel4_arch_include" / sel4_arch_name / "sel4" / "sel4_arch" / "types.pbf"),
        "--syscall-xml", str(libsel4 / "include" / "api" / "syscall.xml"),
        "--object-api", str(libsel4 / "include" / "interfaces" / "object-api.xml"),
        "--object-api-sel4-arch", str(libsel4 / "sel4_arch_include" / sel4_arch_name / "interfaces" / "object-api-sel4-arch.xml"),
        "--object-api-arch", str(libsel4 / "arch_include" / arch_name / "interfaces" / "object-api-arch.xml"),
        "--kernel-config", str(bdir / "kernel" / "gen_config" / "kernel" / "gen_config.json"),
        "--libsel4-config", str(gen_libsel4 / "gen_config" / "sel4" / "gen_config.json"),
    ]  # fmt: skip
    run_logged(cmd, log, "sel4gen", cwd=ROOT / "tools")
    return out


# ---- compiling -------------------------------------------------------------------------------------


def compile_c(flags: list[str], level: str, out: Path, log: Path) -> Path:
    run_logged([CC, *flags, level, "-c", str(C_SOURCE), "-o", str(out)], log, f"{CC} {level}")
    return out


def build_rust(gen: Path, profile: str, log: Path) -> Path:
    """The stub crate as a staticlib of cargo profile `profile`, in rustbuild's shared target
    directory (core is built there once per machine and profile)."""
    toolchain, why = rustbuild.find_toolchain()
    if toolchain is None:
        raise BenchError(f"no Rust toolchain: {why}")
    target_dir = rustbuild.default_target_dir("aarch64")
    r = rustbuild.check_crate(
        toolchain,
        RUST_CRATE,
        "aarch64",
        target_dir,
        env={"SEL4_SYS_GENERATED_DIR": str(gen)},
        build=True,
        cargo_args=["--profile", profile],
    )
    log.write_text(rustbuild.describe(r, limit=10**7))
    if r.returncode != 0:
        raise BenchError(f"cargo build of {RUST_CRATE.relative_to(ROOT)} exited {r.returncode} (log: {log})")
    return target_dir / rustbuild.rust_target("aarch64") / profile / RUST_LIB


# ---- counting --------------------------------------------------------------------------------------

#: llvm-objdump's "0000000000000000 <name>:" line that starts a function's listing.
SYMBOL = re.compile(r"^[0-9a-f]+ <(?P<name>[^>]+)>:$")
#: An instruction line: "      14:      \tsvc\t#0" (address, mnemonic, operands).
INSTRUCTION = re.compile(r"^\s+[0-9a-f]+:\s+(?P<mnemonic>[a-z][\w.]*)(?P<operands>.*)$")
#: The relocation line after a call in an object file: "\t\t0000000000000024:  R_AARCH64_CALL26\t<callee>".
CALL_RELOCATION = re.compile(r"^\s+[0-9a-f]+:\s+R_AARCH64_(?:CALL26|JUMP26)\s+(?P<target>.+)$")


def short_name(symbol: str) -> str:
    """A demangled name without module paths: <sel4::error::Error>::check -> <Error>::check."""
    return re.sub(r"\b(?:\w+::)+(?=\w)", "", symbol)


def disassemble(obj: Path, log: Path) -> dict[str, Disassembly]:
    """Instruction counts and callees of FUNCTIONS in obj (an object file or an archive).

    -r shows the relocations, which name the callees of an object file's calls (their operand
    is still 0 before linking); -C demangles Rust's names.
    """
    cmd = [OBJDUMP, "-d", "-r", "-C", "--no-show-raw-insn", f"--disassemble-symbols={','.join(FUNCTIONS)}", str(obj)]
    text = run_logged(cmd, log, OBJDUMP)
    found: dict[str, Disassembly] = {}
    current: str | None = None
    mnemonics: list[str] = []
    calls: list[str] = []
    for line in [*text.splitlines(), ""]:
        if m := SYMBOL.match(line):
            current, mnemonics, calls = m.group("name"), [], []
        elif current is None:
            continue
        elif m := CALL_RELOCATION.match(line):
            calls[-1] = short_name(m.group("target"))  # the call just counted, by name
        elif m := INSTRUCTION.match(line):
            mnemonics.append(m.group("mnemonic"))
            if m.group("mnemonic") in ("bl", "blr"):
                calls.append(m.group("operands").strip())
        elif not line.strip():
            # The listing runs to the next symbol: nops after the last instruction are the
            # padding that aligns the next function (gcc aligns to 16 bytes), not code.
            while mnemonics and mnemonics[-1] == "nop":
                mnemonics.pop()
            found[current] = Disassembly(len(mnemonics), tuple(calls))
            current = None
    missing = [f for f in FUNCTIONS if f not in found]
    if missing:
        raise BenchError(f"no {', '.join(missing)} in the disassembly of {obj} (log: {log})")
    return found


# ---- report ----------------------------------------------------------------------------------------


def calls_note(d: Disassembly) -> str:
    counts = Counter(d.calls)
    return ", ".join(f"{n}x {name}" if n > 1 else name for name, n in counts.items())


def report(bdir: Path, results: dict[str, dict[str, Disassembly]]) -> None:
    """The table: one row per stub, one column per compile; then the calls each one makes."""
    print(f"kernel build (C flags and Rust bindings): {bdir}")
    print(f"C: {CC} on {C_SOURCE.relative_to(ROOT)}; Rust: {RUST_CRATE.relative_to(ROOT)} (crates/sel4's typed API)")
    print("instructions of each function (its own, without the functions it calls)")
    print()
    columns = list(results)
    c, rust = f"C {C_LEVELS[0]}", RUST_PROFILES["release"]
    header = ("stub", *columns, "Rust release / C -O2")
    rows = [header]
    for fn, name in FUNCTIONS.items():
        ratio = results[rust][fn].instructions / results[c][fn].instructions
        rows.append((name, *(str(results[col][fn].instructions) for col in columns), f"{ratio:.2f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    notes = [(col, FUNCTIONS[fn], calls_note(d)) for col in columns for fn, d in results[col].items() if d.calls]
    if notes:
        print()
        print("calls out of the stub functions (their instructions are not counted above):")
        for col, name, note in notes:
            print(f"  {col}, {name}: {note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, help="a configured and built C root server build directory to take flags from")
    args = parser.parse_args()
    for tool in (CC, OBJDUMP):
        if shutil.which(tool) is None:
            print(f"stub_counts: {tool} not found", file=sys.stderr)
            return 2
    WORK.mkdir(parents=True, exist_ok=True)
    try:
        bdir = build_dir(args.build_dir.resolve() if args.build_dir else None)
        flags = c_flags(bdir)
        results: dict[str, dict[str, Disassembly]] = {}
        for level in C_LEVELS:
            obj = compile_c(flags, level, WORK / f"stubs{level}.o", WORK / f"cc{level}.log")
            results[f"C {level}"] = disassemble(obj, WORK / f"objdump-c{level}.log")
        gen = generate_bindings(bdir, WORK / "gen", WORK / "sel4gen.log")
        for profile, column in RUST_PROFILES.items():
            lib = build_rust(gen, profile, WORK / f"cargo-{profile}.log")
            results[column] = disassemble(lib, WORK / f"objdump-rust-{profile}.log")
    except BenchError as e:
        print(f"stub_counts: {e}", file=sys.stderr)
        return 1
    report(bdir, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
