"""End to end: the seL4 way (init-build.sh, ninja, ./simulate) for every example, booted in QEMU.

Each case builds its app in the shared build directory of its platform and kernel mode
(sel4build.platform_build, in the workspace scripts/setup-workspace makes) and boots
./simulate, checking what the root server prints. Skips,
naming what is missing, when the seL4 sources or the cross tools are not available.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import buildgroups
import pytest
import sel4build
from bitfieldcheck import compare
from conftest import ROOT

WS, WHY_NOT = sel4build.workspace()
pytestmark = pytest.mark.skipif(WS is None, reason=WHY_NOT)
HELLO_SRC = ROOT / "apps" / "hello" / "src" / "lib.rs"


def build(platform: str, **app: str) -> Path:
    assert WS is not None
    result = sel4build.platform_build(WS, platform, **app)
    assert result.ok, result.failure()
    return result.dir


def boot(build_dir: Path, until: str, timeout: float = 60) -> str:
    out = sel4build.simulate(build_dir, until, timeout)
    assert until in out, f"{until!r} not printed within {timeout}s; output:\n{out[-3000:]}"
    return out


def check_hello(out: str) -> None:
    assert "Hello from Rust on seL4!" in out
    untyped = re.findall(r"untyped +\d+: slot +\d+ paddr 0x[0-9a-f]+ size_bits +\d+ (ram|device)", out)
    assert len(untyped) > 10, out[-3000:]
    assert "ram" in untyped


@pytest.mark.parametrize("platform", [buildgroups.on(p, p) for p in ("qemu-arm-virt", "zynqmp")])
def test_boot_hello(platform: str, tmp_path: Path) -> None:
    bdir = build(platform)
    check_hello(boot(bdir, "hello: done, suspending"))
    # The bitfield types, bit for bit against the C headers this very kernel build generated.
    if shutil.which("cc") and shutil.which("rustc"):
        lib = bdir / "libsel4"
        arch = lib / "sel4_arch_include" / "aarch64" / "sel4" / "sel4_arch"
        specs = [lib / "include" / "sel4" / "shared_types.pbf", arch / "types.pbf"]
        headers = [lib / "include" / "sel4" / "shared_types_gen.h", arch / "types_gen.h"]
        compare(specs, tmp_path, seed=len(platform), headers=headers)


@buildgroups.mark("qemu-arm-virt-mcs")
def test_boot_hello_mcs() -> None:
    # MCS renumbers system calls and invocation labels; the bindings must follow.
    bdir = build("qemu-arm-virt-mcs")
    flags = (bdir / "sel4-rust" / "gen" / "cfg.rustflags").read_text().splitlines()
    assert "--cfg=sel4_cfg_KERNEL_MCS" in flags
    check_hello(boot(bdir, "hello: done, suspending"))


@buildgroups.mark("qemu-arm-virt-smp")
def test_boot_hello_smp_with_hypervisor() -> None:
    # -DSMP=ON: the kernel has 4 nodes, ./simulate gives QEMU 4 cores, the elfloader starts them
    # (which needs the hypervisor kernel on qemu-arm-virt, turned on by the settings).
    bdir = build("qemu-arm-virt-smp")
    flags = (bdir / "sel4-rust" / "gen" / "cfg.rustflags").read_text().splitlines()
    assert {"--cfg=sel4_cfg_ENABLE_SMP_SUPPORT", "--cfg=sel4_cfg_ARM_HYPERVISOR_SUPPORT"} <= set(flags)
    out = boot(bdir, "hello: done, suspending")
    check_hello(out)
    for core in (1, 2, 3):
        assert f"Core {core} is up" in out, out[:3000]
    assert "hello: node 0 of 4" in out


@buildgroups.mark("qemu-arm-virt")
def test_boot_panic_prints_message_and_location() -> None:
    line = next(n for n, text in enumerate(HELLO_SRC.read_text().splitlines(), 1) if "panic!(" in text)
    bdir = build("qemu-arm-virt", SEL4_RUST_HELLO_PANIC="ON")
    out = boot(bdir, "deliberate panic")
    # The path as cargo gives it for a crate of the workspace, from the workspace's directory
    # (apps/hello is a workspace of its own).
    assert re.search(rf"panicked at src/lib\.rs:{line}:\d+:\nhello: deliberate panic", out), out[-2000:]
    assert "hello: done" not in out


@buildgroups.mark("qemu-arm-virt")
def test_boot_c_calls_rust() -> None:
    bdir = build("qemu-arm-virt", SEL4_RUST_APP="c-calls-rust")
    check_c_calls_rust(boot(bdir, "c-calls-rust: done, suspending"))


def check_c_calls_rust(out: str) -> None:
    assert "Hello from C on seL4! Calling into Rust." in out
    assert re.search(r"rust_retype_endpoint\(untyped \d+, slot \d+\) = 0 \(seL4_NoError\)", out), out[-2000:]
    assert "rust_cap_object_type(slot" in out and "= 2 (seL4_EndpointObject is 2)" in out


#: libsel4 functions apps/c-calls-rust/main.c calls itself.
C_CALLS = ("seL4_DebugPutChar", "seL4_TCB_Suspend")


@buildgroups.mark("zynqmp")
def test_c_code_runs_libsel4_in_rust() -> None:
    """SEL4_RUST_LIBSEL4=ON: the C root server's libsel4 calls (its own and its libraries')
    run sel4-sys's C API, and the program still works. The proof is in the final ELF: each
    function C calls has one definition, which the link map says came from the Rust archive,
    and the C code branches to it."""
    bdir = build("zynqmp", SEL4_RUST_APP="c-calls-rust", SEL4_RUST_LIBSEL4="ON")
    check_c_calls_rust(boot(bdir, "c-calls-rust: done, suspending"))
    app = bdir / "apps" / "c-calls-rust"
    link_map = (app / "c-calls-rust.map").read_text()
    elf = app / "c-calls-rust"
    nm = shutil.which("aarch64-linux-gnu-nm") or "nm"
    symbols = subprocess.run([nm, str(elf)], capture_output=True, text=True, check=True).stdout.split("\n")
    objdump = shutil.which("aarch64-linux-gnu-objdump") or "objdump"
    code = subprocess.run([objdump, "-d", "--no-show-raw-insn", str(elf)], capture_output=True, text=True, check=True).stdout
    for name in C_CALLS:
        defs = [ln.split() for ln in symbols if ln.endswith(f" {name}")]
        assert len(defs) == 1 and defs[0][1] == "T", f"{name}: {defs} (a weak C definition is still there?)"
        address = int(defs[0][0], 16)
        # The section the linker placed at that address, and the input file it came from.
        m = re.search(rf"^ \.text\.{name}\n\s+0x0*{address:x}\s+0x[0-9a-f]+ (\S+)$", link_map, re.M)
        assert m, f"{name} at {address:#x} is not a section of its own in the link map"
        assert re.search(r"libc_calls_rust\.a\(sel4_sys-[0-9a-f]+\.", m[1]), f"{name} came from {m[1]}, not Rust"
        assert re.search(rf"\bbl\s+{address:x} <{name}>", code), f"no C code calls {name}"


@buildgroups.mark("qemu-arm-virt")
def test_c_code_keeps_libsel4_in_c_by_default() -> None:
    """Without the option the C root server's libsel4 calls stay libsel4's C (static inline
    functions: inlined, or local copies): no call reaches a global definition, which is what
    the Rust ones are."""
    bdir = build("qemu-arm-virt", SEL4_RUST_APP="c-calls-rust")
    elf = bdir / "apps" / "c-calls-rust" / "c-calls-rust"
    nm = shutil.which("aarch64-linux-gnu-nm") or "nm"
    symbols = subprocess.run([nm, str(elf)], capture_output=True, text=True, check=True).stdout
    objdump = shutil.which("aarch64-linux-gnu-objdump") or "objdump"
    code = subprocess.run([objdump, "-d", "--no-show-raw-insn", str(elf)], capture_output=True, text=True, check=True).stdout
    for name in C_CALLS:
        called = {int(a, 16) for a in re.findall(rf"\bbl\s+([0-9a-f]+) <{name}>", code)}
        global_defs = {int(a, 16) for a in re.findall(rf"^([0-9a-f]+) T {name}$", symbols, re.M)}
        assert not called & global_defs, f"C calls the global {name} without the option"


# aarch32's PL011 driver is aarch64's code (built and linted for aarch32 by test_crates).
@pytest.mark.parametrize("platform", ["qemu-arm-virt", "riscv64-qemu-riscv-virt", "x86_64-pc99"])
def test_serial_driver_echoes_input_on_a_release_kernel(platform: str) -> None:
    """apps/serial-echo on a release kernel (no printing, no debug calls): the Rust driver maps
    the UART's registers (the PL011 on Arm, the NS16550A on RISC-V) from device memory, or
    takes the PC's COM1 I/O ports, and takes its receive interrupt through a notification.
    What it logs goes through the UART itself; what QEMU's serial receives comes back,
    character by character and as a line."""
    assert WS is not None
    if why := sel4build.missing_platform_tools(platform):
        pytest.skip(why)
    b = sel4build.configure_and_build(WS, f"serial-echo-release-{platform}", [
        *sel4build.PLATFORMS[platform], "-DSIMULATION=TRUE", "-DRELEASE=ON", "-DSEL4_RUST_APP=serial-echo",
    ])
    assert b.ok, b.failure()
    ready = "serial-echo: ready, type a line"
    done = "serial-echo: you typed \"hello, seL4\""
    out = sel4build.simulate(b.dir, done, timeout=60, type_after=(ready, b"hello, seL4\r"))
    assert ready in out, f"the driver did not start:\n{out[-3000:]}"
    assert done in out, f"no echo of the line typed:\n{out[-3000:]}"
    assert "hello, seL4\n" in out.split(ready, 1)[1], out[-2000:]
    # Its lines come through sel4::log, with their level, over a logger on the driver.
    assert f"INFO  {ready}" in out and f"INFO  {done}" in out, out[-2000:]
    # A release kernel prints nothing of its own: what appears after the loader is the driver's.
    assert "Booting all finished" not in out and "seL4(CPU" not in out, out[-3000:]
