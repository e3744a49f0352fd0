"""tools/sel4_rust_deps.py: the configure-time refusal of crates whose dependencies would need
crates.io or git (builds are offline), naming the manifest and the dependency."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

TOOL = ROOT / "tools" / "sel4_rust_deps.py"


def crate(root: Path, rel: str, deps: str = "", extra: str = "") -> Path:
    path = root / rel / "Cargo.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[package]\nname = "{Path(rel).name}"\nversion = "0.1.0"\n{extra}\n[dependencies]\n{deps}\n')
    return path


def run(manifest: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(TOOL), str(manifest)], capture_output=True, text=True, check=False)


def test_the_projects_own_crates_pass() -> None:
    for rel in ("apps/hello", "apps/c-calls-rust/rust", "apps/guest-tests"):
        r = run(ROOT / rel / "Cargo.toml")
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
