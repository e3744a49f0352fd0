"""The command line as CMake will call it: outputs, flags, and clean failures."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONFIGS, ROOT, config_dir
from sel4gen.archinfo import ARCHES
from sel4gen.emit import OUTPUTS

pytestmark = pytest.mark.skipif(not CONFIGS, reason="no interface data (../shared/sel4-interfaces)")
FIRST = CONFIGS[0] if CONFIGS else ""


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sel4gen", *map(str, args)],
        cwd=ROOT / "tools", capture_output=True, text=True, check=False,
    )


def test_generates_from_an_include_tree(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run("--libsel4-include", config_dir(FIRST), "--out", out, "--print-cfg")
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in out.iterdir()} == set(OUTPUTS)
    assert "--check-cfg=cfg(sel4_cfg_KERNEL_MCS)" in proc.stdout
    flags = (out / "cfg.rustflags").read_text().splitlines()
    arch = json.loads((config_dir(FIRST) / "kernel/gen_config.json").read_text())["SEL4_ARCH"]
    assert f'--cfg=sel4_cfg_SEL4_ARCH="{arch}"' in flags
    # A second run with the same inputs rewrites nothing, so cargo sees no change.
    mtime = (out / "bindings.rs").stat().st_mtime_ns
    again = run("--libsel4-include", config_dir(FIRST), "--out", out)
    assert "up to date" in again.stderr and (out / "bindings.rs").stat().st_mtime_ns == mtime


def test_single_file_options_override_the_tree(tmp_path: Path) -> None:
    tree = tmp_path / "include"
    shutil.copytree(config_dir(FIRST), tree)
    moved = tmp_path / "elsewhere.xml"
    (tree / "api/syscall.xml").rename(moved)
    missing = run("--libsel4-include", tree, "--out", tmp_path / "o1")
    assert missing.returncode == 1
    assert "syscall.xml: file not found (from --libsel4-include (expects api/syscall.xml))" in missing.stderr
    ok = run("--libsel4-include", tree, "--syscall-xml", moved, "--out", tmp_path / "o2")
    assert ok.returncode == 0, ok.stderr


def test_bad_input_fails_cleanly_and_leaves_no_output(tmp_path: Path) -> None:
    tree = tmp_path / "include"
    shutil.copytree(config_dir(FIRST), tree)
    out = tmp_path / "out"
    assert run("--libsel4-include", tree, "--out", out).returncode == 0
    xml = tree / "interfaces/object-api.xml"
    xml.write_text(xml.read_text().replace('type="seL4_Uint8"', 'type="seL4_Byte"', 1))
    proc = run("--libsel4-include", tree, "--out", out)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "object-api.xml:" in proc.stderr and "unknown type 'seL4_Byte'" in proc.stderr
    # The outputs of the earlier good run must not pass for this run's result.
    assert not (out / "bindings.rs").exists()


def test_cfg_only_needs_no_bitfield_specs(tmp_path: Path) -> None:
    tree = tmp_path / "include"
    shutil.copytree(config_dir(FIRST), tree)
    (tree / "sel4/shared_types.pbf").unlink()
    (tree / "sel4/sel4_arch/types.pbf").unlink()
    out = tmp_path / "out"
    proc = run("--libsel4-include", tree, "--out", out, "--cfg-only")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["cfg.rustflags", "contract.json"]
    assert "--check-cfg=cfg(sel4_cfg_KERNEL_MCS)" in (out / "cfg.rustflags").read_text()
    contract = json.loads((out / "contract.json").read_text())
    assert contract["cfg"] == (out / "cfg.rustflags").read_text().splitlines()
    assert contract["rust"]["targets"][0]["triple"] == ARCHES[contract["sel4_arch"]].rust_targets[0].triple
    full = run("--libsel4-include", tree, "--out", tmp_path / "full")
    assert full.returncode == 1 and "shared_types.pbf: file not found" in full.stderr


def test_no_inputs_names_the_options(tmp_path: Path) -> None:
    proc = run("--out", tmp_path)
    assert proc.returncode == 1 and "pass --shared-types FILE or --libsel4-include DIR" in proc.stderr
