"""The examples users copy (apps/ipc-server, notification, frame-map, fault-handler), built the
seL4 way and booted in QEMU on qemu-arm-virt, with and without MCS, checking what they print.

One build directory per kernel mode: the first example is a fresh build, the others switch
SEL4_RUST_APP in it (the kernel and the Rust standard library stay built).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sel4build

WS, WHY_NOT = sel4build.workspace()
pytestmark = pytest.mark.skipif(WS is None, reason=WHY_NOT)

#: app -> (the line that ends its run, patterns its output must contain)
EXAMPLES: dict[str, tuple[str, list[str]]] = {
    "ipc-server": (
        "ipc-server: done",
        [r"ipc-server: 1 \+ 2 = 3 \(reply label 0\)", r"20 \+ 22 = 42", r"1000 \+ 337 = 1337",
         r"ipc-server: request from client 7, answered"],
    ),
    "notification": (
        "notification: done",
        [r"worker with capability Cap<Notification>\(0x[0-9a-f]+\) computed 500500", r"finished 0b11"],
    ),
    "frame-map": (
        "frame-map: unmapped; done",
        [r"frame-map: frame Cap<Page>\(0x[0-9a-f]+\) mapped at 0x[0-9a-f]+, physical address 0x[0-9a-f]+",
         r"was zeroed: true; sum of the words written: 392448"],
    ),
    "fault-handler": (
        "fault-handler: done",
        [r"child 0 \(bad write\) faulted: VmFault\(VmFault \{ ip: \d+, addr: 3735879680, prefetch: false",
         r"VM fault at 0xdead0000, at the unmapped address it wrote to",
         r"child 1 \(stack overflow\) faulted: VmFault",
         r"VM fault at 0x[0-9a-f]+, in the guard page below its stack"],
    ),
}


@pytest.fixture(scope="module", params=[False, True], ids=["classic", "mcs"])
def build_dir(request: pytest.FixtureRequest) -> Path:
    assert WS is not None
    mcs = request.param
    first = next(iter(EXAMPLES))
    options = ["-DSIMULATION=TRUE", "-DPLATFORM=qemu-arm-virt", f"-DMCS={'ON' if mcs else 'OFF'}", f"-DSEL4_RUST_APP={first}"]
    build = sel4build.configure_and_build(WS, "examples" + ("-mcs" if mcs else ""), options)
    assert build.ok, build.failure()
    return build.dir


@pytest.mark.parametrize("app", list(EXAMPLES))
def test_example_boots_and_prints(build_dir: Path, app: str) -> None:
    build = sel4build.reconfigure_and_build(build_dir, [f"-DSEL4_RUST_APP={app}"])
    assert build.ok, build.failure()
    until, patterns = EXAMPLES[app]
    out = sel4build.simulate(build_dir, until, timeout=90)
    assert until in out, f"{until!r} not printed; output:\n{out[-3000:]}"
    for pattern in patterns:
        assert re.search(pattern, out), f"{pattern!r} not in the output:\n{out[-3000:]}"
    assert "panicked" not in out
