#!/usr/bin/env python3
"""Instruction counts of seL4 invocation stubs, C (libsel4) against Rust (crates/sel4), from the disassembly, per architecture.

    python3 bench/stub_counts.py [--arch A ...] [--build-dir DIR]

Three invocations, each compiled into one non-inline function per language that returns the
seL4_Error as a word:

* C: bench/stubs/stubs.c calls libsel4's static inline stubs (seL4_Untyped_Retype,
  seL4_TCB_Suspend and the architecture's frame map: seL4_ARM_Page_Map, seL4_RISCV_Page_Map or
  seL4_X86_Page_Map), compiled with the compiler, flags and include directories of a real root
  server's compile command (bench/c-ipc's main.c in the build directory bench/ipc_bench.py
  makes for the architecture, built here if missing), at -O2 and at -Os;
* Rust: bench/stubs/rust calls crates/sel4's typed API (Cap<Untyped>::retype,
  Cap<Tcb>::suspend, Cap<Page>::map) and is built as a staticlib for the architecture's Rust
  target with the project's release profile (opt-level "s") by tests/rustbuild.py, against
  bindings that sel4gen generates from the same kernel build directory, so that both languages
  see one kernel configuration.

Architectures (--arch, default: every one of bench/arches.py whose cross compiler and QEMU are
installed; the others are skipped, saying what is missing): aarch64, aarch32, riscv64, x86_64.
--build-dir takes one configured and built C root server build directory instead, and runs its
architecture only.

llvm-objdump disassembles each function for every architecture; the count is the instructions
of its symbol (without the padding after it), and the functions it calls or jumps to (none
expected: the system call is inline assembly) are listed beside it. The report is a table per
architecture (one column per compile) and a summary with one row per architecture: Rust
release / C -O2 of each stub beside the goal (<= 1.00). A failure prints one line naming its
log; the other architectures still run, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
# tests/rustbuild.py imports tools/sel4_rust_core.py and tools/sel4gen, as tests/conftest.py
# makes possible.
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(BENCH))

import ipc_bench  # noqa: E402
import rustbuild  # noqa: E402
import sel4build  # noqa: E402
from arches import ARCHES, BenchArch, add_arch_option, select  # noqa: E402

STUBS = BENCH / "stubs"
C_SOURCE = STUBS / "stubs.c"
RUST_CRATE = STUBS / "rust"
RUST_LIB = "libstub_counts.a"
#: Generated bindings, objects and logs, one directory per architecture (git-ignored).
WORK = ROOT / "build" / "stub-counts"
#: The function of each stub in both languages, and what it invokes.
FUNCTIONS = {
    "stub_untyped_retype": "Untyped retype (endpoint)",
    "stub_tcb_suspend": "TCB suspend",
    "stub_page_map": "frame map",
}
C_LEVELS = ("-O2", "-Os")
#: Cargo profiles of bench/stubs/rust: the project's release profile (opt-level "s") and the same
#: at opt-level 2, as C's -O2.
RUST_PROFILES = {"release": "Rust release (opt s)", "release-o2": "Rust opt 2"}
OBJDUMP = "llvm-objdump"
GOAL_RATIO = 1.00
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


def build_dir(arch: BenchArch) -> Path:
    """The C IPC benchmark's build directory of `arch` (bench/ipc_bench.py's), built now if missing."""
    bdir = ipc_bench.c_build_dir(arch)
    if (bdir / "build.ninja").exists():
        return bdir
    ws, why = sel4build.workspace()
    if ws is None:
        raise BenchError(f"no seL4 workspace: {why}")
    print(f"stub_counts: building bench/c-ipc for its compile flags in {bdir} ...", file=sys.stderr)
    try:
        return ipc_bench.build_c(ws, arch)
    except ipc_bench.BenchError as e:
        raise BenchError(str(e)) from None


def cache_value(bdir: Path, name: str) -> str:
    m = re.search(rf"^{name}:\w+=(\w+)$", (bdir / "CMakeCache.txt").read_text(), re.M)
    if m is None:
        raise BenchError(f"no {name} in {bdir}/CMakeCache.txt")
    return m.group(1)


def c_flags(bdir: Path) -> tuple[str, list[str]]:
    """The compiler and compile flags of the build's root server source, without its outputs
    and -O level.

    Include directories (libsel4's sources, its generated headers, the kernel and libsel4
    configurations, musllibc), defines, -march, -ftls-model... exactly as the build uses them.
    """
    commands = subprocess.run(["ninja", "-t", "commands"], cwd=bdir, capture_output=True, text=True).stdout
    line = next((ln for ln in commands.splitlines() if " -c " in ln and ln.rstrip().endswith(f"/{REFERENCE_SOURCE}")), None)
    if line is None:
        raise BenchError(f"no compile command for {REFERENCE_SOURCE} in {bdir} (ninja -t commands)")
    compiler, *args = shlex.split(line.split("&&")[-1])
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
    return compiler, flags


def generate_bindings(bdir: Path, out: Path, log: Path) -> Path:
    """sel4gen's output for bdir's kernel configuration, from the same inputs as its CMake step."""
    arch_name, sel4_arch_name = cache_value(bdir, "KernelArch"), cache_value(bdir, "KernelSel4Arch")
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


def compile_c(compiler: str, flags: list[str], level: str, out: Path, log: Path) -> Path:
    run_logged([compiler, *flags, level, "-c", str(C_SOURCE), "-o", str(out)], log, f"{compiler} {level}")
    return out


def build_rust(arch: str, gen: Path, profile: str, log: Path) -> Path:
    """The stub crate as a staticlib of cargo profile `profile`, in rustbuild's shared target
    directory (core is built there once per machine and profile)."""
    toolchain, why = rustbuild.find_toolchain()
    if toolchain is None:
        raise BenchError(f"no Rust toolchain: {why}")
    target_dir = rustbuild.default_target_dir(arch)
    r = rustbuild.check_crate(
        toolchain,
        RUST_CRATE,
        arch,
        target_dir,
        env={"SEL4_SYS_GENERATED_DIR": str(gen)},
        # What cmake/sel4_rust.cmake gives a root server's crates (the configuration's cfgs and
        # local-exec thread-local accesses, as C's -ftls-model=local-exec: otherwise x86-64's
        # position-independent target calls __tls_get_addr for libsel4's IPC buffer pointer),
        # and the code-generation flags the configuration asks for (the generator's contract).
        rustflags=[*rustbuild.cmake_rustflags(gen), *json.loads((gen / "contract.json").read_text())["rust"]["rustflags"]],
        build=True,
        cargo_args=["--profile", profile],
    )
    log.write_text(rustbuild.describe(r, limit=10**7))
    if r.returncode != 0:
        raise BenchError(f"cargo build of {RUST_CRATE.relative_to(ROOT)} exited {r.returncode} (log: {log})")
    return target_dir / rustbuild.rust_target(arch) / profile / RUST_LIB


# ---- counting --------------------------------------------------------------------------------------

#: llvm-objdump's "0000000000000000 <name>:" line that starts a function's listing.
SYMBOL = re.compile(r"^[0-9a-f]+ <(?P<name>[^>]+)>:$")
#: An instruction line: "      14:      \tsvc\t#0" (address, mnemonic, operands).
INSTRUCTION = re.compile(r"^\s+[0-9a-f]+:\s+(?P<mnemonic>[a-z][\w.]*)(?P<operands>.*)$")
#: The relocation line after a call or a jump to another function in an object file (whose
#: operand is still 0 before linking), on each architecture:
#: "\t\t0000000000000024:  R_AARCH64_CALL26\t<callee>", R_ARM_CALL, R_RISCV_CALL_PLT (on the
#: auipc before the jalr), R_X86_64_PLT32 ("<callee>-0x4").
CALL_RELOCATION = re.compile(
    r"^\s+[0-9a-f]+:\s+R_(?:AARCH64_(?:CALL26|JUMP26)|ARM_(?:CALL|JUMP24)|RISCV_(?:CALL|CALL_PLT|JAL)|X86_64_PLT32)"
    r"\s+(?P<target>.+?)(?:[+-]0x[0-9a-f]+)?$"
)
#: Call instructions of the four architectures.
CALLS = {"bl", "blr", "blx", "jal", "jalr", "call", "callq"}
#: What the assemblers pad a function's end with, up to the next function's alignment
#: (gcc and LLVM align functions to 16 bytes on some architectures): not code.
PADDING = {"nop", "c.nop", "nopw", "nopl", "int3", "data16", "cs", "xchg"}


def short_name(symbol: str) -> str:
    """A demangled name without module paths: <sel4::error::Error>::check -> <Error>::check."""
    return re.sub(r"\b(?:\w+::)+(?=\w)", "", symbol)


def local_labels(obj: Path, log: Path) -> list[str]:
    """The local labels (.L...) of obj's symbol table: gcc keeps its branch targets there on
    RISC-V (for linker relaxation), and a listing of a function's symbol alone stops at them."""
    text = run_logged([OBJDUMP, "-t", str(obj)], log, f"{OBJDUMP} -t")
    return sorted({f[-1] for f in map(str.split, text.splitlines()) if len(f) > 1 and f[-1].startswith(".L")})


