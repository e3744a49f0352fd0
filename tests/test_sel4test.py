"""seL4's regression suite, sel4test, with libsel4 implemented in Rust (SEL4_RUST_LIBSEL4).

The workspace is seL4's sel4test at the pinned revisions (manifest/sel4test/default.xml) with
this project beside it, added to sel4test's build without an edit to its files
(cmake/sel4_rust_hook.cmake through CMAKE_PROJECT_INCLUDE). With the option on, sel4test's
two programs (the driver and the tests it loads) call crates/sel4-libsel4's functions for every
system call, invocation and IPC buffer access; the suite must pass whole, as it does with C's
libsel4, and the link maps must show that the definitions the programs use are Rust's.
Skips, naming what is missing, without the sources or the cross tools.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import buildgroups
import pytest
import sel4build
from conftest import ROOT

WS, WHY_NOT = sel4build.sel4test_workspace()
pytestmark = pytest.mark.skipif(WS is None, reason=WHY_NOT)

#: name -> (init-build.sh options of sel4test's easy settings, the shared build's PLATFORMS key
#: whose cross tools it needs, the architecture's binutils prefix)
CONFIGS: dict[str, tuple[list[str], str, str]] = {
    "qemu-arm-virt": (["-DPLATFORM=qemu-arm-virt"], "qemu-arm-virt", "aarch64-linux-gnu-"),
    "qemu-arm-virt-mcs": (["-DPLATFORM=qemu-arm-virt", "-DMCS=ON"], "qemu-arm-virt-mcs", "aarch64-linux-gnu-"),
    "aarch32-qemu-arm-virt": (
        ["-DPLATFORM=qemu-arm-virt", "-DKernelSel4Arch=aarch32"], "aarch32-qemu-arm-virt", "arm-linux-gnueabi-"
    ),
    "riscv64-qemu-riscv-virt": (["-DPLATFORM=qemu-riscv-virt"], "riscv64-qemu-riscv-virt", "riscv64-linux-gnu-"),
    "x86_64-pc99": (["-DPLATFORM=x86_64"], "x86_64-pc99", "x86_64-linux-gnu-"),
}
#: What sel4test prints when every test it ran passed, and when one did not.
PASSED = re.compile(r"Test suite passed\. (\d+) tests passed\.")
DONE = re.compile(r"All is well in the universe|Test suite failed|halting\.\.\.")
#: The sel4test test that fails in QEMU whatever libsel4 is: TIMEOUTFAULT0003 relies on an order
#: of timeout faults that no simulator keeps (one boot in ten, says sel4test's commit 827af38,
#: which disables it under SIMULATION; but faults.c does not include the header that defines
#: CONFIG_SIMULATION, so that guard never takes effect).
NOT_IN_QEMU = "TIMEOUTFAULT0003"
#: Functions each sel4test program calls, whose definition must come from the Rust library.
CALLED = (
    "seL4_Call", "seL4_Untyped_Retype", "seL4_TCB_Suspend", "seL4_GetMR", "seL4_SetMR",
    "seL4_MessageInfo_new", "seL4_MessageInfo_get_label",
)


def everything_but(name: str) -> str:
    """A POSIX extended regular expression (sel4test's LibSel4TestPrinterRegex, which has no
    negation) that matches every test name except ``name``: those that differ from it at some
    character, stop short of it, or go on past it."""
    differ = [f"{re.escape(name[:i])}[^{name[i]}]" for i in range(len(name))]
    shorter = [f"{re.escape(name[:i])}$" for i in range(len(name))]
    return "^(" + "|".join([*differ, *shorter, f"{re.escape(name)}."]) + ")"


def test_the_filter_leaves_out_only_the_test_named() -> None:
    pattern = re.compile(everything_but(NOT_IN_QEMU))
    assert not pattern.search(NOT_IN_QEMU)
    for other in ("TIMEOUTFAULT0001", "TIMEOUTFAULT00031", "TIMEOUTFAULT000", "IPC0001", "", "T"):
        assert pattern.search(other), other


@pytest.mark.parametrize("name", [buildgroups.on(f"sel4test:rust-{n}", n) for n in CONFIGS])
def test_sel4test_passes_with_libsel4_in_rust(name: str) -> None:
    assert WS is not None
    options, platform, prefix = CONFIGS[name]
    if why := sel4build.missing_platform_tools(platform):
        pytest.skip(why)
    b = sel4build.configure_and_build(WS, f"rust-{name}", [
        *options, "-DSIMULATION=TRUE", "-DSEL4_RUST_LIBSEL4=ON", "-DLibSel4FunctionAttributes=public",
        f"-DCMAKE_PROJECT_INCLUDE={ROOT / 'cmake' / 'sel4_rust_hook.cmake'}",
        f"-DLibSel4TestPrinterRegex={everything_but(NOT_IN_QEMU)}",
    ])
    assert b.ok, b.failure()
    configure = b.configure_log.read_text()
    for program in ("sel4test-driver", "sel4test-tests"):
        assert f"SEL4_RUST_LIBSEL4: {program} calls libsel4 in Rust" in configure, configure[-2000:]
    # The ABI check compiled libsel4's headers with the flags the programs get from the kernel
    # (-march, -mabi, ...), which sel4test applies in its apps' directories, not in the one
    # this project is included in.
    base = re.search(r"^BASE_C_FLAGS:INTERNAL=(.*)$", (b.dir / "CMakeCache.txt").read_text(), re.M)
    ninja = (b.dir / "build.ninja").read_text()
    check = re.search(r'"--flags=([^"]*)"|--flags=(\S*)', ninja)
    program = re.search(
        r"^build apps/sel4test-driver/CMakeFiles/sel4test-driver\.dir/src/main\.c\.obj: .*\n(?:  (?!FLAGS).*\n)*  FLAGS = (.*)$",
        ninja, re.M,
    )  # fmt: skip
    assert base and base[1].split() and check and program, "no kernel base flags, ABI check or driver compile"
    assert set(base[1].split()) <= set(program[1].split()), (base[1], program[1])
    assert set(base[1].split()) <= set((check[1] or check[2]).split()), (base[1], check[0])
    # The whole suite boots in about a minute; a test that hangs prints nothing more.
    out = sel4build.simulate(b.dir, DONE, timeout=300)
    m = PASSED.search(out)
    assert m and "All is well in the universe" in out, f"sel4test did not pass:\n{out[-4000:]}"
    assert f"Running test {NOT_IN_QEMU} " not in out, out[-2000:]
    assert int(m[1]) > 100, out[-2000:]
    for program in (b.dir / "apps" / "sel4test-driver").rglob("sel4test-*.map"):
        check_rust_definitions(program.with_suffix(""), program.read_text(), prefix)


def check_rust_definitions(elf: Path, link_map: str, prefix: str) -> None:
    """The program defines each of CALLED once, and the section that holds it came from
    crates/sel4-libsel4's archive (the C files' weak copies were dropped)."""
    nm = shutil.which(f"{prefix}nm") or "nm"
    symbols = subprocess.run([nm, str(elf)], capture_output=True, text=True, check=True).stdout.splitlines()
    kept = link_map[link_map.index("Linker script and memory map"):]
    for name in CALLED:
        defs = [ln.split() for ln in symbols if ln.endswith(f" {name}")]
        assert len(defs) == 1 and defs[0][1] == "T", f"{elf.name}: {name}: {defs}"
        m = re.search(rf"^ \.text\.{name}\n\s+0x0*{defs[0][0].lstrip('0')}\s+0x[0-9a-f]+ (\S+)$", kept, re.M)
        assert m, f"{elf.name}: {name} at {defs[0][0]} is not a section of its own in the link map"
        assert re.search(r"libsel4_libsel4\.a\(", m[1]), f"{elf.name}: {name} came from {m[1]}, not Rust"
