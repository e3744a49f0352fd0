"""tools/sel4_rust_libsel4.py: the linker options that put a Rust archive's libsel4 functions
ahead of C's weak ones, from the archive's symbols (host tools stand in for the cross ones)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

TOOL = ROOT / "tools" / "sel4_rust_libsel4.py"
pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("cc", "ar", "nm")), reason="needs the host's cc, ar and nm (apt-get install gcc binutils)"
)


def archive(tmp_path: Path, source: str) -> Path:
    (tmp_path / "a.c").write_text(source)
    subprocess.run(["cc", "-c", "-o", str(tmp_path / "a.o"), str(tmp_path / "a.c")], check=True)
    lib = tmp_path / "liba.a"
    subprocess.run(["ar", "rcs", str(lib), str(tmp_path / "a.o")], check=True)
    return lib


def run(lib: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(TOOL), "--nm", "nm", "--archive", str(lib), "--out", str(out)],
                          capture_output=True, text=True, check=False)


def test_options_name_each_function_then_the_archive(tmp_path: Path) -> None:
    lib = archive(tmp_path, "void seL4_Yield(void) {}\nint seL4_GetMR(int i) { return i; }\n"
                            "static void seL4_Local(void) {}\nvoid other(void) { seL4_Local(); }\n")
    out = tmp_path / "opts.rsp"
    done = run(lib, out)
    assert done.returncode == 0, done.stderr
    assert out.read_text().splitlines() == ["-Wl,--undefined=seL4_GetMR", "-Wl,--undefined=seL4_Yield", str(lib)]
    # Unchanged content is not rewritten (the executable does not relink).
    before = out.stat().st_mtime_ns
    assert run(lib, out).returncode == 0 and out.stat().st_mtime_ns == before


def test_an_archive_without_the_c_api_is_refused(tmp_path: Path) -> None:
    lib = archive(tmp_path, "void rust_only(void) {}\n")
    done = run(lib, tmp_path / "opts.rsp")
    assert done.returncode == 1
    assert f"{lib} defines no libsel4 function" in done.stderr and 'features = ["c-api"]' in done.stderr
    assert not (tmp_path / "opts.rsp").exists()