def disassemble(obj: Path, log: Path) -> dict[str, Disassembly]:
    """Instruction counts and callees of FUNCTIONS in obj (an object file or an archive).

    -r shows the relocations, which name the callees of an object file's calls; -C demangles
    Rust's names. The listings of local labels right after a function are part of it.
    """
    symbols = [*FUNCTIONS, *local_labels(obj, log.with_suffix(".symbols.log"))]
    cmd = [OBJDUMP, "-d", "-r", "-C", "--no-show-raw-insn", f"--disassemble-symbols={','.join(symbols)}", str(obj)]
    text = run_logged(cmd, log, OBJDUMP)
    # One block per symbol listed, in order; None between sections and archive members, so
    # that a local label joins only the function just before it.
    blocks: list[tuple[str, list[str], list[str]] | None] = []
    # A callee named by a relocation on an instruction that is not a call: RISC-V's auipc
    # (the jalr after it is the call) or a tail call's jump (then nothing follows).
    pending: str | None = None
    for line in text.splitlines():
        block = blocks[-1] if blocks else None
        if m := SYMBOL.match(line):
            if block and pending:
                block[2].append(pending)
            pending = None
            name = m.group("name")
            if name.startswith(".L") and block is not None:
                blocks.append((block[0], block[1], block[2]))  # the same lists: one function
            else:
                blocks.append((name, [], []))
        elif line.startswith("Disassembly of section") or re.match(r"^\S.*:\s+file format", line):
            blocks.append(None)
        elif block is None:
            continue
        elif m := CALL_RELOCATION.match(line):
            mnemonics, calls = block[1], block[2]
            if mnemonics and mnemonics[-1] in CALLS and calls:
                calls[-1] = short_name(m.group("target"))  # the call just counted, by name
            else:
                pending = short_name(m.group("target"))
        elif m := INSTRUCTION.match(line):
            mnemonic = m.group("mnemonic")
            if mnemonic in CALLS:
                block[2].append(pending or m.group("operands").strip())
            elif pending:
                block[2].append(pending)
            pending = None
            block[1].append(mnemonic)
    if blocks and blocks[-1] and pending:
        blocks[-1][2].append(pending)
    found: dict[str, Disassembly] = {}
    for block in blocks:
        if block is not None and block[0] in FUNCTIONS:
            mnemonics = list(block[1])
            # Padding after the last instruction aligns the next function.
            while mnemonics and mnemonics[-1] in PADDING:
                mnemonics.pop()
            found[block[0]] = Disassembly(len(mnemonics), tuple(block[2]))
    missing = [f for f in FUNCTIONS if f not in found]
    if missing:
        raise BenchError(f"no {', '.join(missing)} in the disassembly of {obj} (log: {log})")
    return found


