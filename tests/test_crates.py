"""The Rust crates (the root Cargo.toml's workspace) and the examples (a workspace each).

Uses tests/rustbuild.py (Debian's Rust with -Zbuild-std, offline) and sel4gen's output for
real configurations. Each test skips, naming what is missing, when a tool is absent.

* Every package builds for AArch64 with ``-D warnings`` and clippy, with the
  flags the CMake integration gives it (the lines of ``cfg.rustflags`` and
  ``-Ztls-model=local-exec``), for aarch64-qemu-arm-virt, its MCS variant and zynqmp, plus
  derived configurations the test data does not have (release kernel without printing or
  debug calls; libsel4 without thread-local IPC buffer pointer). Packages are built one at a
  time (``-p``), as the CMake integration does: cargo unifies features across the packages of
  one invocation, and ``define-ipc-buffer`` (on through sel4-runtime) must not reach the C
  program's Rust library.
* ``hello`` links into a root-server ELF as seL4's ``DeclareRootserver`` links it (entry
  ``_sel4_start``, ``tls_rootserver.lds``, no C runtime), with no undefined symbols, a
  ``PT_TLS`` segment and the ELF header in a loaded segment (``__ehdr_start``); the code that
  runs before the thread pointer is set never reads it.
* ``c_calls_rust`` defines its functions and only declares ``__sel4_ipc_buffer`` and
  ``_sel4_start`` is not in it; its C header declares exactly its ``extern "C"`` functions.
* rustfmt is clean.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import rustbuild
import sel4build
from conftest import CONFIGS, REPORT_ERROR_IPC, ROOT, config_dir, derived_config
from sel4gen.generate import generate
from sel4gen.inputs import resolve

TARGET = rustbuild.rust_target("aarch64")
REAL_CONFIGS = ["aarch64-qemu-arm-virt", "aarch64-qemu-arm-virt-mcs", "aarch64-zynqmp"]

#: name -> (base configuration, kernel option overrides, libsel4 option overrides)
DERIVED: dict[str, tuple[str, dict[str, object], dict[str, object]]] = {
    "aarch64-release": (
        "aarch64-qemu-arm-virt",
        {"PRINTING": False, "DEBUG_BUILD": False, "HARDWARE_DEBUG_API": False},
        {},
    ),
    "aarch64-mcs-global-ipc-buffer": ("aarch64-qemu-arm-virt-mcs", {}, {"LIB_SEL4_USE_THREAD_LOCALS": False}),
    "aarch64-benchmarks": (
        "aarch64-qemu-arm-virt",
        {"ENABLE_BENCHMARKS": True, "BENCHMARK_TRACK_UTILISATION": True, "NO_BENCHMARKS": False},
        {},
    ),
    # The kernel's error messages in the IPC buffer: the typed crate's debug_error and friends.
    "aarch64-report-error-ipc": ("aarch64-qemu-arm-virt", *REPORT_ERROR_IPC),
}
#: Derived configurations only the typed crate is built for.
TYPED_ONLY = {"aarch64-benchmarks", "aarch64-report-error-ipc"}
ALL_CONFIGS = REAL_CONFIGS + sorted(set(DERIVED) - TYPED_ONLY)

#: (package, cargo features) built in each configuration.
BUILDS = [
    ("sel4", []),
    ("sel4-runtime", []),
    ("hello", []),
    ("hello", ["panic"]),
    ("c_calls_rust", []),
    ("guest_tests", []),
    ("ipc_server", []),
    ("notification", []),
    ("frame_map", []),
    ("fault_handler", []),
    ("ipc_bench", []),
    # libsel4's C API in Rust (the symbols C calls under SEL4_RUST_LIBSEL4).
    ("sel4-sys", ["c-api"]),
    ("sel4_libsel4", []),
]
#: Packages that start threads: sel4-runtime has threads only with libsel4's thread-local IPC
#: buffer pointer (LIB_SEL4_USE_THREAD_LOCALS).
THREADED = {"guest_tests", "ipc_server", "notification", "fault_handler", "ipc_bench"}

CRATE_DIRS = [
    ROOT / "crates" / "sel4-sys",
    ROOT / "crates" / "sel4",
    ROOT / "crates" / "sel4-runtime",
    ROOT / "crates" / "sel4-libsel4",
    ROOT / "apps" / "hello",
    ROOT / "apps" / "c-calls-rust" / "rust",
    *(ROOT / "apps" / app for app in (
        "guest-tests", "ipc-server", "notification", "frame-map", "fault-handler", "ipc-bench", "serial-echo",
    )),
]
RUST_LIB = ROOT / "apps" / "c-calls-rust" / "rust" / "src" / "lib.rs"
C_HEADER = ROOT / "apps" / "c-calls-rust" / "include" / "c_calls_rust.h"
LINKER_SCRIPT_NAME = "tls_rootserver.lds"


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def toolchain() -> rustbuild.Toolchain:
    found, reason = rustbuild.find_toolchain()
    if found is None:
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    """A function: configuration name -> directory of sel4gen's output for it (made once)."""
    root = tmp_path_factory.mktemp("sel4-crates-generated")
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name in made:
            return made[name]
        base, kernel, libsel4 = DERIVED.get(name, (name, {}, {}))
        if base not in CONFIGS:
            pytest.skip(f"no interface data for {base} (see tests/conftest.py)")
        source = derived_config(base, root / f"{name}-include", kernel, libsel4) if kernel or libsel4 else config_dir(base)
        out = root / name
        generate(resolve(source, {}), out)
        made[name] = out
        return out

    return get


