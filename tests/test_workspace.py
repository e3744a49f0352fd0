"""The seL4 workspace (manifest/default.xml, scripts/setup-workspace) and the boot-test harness.

The boot test builds a plain C root server, so a failure here is about the workspace, the
toolchain or QEMU, not about the Rust parts. Select the slow tests with `-k boot`, skip them
with `-k "not boot"`.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import re
import subprocess
import sys
import time
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import sel4build

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "manifest" / "default.xml"
SETUP = ROOT / "scripts" / "setup-workspace"

#: The layout the project's CMake relies on: path -> canonical repository URL.
LAYOUT = {
    "kernel": "https://github.com/seL4/seL4",
    "tools/seL4": "https://github.com/seL4/seL4_tools",
    "projects/musllibc": "https://github.com/seL4/musllibc",
    "projects/util_libs": "https://github.com/seL4/util_libs",
    "projects/seL4_libs": "https://github.com/seL4/seL4_libs",
    "projects/sel4runtime": "https://github.com/seL4/sel4runtime",
    "tools/opensbi": "https://github.com/riscv-software-src/opensbi",
}
SELF = "projects/sel4-rust"
#: linkfile dest -> what it points to, relative to the workspace top.
LINKS = {
    "init-build.sh": "tools/seL4/cmake-tool/init-build.sh",
    "griddle": "tools/seL4/cmake-tool/griddle",
    "easy-settings.cmake": "projects/sel4-rust/easy-settings.cmake",
}
SHA = re.compile(r"[0-9a-f]{40}")


def load_setup() -> types.ModuleType:
    """scripts/setup-workspace as a module (it has no .py suffix, so plain import cannot load it)."""
    loader = importlib.machinery.SourceFileLoader("setup_workspace", str(SETUP))
    spec = importlib.util.spec_from_loader("setup_workspace", loader)
    assert spec is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["setup_workspace"] = mod  # dataclasses look their module up here
    loader.exec_module(mod)
    return mod


# ---- (a) the manifest ---------------------------------------------------------------------------


#: release -> its manifest (scripts/setup-workspace --release).
MANIFESTS: dict[str, Path] = load_setup().release_manifests()


def test_every_supported_release_has_a_manifest() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    from sel4gen.release import SUPPORTED

    assert set(MANIFESTS) == {*(str(r) for r in SUPPORTED), "master"}
    assert MANIFESTS["16.0.0"] == MANIFEST


@pytest.mark.parametrize("release", sorted(MANIFESTS))
def test_manifest_layout(release: str) -> None:
    projects = load_setup().read_manifest(MANIFESTS[release])
    assert {p.path for p in projects} == {*LAYOUT, SELF}
    for p in projects:
        if p.path == SELF:
            continue
        assert p.url == LAYOUT[p.path], p
        assert SHA.fullmatch(p.revision), f"{p.path}: revision {p.revision!r} is not a full commit SHA"
        assert p.upstream, f"{p.path}: no upstream ref (repo sync -c needs it to find the SHA)"
    links = {lf.dest: os.path.normpath(os.path.join(p.path, lf.src)) for p in projects for lf in p.linkfiles}
    assert links == LINKS


@pytest.mark.parametrize("release", sorted(MANIFESTS))
def test_manifest_is_repo_format(release: str) -> None:
    # What `repo` itself requires: every project's remote is declared, and the kernel's
    # upstream is the release tag its SHA is the commit of (master: the branch).
    root = ET.parse(MANIFESTS[release]).getroot()
    remotes = {r.get("name") for r in root.iter("remote")}
    default = root.find("default")
    assert default is not None and default.get("remote") in remotes
    for p in root.iter("project"):
        assert p.get("remote", default.get("remote")) in remotes
        assert set(p.attrib) <= {"name", "path", "remote", "revision", "upstream", "dest-branch", "groups"}
    kernel = next(p for p in root.iter("project") if p.get("path") == "kernel")
    assert kernel.get("upstream") == ("master" if release == "master" else f"refs/tags/{release}")


# ---- (b) setup-workspace ------------------------------------------------------------------------


def _git(work: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(work), *args], check=True, capture_output=True, text=True).stdout.strip()


def test_setup_workspace_creates_layout() -> None:
    ws, why = sel4build.workspace()
    if ws is None:
        pytest.skip(why)
    projects = {p.path: p for p in load_setup().read_manifest(MANIFEST)}
    for path, url in LAYOUT.items():
        work = ws / path
        # A .git FILE, as repo makes: musllibc's build runs `rm src/.git` on a copy of its source.
        assert (work / ".git").is_file(), f"{work}/.git is not a file"
        assert _git(work, "rev-parse", "HEAD") == projects[path].revision
        assert _git(work, "config", "--get", "remote.origin.url") == url
        assert (ws / ".repo" / "projects" / f"{path}.git").is_dir()
    assert (ws / SELF).is_symlink() and (ws / SELF).resolve() == ROOT
    for dest, target in LINKS.items():
        link = ws / dest
        assert link.is_symlink()
        assert os.path.normpath(os.readlink(link)) == target
        if dest != "easy-settings.cmake" or (ROOT / "easy-settings.cmake").exists():
            assert link.exists(), f"{link} -> {os.readlink(link)} does not resolve"
    assert not (ws / "CMakeLists.txt").exists()  # the project dir is the CMake source, as in sel4test


def test_setup_workspace_is_idempotent_and_repairs_checkout(tmp_path: Path) -> None:
    # On a workspace of its own (cloned from the shared one's sel4runtime, no network), so the
    # shared checkouts are never moved under another test's build.
    ws, why = sel4build.workspace()
    if ws is None:
        pytest.skip(why)
    src = ws / ".repo" / "projects" / "projects" / "sel4runtime.git"
    pinned = _git(ws / "projects" / "sel4runtime", "rev-parse", "HEAD")
    manifest = tmp_path / "m.xml"
    manifest.write_text(
        f'<manifest><remote name="x" fetch="file://{src.parent}"/><default remote="x"/>'
        f'<project name="sel4runtime.git" path="rt" revision="{pinned}"/></manifest>'
    )
    mine = tmp_path / "ws"

    def run() -> subprocess.CompletedProcess[str]:
        r = subprocess.run([sys.executable, str(SETUP), "--manifest", str(manifest), str(mine)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return r

    assert "cloning" in run().stdout
    assert "cloning" not in run().stdout  # nothing cloned again, nothing to do
    _git(mine / "rt", "checkout", "-q", "--detach", "HEAD~1")
    out = run().stdout
    assert "cloning" not in out and pinned in out
    assert _git(mine / "rt", "rev-parse", "HEAD") == pinned
    (mine / "rt" / "README.md").write_text("changed")
    r = subprocess.run([sys.executable, str(SETUP), "--manifest", str(manifest), str(mine)], capture_output=True, text=True)
    assert r.returncode == 1 and "local changes" in r.stderr and "--force" in r.stderr
    r = subprocess.run(
        [sys.executable, str(SETUP), "--force", "--manifest", str(manifest), str(mine)], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert _git(mine / "rt", "status", "--porcelain") == ""


def test_setup_workspace_reports_unreachable_url(tmp_path: Path) -> None:
    manifest = tmp_path / "m.xml"
    manifest.write_text(
        '<manifest><remote name="x" fetch="file:///nonexistent/remote"/><default remote="x"/>'
        f'<project name="seL4" path="kernel" revision="{"0" * 40}"/></manifest>'
    )
    mod = load_setup()
    with pytest.raises(mod.SetupError, match=r"could not clone file:///nonexistent/remote/seL4: .*network access"):
        mod.setup(tmp_path / "ws", manifest=manifest)


def test_setup_workspace_refuses_foreign_directory(tmp_path: Path) -> None:
    mod = load_setup()
    ws = tmp_path / "ws"
    (ws / "kernel").mkdir(parents=True)
    manifest = tmp_path / "m.xml"
    manifest.write_text(
        '<manifest><remote name="x" fetch="file:///nonexistent"/><default remote="x"/>'
        f'<project name="seL4" path="kernel" revision="{"0" * 40}"/></manifest>'
    )
    with pytest.raises(mod.SetupError, match="--force"):
        mod.setup(ws, manifest=manifest)


def test_missing_prerequisites_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sel4build.TOOLS, "no-such-cross-gcc", "gcc-no-such")
    monkeypatch.setattr(sel4build, "MODULES", [*sel4build.MODULES, "no_such_sel4_module"])
    why = sel4build.missing_prerequisites()
    assert "no-such-cross-gcc (apt-get install gcc-no-such)" in why
    assert "no_such_sel4_module (pip install sel4-deps)" in why


# ---- (c) a C root server boots through the harness ------------------------------------------------

HELLO_CMAKELISTS = """\
cmake_minimum_required(VERSION 3.16.0)
include(settings.cmake)
project(hello-c C ASM)

