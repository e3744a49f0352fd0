"""tools/sel4_rust_deps.py: the configure-time refusal of crates whose dependencies would need
crates.io or git (builds are offline), naming the manifest and the dependency."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rustbuild
from conftest import ROOT

TOOL = ROOT / "tools" / "sel4_rust_deps.py"


def crate(root: Path, rel: str, deps: str = "", extra: str = "") -> Path:
    path = root / rel / "Cargo.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[package]\nname = "{Path(rel).name}"\nversion = "0.1.0"\n{extra}\n[dependencies]\n{deps}\n')
    return path


def run(manifest: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(TOOL), str(manifest)], capture_output=True, text=True, check=False)


#: Every example's manifest.
EXAMPLES = sorted((ROOT / "apps").glob("**/Cargo.toml"))


def test_the_projects_own_crates_pass() -> None:
    assert len(EXAMPLES) >= 9
    for manifest in [ROOT / "Cargo.toml", *EXAMPLES]:
        r = run(manifest)
        assert r.returncode == 0, r.stderr


def cargo(args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    toolchain, why = rustbuild.find_toolchain()
    if toolchain is None:
        pytest.skip(why)
    env = {**os.environ, "CARGO_HOME": str(home), "CARGO_NET_OFFLINE": "true", "RUSTC": str(toolchain.rustc)}
    return subprocess.run([str(toolchain.cargo), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_each_example_is_a_workspace_of_its_own(tmp_path: Path) -> None:
    """What Corrosion hands cargo for an example is that example's workspace and no other's."""
    for manifest in EXAMPLES:
        r = cargo(["locate-project", "--workspace", "--message-format", "plain"], manifest.parent, tmp_path)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == str(manifest)


@pytest.mark.parametrize(
    "breakage",
    ['serde = "1.0"\n', "sel4 = { path = \"../../crates/sel4\"\n"],
    ids=["crates-io-dependency", "not-toml"],
)
def test_one_examples_bad_manifest_leaves_the_others_buildable(tmp_path: Path, breakage: str) -> None:
    """A copy of the project whose notification example has a bad manifest: cargo still
    resolves hello (what configuring hello's build runs), and the check passes hello and names
    notification's manifest."""
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("target", "tests-fixture")
    for rel in ("crates", "apps"):
        shutil.copytree(ROOT / rel, src / rel, ignore=ignore)
    shutil.copytree(ROOT / ".cargo", src / ".cargo")
    shutil.copy(ROOT / "Cargo.toml", src / "Cargo.toml")
    bad = src / "apps" / "notification" / "Cargo.toml"
    bad.write_text(bad.read_text().replace("[dependencies]\n", "[dependencies]\n" + breakage, 1))
    hello = src / "apps" / "hello" / "Cargo.toml"
    r = cargo(["metadata", "--format-version", "1", "--manifest-path", str(hello)], src, tmp_path / "home")
    assert r.returncode == 0, r.stderr
    r = run(hello)
    assert r.returncode == 0, r.stderr
    r = run(bad)
    assert r.returncode == 1 and str(bad) in r.stderr, r.stderr
    # The project's own workspace, the crates, is not affected either.
    r = cargo(["metadata", "--format-version", "1", "--no-deps"], src, tmp_path / "home")
    assert r.returncode == 0, r.stderr


def test_path_dependencies_pass_and_others_are_named(tmp_path: Path) -> None:
    crate(tmp_path, "lib")
    app = crate(tmp_path, "app", 'lib = { path = "../lib" }\n')
    assert run(app).returncode == 0
    # Reached through a path dependency, and declared for a target only: still found.
    crate(tmp_path, "lib", "", '[target.\'cfg(target_os = "none")\'.dependencies]\nserde = "1.0"\n')
    r = run(app)
    assert r.returncode == 1
    assert f"{tmp_path / 'lib' / 'Cargo.toml'}: dependency `serde` (crates.io, '1.0') cannot be built here" in r.stderr
    assert "make it a path dependency" in r.stderr
    git = crate(tmp_path, "gitdep", 'x = { git = "https://example.org/x" }\n[dev-dependencies]\nproptest = "1"\n')
    r = run(git)
    assert r.returncode == 1 and "dependency `x` (git," in r.stderr and "proptest" not in r.stderr


def test_workspace_dependencies_and_other_members(tmp_path: Path) -> None:
    (tmp_path / "Cargo.toml").write_text(
        '[workspace]\nmembers = ["a", "b"]\n[workspace.dependencies]\nlocal = { path = "local" }\nlog = "0.4"\n'
    )
    crate(tmp_path, "local")
    a = crate(tmp_path, "a", "local = { workspace = true }\n")
    crate(tmp_path, "b")
    assert run(a).returncode == 0, run(a).stderr
    # Another member's crates.io dependency breaks cargo's resolution of the whole workspace.
    crate(tmp_path, "b", "log = { workspace = true }\n")
    r = run(a)
    assert r.returncode == 1 and f"{tmp_path / 'b' / 'Cargo.toml'}: dependency `log`" in r.stderr
