"""Bad input through the command line, one case per class: every outcome is a located error
(`file:line: ...`, exit 1) with no traceback and no output of the generator left behind, or
correct output. Built on a copy of one real configuration's interface files.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONFIGS, ROOT, config_dir

BASE = "aarch64-qemu-arm-virt"
pytestmark = pytest.mark.skipif(BASE not in CONFIGS, reason=f"no interface data for {BASE} (../shared/sel4-interfaces)")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A writable copy of the configuration's installed libsel4 include tree."""
    dest = tmp_path / "include"
    shutil.copytree(config_dir(BASE), dest, ignore=shutil.ignore_patterns("oracle"))
    return dest


def run(tree: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sel4gen", "-q", "--libsel4-include", str(tree), "--out", str(out), *extra],
        cwd=ROOT / "tools", capture_output=True, text=True, check=False,
    )


def fails(r: subprocess.CompletedProcess[str], where: str, message: str) -> None:
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    assert where in r.stderr and message in r.stderr, r.stderr


def edit_config(tree: Path, **values: object) -> Path:
    path = tree / "kernel" / "gen_config.json"
    data = json.loads(path.read_text())
    data.update(values)
    path.write_text(json.dumps(data, indent=4))
    return path


def test_a_byte_that_is_not_utf8_is_located(tree: Path, tmp_path: Path) -> None:
    for rel in ("sel4/shared_types.pbf", "kernel/gen_config.json"):
        path = tree / rel
        original = path.read_bytes()
        path.write_bytes(original.replace(b"\n", b"\n\xff", 1))
        fails(run(tree, tmp_path / "out"), f"{path}:2: ", "not UTF-8 text (byte 0xff)")
        path.write_bytes(original)


def test_numbers_are_read_as_c_reads_them(tree: Path, tmp_path: Path) -> None:
    path = edit_config(tree, RETYPE_FAN_OUT_LIMIT="010")
    r = run(tree, tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert "pub const RETYPE_FAN_OUT_LIMIT: u64 = 8;" in (tmp_path / "out" / "config.rs").read_text()
    edit_config(tree, RETYPE_FAN_OUT_LIMIT="08")
    fails(run(tree, tmp_path / "out"), f"{path}:", "'RETYPE_FAN_OUT_LIMIT' is '08', which C does not read as a number")
    assert not (tmp_path / "out" / "bindings.rs").exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [("true", "is the string 'true'; write an on/off option as JSON true or false"),
     (1, "is the number 1;"),
     ("line\nbreak", "holds a control character")],
)
def test_config_values_of_the_wrong_kind(tree: Path, tmp_path: Path, value: object, message: str) -> None:
    path = edit_config(tree, KERNEL_MCS=value)
    fails(run(tree, tmp_path / "out"), f"{path}:", f"'KERNEL_MCS' {message}" if "control" not in message else message)


def test_an_option_name_that_is_no_identifier_is_located(tree: Path, tmp_path: Path) -> None:
    path = edit_config(tree, **{"BAD NAME": True})
    fails(run(tree, tmp_path / "out"), f"{path}:", "option name 'BAD NAME' is not a C identifier")


