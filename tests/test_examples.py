"""The examples users copy (apps/ipc-server, notification, frame-map, fault-handler), built the
seL4 way and booted in QEMU, checking what they print: all of them on aarch64, aarch32,
riscv64 (two platforms), riscv32 and x86_64, with and without MCS; and on qemu-arm-virt with
every other kernel release the bindings support (13.0.0, 14.0.0, 15.0.0, master).

They use the shared build directory of each kernel mode (sel4build.platform_build): only
SEL4_RUST_APP changes, the kernel and the Rust standard library stay built.
"""

from __future__ import annotations

import re

import buildgroups
import kernelbuild
import pytest
import sel4build
from sel4gen.release import NEWEST

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


#: app -> every form a line it prints may take, for the apps whose threads print at once: a
#: line of the app's own (it starts with "<app>: ") that fits none was cut by another's output.
WHOLE_LINES: dict[str, str] = {
    "notification": r"notification: (worker with capability Cap<Notification>\(0x[0-9a-f]+\) computed 500500"
                    r"|woken with badge bits 0b[01]{2}, finished 0b[01]{2}|done)",
    "ipc-server": r"ipc-server: (\d+ \+ \d+ = \d+ \(reply label 0\)|request from client \d+, answered|done)",
}


def interleaved_lines(app: str, out: str) -> list[str]:
    """The lines of `out` that mention the app's prefix but are not one whole line of its forms."""
    form = re.compile(WHOLE_LINES[app])
    return [ln for ln in out.splitlines() if f"{app}:" in ln and not form.fullmatch(ln.strip())]


#: (shared build directory, app): every example on every platform and kernel mode the guest
#: suite boots, but zynqmp and riscv64's spike (the same architecture and kernel code as
#: qemu-arm-virt and qemu-riscv-virt) and SMP.
RUNS = [
    (platform, app)
    for platform in (
        "qemu-arm-virt", "qemu-arm-virt-mcs",
        "aarch32-qemu-arm-virt", "aarch32-qemu-arm-virt-mcs",
        "riscv64-qemu-riscv-virt", "riscv64-qemu-riscv-virt-mcs",
        "riscv32-spike", "riscv32-spike-mcs",
        "x86_64-pc99", "x86_64-pc99-mcs",
    )
    for app in EXAMPLES
]  # fmt: skip


@pytest.mark.parametrize("platform, app", [buildgroups.on(p, p, a, id=f"{p}-{a}") for p, a in RUNS])
def test_example_boots_and_prints(platform: str, app: str) -> None:
    assert WS is not None
    if why := sel4build.missing_platform_tools(platform):
        pytest.skip(why)
    check_example(sel4build.platform_build(WS, platform, SEL4_RUST_APP=app), app)


#: (release, app): every example on qemu-arm-virt on every other kernel release the bindings
#: support (tools/sel4gen/release.py), each in the workspace of its own manifest.
RELEASE_RUNS = [(r, app) for r in kernelbuild.RELEASES if r != str(NEWEST) for app in EXAMPLES]


@pytest.mark.parametrize(
    "release, app", [buildgroups.on("qemu-arm-virt", r, a, release=r, id=f"{r}-{a}") for r, a in RELEASE_RUNS]
)
def test_example_boots_on_release(release: str, app: str) -> None:
    ws, why = sel4build.workspace(release)
    if ws is None:
        pytest.skip(why)
    check_example(sel4build.platform_build(ws, "qemu-arm-virt", SEL4_RUST_APP=app), app)


def check_example(build: sel4build.Build, app: str) -> None:
    """The example built and, booted, printed all it should and nothing it should not."""
    assert build.ok, build.failure()
    until, patterns = EXAMPLES[app]
    out = sel4build.simulate(build.dir, until, timeout=90)
    assert until in out, f"{until!r} not printed; output:\n{out[-3000:]}"
    for pattern in patterns:
        assert re.search(pattern, out), f"{pattern!r} not in the output:\n{out[-3000:]}"
    assert "panicked" not in out
    # The object allocator asks only untypeds with room: no kernel error a user would read as
    # a failure.
    assert "Untyped Retype" not in out, f"a retype failed:\n{out[-3000:]}"
    if app in WHOLE_LINES:
        assert not (bad := interleaved_lines(app, out)), f"lines cut by other output: {bad}\n{out[-3000:]}"
    # Every example is a cargo workspace of its own, yet the build directory compiles the sel4
    # crates once for all of them: into cargo's build directory they share, not into the
    # example's own target directory.
    shared = list((build.dir / "sel4-rust" / "cargo-build").glob("*/*/deps/libsel4_sys-*.rlib"))
    own = list((build.dir / "cargo").glob("**/libsel4_sys-*.rlib"))
    assert shared and not own, f"sel4-sys compiled in the shared build directory: {shared}; per example: {own}"


def test_the_whole_line_check_catches_cut_lines() -> None:
    out = ("notification: worker with capability Cap<Notification>(0x8a) computed notification: worke500500\n"
           "notification: woken with badge bits 0b01, finished 0b01\nnotification: done\n")
    assert interleaved_lines("notification", out) == [
        "notification: worker with capability Cap<Notification>(0x8a) computed notification: worke500500"]
    assert interleaved_lines("notification", out.splitlines(keepends=True)[1]) == []
