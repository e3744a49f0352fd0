"""Compile crates/sel4-sys for every supported architecture with the hand-made fixture bindings.

Uses tests/rustbuild.py (Debian's Rust with -Zbuild-std, offline). Each target's `core` is
built once into a shared target directory; everything after that takes seconds. Skipped, with
the reason, when no suitable toolchain is installed.

What is checked, for aarch64, x86_64, riscv64, riscv32 and aarch32:

* sel4-sys builds with `-D warnings` in several kernel configurations (non-MCS and MCS, debug
  options on and off, thread-local or global IPC buffer pointer, with and without the
  `define-ipc-buffer` feature);
* a consumer crate calling every function builds too, which makes LLVM assemble every
  inline-asm system call, and its machine code puts the system-call number and arguments in
  the registers of the seL4 ABI (disassembled with binutils or llvm-objdump when installed);
* the build script's errors name what is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rustbuild
from conftest import INTERFACES
from sel4gen.archinfo import ARCHES as ARCH_INFO
from sel4gen.archinfo import rust_arches
from sel4gen.cond import Value
from sel4gen.config import Config
from sel4gen.contract import HANDWRITTEN_OPTIONS, cfg_flags
from sel4gen.syscalls import load_syscalls

ROOT = Path(__file__).resolve().parent.parent
CRATE = ROOT / "crates" / "sel4-sys"
FIXTURE = CRATE / "tests-fixture"
#: The kernel's system-call list (16.0.0; the same file for every architecture).
SYSCALL_XML = INTERFACES / "aarch64-qemu-arm-virt" / "api" / "syscall.xml"
SMOKE = FIXTURE / "smoke"

ARCHES = ["aarch64", "x86_64", "riscv64", "riscv32", "aarch32"]

EVERYTHING = {
    "PRINTING",
    "DEBUG_BUILD",
    "ENABLE_SMP_SUPPORT",
    "ENABLE_BENCHMARKS",
    "BENCHMARK_TRACK_UTILISATION",
    "DANGEROUS_CODE_INJECTION",
    "SET_TLS_BASE_SELF",
    "KERNEL_X86_DANGEROUS_MSR",
    "VTX",
}

#: name -> (options on, cargo features)
CONFIGS: dict[str, tuple[set[str], list[str]]] = {
    # Like the real debug configurations in shared/sel4-interfaces.
    "debug": ({"PRINTING", "DEBUG_BUILD", "LIB_SEL4_USE_THREAD_LOCALS"}, []),
    "debug-mcs": ({"KERNEL_MCS", "PRINTING", "DEBUG_BUILD", "LIB_SEL4_USE_THREAD_LOCALS"}, []),
    "release": (set(), ["define-ipc-buffer"]),
    "release-mcs": ({"KERNEL_MCS"}, []),
    "everything": (EVERYTHING | {"LIB_SEL4_USE_THREAD_LOCALS"}, ["define-ipc-buffer"]),
    "everything-mcs": (EVERYTHING | {"KERNEL_MCS"}, ["define-ipc-buffer"]),
}


@pytest.fixture(scope="module")
def toolchain() -> rustbuild.Toolchain:
    found, reason = rustbuild.find_toolchain()
    if found is None:
        pytest.skip(reason)
    return found


def cfg_rustflags(arch: str, options_on: set[str]) -> str:
    """The `cfg.rustflags` the generator writes for a configuration with these options on."""
    on = set(options_on) | ({"SYSCALL"} if arch == "x86_64" else set())
    info = ARCH_INFO[arch]
    values: dict[str, Value] = {name: name in on for name in HANDWRITTEN_OPTIONS | on | {"VERIFICATION_BUILD"}}
    values |= {"SEL4_ARCH": arch, "WORD_SIZE": info.word_bits}
    raw: dict[str, object] = {**values, "WORD_SIZE": str(info.word_bits)}
    if not SYSCALL_XML.is_file():
        pytest.skip(f"needs a real syscall.xml: {SYSCALL_XML} (../shared/sel4-interfaces)")
    config = Config(values=values, raw=raw, arch=info)
    # The calls a kernel with these options has, from a real syscall.xml: the wrappers exist
    # exactly for those.
    syscalls = [c.name for c in load_syscalls(SYSCALL_XML, config).calls]
    return "".join(f"{flag}\n" for flag in cfg_flags(config, syscalls=syscalls))


def generated_dir(root: Path, arch: str, config: str) -> Path:
    """A generator output directory: the fixture bindings plus this configuration's cfgs."""
    out = root / f"{arch}-{config}"
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURE / "bindings.rs", out / "bindings.rs")
    (out / "cfg.rustflags").write_text(cfg_rustflags(arch, CONFIGS[config][0]))
    return out