find_package(seL4 REQUIRED)
find_package(elfloader-tool REQUIRED)
find_package(musllibc REQUIRED)
find_package(util_libs REQUIRED)

sel4_import_kernel()
if(KernelArchARM OR KernelArchRiscV)
  ApplyData61ElfLoaderSettings(${KernelPlatform} ${KernelSel4Arch})
endif()
elfloader_import_project()  # links util_libs' libcpio

musllibc_setup_build_environment_with_sel4runtime()
sel4_import_libsel4()
util_libs_import_libraries()

add_executable(hello EXCLUDE_FROM_ALL main.c)
target_link_libraries(hello PRIVATE sel4runtime sel4 muslc sel4_autoconf)
include(rootserver)
DeclareRootserver(hello)

if(SIMULATION)
  include(simulation)
  GenerateSimulateScript()
endif()
"""

HELLO_MAIN = r"""
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sel4/sel4.h>

/* musl's stdio ends in syscalls, which seL4's musllibc makes by calling the function in
 * __sysinfo. seL4_libs' sel4muslcsys would install its handler there; this test installs
 * its own, which writes to the kernel's debug console. */
extern void *__sysinfo;

static void put(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        seL4_DebugPutChar(s[i]);
    }
}

long sel4_vsyscall(long sysnum, ...)
{
    va_list ap;
    long ret = -ENOSYS;
    va_start(ap, sysnum);
    if (sysnum == SYS_write) {
        (void)va_arg(ap, int);
        const char *buf = va_arg(ap, const char *);
        size_t n = va_arg(ap, size_t);
        put(buf, n);
        ret = (long)n;
    } else if (sysnum == SYS_writev) {
        (void)va_arg(ap, int);
        const struct iovec *iov = va_arg(ap, const struct iovec *);
        int cnt = va_arg(ap, int);
        ret = 0;
        for (int i = 0; i < cnt; i++) {
            put(iov[i].iov_base, iov[i].iov_len);
            ret += (long)iov[i].iov_len;
        }
    } else if (sysnum == SYS_ioctl) {
        ret = 0; /* "is a terminal": stdout is line buffered */
    }
    va_end(ap);
    return ret;
}

