"""Shared pytest setup: import the generator from the source tree and locate test data."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))

#: The libsel4 interface data of six real configurations, beside the project checkout.
INTERFACES = Path(os.environ.get("SEL4_INTERFACES_DIR", ROOT.parent / "shared" / "sel4-interfaces"))
CONFIGS = sorted(p.name for p in INTERFACES.iterdir() if (p / "oracle").is_dir()) if INTERFACES.is_dir() else []


def config_dir(name: str) -> Path:
    return INTERFACES / name


#: The options of a kernel that writes its error messages into the IPC buffer, as (the kernel's,
#: libsel4's): libsel4's CMake turns on printing them (LibSel4PrintInvocationErrors) with it.
REPORT_ERROR_IPC: tuple[dict[str, object], dict[str, object]] = (
    {"KERNEL_INVOCATION_REPORT_ERROR_IPC": True},
    {"LIB_SEL4_PRINT_INVOCATION_ERRORS": "1"},
)


def derived_config(
    base: str, dest: Path, kernel: Mapping[str, object] | None = None, libsel4: Mapping[str, object] | None = None
) -> Path:
    """A writable copy of configuration ``base``'s interface data at ``dest`` (without its
    oracle), with the options ``kernel`` and ``libsel4`` set in their ``gen_config.json``."""
    shutil.copytree(config_dir(base), dest, ignore=shutil.ignore_patterns("oracle"))
    for path, changes in ((dest / "kernel" / "gen_config.json", kernel), (dest / "sel4" / "gen_config.json", libsel4)):
        if changes:
            path.write_text(json.dumps({**json.loads(path.read_text()), **changes}, indent=4))
    return dest


@pytest.fixture(params=CONFIGS or [pytest.param(None, marks=pytest.mark.skip(reason=f"no interface data at {INTERFACES}"))])
def config_name(request: pytest.FixtureRequest) -> str:
    return request.param


def pytest_configure(config: pytest.Config) -> None:
    # Known without pytest-xdist too (tests/buildgroups.py).
    config.addinivalue_line("markers", "xdist_group(name): run in the worker of this group (pytest-xdist)")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group each test not in a build directory's group with its module (tests/buildgroups.py);
    first, so that pytest-xdist's own hook sees the groups."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