@pytest.fixture(scope="module")
def gen_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sel4-sys-generated")


def build(
    toolchain: rustbuild.Toolchain, crate: Path, arch: str, gen: Path, features: list[str], clippy: bool = False
) -> subprocess.CompletedProcess[str]:
    # `cargo build` rather than `check`: it costs about the same for core, and for the smoke
    # crate it makes LLVM assemble the inline asm, which `check` never does.
    return rustbuild.check_crate(
        toolchain,
        crate,
        arch,
        None,
        env={"SEL4_SYS_GENERATED_DIR": str(gen)},
        rustflags=["-Dwarnings"],
        build=True,
        features=features,
        clippy=clippy,
    )


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, rustbuild.describe(result)
    warnings = [line for line in result.stderr.splitlines() if "warning" in line.lower()]
    assert not warnings, rustbuild.describe(result)


# --- sel4-sys itself, every configuration ------------------------------------------------------


@pytest.mark.parametrize("config", list(CONFIGS))
@pytest.mark.parametrize("arch", ARCHES)
def test_sel4_sys_builds_without_warnings(toolchain, gen_root, arch, config):
    gen = generated_dir(gen_root, arch, config)
    assert_clean(build(toolchain, CRATE, arch, gen, CONFIGS[config][1]))


# --- a consumer calling everything; its machine code ---------------------------------------------

#: For each architecture: the system-call instruction, and the registers holding the syscall
#: number, the first argument (capability) and, on MCS, the reply capability.
ABI = {
    "aarch64": dict(trap=r"svc\s+#0(x0)?\b", number="x7", cap="x0", reply="x6", dest="x8"),
    "aarch32": dict(trap=r"(svc|swi)\s+#?0(x0+)?\b", number="r7", cap="r0", reply="r6", dest="r8"),
    "riscv64": dict(trap=r"\becall\b", number="a7", cap="a0", reply="a6", dest="t0"),
    "riscv32": dict(trap=r"\becall\b", number="a7", cap="a0", reply="a6", dest="t0"),
    "x86_64": dict(trap=r"\bsyscall\b", number="rdx", cap="rdi", reply="r12", dest="r13"),
}

#: seL4_SysCall and seL4_SysRecv in the fixture's numbering.
SYS_CALL = -1
SYS_RECV = {False: -5, True: -7}


def llvm_objdump() -> str | None:
    """The newest llvm-objdump on PATH (old ones mis-handle some RISC-V objects)."""
    best: tuple[int, str] | None = None
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        for path in Path(directory or ".").glob("llvm-objdump*"):
            m = re.fullmatch(r"llvm-objdump(?:-(\d+))?", path.name)
            if m and os.access(path, os.X_OK):
                version = int(m.group(1) or 0)
                if best is None or version > best[0]:
                    best = (version, str(path))
    return best[1] if best else None


def objdump_for(arch: str) -> list[str] | None:
    """A disassembler command for `arch`'s objects, or None."""
    if arch == "aarch64" and shutil.which("aarch64-linux-gnu-objdump"):
        return ["aarch64-linux-gnu-objdump", "-d", "--no-show-raw-insn"]
    if arch == "x86_64" and shutil.which("objdump"):
        return ["objdump", "-d", "--no-show-raw-insn", "-M", "intel"]
    llvm = llvm_objdump()
    if llvm:
        return [llvm, "-d", "--no-show-raw-insn"]
    return None