#: The directory of each package's Cargo.toml, by package name: the crates are members of the
#: root workspace, each example is a workspace of its own.
PACKAGE_DIRS = {tomllib.loads((d / "Cargo.toml").read_text())["package"]["name"]: d for d in CRATE_DIRS}


def build(
    toolchain: rustbuild.Toolchain,
    gen: Path,
    package: str,
    features: list[str],
    clippy: bool,
    release: bool = False,
    arch: str = "aarch64",
) -> subprocess.CompletedProcess[str]:
    return rustbuild.check_crate(
        toolchain,
        PACKAGE_DIRS[package],
        arch,
        None,
        env={"SEL4_SYS_GENERATED_DIR": str(gen)},
        all_rustflags=rustbuild.cmake_rustflags(gen),
        rustflags=["-Dwarnings"],
        build=True,
        features=features,
        cargo_args=["-p", package, *(["--release"] if release else [])],
        clippy=clippy,
    )


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, rustbuild.describe(result)
    warnings = [line for line in result.stderr.splitlines() if "warning" in line.lower()]
    assert not warnings, rustbuild.describe(result)


def artifact(name: str, release: bool = False) -> Path:
    return rustbuild.default_target_dir(TARGET) / TARGET / ("release" if release else "debug") / name


def cross_tool(*names: str) -> str | None:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def linker_script() -> tuple[Path | None, str]:
    """seL4_tools' root-server linker script, from the workspace scripts/setup-workspace makes."""
    ws, why = sel4build.workspace()
    if ws is None:
        return None, why
    script = ws / "tools" / "seL4" / "cmake-tool" / "helpers" / LINKER_SCRIPT_NAME
    return (script, "") if script.is_file() else (None, f"no {script}")


# --- every package, every configuration ----------------------------------------------------------


NO_THREAD_LOCALS = {name for name, (_, _, lib) in DERIVED.items() if lib.get("LIB_SEL4_USE_THREAD_LOCALS") is False}
#: The in-guest test suite checks with the kernel's debug calls: it needs a debug kernel.
NO_DEBUG = {name for name, (_, kernel, _) in DERIVED.items() if kernel.get("DEBUG_BUILD") is False}
CASES = [
    (config, package, features)
    for config in ALL_CONFIGS
    for package, features in BUILDS
    if not (package in THREADED and config in NO_THREAD_LOCALS) and not (package == "guest_tests" and config in NO_DEBUG)
]


@pytest.mark.parametrize(
    "config,package,features", CASES, ids=[f"{c}-{'+'.join([p, *f])}" for c, p, f in CASES]
)
def test_package_builds_clean(toolchain, generated, config, package, features):
    """Builds with -D warnings, and with clippy's lints when clippy is installed."""
    gen = generated(config)
    assert_clean(build(toolchain, gen, package, features, clippy=toolchain.clippy_driver is not None))


def test_clippy_is_installed(toolchain):
    """The builds above run clippy only if it is there; say so when it is not."""
    if toolchain.clippy_driver is None:
        pytest.skip(f"no clippy-driver for {toolchain.version}: install Debian's rust-web-clippy")


#: The other architectures' real configurations, and what builds for each of them: every root
#: server.
OTHER_ARCHES = ["aarch32-qemu-arm-virt", "riscv64-qemu-riscv-virt", "x86_64-pc99"]
ROOT_SERVERS = [
    "sel4-runtime", "hello", "guest_tests", "ipc_server", "notification", "frame_map", "fault_handler", "ipc_bench",
    "serial_echo",
]


