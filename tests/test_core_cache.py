"""The core cache's key (tools/sel4_rust_core.py): one sysroot per toolchain, target and
flags, whichever build directory asks.

A target Rust does not have built in (aarch32's and riscv32's) is a specification file that
each build directory writes for itself; the sysroot built for one copy must serve every copy
with the same contents, or each new build directory builds core again.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
import rustbuild
import sel4_rust_core
from sel4gen.archinfo import ARCHES

TOOLCHAIN, WHY_NOT = rustbuild.find_toolchain()
pytestmark = pytest.mark.skipif(TOOLCHAIN is None, reason=WHY_NOT)

#: A target of the architecture table that is a specification file.
CUSTOM = next(t for a in ARCHES.values() for t in a.rust_targets if not t.builtin)


def spec(directory: Path) -> str:
    assert TOOLCHAIN is not None
    out = directory / "targets" / f"{CUSTOM.triple}.json"
    return str(sel4_rust_core.write_target_spec(TOOLCHAIN.rustc, CUSTOM.base, CUSTOM.spec, out))


def key(target: str, cache: Path, rustflags: tuple[str, ...] = ()) -> Path:
    assert TOOLCHAIN is not None
    return sel4_rust_core.sysroot_path(sel4_rust_core.Request(TOOLCHAIN.rustc, TOOLCHAIN.cargo, target, cache, rustflags))


def test_specification_copies_in_two_build_directories_share_one_sysroot(tmp_path: Path) -> None:
    first, second = spec(tmp_path / "build-a"), spec(tmp_path / "build-b")
    assert first != second
    assert key(first, tmp_path / "cache") == key(second, tmp_path / "cache")
    assert key(first, tmp_path / "cache").name.startswith(f"{CUSTOM.triple}-")


def test_what_changes_the_libraries_changes_the_key(tmp_path: Path) -> None:
    first = spec(tmp_path / "a")
    changed = Path(spec(tmp_path / "b"))
    changed.write_text(changed.read_text().replace('"llvm-target"', '"llvm-target" ', 1))
    cache = tmp_path / "cache"
    assert key(first, cache) != key(str(changed), cache)
    assert key(first, cache) != key(first, cache, ("-Ctarget-feature=+crc",))
    assert key(first, cache) != key(CUSTOM.base, cache)


def test_a_failed_parallel_build_is_run_again_without(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parallel front end is unstable: its failure (or hang) costs a second build, not the
    build. Here the first cargo run fails; the second, without -Zthreads, is the one used."""
    assert TOOLCHAIN is not None
    runs: list[tuple[str, float | None]] = []

    def fake(command, env, timeout):
        runs.append((env["CARGO_ENCODED_RUSTFLAGS"], timeout))
        if len(runs) == 1:
            return -1, "no result"
        deps = Path(command[command.index("--target-dir") + 1]) / "aarch64-unknown-none" / "release" / "deps"
        deps.mkdir(parents=True)
        (deps / "libcore-0.rlib").write_text("")
        return 0, ""

    monkeypatch.setattr(sel4_rust_core, "_run_cargo", fake)
    monkeypatch.setattr(sel4_rust_core, "_front_end_threads", lambda: 2)
    req = sel4_rust_core.Request(TOOLCHAIN.rustc, TOOLCHAIN.cargo, "aarch64-unknown-none", tmp_path / "cache")
    sysroot = sel4_rust_core.ensure(req)
    assert (sysroot / "lib" / "rustlib" / "aarch64-unknown-none" / "lib" / "libcore-0.rlib").is_file()
    assert [flags.split("\x1f") for flags, _ in runs] == [["-Cembed-bitcode=yes", "-Zthreads=2"], ["-Cembed-bitcode=yes"]]
    assert runs[0][1] == sel4_rust_core.PARALLEL_TIMEOUT_S and runs[1][1] is None


def test_a_hung_build_is_killed_with_its_children() -> None:
    start = time.monotonic()
    status, err = sel4_rust_core._run_cargo(["sh", "-c", "sleep 60.4321 & sleep 60.4321"], dict(os.environ), 0.5)
    assert status == -1 and "no result after" in err
    assert time.monotonic() - start < 10
    # Killed processes take a moment to leave the process table.
    for _ in range(50):
        left = subprocess.run(["pgrep", "-f", "sleep 60.4321"], capture_output=True, text=True, check=False)
        if not left.stdout:
            break
        time.sleep(0.1)
    assert left.stdout == "", "a child of the killed build is still running"


def test_workspaces_sharing_a_build_dir_compile_their_common_crate_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What CMake gets from ``cargo-flags --build-dir``: two cargo workspaces (two examples)
    that depend on one path crate (the sel4 crates) compile it once between them, each still
    with its own target directory for what it makes. The build directory's path has a space
    and a quote, which the flag's TOML must keep."""
    assert TOOLCHAIN is not None
    common = tmp_path / "common"
    (common / "src").mkdir(parents=True)
    (common / "Cargo.toml").write_text('[package]\nname = "common"\nversion = "0.1.0"\nedition = "2021"\n')
    (common / "src" / "lib.rs").write_text("pub fn f() -> u32 { 7 }\n")
    for app in ("one", "two"):
        (tmp_path / app / "src").mkdir(parents=True)
        (tmp_path / app / "Cargo.toml").write_text(
            f'[workspace]\n[package]\nname = "{app}"\nversion = "0.1.0"\nedition = "2021"\n'
            '[dependencies]\ncommon = { path = "../common" }\n'
        )
        (tmp_path / app / "src" / "lib.rs").write_text("pub fn g() -> u32 { common::f() }\n")
    build_dir = tmp_path / 'build "dir"'
    argv = ["cargo-flags", "--rustc", str(TOOLCHAIN.rustc), "--cargo", str(TOOLCHAIN.cargo),
            "--target", "x86_64-unknown-linux-gnu", "--build-dir", str(build_dir)]  # fmt: skip
    assert sel4_rust_core.main(argv) == 0
    flags = capsys.readouterr().out.splitlines()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARGO_", "RUSTFLAGS"))}
    env.update({"RUSTC": str(TOOLCHAIN.rustc), "RUSTC_BOOTSTRAP": "1", "CARGO_HOME": str(tmp_path / "home")})
    compiled: dict[str, str] = {}
    for app in ("one", "two"):
        done = subprocess.run(
            [str(TOOLCHAIN.cargo), "build", "-v", "--offline", *flags, "--target-dir", str(tmp_path / f"target-{app}")],
            cwd=tmp_path / app, env=env, capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        compiled[app] = done.stderr
        assert (tmp_path / f"target-{app}" / "debug" / f"lib{app}.rlib").is_file(), f"{app}'s library is not in its target"
    assert "Compiling common" in compiled["one"] and "Compiling common" not in compiled["two"], compiled["two"]
    assert len(list((build_dir / "debug" / "deps").glob("libcommon-*.rlib"))) == 1