def disassemble(command: list[str], rlib: Path, symbol: str) -> str:
    """The instructions of function `symbol` in the objects of `rlib` (an ar archive).

    rustc puts each function in its own section, `.text.<symbol>`; disassembling that section
    rather than the symbol keeps llvm-objdump from stopping at the local labels it prints.
    """
    out = subprocess.run([*command, "-j", f".text.{symbol}", str(rlib)], capture_output=True, text=True, check=False).stdout
    start = out.find(f"<{symbol}>:\n")
    assert start >= 0, f"{symbol} not found in {rlib}:\n{out[-4000:]}"
    body = out[start:].split("\nDisassembly of section", 1)[0]
    # Only instruction lines ("  1c:\tsvc\t#0x0"), not the labels between them.
    return "\n".join(line for line in body.splitlines() if re.match(r"\s*[0-9a-f]+:\s", line))


def loads(register: str, value: int, text: str) -> bool:
    """Whether some instruction puts the constant `value` in `register`.

    Accepts the spellings of binutils and llvm-objdump for aarch64, arm, riscv and x86-64,
    including moves to the 32-bit half of a 64-bit register (which zero-extend).
    """
    candidates = {str(value), hex(value), hex(value % (1 << 64)), hex(value % (1 << 32))}
    if value < 0:
        candidates.add(f"-{hex(-value)}")
    names = {register}
    if re.fullmatch(r"x\d+", register):
        names.add("w" + register[1:])
    elif re.fullmatch(r"r\d+", register) and int(register[1:]) >= 8:
        names.add(register + "d")
    elif register in ("rdx", "rdi", "rsi"):
        names.add("e" + register[1:])
    for line in text.splitlines():
        m = re.search(r"\b(mov\w*|li|mvn)\s+(\w+)\s*,\s*#?\$?([-\w]+)", line)
        if not m or m.group(2) not in names:
            continue
        if m.group(3) in candidates:
            return True
        if m.group(1) == "mvn" and m.group(3) in {str(~value), hex(~value % (1 << 32))}:
            return True
    return False


def references(register: str, text: str) -> bool:
    return re.search(rf"\b{register}\b", text) is not None


@pytest.mark.parametrize("mcs", [False, True], ids=["non-mcs", "mcs"])
@pytest.mark.parametrize("arch", ARCHES)
def test_consumer_builds_and_uses_the_abi(toolchain, gen_root, arch, mcs):
    config = "everything-mcs" if mcs else "everything"
    gen = generated_dir(gen_root, arch, config)
    result = build(toolchain, SMOKE, arch, gen, ["define-ipc-buffer"])
    assert_clean(result)

    command = objdump_for(arch)
    if command is None:
        pytest.skip(f"no disassembler for {arch} (install binutils-aarch64-linux-gnu or llvm)")
    triple = rustbuild.rust_target(arch)
    rlib = rustbuild.default_target_dir(triple) / triple / "debug" / "libsel4_sys_smoke.rlib"
    assert rlib.is_file(), rlib
    abi = ABI[arch]

    call = disassemble(command, rlib, "smoke_call_with_mrs")
    assert re.search(abi["trap"], call), call
    assert loads(abi["number"], SYS_CALL, call), f"seL4_SysCall not put in {abi['number']}:\n{call}"
    assert references(abi["cap"], call), call

    recv = disassemble(command, rlib, "smoke_recv")
    assert re.search(abi["trap"], recv), recv
    assert loads(abi["number"], SYS_RECV[mcs], recv), f"seL4_SysRecv not put in {abi['number']}:\n{recv}"
    if mcs:
        if arch == "aarch32":
            # r6 is reserved by LLVM: the asm saves it in r10 and loads the reply cap into it.
            assert re.search(r"mov\s+r10,\s*r6", recv) and re.search(r"mov\s+r6,", recv), recv
        else:
            assert loads(abi["reply"], 0x99, recv), f"reply cap not put in {abi['reply']}:\n{recv}"
        nbsr = disassemble(command, rlib, "smoke_nbsend_recv")
        assert references(abi["dest"], nbsr), f"NBSendRecv destination not in {abi['dest']}:\n{nbsr}"
    else:
        assert not loads(abi["reply"], 0x99, recv), recv
    if arch == "x86_64":
        # rsp is zeroed by the kernel's sysret and must be restored from r14.
        assert re.search(r"mov\s+r14,\s*rsp", call) and re.search(r"mov\s+rsp,\s*r14", call), call


