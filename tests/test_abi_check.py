"""The build-time ABI check (tools/sel4gen/abicheck.py): the values the bindings take from the
generator's header tables, compared with the real libsel4 headers of a build by its own C
compiler.

- the generator writes abi_check.c with a check for every header value and the members of
  every named enum the bindings mirror;
- in a real build (the shared qemu-arm-virt one) the check ran and passed, and a copy with one
  value changed, one enumerator renamed, one name that libsel4 lacks, one struct size changed
  and one field renamed fails with one line each, naming the value, the Rust and the C value.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import buildgroups
import pytest
import sel4build
from conftest import ROOT, config_dir
from sel4gen.abi import Struct
from sel4gen.abicheck import read_expected
from sel4gen.generate import build_model, generate
from sel4gen.inputs import resolve


def test_the_generator_writes_a_check_for_every_header_value(config_name: str, tmp_path: Path) -> None:
    generate(resolve(config_dir(config_name), {}), tmp_path)
    expected = read_expected((tmp_path / "abi_check.c").read_text())
    abi = build_model(resolve(config_dir(config_name), {})).abi
    assert expected.values == abi.values()
    assert "seL4_Error" in expected.enums and expected.enums["seL4_Error"][0] == "seL4_NoError"
    structs = [item.name for item in abi.items if isinstance(item, Struct)]
    assert {f"sizeof({name})" for name in structs} <= set(expected.layouts)
    assert "offsetof(seL4_IPCBuffer,msg)" in expected.layouts


def _check_command(build_dir: Path) -> list[str]:
    """The build's command for the check, as ninja runs it (after `cd <build dir> &&`)."""
    out = subprocess.run(["ninja", "-t", "commands", "sel4-rust/gen/abi_check.stamp"], cwd=build_dir,
                         capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if "sel4gen.abicheck" in ln)
    # `cd <dir> && <check> [&& <CMake's depfile rewrite>]`
    return shlex.split(next(part for part in line.split(" && ") if "sel4gen.abicheck" in part))


@buildgroups.mark("qemu-arm-virt")
def test_a_build_checks_its_values_and_a_wrong_one_fails_by_name(tmp_path: Path) -> None:
    ws, why = sel4build.workspace()
    if ws is None:
        pytest.skip(why)
    build = sel4build.platform_build(ws, "qemu-arm-virt")
    assert build.ok, build.failure()
    gen = build.dir / "sel4-rust" / "gen"
    assert (gen / "abi_check.stamp").is_file(), "the build did not run the check"

    command = _check_command(build.dir)
    # Its options, without the outputs the build owns, on a copy with three mistakes.
    args, skip = [], False
    for arg in command[command.index("sel4gen.abicheck") + 1 :]:
        if skip:
            skip = False
        elif arg in ("--stamp", "--depfile"):
            skip = True
        elif not arg.endswith("abi_check.c"):
            args.append(arg)
    text = (gen / "abi_check.c").read_text()
    wrong = (
        text.replace("SEL4_RUST_CHECK(seL4_RangeError, 4ULL);", "SEL4_RUST_CHECK(seL4_RangeError, 5ULL);")
        .replace("// enum seL4_Error: seL4_NoError ", "// enum seL4_Error: seL4_NoErrorAtAll ")
        .replace("SEL4_RUST_CHECK(seL4_MaxPrio, 255ULL);", "SEL4_RUST_CHECK(seL4_MaxPriority, 255ULL);")
        .replace("SEL4_RUST_SIZE(seL4_IPCBuffer, 1024);", "SEL4_RUST_SIZE(seL4_IPCBuffer, 1032);")
        .replace("SEL4_RUST_OFFSET(seL4_IPCBuffer, userData, 968);", "SEL4_RUST_OFFSET(seL4_IPCBuffer, userDatum, 968);")
    )
    assert wrong != text
    (tmp_path / "abi_check.c").write_text(wrong)
    env = {"PYTHONPATH": str(ROOT / "tools")}
    r = subprocess.run([sys.executable, "-m", "sel4gen.abicheck", *args, str(tmp_path / "abi_check.c")],
                       capture_output=True, text=True, env=env, check=False)
    assert r.returncode == 1, r.stderr
    assert "6 value(s)" in r.stderr, r.stderr
    assert "seL4_RangeError: Rust has 5, C has 4;" in r.stderr
    assert "seL4_Error: the headers define seL4_NoError, which the bindings lack" in r.stderr
    assert "seL4_Error: the bindings define seL4_NoErrorAtAll, which the headers lack" in r.stderr
    assert "seL4_MaxPriority: the bindings define it (255), the headers do not" in r.stderr
    assert "sizeof(seL4_IPCBuffer): Rust has 1032, C has 1024;" in r.stderr
    assert "offsetof(seL4_IPCBuffer,userDatum): cannot compare with C (" in r.stderr and "userDatum" in r.stderr
    assert "Traceback" not in r.stderr
    # The unchanged file passes with the same command.
    ok = subprocess.run([sys.executable, "-m", "sel4gen.abicheck", *args, str(gen / "abi_check.c")],
                        capture_output=True, text=True, env=env, check=False)
    assert ok.returncode == 0, ok.stderr
