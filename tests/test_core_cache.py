"""The core cache's key (tools/sel4_rust_core.py): one sysroot per toolchain, target and
flags, whichever build directory asks.

A target Rust does not have built in (aarch32's and riscv32's) is a specification file that
each build directory writes for itself; the sysroot built for one copy must serve every copy
with the same contents, or each new build directory builds core again.
"""

from __future__ import annotations

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