def aarch64_registers_at_svc(text: str, initial: dict[str, object]) -> dict[str, object]:
    """Symbolically run the straight-line aarch64 code before the first `svc`.

    Understands the few instructions rustc emits there (`mov`, `ldr`, `ldp`); values are
    constants, argument names, or ("mem", base, offset) for loads.
    """
    regs: dict[str, object] = dict(initial)

    def norm(name: str) -> str:
        return "x" + name[1:] if re.fullmatch(r"w\d+", name) else name

    for line in text.splitlines():
        ins = line.split(":", 1)[1].split("//")[0].strip()
        if re.match(r"svc\b", ins):
            return regs
        if m := re.fullmatch(r"mov\s+([xw]\d+),\s*#(-?(?:0x)?[0-9a-f]+)", ins):
            value = int(m.group(2), 0)
            regs[norm(m.group(1))] = value - (1 << 64) if value >= 1 << 63 else value
        elif m := re.fullmatch(r"mov\s+([xw]\d+),\s*([xw]\d+|xzr)", ins):
            regs[norm(m.group(1))] = 0 if m.group(2) == "xzr" else regs.get(norm(m.group(2)))
        elif m := re.fullmatch(r"ldp\s+(x\d+),\s*(x\d+),\s*\[(x\d+)(?:,\s*#(\d+))?\]", ins):
            base, off = regs.get(m.group(3)), int(m.group(4) or 0)
            regs[m.group(1)], regs[m.group(2)] = ("mem", base, off), ("mem", base, off + 8)
        elif m := re.fullmatch(r"ldr\s+(x\d+),\s*\[(x\d+)(?:,\s*#(\d+))?\]", ins):
            regs[m.group(1)] = ("mem", regs.get(m.group(2)), int(m.group(3) or 0))
        else:
            pytest.fail(f"unexpected instruction before svc: {ins!r}\n{text}")
    pytest.fail(f"no svc:\n{text}")


def test_aarch64_call_disassembly_is_the_libsel4_sequence(toolchain, gen_root):
    """A close look at `seL4_CallWithMRs` on aarch64 (non-MCS): the registers at the `svc`."""
    if not shutil.which("aarch64-linux-gnu-objdump"):
        pytest.skip("aarch64-linux-gnu-objdump not installed (apt-get install binutils-aarch64-linux-gnu)")
    gen = generated_dir(gen_root, "aarch64", "debug")
    assert_clean(build(toolchain, SMOKE, "aarch64", gen, ["define-ipc-buffer"]))
    triple = rustbuild.rust_target("aarch64")
    rlib = rustbuild.default_target_dir(triple) / triple / "debug" / "libsel4_sys_smoke.rlib"
    text = disassemble(objdump_for("aarch64"), rlib, "smoke_call_with_mrs")
    assert len(re.findall(r"\bsvc\s+#0x0\b", text)) == 1, text
    # smoke_call_with_mrs(mrs: &mut [seL4_Word; 4] in x0, dest in x1), label 7, length 4.
    regs = aarch64_registers_at_svc(text, {"x0": "mrs", "x1": "dest"})
    assert regs.get("x0") == "dest", text  # capability register
    assert regs.get("x1") == (7 << 12) | 4, text  # message info
    for i, reg in enumerate(("x2", "x3", "x4", "x5")):  # message registers 0..3
        assert regs.get(reg) == ("mem", "mrs", 8 * i), text
    assert regs.get("x7") == -1, text  # seL4_SysCall
    assert "x6" not in regs, text  # no reply register on non-MCS kernels
    # After the call, message registers 0..3 are stored back into the array.
    after = text[text.index("svc") :]
    assert re.search(r"stp\s+x2,\s*x3,\s*\[x\d+\]", after), text
    assert re.search(r"stp\s+x4,\s*x5,\s*\[x\d+,\s*#16\]", after), text


# --- lints and formatting ---------------------------------------------------------------------


@pytest.mark.parametrize("config", ["everything", "everything-mcs", "release"])
@pytest.mark.parametrize("arch", ARCHES)
def test_clippy_is_clean(toolchain, gen_root, arch, config):
    """clippy on sel4-sys and on the consumer crate, `-D warnings` (fixture bindings)."""
    if toolchain.clippy_driver is None:
        pytest.skip(f"no clippy-driver for {toolchain.version}: install Debian's rust-web-clippy")
    gen = generated_dir(gen_root, arch, config)
    for crate, features in ((CRATE, CONFIGS[config][1]), (SMOKE, ["define-ipc-buffer"])):
        result = build(toolchain, crate, arch, gen, features, clippy=True)
        assert_clean(result)


