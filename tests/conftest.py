"""Shared pytest setup: import the generator from the source tree and locate test data."""

from __future__ import annotations

import os
import sys
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