def test_non_ascii_config_strings_are_escaped_for_rust(tree: Path, tmp_path: Path) -> None:
    edit_config(tree, PLAT_NOTE="caf\u00e9 \"quoted\" \\")
    r = run(tree, tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert 'pub const PLAT_NOTE: &str = "caf\\u{e9} \\"quoted\\" \\\\";' in (tmp_path / "out" / "config.rs").read_text()


def test_deeply_nested_conditions_are_located(tree: Path, tmp_path: Path) -> None:
    path = tree / "interfaces" / "object-api.xml"
    text = path.read_text()
    first = text.index("<method ")
    end = text.index(">", first) + 1
    deep = "<condition>" + "<not>" * 5000 + '<config var="CONFIG_X"/>' + "</not>" * 5000 + "</condition>"
    path.write_text(text[:end] + deep + text[end:])
    line = text[:first].count("\n") + 1
    fails(run(tree, tmp_path / "out"), f"{path}:{line}: ", "nested too deeply")


def test_a_struct_without_members_is_located(tree: Path, tmp_path: Path) -> None:
    path = tree / "interfaces" / "object-api.xml"
    text = path.read_text()
    start = text.index(">", text.index("<api")) + 1
    path.write_text(text[:start] + '\n<struct name="seL4_Empty"></struct>' + text[start:])
    fails(run(tree, tmp_path / "out"), f"{path}:", "<struct> seL4_Empty has no <member>")


def test_a_parameter_named_like_a_stub_local_is_refused(tree: Path, tmp_path: Path) -> None:
    path = tree / "interfaces" / "object-api.xml"
    text = path.read_text()
    assert 'name="badge"' in text
    path.write_text(text.replace('name="badge"', 'name="mr0"', 1))
    fails(run(tree, tmp_path / "out"), f"{path}:", "parameter name 'mr0' is a name the generated stub uses")


def test_outputs_are_all_or_nothing_and_get_the_umask_mode(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        assert run(tree, out).returncode == 0
    finally:
        os.umask(old)
    names = sorted(p.name for p in out.iterdir())
    assert "bindings.rs" in names and not [n for n in names if n.startswith(".")]
    assert stat.S_IMODE((out / "bindings.rs").stat().st_mode) == 0o644
    # A failed run, full or --cfg-only, leaves none of the previous run's outputs behind.
    for extra in ((), ("--cfg-only",)):
        assert run(tree, out).returncode == 0
        edit_config(tree, KERNEL_MCS="yes")
        fails(run(tree, out, *extra), "gen_config.json:", "'KERNEL_MCS' is the string 'yes'")
        assert sorted(p.name for p in out.iterdir()) == [], sorted(p.name for p in out.iterdir())
        edit_config(tree, KERNEL_MCS=False)


def test_the_output_place_must_be_a_directory(tree: Path, tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("mine\n")
    fails(run(tree, file), f"{file}: ", "the output directory is a file")
    assert file.read_text() == "mine\n"
    out = tmp_path / "out"
    (out / "bindings.rs").mkdir(parents=True)
    fails(run(tree, out), f"{out / 'bindings.rs'}: ", "is a directory, where the generator writes a file")
    empty = subprocess.run([sys.executable, "-m", "sel4gen", "--libsel4-include", str(tree), "--out", ""],
                           cwd=ROOT / "tools", capture_output=True, text=True, check=False)
    assert empty.returncode == 2 and "--out: is empty" in empty.stderr and "Traceback" not in empty.stderr


def test_an_input_that_is_a_directory_is_named(tree: Path, tmp_path: Path) -> None:
    r = run(tree, tmp_path / "out", "--syscall-xml", str(tmp_path))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert str(tmp_path) in r.stderr


def test_a_misspelled_element_is_refused_not_skipped(tree: Path, tmp_path: Path) -> None:
    # Skipped, it would drop the method and renumber every invocation label after it.
    path = tree / "interfaces" / "object-api.xml"
    text = path.read_text()
    at = text.index("<method ")
    path.write_text(text[:at] + "<methd " + text[at + len("<method "):].replace("</method>", "</methd>", 1))
    line = text[:at].count("\n") + 1
    fails(run(tree, tmp_path / "out"), f"{path}:{line}: ", "unknown element <methd> in <interface>")


@pytest.mark.parametrize("attribute, bad", [("name", "Re-type"), ("id", "Bad Label"), ("id", "1Label")])
def test_names_that_are_not_identifiers_are_located(tree: Path, tmp_path: Path, attribute: str, bad: str) -> None:
    path = tree / "interfaces" / "object-api.xml"
    text = path.read_text()
    at = text.index("<method ")
    head_end = text.index(">", at)
    head = text[at:head_end]
    value = head.split(f'{attribute}="', 1)[1].split('"', 1)[0]
    path.write_text(text[:at] + head.replace(f'{attribute}="{value}"', f'{attribute}="{bad}"', 1) + text[head_end:])
    fails(run(tree, tmp_path / "out"), f"{path}:", f"<method> {attribute}={bad!r} is not an identifier")


def test_bitfield_names_rust_reserves(tree: Path, tmp_path: Path) -> None:
    path = tree / "sel4" / "shared_types.pbf"
    text = path.read_text()
    # A field named like a keyword becomes a constructor parameter Rust accepts.
    path.write_text(text.replace("    field guard 58", "    field type 58", 1))
    r = run(tree, tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert "pub const fn new(type_: u64, guardSize: u64)" in (tmp_path / "out" / "bitfields.rs").read_text()
    # A block named like a primitive type is refused where it is declared.
    path.write_text(text.replace("block seL4_CNode_CapData {", "block u64 {", 1))
    line = text[: text.index("block seL4_CNode_CapData {")].count("\n") + 1
    fails(run(tree, tmp_path / "out"), f"{path}:{line}: ", "u64 is a Rust primitive type or keyword")


@pytest.mark.parametrize("other", ["aarch32-qemu-arm-virt", "riscv64-qemu-riscv-virt", "aarch64-qemu-arm-virt-mcs"])
def test_a_bitfield_spec_of_another_build_is_refused(tree: Path, tmp_path: Path, other: str) -> None:
    if other not in CONFIGS:
        pytest.skip(f"no interface data for {other}")
    rel = "sel4/sel4_arch/types.pbf"
    shutil.copyfile(config_dir(other) / rel, tree / rel)
    message = {
        "aarch32-qemu-arm-virt": "is laid out in 32-bit words, but the configuration's words are 64 bits",
        "riscv64-qemu-riscv-virt": "is this another architecture's types.pbf?",
        "aarch64-qemu-arm-virt-mcs": "an MCS kernel's (seL4_Fault_Timeout present) but KERNEL_MCS is off",
    }[other]
    fails(run(tree, tmp_path / "out"), str(tree / rel), message)


def test_an_empty_or_foreign_shared_spec_is_refused(tree: Path, tmp_path: Path) -> None:
    path = tree / "sel4" / "shared_types.pbf"
    text = path.read_text()
    path.write_text("")
    fails(run(tree, tmp_path / "out"), f"{path}:1: ", "defines no bitfield block")
    start = text.index("block seL4_MessageInfo {")
    path.write_text(text[:start] + text[text.index("}", start) + 1:])
    fails(run(tree, tmp_path / "out"), f"{path}:1: ", "defines no seL4_MessageInfo")