def test_rustfmt_is_clean():
    rustfmt = shutil.which("rustfmt")
    if rustfmt is None or subprocess.run([rustfmt, "--version"], capture_output=True).returncode:
        pytest.skip("rustfmt not installed (apt-get install rustfmt-web, or rustup's rustfmt)")
    files = sorted(str(p) for p in CRATE.rglob("*.rs") if "target" not in p.parts)
    result = subprocess.run([rustfmt, "--edition", "2021", "--check", *files], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# --- real generator output -------------------------------------------------------------------------


def test_sel4_sys_builds_with_generated_bindings(toolchain, config_name, tmp_path):
    """sel4-sys and the consumer build against sel4gen's output for a real configuration.

    Checks the contract between the generator and the hand-written half (names, types,
    cfgs), and that the system-call numbers reaching the registers are the kernel's.
    """
    from conftest import config_dir

    source = config_dir(config_name)
    arch = json.loads((source / "kernel" / "gen_config.json").read_text())["SEL4_ARCH"]
    if arch not in rustbuild.RUST_TARGETS:
        pytest.skip(f"{arch} is not a supported Rust target")
    gen = tmp_path / "generated"
    done = subprocess.run(
        [sys.executable, "-m", "sel4gen", "--libsel4-include", str(source), "--out", str(gen), "-q"],
        cwd=ROOT / "tools",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"sel4gen failed:\n{done.stdout}{done.stderr}"
    for crate, features in ((CRATE, []), (SMOKE, ["define-ipc-buffer"])):
        assert_clean(build(toolchain, crate, arch, gen, features))

    command = objdump_for(arch)
    if command is None:
        return
    oracle = json.loads((source / "oracle" / "abi.json").read_text())
    triple = rustbuild.rust_target(arch)
    rlib = rustbuild.default_target_dir(triple) / triple / "debug" / "libsel4_sys_smoke.rlib"
    recv = disassemble(command, rlib, "smoke_recv")
    number = ABI[arch]["number"]
    assert loads(number, oracle["seL4_SysRecv"], recv), f"seL4_SysRecv not put in {number}:\n{recv}"


# --- build script errors ---------------------------------------------------------------------------


def test_missing_generated_dir_is_explained(toolchain, tmp_path):
    result = rustbuild.check_crate(toolchain, CRATE, "aarch64", None, env={"SEL4_SYS_GENERATED_DIR": ""}, build=True)
    assert result.returncode != 0
    assert "SEL4_SYS_GENERATED_DIR is not set" in result.stderr, rustbuild.describe(result)
    assert "run the sel4gen generator" in result.stderr

    (tmp_path / "bindings.rs").write_text("")
    result = rustbuild.check_crate(toolchain, CRATE, "aarch64", None, env={"SEL4_SYS_GENERATED_DIR": str(tmp_path)}, build=True)
    assert result.returncode != 0
    assert "cfg.rustflags is missing" in result.stderr, rustbuild.describe(result)


def test_wrong_architecture_is_explained(toolchain, tmp_path):
    from conftest import CONFIGS, config_dir

    if "x86_64-pc99" not in CONFIGS:
        pytest.skip("no x86_64-pc99 interface data (../shared/sel4-interfaces)")
    gen = tmp_path / "generated"
    done = subprocess.run(
        [sys.executable, "-m", "sel4gen", "--libsel4-include", str(config_dir("x86_64-pc99")), "--out", str(gen), "-q"],
        cwd=ROOT / "tools", capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    result = rustbuild.check_crate(toolchain, CRATE, "aarch64", None, env={"SEL4_SYS_GENERATED_DIR": str(gen)}, build=True)
    assert result.returncode != 0
    assert 'SEL4_ARCH=x86_64 (Rust target_arch "x86_64")' in result.stderr, rustbuild.describe(result)
    assert "contract.json" in result.stderr


def test_bad_cfg_line_is_explained(toolchain, tmp_path):
    shutil.copyfile(FIXTURE / "bindings.rs", tmp_path / "bindings.rs")
    (tmp_path / "cfg.rustflags").write_text("--cfg=sel4_cfg_PRINTING\n-Copt-level=3\n")
    result = rustbuild.check_crate(toolchain, CRATE, "aarch64", None, env={"SEL4_SYS_GENERATED_DIR": str(tmp_path)}, build=True)
    assert result.returncode != 0
    assert "cfg.rustflags:2: unsupported rustc argument" in result.stderr, rustbuild.describe(result)


# --- rustbuild itself --------------------------------------------------------------------------------


def test_every_rust_target_of_the_architecture_table_is_built_into_rustc(toolchain):
    known = subprocess.run([str(toolchain.rustc), "--print", "target-list"], capture_output=True, text=True, check=True)
    targets = [t for name in rust_arches() for t in ARCH_INFO[name].rust_targets]
    # A target Rust does not have built in is made from one it has.
    assert {t.base or t.triple for t in targets} - set(known.stdout.split()) == set()
    assert set(ARCHES) <= set(rustbuild.RUST_TARGETS)
    assert rustbuild.rust_target("thumbv7em-none-eabi") == "thumbv7em-none-eabi"


def test_a_target_made_from_a_built_in_one_has_its_float_abi(toolchain, tmp_path):
    # riscv32's ilp32d: the specification rustbuild and CMake write, as rustc reads it.
    custom = next(t for name in rust_arches() for t in ARCH_INFO[name].rust_targets
                  if not t.builtin and "features" in dict(t.spec))
    spec = rustbuild.target_arg(toolchain, custom.triple, tmp_path)
    assert spec.endswith(f"{custom.triple}.json")
    cfg = subprocess.run([str(toolchain.rustc), "-Zunstable-options", "--print", "cfg", "--target", spec],
                         capture_output=True, text=True, check=True, env={**os.environ, "RUSTC_BOOTSTRAP": "1"})
    features = {ln.split('"')[1] for ln in cfg.stdout.splitlines() if ln.startswith("target_feature=")}
    wanted = {f.lstrip("+") for f in dict(custom.spec)["features"].split(",")}
    assert wanted <= features, cfg.stdout
    assert json.loads(Path(spec).read_text())["llvm-abiname"] == dict(custom.spec)["llvm-abiname"]


def test_every_target_made_from_a_built_in_one_has_its_fields(toolchain, tmp_path):
    # aarch32's: the built-in targets without forced frame pointers.
    for name in rust_arches():
        for target in ARCH_INFO[name].rust_targets:
            if target.builtin:
                continue
            spec = json.loads(Path(rustbuild.target_arg(toolchain, target.triple, tmp_path)).read_text())
            for field, value in target.spec:
                assert spec[field] == value, (target.triple, field)


def test_find_toolchain_reports_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(rustbuild, "_PREFERRED", (tmp_path / "cargo", tmp_path / "rustc"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("SEL4_RUST_CARGO", raising=False)
    rustbuild.find_toolchain.cache_clear()
    try:
        found, reason = rustbuild.find_toolchain()
    finally:
        rustbuild.find_toolchain.cache_clear()
    assert found is None
    assert "rustc-web cargo-web rust-web-src" in reason and str(tmp_path / "cargo") in reason


def test_rustflags_reach_the_crate_and_changes_rebuild_it(toolchain, tmp_path):
    crate = tmp_path / "probe"
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text('[package]\nname = "probe"\nversion = "0.0.0"\nedition = "2021"\n\n[workspace]\n')
    (crate / "src" / "lib.rs").write_text('#![no_std]\n#[cfg(not(probe_flag))]\ncompile_error!("probe_flag missing");\n')
    target_dir = rustbuild.default_target_dir("aarch64")
    flags = ["--cfg=probe_flag", "--check-cfg=cfg(probe_flag)", "-Dwarnings"]
    ok = rustbuild.check_crate(toolchain, crate, "aarch64", target_dir, {}, flags, build=True)
    assert ok.returncode == 0, rustbuild.describe(ok)
    bad = rustbuild.check_crate(toolchain, crate, "aarch64", target_dir, {}, flags[1:], build=True)
    assert bad.returncode != 0 and "probe_flag missing" in bad.stderr, rustbuild.describe(bad)
    assert "Compiling core" not in bad.stderr  # core is not rebuilt for other flags
    assert not (crate / "Cargo.lock").exists()  # the lock file stays out of the source tree