# ---- report ----------------------------------------------------------------------------------------


def calls_note(d: Disassembly) -> str:
    counts = Counter(d.calls)
    return ", ".join(f"{n}x {name}" if n > 1 else name for name, n in counts.items())


@dataclass
class ArchStubs:
    arch: BenchArch
    #: The kernel build both languages compile against, and the C compiler of its root server.
    build_dir: Path | None = None
    compiler: str = ""
    #: Compile (column) -> function -> its disassembly.
    results: dict[str, dict[str, Disassembly]] = field(default_factory=dict)
    error: str = ""

    def ratio(self, fn: str) -> float:
        return self.results[RUST_PROFILES["release"]][fn].instructions / self.results[f"C {C_LEVELS[0]}"][fn].instructions


def print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())


def report_arch(a: ArchStubs) -> None:
    """One architecture's table: one row per stub, one column per compile; then the calls."""
    print(f"{a.arch.name}: kernel build (C flags and Rust bindings) {a.build_dir}")
    target = rustbuild.rust_target(a.arch.name)
    print(f"  C: {a.compiler} on {C_SOURCE.relative_to(ROOT)}; Rust: {target}; frame map: {a.arch.page_map}")
    columns = list(a.results)
    rows = [("  stub", *columns, "Rust release / C -O2")]
    for fn, name in FUNCTIONS.items():
        rows.append((f"  {name}", *(str(a.results[col][fn].instructions) for col in columns), f"{a.ratio(fn):.2f}"))
    print_table(rows)
    notes = [(col, FUNCTIONS[fn], calls_note(d)) for col in columns for fn, d in a.results[col].items() if d.calls]
    if notes:
        print("  calls out of the stub functions (their instructions are not counted above):")
        for col, name, note in notes:
            print(f"    {col}, {name}: {note}")


