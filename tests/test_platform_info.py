"""sel4gen.platform: the kernel build's platform_gen.json as sel4_sys::platform's tables.

A well-formed description becomes the same regions in Rust; a malformed one is refused by
file and key, and the stale output removed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from sel4gen.errors import GenError
from sel4gen.platform import Platform, Region, load, render

#: Shaped like qemu-arm-virt's (16.0.0), fewer regions.
QEMU_ARM_VIRT = {
    "devices": [{"start": 0, "end": 0x8000000}, {"start": 0x8001000, "end": 0x8010000}],
    "memory": [{"start": 0x40000000, "end": 0x80000000}],
}


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "platform_gen.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT / "tools")}
    return subprocess.run([sys.executable, "-m", "sel4gen.platform", *args], capture_output=True, text=True, env=env, check=False)


def test_regions_become_rust_tables(tmp_path: Path) -> None:
    platform = load(write(tmp_path, QEMU_ARM_VIRT))
    assert platform == Platform((Region(0x40000000, 0x80000000),), (Region(0, 0x8000000), Region(0x8001000, 0x8010000)))
    text = render(platform, "platform_gen.json")
    assert "pub const KNOWN: bool = true;" in text
    assert "pub const MEMORY: &[PhysRegion] = &[\n    PhysRegion { start: 0x40000000, end: 0x80000000 },\n];" in text
    assert "PhysRegion { start: 0x8001000, end: 0x8010000 }," in text


@pytest.mark.parametrize(
    "data, message",
    [
        ("{", "platform_gen.json:1: not JSON"),
        ([], "expected an object with keys 'memory' and 'devices'"),
        ({"memory": []}, "'devices' must be a list of regions"),
        ({"memory": [{"start": 1}], "devices": []}, "'memory'[0]: expected {\"start\": ..., \"end\": ...}"),
        ({"memory": [{"start": "0x0", "end": 4}], "devices": []}, "'memory'[0]: start and end must be 64-bit addresses"),
        ({"memory": [{"start": True, "end": 4}], "devices": []}, "'memory'[0]: start and end must be 64-bit addresses"),
        ({"memory": [], "devices": [{"start": 8, "end": 8}]}, "'devices'[0]: empty or reversed region 0x8..0x8"),
        ({"memory": [], "devices": [{"start": 0, "end": 2**64}]}, "'devices'[0]: start and end must be 64-bit addresses"),
    ],
)
def test_malformed_descriptions_are_refused_by_key(tmp_path: Path, data: object, message: str) -> None:
    with pytest.raises(GenError) as err:
        load(write(tmp_path, data))
    assert message in str(err.value) and "platform_gen.json" in str(err.value)


def test_the_command_writes_and_on_error_removes_its_output(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    good = run("--platform-info", str(write(tmp_path, QEMU_ARM_VIRT)), "--out", str(out))
    assert good.returncode == 0, good.stderr
    assert "KNOWN: bool = true" in (out / "platform.rs").read_text()
    bad = run("--platform-info", str(write(tmp_path, {"memory": 1, "devices": []})), "--out", str(out))
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "sel4gen.platform: error:" in bad.stderr and "'memory' must be a list" in bad.stderr
    assert not (out / "platform.rs").exists()
    missing = run("--platform-info", str(tmp_path / "none.json"), "--out", str(out))
    assert missing.returncode == 1 and "none.json: file not found" in missing.stderr
