"""Which worker runs a test when the suite runs in several processes (pytest-xdist).

scripts/test runs the suite on every core with ``--dist loadgroup``: each group of tests
runs in one worker, in file order, and groups are handed to whichever worker is free. A
shared build directory (sel4build.platform_build) is built in by one process only, so the
tests that use one carry its group (:func:`on`); conftest.py groups every other test with the
rest of its module, because modules keep state (a configured kernel, a build directory name).
"""

from __future__ import annotations

from typing import Any

import pytest


def name(key: str, release: str | None = None) -> str:
    """The group of the shared build directory ``key`` (sel4build.PLATFORMS) in the default
    workspace, or in the workspace of kernel ``release``."""
    return key if release is None else f"{release}:{key}"


def mark(key: str, release: str | None = None) -> pytest.MarkDecorator:
    """The mark of the tests that use shared build directory ``key``."""
    return pytest.mark.xdist_group(name(key, release))


def on(key: str, *values: Any, release: str | None = None, id: str | None = None) -> Any:  # noqa: A002
    """A parameter set (``pytest.param``) of a test that uses shared build directory ``key``."""
    return pytest.param(*values, marks=mark(key, release), id=id)