int main(void)
{
    __sysinfo = (void *)sel4_vsyscall;
    printf("hello from C\n");
    fflush(stdout);
    seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    return 0;
}
"""


def test_boot_c_hello_qemu_arm_virt(tmp_path: Path) -> None:
    ws, why = sel4build.workspace()
    if ws is None:
        pytest.skip(why)
    files = {"CMakeLists.txt": HELLO_CMAKELISTS, "main.c": HELLO_MAIN}
    hello_ws = sel4build.project_workspace(ws, tmp_path / "ws", "hello-c", files)
    b = sel4build.configure_and_build(hello_ws, "hello", ["-DPLATFORM=qemu-arm-virt", "-DSIMULATION=TRUE"])
    assert b.ok, b.failure()
    assert (b.dir / "simulate").exists(), f"no ./simulate in {b.dir}"
    t0 = time.monotonic()
    out = sel4build.simulate(b.dir, until="hello from C", timeout=120)
    print(f"configure {b.configure_seconds:.0f}s, build {b.build_seconds:.0f}s, boot {time.monotonic() - t0:.1f}s")
    assert "hello from C" in out, f"no 'hello from C' in ./simulate output:\n{out[-3000:]}"


def test_hello_script_checks_its_arguments_before_installing() -> None:
    # argparse refuses an unknown platform before scripts/install-deps runs (nothing printed
    # of the install step), naming the platforms the tests boot.
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "hello"), "--platform", "bogus"],
                       capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 2, r.stderr
    assert "invalid choice: 'bogus'" in r.stderr and "riscv64-qemu-riscv-virt" in r.stderr
    assert "install-deps" not in r.stdout + r.stderr


def test_setup_workspace_names_an_unknown_release() -> None:
    r = subprocess.run([sys.executable, str(SETUP), "--release", "12.0.0"], capture_output=True, text=True)
    assert r.returncode == 2
    assert "--release 12.0.0: no manifest for it; releases: " in r.stderr and "13.0.0" in r.stderr