@pytest.mark.parametrize("config", [*OTHER_ARCHES, *sorted(TYPED_ONLY)])
def test_typed_crate_builds_in_more_configurations(toolchain, generated, config):
    """The typed API (generated markers and methods, hand-written blueprints and faults) and
    libsel4's C API in Rust for the other architectures' real configurations and with the
    benchmark calls, with -D warnings and clippy."""
    gen = generated(config)
    clippy = toolchain.clippy_driver is not None
    assert_clean(build(toolchain, gen, "sel4", [], clippy=clippy, arch=config.split("-")[0]))
    # libsel4's C API in Rust, with the benchmark and architecture calls of the configuration.
    assert_clean(build(toolchain, gen, "sel4-sys", ["c-api"], clippy=clippy, arch=config.split("-")[0]))


@pytest.mark.parametrize("config", OTHER_ARCHES)
def test_root_servers_build_for_every_architecture(toolchain, generated, config):
    """The runtime and the root servers for aarch32, riscv64 and x86_64, with -D warnings and
    clippy (one cargo run per package: `hello` and `c_calls_rust` must not share features)."""
    gen = generated(config)
    clippy = toolchain.clippy_driver is not None
    for package in ROOT_SERVERS:
        assert_clean(build(toolchain, gen, package, [], clippy=clippy, arch=config.split("-")[0]))


@pytest.mark.parametrize("config", ["aarch64-qemu-arm-virt", "aarch64-qemu-arm-virt-mcs"])
def test_rustdoc_has_no_warnings(toolchain, generated, config):
    """The crates' documentation, as cargo doc makes it for this configuration, warns about
    nothing (broken links, missing docs, bad markup in the generated doc comments)."""
    gen = generated(config)
    result = rustbuild.check_crate(
        toolchain,
        ROOT,
        TARGET,
        None,
        env={"SEL4_SYS_GENERATED_DIR": str(gen)},
        all_rustflags=rustbuild.cmake_rustflags(gen),
        rustflags=["-Dwarnings"],
        doc=True,
        cargo_args=["-p", "sel4-sys", "-p", "sel4", "-p", "sel4-runtime"],
    )
    assert_clean(result)


def test_generated_dir_without_the_typed_half_is_explained(toolchain, generated, tmp_path):
    """Bindings from a sel4gen that wrote no typed.rs: the sel4 crate says what to do."""
    gen = tmp_path / "gen"
    shutil.copytree(generated("aarch64-qemu-arm-virt"), gen)
    (gen / "typed.rs").unlink()
    result = build(toolchain, gen, "sel4", [], clippy=False)
    assert result.returncode != 0
    assert f"{gen.resolve()}/typed.rs is missing" in result.stderr, rustbuild.describe(result)
    assert "run sel4gen again" in result.stderr


