"""End to end: the seL4 way (init-build.sh, ninja, ./simulate) for every example, booted in QEMU.

Each case builds its app in the shared build directory of its platform and kernel mode
(sel4build.platform_build, in the workspace scripts/setup-workspace makes) and boots
./simulate, checking what the root server prints. Skips,
naming what is missing, when the seL4 sources or the cross tools are not available.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

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


@pytest.mark.parametrize("platform", ["qemu-arm-virt", "zynqmp"])
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


def test_boot_hello_mcs() -> None:
    # MCS renumbers system calls and invocation labels; the bindings must follow.
    bdir = build("qemu-arm-virt-mcs")
    flags = (bdir / "sel4-rust" / "gen" / "cfg.rustflags").read_text().splitlines()
    assert "--cfg=sel4_cfg_KERNEL_MCS" in flags
    check_hello(boot(bdir, "hello: done, suspending"))


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


def test_boot_panic_prints_message_and_location() -> None:
    line = next(n for n, text in enumerate(HELLO_SRC.read_text().splitlines(), 1) if "panic!(" in text)
    bdir = build("qemu-arm-virt", SEL4_RUST_HELLO_PANIC="ON")
    out = boot(bdir, "deliberate panic")
    assert re.search(rf"panicked at apps/hello/src/lib\.rs:{line}:\d+", out), out[-2000:]
    assert "hello: done" not in out


@pytest.mark.parametrize("platform", ["qemu-arm-virt", "zynqmp"])
def test_boot_c_calls_rust(platform: str) -> None:
    bdir = build(platform, SEL4_RUST_APP="c-calls-rust")
    out = boot(bdir, "c-calls-rust: done, suspending")
    assert "Hello from C on seL4! Calling into Rust." in out
    assert re.search(r"rust_retype_endpoint\(untyped \d+, slot \d+\) = 0 \(seL4_NoError\)", out), out[-2000:]
    assert "rust_cap_object_type(slot" in out and "= 2 (seL4_EndpointObject is 2)" in out


def test_missing_toolchain_is_one_clear_error() -> None:
    assert WS is not None
    # rustup's toolchain here has neither the bare-metal target nor rust-src.
    fake = WS / "no-such-rust"
    result = sel4build.configure_and_build(
        WS, "no-toolchain", ["-DPLATFORM=qemu-arm-virt", f"-DSEL4_RUST_RUSTC={fake}/rustc", f"-DSEL4_RUST_CARGO={fake}/cargo"]
    )
    assert result.configure_rc not in (0, None)
    log = result.configure_log.read_text()
    assert log.count("CMake Error") == 1, log[-3000:]
    assert "No Rust toolchain can build for aarch64-unknown-none" in log
    assert f"{fake}/rustc / {fake}/cargo: not found" in log
    assert "apt-get install rustc-web cargo-web rust-web-src" in log
    assert "rustup target add aarch64-unknown-none" in log
