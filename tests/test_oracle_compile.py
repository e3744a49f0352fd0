"""The generated Rust, compiled for each configuration's real target, against the kernel's oracle.

For each of the configurations in ../shared/sel4-interfaces:
- everything `oracle/abi.json` and `oracle/invocations_all.json` name (syscall numbers,
  invocation labels, constants, enumerators, sizeof/offsetof) is defined by the bindings;
- each value equals the oracle, checked by the compiler: a crate of `const` assertions over the
  generated names is compiled for the configuration's bare-metal target (so `sizeof` and
  `offsetof` are the target's, pointers and all);
- `sel4-sys` with the generated code compiles for that target with no warnings (`-D warnings`),
  with clippy's lints too when Debian's clippy is installed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import rustbuild
from conftest import ROOT, config_dir
from sel4gen.generate import generate
from sel4gen.inputs import resolve

SYS_CRATE = ROOT / "crates" / "sel4-sys"
TOOLCHAIN, WHY_NOT = rustbuild.find_toolchain()


def oracle(name: str) -> dict[str, int]:
    values: dict[str, int] = json.loads((config_dir(name) / "oracle" / "abi.json").read_text())
    values.update(json.loads((config_dir(name) / "oracle" / "invocations_all.json").read_text()))
    return values


@pytest.fixture
def generated(config_name: str, tmp_path: Path) -> Path:
    out = tmp_path / "gen"
    generate(resolve(config_dir(config_name), {}), out)
    return out


def test_bindings_define_everything_the_oracle_has(config_name: str, generated: Path) -> None:
    manifest = json.loads((generated / "manifest.json").read_text())
    defined = set(manifest["values"]) | set(manifest["layouts"])
    missing = sorted(set(oracle(config_name)) - defined)
    assert not missing, f"the oracle has names the bindings lack: {missing}"


def _check_crate(crate: Path, config_name: str, manifest: dict[str, dict[str, str]]) -> dict[int, str]:
    """Write a crate of one const assertion per oracle entry; return line -> oracle name."""
    lines = [
        "#![no_std]",
        "#![allow(unused_imports, clippy::unnecessary_cast)]",
        "use sel4_sys::*;",
    ]
    where: dict[int, str] = {}
    paths = {**manifest["values"], **manifest["layouts"]}
    for name, value in sorted(oracle(config_name).items()):
        expr = paths.get(name, name)
        where[len(lines) + 1] = name
        lines.append(f"const _: () = assert!(({expr}) as i128 == {value}i128, {json.dumps('oracle mismatch: ' + name)});")
    (crate / "src").mkdir(parents=True)
    (crate / "src" / "lib.rs").write_text("\n".join(lines) + "\n")
    (crate / "Cargo.toml").write_text(
        '[package]\nname = "oracle-check"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
        f'[dependencies]\nsel4-sys = {{ path = {json.dumps(str(SYS_CRATE))} }}\n'
    )
    return where


@pytest.mark.skipif(TOOLCHAIN is None, reason=WHY_NOT)
def test_values_equal_the_oracle_when_compiled(config_name: str, generated: Path, tmp_path: Path) -> None:
    assert TOOLCHAIN is not None
    arch = json.loads((config_dir(config_name) / "kernel" / "gen_config.json").read_text())["SEL4_ARCH"]
    if arch not in rustbuild.RUST_TARGETS:
        pytest.skip(f"no built-in Rust target for SEL4_ARCH {arch}")
    env = {"SEL4_SYS_GENERATED_DIR": str(generated)}

    clippy = TOOLCHAIN.clippy_driver is not None
    sys_check = rustbuild.check_crate(TOOLCHAIN, SYS_CRATE, arch, None, env=env, rustflags=["-Dwarnings"], clippy=clippy)
    assert sys_check.returncode == 0, rustbuild.describe(sys_check)
    assert "warning" not in sys_check.stderr.replace("warning: unused manifest key", ""), sys_check.stderr

    manifest = json.loads((generated / "manifest.json").read_text())
    crate = tmp_path / "oracle-check"
    where = _check_crate(crate, config_name, manifest)
    result = rustbuild.check_crate(TOOLCHAIN, crate, arch, None, env=env, rustflags=["-Dwarnings"])
    if result.returncode != 0:
        text = result.stdout + result.stderr
        failed = sorted({where[int(n)] for n in re.findall(r"src/lib\.rs:(\d+):", text) if int(n) in where})
        pytest.fail(f"{len(failed)} generated values differ from the oracle or do not compile: {failed}\n"
                    + rustbuild.describe(result)[-4000:])
