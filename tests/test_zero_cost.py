"""Zero cost: the typed API compiles to the same machine code as the raw sel4-sys stubs.

crates/sel4/tests-fixture/zero-cost has pairs of functions, `typed_<x>` and `raw_<x>`, making
the same kernel call and returning the same value. Built in release mode for AArch64, each
pair must be identical instruction for instruction; the compiler often folds such a pair into
one body with two names, which counts as identical.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import rustbuild
from conftest import CONFIGS, ROOT, config_dir
from sel4gen.generate import generate
from sel4gen.inputs import resolve

FIXTURE = ROOT / "crates" / "sel4" / "tests-fixture" / "zero-cost"
PAIRS = sorted(set(re.findall(r"fn typed_(\w+)\(", (FIXTURE / "src" / "lib.rs").read_text())))


def objdump() -> list[str] | None:
    if shutil.which("aarch64-linux-gnu-objdump"):
        return ["aarch64-linux-gnu-objdump"]
    llvm = shutil.which("llvm-objdump")
    return [llvm] if llvm else None


def symbols(tool: list[str], rlib: Path) -> dict[str, tuple[str, str]]:
    """Function symbol -> (section, value) in the archive's objects."""
    out = subprocess.run([*tool, "-t", str(rlib)], capture_output=True, text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 6 and parts[2] == "F":
            found[parts[-1]] = (parts[3], parts[0])
    return found


def body(tool: list[str], rlib: Path, section: str) -> list[str]:
    """The instructions of a section, without addresses and symbol names."""
    command = [*tool, "-d", "--no-show-raw-insn", "-j", section, str(rlib)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    lines = [line.split(":", 1)[1].strip() for line in out.splitlines() if re.match(r"\s+[0-9a-f]+:\s", line)]
    return [re.sub(r"<[^>]*>", "<>", re.sub(r"\b[0-9a-f]+ <", "<", line)) for line in lines]


def test_fixture_has_pairs() -> None:
    assert len(PAIRS) >= 5
    raw = set(re.findall(r"fn raw_(\w+)\(", (FIXTURE / "src" / "lib.rs").read_text()))
    assert raw == set(PAIRS)


@pytest.mark.parametrize("config", ["aarch64-qemu-arm-virt", "aarch64-qemu-arm-virt-mcs"])
def test_typed_calls_compile_to_the_raw_stubs(config: str, tmp_path: Path) -> None:
    toolchain, why = rustbuild.find_toolchain()
    if toolchain is None:
        pytest.skip(why)
    tool = objdump()
    if tool is None:
        pytest.skip("no AArch64 disassembler (apt-get install binutils-aarch64-linux-gnu or llvm)")
    if config not in CONFIGS:
        pytest.skip(f"no interface data for {config} (../shared/sel4-interfaces)")
    gen = tmp_path / "gen"
    generate(resolve(config_dir(config), {}), gen)
    target_dir = rustbuild.default_target_dir(rustbuild.rust_target("aarch64")).parent / "zero-cost"
    result = rustbuild.check_crate(
        toolchain, FIXTURE, "aarch64", target_dir,
        env={"SEL4_SYS_GENERATED_DIR": str(gen)},
        rustflags=[*rustbuild.cmake_rustflags(gen), "-Dwarnings"],
        build=True, cargo_args=["--release"],
    )
    assert result.returncode == 0, rustbuild.describe(result)
    rlib = target_dir / rustbuild.rust_target("aarch64") / "release" / "libzero_cost.rlib"
    table = symbols(tool, rlib)
    differ = []
    for name in PAIRS:
        typed, raw = table[f"typed_{name}"], table[f"raw_{name}"]
        if typed == raw:
            continue  # one body, two names
        a, b = body(tool, rlib, typed[0]), body(tool, rlib, raw[0])
        if a != b:
            differ.append(f"{name}:\n  typed: {a}\n  raw:   {b}")
    assert not differ, "typed and raw differ:\n" + "\n".join(differ)
