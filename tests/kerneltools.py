"""Running the kernel's own libsel4 generators next to ours, for the bit-for-bit comparisons."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT

#: A seL4 kernel checkout: $SEL4_KERNEL_SOURCE, else where scripts/fetch-kernel puts it.
KERNEL = Path(os.environ.get("SEL4_KERNEL_SOURCE", ROOT / "build" / "deps" / "seL4"))
TOOLS = KERNEL / "libsel4" / "tools"


def missing(script: str, modules: tuple[str, ...]) -> str | None:
    """Why the comparison using the kernel's ``script`` cannot run here, or None if it can."""
    if not (TOOLS / script).is_file():
        return (f"needs the kernel's {TOOLS / script}: run scripts/fetch-kernel "
                "or set SEL4_KERNEL_SOURCE to a seL4 kernel checkout")
    for module in modules:
        try:
            __import__(module)
        except ImportError:
            return f"needs the Python package {module} to run the kernel's {script}"
    for tool in ("cc", "rustc"):
        if shutil.which(tool) is None:
            return f"needs a host {tool}"
    return None


def run_ok(cmd: list[str], **kw: object) -> str:
    """Run ``cmd``; fail the test with its output if it fails; return its stdout."""
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)  # type: ignore[call-overload]
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    return proc.stdout
