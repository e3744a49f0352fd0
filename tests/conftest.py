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