def report(stubs: list[ArchStubs], skipped: list[str]) -> None:
    print("instructions of each function (its own, without the functions it calls)")
    for a in stubs:
        print()
        if a.error:
            print(f"{a.arch.name}: failed: {a.error}")
        else:
            report_arch(a)
    for line in skipped:
        print(f"\n{line}")
    print()
    print(f"Rust release / C {C_LEVELS[0]} (instructions Rust/C), goal <= {GOAL_RATIO:.2f}")
    rows = [("arch", *FUNCTIONS.values(), "goal")]
    for a in stubs:
        if a.error:
            rows.append((a.arch.name, *("-" for _ in FUNCTIONS), "-"))
            continue
        rust, c = a.results[RUST_PROFILES["release"]], a.results[f"C {C_LEVELS[0]}"]
        cells = [f"{a.ratio(fn):.2f} ({rust[fn].instructions}/{c[fn].instructions})" for fn in FUNCTIONS]
        rows.append((a.arch.name, *cells, "met" if all(a.ratio(fn) <= GOAL_RATIO for fn in FUNCTIONS) else "MISSED"))
    print_table(rows)


def count_arch(arch: BenchArch, given: Path | None) -> ArchStubs:
    """Compile and disassemble both languages' stubs for one architecture; a failure ends up in
    .error."""
    a = ArchStubs(arch)
    work = WORK / arch.name
    work.mkdir(parents=True, exist_ok=True)
    try:
        a.build_dir = given or build_dir(arch)
        a.compiler, flags = c_flags(a.build_dir)
        for level in C_LEVELS:
            obj = compile_c(a.compiler, flags, level, work / f"stubs{level}.o", work / f"cc{level}.log")
            a.results[f"C {level}"] = disassemble(obj, work / f"objdump-c{level}.log")
        gen = generate_bindings(a.build_dir, work / "gen", work / "sel4gen.log")
        for profile, column in RUST_PROFILES.items():
            lib = build_rust(arch.name, gen, profile, work / f"cargo-{profile}.log")
            a.results[column] = disassemble(lib, work / f"objdump-rust-{profile}.log")
    except BenchError as e:
        a.error = str(e)
        print(f"stub_counts: {arch.name}: {e}", file=sys.stderr)
    return a


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    add_arch_option(parser, "count")
    parser.add_argument("--build-dir", type=Path, help="a configured and built C root server build directory to take flags from")
    args = parser.parse_args()
    if shutil.which(OBJDUMP) is None:
        print(f"stub_counts: {OBJDUMP} not found", file=sys.stderr)
        return 2
    given: Path | None = None
    if args.build_dir:
        given = args.build_dir.resolve()
        if not (given / "build.ninja").exists():
            print(f"stub_counts: {given} is not a build directory (no build.ninja)", file=sys.stderr)
            return 2
        try:
            args.arch = [cache_value(given, "KernelSel4Arch")]
        except BenchError as e:
            print(f"stub_counts: {e}", file=sys.stderr)
            return 2
        if args.arch[0] not in ARCHES:
            print(f"stub_counts: {given} is a {args.arch[0]} build; supported: {', '.join(ARCHES)}", file=sys.stderr)
            return 2
    arches, skipped = select(args.arch)
    for line in skipped:
        print(f"stub_counts: {line}", file=sys.stderr)
    stubs = [count_arch(arch, given) for arch in arches]
    report(stubs, skipped)
    return 1 if any(a.error for a in stubs) else 0


if __name__ == "__main__":
    sys.exit(main())
