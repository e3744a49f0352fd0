"""The suite's split over processes (tests/buildgroups.py, conftest.py): a shared build directory
belongs to one process, and tests without one run with their module."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import buildgroups
import pytest
import sel4build


def test_a_build_directory_another_process_builds_in_is_refused_by_name(tmp_path: Path) -> None:
    bdir = tmp_path / "build-qemu-arm-virt"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import fcntl, sys
            f = open({str(bdir) + ".lock"!r}, "w")
            fcntl.flock(f, fcntl.LOCK_EX)
            print("held", flush=True)
            sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(RuntimeError, match="another process") as e:
            sel4build._own(bdir)
        assert str(bdir) in str(e.value) and "buildgroups" in str(e.value)
    finally:
        holder.communicate("")
    # Free again: this process takes it, and keeps it (a second claim is a no-op).
    sel4build._own(bdir)
    sel4build._own(bdir)


def test_the_tests_of_a_build_directory_share_its_group() -> None:
    assert buildgroups.on("zynqmp", "zynqmp").marks[0].args == ("zynqmp",)
    assert buildgroups.mark("qemu-arm-virt", release="13.0.0").args == ("13.0.0:qemu-arm-virt",)


def test_a_test_without_a_build_directory_runs_with_its_module(request: pytest.FixtureRequest) -> None:
    mark = request.node.get_closest_marker("xdist_group")
    assert mark is not None and mark.args == (Path(__file__).relative_to(request.config.rootpath).as_posix(),)
