"""The architectures beyond AArch64, the seL4 way (init-build.sh, ninja, ./simulate), in the
shared build directory of each platform (sel4build.platform_build): a C root server calling
Rust, then, where `sel4-runtime` supports the architecture, the Rust root server `hello` (only
the app changes).

Which architectures have the runtime is read from the generator's architecture table, the
one place that says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import buildgroups
import pytest
import sel4build
from sel4gen.archinfo import ARCHES

WS, WHY_NOT = sel4build.workspace()
pytestmark = pytest.mark.skipif(WS is None, reason=WHY_NOT)

#: shared build directory (sel4build.PLATFORMS) -> SEL4_ARCH
ARCH_PLATFORMS: dict[str, str] = {
    # spike riscv64 runs the same C and Rust code as qemu-riscv-virt: its examples and guest
    # suite (test_examples, test_guest) cover the platform.
    "riscv64-qemu-riscv-virt": "riscv64",
    "riscv32-spike": "riscv32",
    "x86_64-pc99": "x86_64",
    "aarch32-qemu-arm-virt": "aarch32",
}


@pytest.fixture(params=[buildgroups.on(key, key) for key in ARCH_PLATFORMS])
def platform(request: pytest.FixtureRequest) -> tuple[str, str]:
    if why := sel4build.missing_platform_tools(request.param):
        pytest.skip(why)
    return ARCH_PLATFORMS[request.param], request.param


def build(key: str, app: str) -> Path:
    assert WS is not None
    b = sel4build.platform_build(WS, key, SEL4_RUST_APP=app)
    assert b.ok, b.failure()
    return b.dir


def test_c_calls_rust_boots(platform: tuple[str, str]) -> None:
    bdir = build(platform[1], "c-calls-rust")
    until = "c-calls-rust: done, suspending"
    out = sel4build.simulate(bdir, until, timeout=90)
    assert until in out, f"{until!r} not printed; output:\n{out[-3000:]}"
    assert "Hello from C on seL4! Calling into Rust." in out
    assert re.search(r"rust_retype_endpoint\(untyped \d+, slot \d+\) = 0 \(seL4_NoError\)", out), out[-2000:]
    assert "= 2 (seL4_EndpointObject is 2)" in out


def test_rust_root_server_boots(platform: tuple[str, str]) -> None:
    sel4_arch, key = platform
    if not ARCHES[sel4_arch].runtime:
        pytest.skip(f"sel4-runtime does not support {sel4_arch} yet (tools/sel4gen/archinfo.py)")
    bdir = build(key, "hello")
    until = "hello: done, suspending"
    out = sel4build.simulate(bdir, until, timeout=90)
    assert until in out, f"{until!r} not printed; output:\n{out[-3000:]}"
    assert "Hello from Rust on seL4!" in out
    assert "panicked" not in out
