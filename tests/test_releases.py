"""The bindings of every supported kernel release equal that release's own libsel4 headers.

For each release (13.0.0 to 16.0.0, and master) and a set of configurations chosen to reach
every release-dependent value (tests/kernelbuild.py, CONFIGS), the kernel's standalone CMake
build generates libsel4's headers and interface files; sel4gen generates from them, told the
release by the kernel's VERSION file; and the build-time ABI check compares every header value
and enum the bindings define with what the C compiler sees in those headers. The sources come
from scripts/fetch-kernel; without them (or a cross compiler) a case skips, naming what is
missing.
"""

from __future__ import annotations

import json
from pathlib import Path

import kernelbuild
import pytest
import rustbuild
from conftest import ROOT

CASES = [(r, c) for r in kernelbuild.RELEASES for c in kernelbuild.CONFIGS]
BUILDS = ROOT / "build" / "kernel-releases"
TOOLCHAIN, WHY_NOT = rustbuild.find_toolchain()


_PREPARED: dict[str, dict[str, kernelbuild.Headers | str]] = {}


def _headers(release: str, config: str) -> kernelbuild.Headers:
    """The configured headers, every configuration of a release made at once, two at a time."""
    if release not in _PREPARED:
        _PREPARED[release] = kernelbuild.headers_of_release(release, BUILDS)
    h = _PREPARED[release][config]
    if isinstance(h, str):
        if kernelbuild.missing(release, config):
            pytest.skip(h)
        pytest.fail(h)
    return h


@pytest.mark.parametrize(("release", "config"), CASES, ids=[f"{r}-{c}" for r, c in CASES])
def test_bindings_equal_the_release_headers(release: str, config: str, tmp_path: Path) -> None:
    h = _headers(release, config)
    gen = kernelbuild.generate(h, tmp_path)
    assert gen.returncode == 0, gen.stderr
    problems = kernelbuild.check(h, tmp_path)
    assert not problems, "\n".join(problems)
    version = (kernelbuild.source(release) / "VERSION").read_text().strip()
    assert json.loads((tmp_path / "contract.json").read_text())["kernel_release"] == version


def test_bindings_of_another_release_fail_by_name(tmp_path: Path) -> None:
    """13.0.0's inputs generated as if they were 16.0.0's: the XML and specs alone look fine,
    the check names the values that differ."""
    h = _headers("13.0.0", "aarch64-hyp")
    fake = tmp_path / "VERSION"
    fake.write_text("16.0.0\n")
    args = h.sel4gen_args()
    args[args.index("--kernel-version") + 1] = str(fake)
    gen = kernelbuild.generate(h, tmp_path / "gen", args)
    assert gen.returncode == 0, gen.stderr
    problems = "\n".join(kernelbuild.check(h, tmp_path / "gen"))
    assert "seL4_VCPUReg_TTBR0: Rust has 2, C has 1;" in problems
    assert "seL4_UserVSpaceTop: the bindings define it" in problems
    assert "seL4_VCPUReg: the headers define seL4_VCPUReg_ISR, which the bindings lack" in problems


def test_an_unknown_release_is_refused_by_name(tmp_path: Path) -> None:
    h = _headers("16.0.0", "aarch64-hyp")
    for text, message in (
        ("12.0.0\n", "kernel release 12.0.0 is not one whose libsel4 header values the bindings carry"),
        ("17.0.0-dev\n", "kernel release 17.0.0-dev is not one"),
        ("sixteen\n", "expected a release such as 16.0.0"),
    ):
        fake = tmp_path / "VERSION"
        fake.write_text(text)
        args = h.sel4gen_args()
        args[args.index("--kernel-version") + 1] = str(fake)
        gen = kernelbuild.generate(h, tmp_path / "gen", args)
        assert gen.returncode == 1
        assert f"{fake}:1: " in gen.stderr and message in gen.stderr, gen.stderr
        assert "Traceback" not in gen.stderr
        assert not (tmp_path / "gen" / "bindings.rs").exists()


#: Configurations whose hand-written system calls differ from 16.0.0's (DebugGetThreadAffinity
#: is 16.0.0's) and whose libsel4 has no LIB_SEL4_USE_THREAD_LOCALS option (before 15.0.0).
SYS_CASES = [("13.0.0", "aarch64-hyp-smp-util"), ("15.0.0", "aarch64-hyp-smp-util-mcs")]


@pytest.mark.skipif(TOOLCHAIN is None, reason=WHY_NOT)
@pytest.mark.parametrize(("release", "config"), SYS_CASES, ids=[f"{r}-{c}" for r, c in SYS_CASES])
def test_sys_crate_compiles_for_the_release(release: str, config: str, tmp_path: Path) -> None:
    assert TOOLCHAIN is not None
    h = _headers(release, config)
    gen = kernelbuild.generate(h, tmp_path)
    assert gen.returncode == 0, gen.stderr
    arch = kernelbuild.CONFIGS[config].sel4_arch
    result = rustbuild.check_crate(TOOLCHAIN, ROOT / "crates" / "sel4-sys", arch, None,
                                   env={"SEL4_SYS_GENERATED_DIR": str(tmp_path)}, rustflags=["-Dwarnings"])
    assert result.returncode == 0, rustbuild.describe(result)


def test_the_configurations_cover_every_architecture_the_runtime_supports() -> None:
    from sel4gen.archinfo import ARCHES

    covered = {c.sel4_arch for c in kernelbuild.CONFIGS.values()}
    assert {name for name, arch in ARCHES.items() if arch.runtime} <= covered