def test_rustfmt_is_clean():
    rustfmt = shutil.which("rustfmt")
    if rustfmt is None or subprocess.run([rustfmt, "--version"], capture_output=True, check=False).returncode:
        pytest.skip("rustfmt not installed (apt-get install rustfmt-web, or rustup's rustfmt)")
    files = sorted(str(p) for d in CRATE_DIRS for p in d.rglob("*.rs") if "target" not in p.parts)
    assert files
    result = subprocess.run([rustfmt, "--edition", "2021", "--check", *files], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# --- hello links into a root server --------------------------------------------------------------


@pytest.fixture(scope="module", params=["dev", "release"])
def hello_elf(request, toolchain, generated, tmp_path_factory) -> Path:
    """hello linked as a root server, built with the dev and the release profile."""
    release = request.param == "release"
    gcc = cross_tool("aarch64-linux-gnu-gcc", "aarch64-none-elf-gcc")
    if gcc is None:
        pytest.skip("no AArch64 cross gcc (apt-get install gcc-aarch64-linux-gnu)")
    script, why = linker_script()
    if script is None:
        pytest.skip(why)
    result = build(toolchain, generated("aarch64-qemu-arm-virt"), "hello", [], clippy=False, release=release)
    assert_clean(result)
    out = tmp_path_factory.mktemp(f"hello-link-{request.param}")
    lib = out / "libhello.a"
    shutil.copyfile(artifact("libhello.a", release), lib)
    elf = out / "hello.elf"
    # As seL4's DeclareRootserver links a root server, and with -nostdlib: nothing may be
    # left for a C library to provide.
    command = [
        gcc,
        "-nostartfiles",
        "-nostdlib",
        "-static",
        "-Wl,--gc-sections",
        f"-Wl,-T,{script}",
        "-Wl,-u_sel4_start",
        "-Wl,-e_sel4_start",
        str(lib),
        "-o",
        str(elf),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"$ {' '.join(command)}\n{done.stdout}{done.stderr}"
    return elf


def readelf(*args: str) -> str:
    tool = cross_tool("aarch64-linux-gnu-readelf", "llvm-readelf", "readelf")
    if tool is None:
        pytest.skip("no readelf (binutils)")
    done = subprocess.run([tool, "-W", *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def symbols(text: str) -> list[dict[str, str]]:
    """Rows of `readelf -s`: value, size, type, bind, ndx, name."""
    rows = []
    for line in text.splitlines():
        m = re.match(r"\s*\d+:\s+([0-9a-f]+)\s+(\d+|0x[0-9a-f]+)\s+(\w+)\s+(\w+)\s+\w+\s+(\w+)\s*(\S*)", line)
        if m:
            rows.append(dict(zip(("value", "size", "type", "bind", "ndx", "name"), m.groups(), strict=True)))
    return rows


def test_hello_links_as_a_root_server(hello_elf):
    header = readelf("-h", str(hello_elf))
    entry = int(re.search(r"Entry point address:\s+0x([0-9a-f]+)", header).group(1), 16)
    syms = symbols(readelf("-s", str(hello_elf)))
    start = [s for s in syms if s["name"] == "_sel4_start"]
    assert start and int(start[0]["value"], 16) == entry, "the entry point is not _sel4_start"
    undefined = [s["name"] for s in syms if s["ndx"] == "UND" and s["name"]]
    assert not undefined, f"undefined symbols: {undefined}"
    ipc = [s for s in syms if s["name"] == "__sel4_ipc_buffer"]
    assert ipc and ipc[0]["type"] == "TLS" and ipc[0]["ndx"] != "UND", "__sel4_ipc_buffer must be a defined thread-local"


def test_hello_has_tls_and_a_mapped_elf_header(hello_elf):
    """The runtime finds PT_TLS through __ehdr_start, which must lie in a loaded segment."""
    segments = readelf("-l", str(hello_elf))
    loads = re.findall(r"^\s*LOAD\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)", segments, re.M)
    assert any(int(offset, 16) == 0 for offset, _ in loads), f"the ELF header is not in a LOAD segment:\n{segments}"
    assert re.search(r"^\s*TLS\s", segments, re.M), f"no PT_TLS segment:\n{segments}"


def disassembly(elf: Path) -> dict[str, list[str]]:
    tool = cross_tool("aarch64-linux-gnu-objdump", "llvm-objdump")
    if tool is None:
        pytest.skip("no AArch64 objdump (binutils-aarch64-linux-gnu or llvm)")
    done = subprocess.run([tool, "-d", "--no-show-raw-insn", str(elf)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    functions: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in done.stdout.splitlines():
        m = re.match(r"^[0-9a-f]+ <([^>]+)>:$", line)
        if m:
            current = functions.setdefault(m.group(1), [])
        elif current is not None and line.strip():
            current.append(line)
    return functions


def test_code_before_the_thread_pointer_never_reads_it(hello_elf):
    """_sel4_start writes TPIDR_EL0 between its calls; what it calls first must not use TLS."""
    functions = disassembly(hello_elf)
    start = functions["_sel4_start"]
    text = "\n".join(start)
    assert re.search(r"msr\s+tpidr_el0,\s*x0", text), text
    calls = [re.search(r"<([^>+]+)>", line).group(1) for line in start if re.search(r"\bbl\s", line)]
    assert len(calls) == 2, text
    # Everything reachable from the first call (init_tls), by bl and by tail-calling b.
    seen: set[str] = set()
    todo = [calls[0]]
    while todo:
        name = todo.pop()
        if name in seen or name not in functions:
            continue
        seen.add(name)
        body = functions[name]
        touching = [line for line in body if "tpidr_el0" in line]
        assert not touching, f"{name}, reached from {calls[0]}, uses the thread pointer:\n" + "\n".join(touching)
        for line in body:
            m = re.search(r"\b(?:bl|b)\s+[0-9a-f]+\s+<([^>+]+)>", line)
            if m:
                todo.append(m.group(1))
    assert "init_tls" in calls[0], calls


# --- the C program's Rust library -----------------------------------------------------------------


def test_c_calls_rust_library_shares_the_c_runtime(toolchain, generated):
    """Its functions are defined; __sel4_ipc_buffer (libsel4's C) and _sel4_start are not."""
    assert_clean(build(toolchain, generated("aarch64-qemu-arm-virt"), "c_calls_rust", [], clippy=False))
    syms = symbols(readelf("-s", str(artifact("libc_calls_rust.a"))))
    defined = {s["name"] for s in syms if s["ndx"] != "UND"}
    undefined = {s["name"] for s in syms if s["ndx"] == "UND"}
    for name in c_declarations(C_HEADER.read_text()):
        assert name in defined, f"{name} is not defined by libc_calls_rust.a"
    assert "__sel4_ipc_buffer" in undefined and "__sel4_ipc_buffer" not in defined
    assert "_sel4_start" not in defined


# --- the C header against the Rust functions -----------------------------------------------------

#: Rust parameter and return types of the extern "C" functions -> the C type they must match.
RUST_TO_C = {
    "seL4_CPtr": "seL4_CPtr",
    "seL4_Word": "seL4_Word",
    "c_int": "int",
    "c_uint": "unsigned int",
    "c_long": "long",
    "c_ulong": "unsigned long",
    "()": "void",
}


def _strip_comments(text: str, line_comment: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(re.escape(line_comment) + r"[^\n]*", " ", text)


def rust_exports(source: str) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """`#[no_mangle] pub extern "C" fn` in Rust source: name -> (return type, [(param, type)])."""
    source = _strip_comments(source, "//")
    found = {}
    pattern = r'#\[no_mangle\]\s*pub\s+(?:unsafe\s+)?extern\s+"C"\s+fn\s+(\w+)\s*\(([^)]*)\)\s*(?:->\s*([^{]+?))?\s*\{'
    for m in re.finditer(pattern, source):
        name, params, ret = m.group(1), m.group(2), (m.group(3) or "()").strip()
        plist = []
        for param in filter(None, (p.strip() for p in params.split(","))):
            pname, ptype = (s.strip() for s in param.split(":", 1))
            plist.append((pname, ptype.split("::")[-1]))
        found[name] = (ret.split("::")[-1], plist)
    return found


def c_declarations(header: str) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Function prototypes in a C header: name -> (return type, [(param, type)])."""
    text = _strip_comments(header, "//")
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    text = re.sub(r'extern\s+"C"\s*\{|\}', " ", text)
    found = {}
    for m in re.finditer(r"([A-Za-z_][\w\s\*]*?)\b(\w+)\s*\(([^()]*)\)\s*;", text):
        ret, name, params = " ".join(m.group(1).split()), m.group(2), m.group(3).strip()
        ret = re.sub(r"^extern\s+", "", ret)
        plist = []
        if params not in ("", "void"):
            for param in params.split(","):
                pm = re.match(r"\s*(.*?)\s*\b(\w+)\s*$", param)
                assert pm, f"cannot parse parameter {param!r} of {name}"
                plist.append((pm.group(2), " ".join(pm.group(1).replace("const ", "").split())))
        found[name] = (ret, plist)
    return found


def test_header_declares_the_rust_functions():
    rust = rust_exports(RUST_LIB.read_text())
    c = c_declarations(C_HEADER.read_text())
    assert rust, f'no #[no_mangle] pub extern "C" fn found in {RUST_LIB}'
    assert set(c) == set(rust), f"header declares {sorted(c)}, Rust exports {sorted(rust)}"
    for name, (ret, params) in rust.items():
        c_ret, c_params = c[name]
        assert ret in RUST_TO_C, f"{name}: no C equivalent known for Rust type {ret}"
        assert c_ret == RUST_TO_C[ret], f"{name}: returns {ret} in Rust but {c_ret} in C"
        assert len(c_params) == len(params), f"{name}: {len(params)} parameters in Rust, {len(c_params)} in C"
        for (rname, rtype), (cname, ctype) in zip(params, c_params, strict=True):
            assert rtype in RUST_TO_C, f"{name}: no C equivalent known for Rust type {rtype}"
            assert ctype == RUST_TO_C[rtype], f"{name}: parameter {rname} is {rtype} in Rust but {ctype} in C"
            assert cname == rname, f"{name}: parameter {rname} in Rust is named {cname} in C"


def test_header_check_catches_mismatches():
    """The parsers above see a wrong type, a missing function and a renamed parameter."""
    rust = rust_exports('#[no_mangle]\npub extern "C" fn f(a: seL4_CPtr, b: core::ffi::c_int) -> c_long {\n    0\n}\n')
    assert rust == {"f": ("c_long", [("a", "seL4_CPtr"), ("b", "c_int")])}
    assert c_declarations("/* f */\n#include <x.h>\nlong f(seL4_CPtr a, int b);\n") == {
        "f": ("long", [("a", "seL4_CPtr"), ("b", "int")])
    }
    assert c_declarations("int f(seL4_Word a, int b);")["f"] != rust["f"]
    assert c_declarations("void g(void);") == {"g": ("void", [])}
