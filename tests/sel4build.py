"""Helpers for boot tests: an seL4 workspace, a CMake + ninja build in it, and a QEMU run.

    ws, why = workspace()                # skip with `why` when ws is None
    b = configure_and_build(ws, "hello", ["-DPLATFORM=qemu-arm-virt", "-DSIMULATION=TRUE"])
    assert b.ok, b.failure()
    out = simulate(b.dir, until="hello", timeout=60)

No pytest here, so scripts can use it too. Builds are slow (minutes), so nothing is rebuilt
implicitly: each configure_and_build starts from an empty build directory.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import importlib.util
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETUP = ROOT / "scripts" / "setup-workspace"
#: Where the shared workspace lives (git-ignored); SEL4_RUST_WORKSPACE points elsewhere.
WORKSPACE = Path(os.environ.get("SEL4_RUST_WORKSPACE", ROOT / "build" / "workspace")).absolute()

#: Programs an aarch64 qemu-arm-virt build and run need, and the Debian package of each.
TOOLS = {
    "git": "git",
    "cmake": "cmake",
    "ninja": "ninja-build",
    "aarch64-linux-gnu-gcc": "gcc-aarch64-linux-gnu",
    "qemu-system-aarch64": "qemu-system-arm",
    "dtc": "device-tree-compiler",
    "cpio": "cpio",
    "xmllint": "libxml2-utils",
}
#: Python modules the kernel's and seL4_tools' build scripts import (all come with `sel4-deps`).
MODULES = ["jinja2", "yaml", "pyfdt", "lxml", "ply", "jsonschema", "libarchive", "elftools"]


def missing_prerequisites() -> str:
    """What is missing to build and boot, as one sentence naming how to get it, or ""."""
    tools = [f"{t} (apt-get install {pkg})" for t, pkg in TOOLS.items() if shutil.which(t) is None]
    mods = [m for m in MODULES if importlib.util.find_spec(m) is None]
    parts = []
    if tools:
        parts.append("missing " + ", ".join(tools))
    if mods:
        parts.append(f"missing Python modules {', '.join(mods)} (pip install sel4-deps)")
    return "; ".join(parts)


@contextlib.contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """Hold the lock file ``lock`` (waiting for it): the suite's workers set up one workspace
    at a time."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def _setup(ws: Path, args: list[str]) -> tuple[Path | None, str]:
    """scripts/setup-workspace <args> <ws>: (ws, "") or (None, why it failed)."""
    with _exclusive(ws.parent / f".{ws.name}.lock"):
        r = subprocess.run([sys.executable, str(SETUP), *args, str(ws)], capture_output=True, text=True)
    if r.returncode != 0:
        # The script's error line names the URL that could not be cloned and what to do.
        err = [ln for ln in r.stderr.splitlines() if "error" in ln] or r.stderr.splitlines()[-3:]
        return None, "scripts/setup-workspace failed: " + " ".join(err).strip()
    if ws != WORKSPACE:
        share_build_cache(ws, WORKSPACE)
    return ws, ""


def share_build_cache(ws: Path, owner: Path) -> None:
    """Point ws's seL4 build cache (``.sel4_cache``, where init-build.sh has cmake-tool's
    memoize.cmake keep musllibc builds, keyed by revision, architecture and flags) at that of
    the workspace ``owner``: an architecture's musllibc is then built once in a run for the C
    root servers, the projects of the tests and sel4test alike, not once per workspace."""
    shared = owner.resolve() / ".sel4_cache"
    shared.mkdir(parents=True, exist_ok=True)
    try:
        (ws / ".sel4_cache").symlink_to(shared)
    except FileExistsError:
        pass  # linked by another worker, or a cache of its own from an earlier run: both work


@functools.cache
def workspace(release: str | None = None) -> tuple[Path | None, str]:
    """The workspace made by scripts/setup-workspace, or (None, why it cannot be had).

    ``release``: the workspace of another kernel release (manifest/<release>.xml) beside the
    default one, with pinned revisions a partial mirror lacks stood in for (setup-workspace
    --fallback; it says which).

    Cached: setup-workspace runs once per process (it is quick when nothing changed, but
    git still checks every clone).
    """
    if why := missing_prerequisites():
        return None, why
    ws = WORKSPACE if release is None else WORKSPACE.parent / f"workspace-{release}"
    which = [] if release is None else ["--release", release, "--fallback"]
    return _setup(ws, which)


#: The sel4test workspace's manifest: seL4's regression suite with this project beside it.
SEL4TEST_MANIFEST = ROOT / "manifest" / "sel4test" / "default.xml"


@functools.cache
def sel4test_workspace() -> tuple[Path | None, str]:
    """The sel4test workspace (manifest/sel4test/default.xml, made by scripts/setup-workspace
    beside the default one), or (None, why it cannot be had)."""
    if why := missing_prerequisites():
        return None, why
    if shutil.which("protoc") is None:
        return None, "protoc not installed (apt-get install protobuf-compiler): sel4test's nanopb needs it"
    ws = WORKSPACE.parent / "workspace-sel4test"
    return _setup(ws, ["--manifest", str(SEL4TEST_MANIFEST)])


def _run(cmd: list[str], cwd: Path, log: Path, timeout: float) -> int | None:
    """Run cmd with output to log; its exit code, or None on timeout (its process group killed).

    A new session makes it a process-group leader, so a timeout also ends ninja's compilers.
    """
    with log.open("wb") as f:
        p = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            return p.wait(timeout=max(timeout, 1))
        except subprocess.TimeoutExpired:
            _kill_group(p)
            with log.open("a") as g:
                g.write(f"\n*** timed out after {timeout:.0f}s: {' '.join(cmd)}\n")
            return None


def _kill_group(p: subprocess.Popen[bytes]) -> None:
    """End p and everything it started (its process group), and reap p.

    SIGINT first, as Ctrl-C would: ./simulate then reaps QEMU and ninja its compilers. A plain
    SIGKILL would leave the grandchildren as zombies of init, which in a container may never
    reap them. SIGKILL after a grace period for whatever ignored SIGINT.
    """
    for sig, grace in ((signal.SIGINT, 5.0), (signal.SIGKILL, None)):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            break  # the whole group is gone
        try:
            p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    p.wait()


def _tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Build:
    """One configure + build; return codes are None when the step did not run or timed out."""

    dir: Path
    configure_rc: int | None
    build_rc: int | None
    configure_log: Path
    build_log: Path
    configure_seconds: float
    build_seconds: float

    @property
    def ok(self) -> bool:
        return self.configure_rc == 0 and self.build_rc == 0

    def failure(self, lines: int = 40) -> str:
        """For an assert message: which step failed, its log, and the log's last lines."""
        if self.configure_rc != 0:
            step, rc, log = "init-build.sh", self.configure_rc, self.configure_log
        else:
            step, rc, log = "ninja", self.build_rc, self.build_log
        state = "timed out" if rc is None else f"exited {rc}"
        return f"{step} {state} in {self.dir} (log: {log}); last lines:\n{_tail(log, lines)}"


def configure_and_build(ws: Path, name: str, options: list[str], timeout: float = 1200) -> Build:
    """Configure with ../init-build.sh <options> and run ninja in a fresh <ws>/build-<name>.

    The build directory must sit directly in the workspace: init-build.sh is called as
    ../init-build.sh, and the project's CMake finds the workspace from the build directory.
    Never raises for a failed build; `timeout` covers both steps together.
    """
    bdir = ws / f"build-{name}"
    shutil.rmtree(bdir, ignore_errors=True)
    bdir.mkdir(parents=True)
    clog, blog = bdir / "configure.log", bdir / "build.log"
    t0 = time.monotonic()
    crc = _run(["../init-build.sh", *options], bdir, clog, timeout)
    t1 = time.monotonic()
    brc = _run(["ninja"], bdir, blog, timeout - (t1 - t0)) if crc == 0 else None
    return Build(bdir, crc, brc, clog, blog, t1 - t0, time.monotonic() - t1)


def configure(ws: Path, name: str, options: list[str], timeout: float = 600) -> Build:
    """Only ../init-build.sh <options> in a fresh <ws>/build-<name>, for tests of what
    configuration accepts and refuses; ``build_rc`` is None."""
    bdir = ws / f"build-{name}"
    shutil.rmtree(bdir, ignore_errors=True)
    bdir.mkdir(parents=True)
    clog = bdir / "configure.log"
    t0 = time.monotonic()
    crc = _run(["../init-build.sh", *options], bdir, clog, timeout)
    return Build(bdir, crc, None, clog, bdir / "build.log", time.monotonic() - t0, 0.0)


def reconfigure_and_build(build_dir: Path, options: list[str], timeout: float = 1200) -> Build:
    """Change cache options of an existing build (``cmake -D... .``) and run ninja again.

    Much cheaper than a fresh build when only the application changes: the kernel, libsel4
    and the Rust standard library stay built. The logs get a ``-re`` suffix.
    """
    clog, blog = build_dir / "configure-re.log", build_dir / "build-re.log"
    t0 = time.monotonic()
    before = _configure_outputs(build_dir)
    crc = _run(["cmake", *options, "."], build_dir, clog, timeout)
    _keep_unchanged(before)
    t1 = time.monotonic()
    brc = _run(["ninja"], build_dir, blog, timeout - (t1 - t0)) if crc == 0 else None
    return Build(build_dir, crc, brc, clog, blog, t1 - t0, time.monotonic() - t1)


def _configure_outputs(build_dir: Path) -> dict[Path, tuple[bytes, int]]:
    """The files the kernel's configure step writes whatever changed (its device tree and the
    headers made from it), with their contents and modification times."""
    kernel = build_dir / "kernel"
    files = [*kernel.glob("kernel.dt[bs]"), *(kernel / "gen_headers").rglob("*")]
    return {f: (f.read_bytes(), f.stat().st_mtime_ns) for f in files if f.is_file()}


def _keep_unchanged(before: dict[Path, tuple[bytes, int]]) -> None:
    """Give back their old times to the files of `before` that configure rewrote unchanged.

    The kernel's configure rewrites its device tree headers on every run; by their times
    alone ninja would rebuild the kernel although switching the app changes nothing in it.
    A file whose content did change keeps its new time, so ninja rebuilds what depends on it.
    """
    for f, (content, mtime) in before.items():
        if f.is_file() and f.read_bytes() == content:
            os.utime(f, ns=(mtime, mtime))


#: The platforms and kernel modes the boot tests use, by the name of their shared build
#: directory: init-build.sh options besides the app's.
PLATFORMS: dict[str, list[str]] = {
    "qemu-arm-virt": ["-DPLATFORM=qemu-arm-virt", "-DMCS=OFF"],
    "qemu-arm-virt-mcs": ["-DPLATFORM=qemu-arm-virt", "-DMCS=ON"],
    "zynqmp": ["-DPLATFORM=zynqmp", "-DMCS=OFF"],
    "zynqmp-mcs": ["-DPLATFORM=zynqmp", "-DMCS=ON"],
    # 4 cores; on qemu-arm-virt the settings make the kernel a hypervisor for it (ARM_HYP).
    "qemu-arm-virt-smp": ["-DPLATFORM=qemu-arm-virt", "-DMCS=OFF", "-DSMP=ON", "-DNUM_NODES=4"],
    "qemu-arm-virt-smp-mcs": ["-DPLATFORM=qemu-arm-virt", "-DMCS=ON", "-DSMP=ON", "-DNUM_NODES=4"],
    "riscv64-qemu-riscv-virt": ["-DPLATFORM=qemu-riscv-virt", "-DMCS=OFF"],
    "riscv64-qemu-riscv-virt-mcs": ["-DPLATFORM=qemu-riscv-virt", "-DMCS=ON"],
    # A kernel that writes its error messages into the IPC buffer, for the stubs to print.
    "riscv64-spike": ["-DPLATFORM=spike", "-DKernelSel4Arch=riscv64", "-DMCS=OFF", "-DKernelInvocationReportErrorIPC=ON"],
    "riscv32-spike": ["-DPLATFORM=spike", "-DKernelSel4Arch=riscv32", "-DMCS=OFF"],
    "riscv32-spike-mcs": ["-DPLATFORM=spike", "-DKernelSel4Arch=riscv32", "-DMCS=ON"],
    "x86_64-pc99": ["-DPLATFORM=pc99", "-DKernelSel4Arch=x86_64", "-DMCS=OFF"],
    "x86_64-pc99-mcs": ["-DPLATFORM=pc99", "-DKernelSel4Arch=x86_64", "-DMCS=ON"],
    "aarch32-qemu-arm-virt": ["-DPLATFORM=qemu-arm-virt", "-DKernelSel4Arch=aarch32", "-DMCS=OFF"],
    "aarch32-qemu-arm-virt-mcs": ["-DPLATFORM=qemu-arm-virt", "-DKernelSel4Arch=aarch32", "-DMCS=ON"],
}

#: What a platform of PLATFORMS needs besides the aarch64 tools of TOOLS: its cross compiler and
#: QEMU (scripts/install-deps installs them).
_RISCV_TOOLS = ["riscv64-linux-gnu-gcc", "qemu-system-riscv64"]
# The bare-metal toolchain: Debian's riscv64-linux-gnu has no 32-bit libgcc, which the
# elfloader links (seL4 looks for riscv64-unknown-elf- first).
_RISCV32_TOOLS = ["riscv64-unknown-elf-gcc", "qemu-system-riscv32"]
_X86_TOOLS = ["gcc", "qemu-system-x86_64"]
_ARM32_TOOLS = ["arm-linux-gnueabi-gcc", "qemu-system-arm"]
PLATFORM_TOOLS: dict[str, list[str]] = {
    "riscv64-qemu-riscv-virt": _RISCV_TOOLS,
    "riscv64-qemu-riscv-virt-mcs": _RISCV_TOOLS,
    "riscv64-spike": _RISCV_TOOLS,
    "riscv32-spike": _RISCV32_TOOLS,
    "riscv32-spike-mcs": _RISCV32_TOOLS,
    "x86_64-pc99": _X86_TOOLS,
    "x86_64-pc99-mcs": _X86_TOOLS,
    "aarch32-qemu-arm-virt": _ARM32_TOOLS,
    "aarch32-qemu-arm-virt-mcs": _ARM32_TOOLS,
}


def missing_platform_tools(key: str) -> str:
    """Why the platform `key` cannot be built and booted here (a skip reason), or ""."""
    missing = [t for t in PLATFORM_TOOLS.get(key, []) if shutil.which(t) is None]
    return f"{', '.join(missing)} not installed (scripts/install-deps installs them)" if missing else ""


#: What a shared build directory's app is unless a test says otherwise (init-build.sh options
#: without -D): switching the app resets these too.
APP_DEFAULTS = {"SEL4_RUST_APP": "hello", "SEL4_RUST_HELLO_PANIC": "OFF", "SEL4_RUST_LIBSEL4": "OFF"}
_SHARED: dict[tuple[Path, str], Path] = {}
#: The lock of each shared build directory this process builds in, held until it exits.
_OWNED: dict[Path, int] = {}


def _own(bdir: Path) -> None:
    """Claim the shared build directory ``bdir`` for this process, for as long as it runs.

    The suite runs in several processes (pytest-xdist); each builds its own platforms. Two
    processes switching the app of one build directory would boot each other's images, so
    the second one stops here, naming what to fix.
    """
    if bdir in _OWNED:
        return
    fd = os.open(f"{bdir}.lock", os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise RuntimeError(
            f"{bdir} is being built by another process (another pytest worker): the tests of one "
            "shared build directory must run in one worker (mark them with tests/buildgroups.py)"
        ) from None
    _OWNED[bdir] = fd


def platform_build(ws: Path, key: str, **app: str) -> Build:
    """The build directory of one platform and kernel mode (:data:`PLATFORMS`), shared by every
    test of the run that boots an image of it: the first call configures and builds it, later
    ones only switch the app (`app` overrides :data:`APP_DEFAULTS`) and rebuild, so the kernel,
    libraries and the Rust standard library are built once per platform.

    A failed first build is not shared: the next call starts afresh.
    """
    options = ["-DSIMULATION=TRUE", *PLATFORMS[key]]
    _own(ws / f"build-{key}")
    app_options = [f"-D{name}={value}" for name, value in {**APP_DEFAULTS, **app}.items()]
    if (ws, key) in _SHARED:
        return reconfigure_and_build(_SHARED[ws, key], app_options)
    b = configure_and_build(ws, key, [*options, *app_options])
    if b.ok:
        _SHARED[ws, key] = b.dir
    return b


def simulate(
    build_dir: Path,
    until: str | re.Pattern[str],
    timeout: float,
    qemu_args: str = "",
    type_after: tuple[str, bytes] | None = None,
) -> str:
    """Run ./simulate until `until` is in its output, it exits, or `timeout` seconds pass.

    Returns the output so far (decoded, without \\r). QEMU never exits by itself when the
    system just idles, so the whole process group (the script and QEMU) is always killed.
    stdin is /dev/null so QEMU's -nographic console does not touch the terminal, unless
    `type_after` is (prompt, keys): then `keys` go to the guest's serial input once `prompt`
    has been printed. `qemu_args` go to the end of QEMU's command line (seL4_tools'
    `--extra-qemu-args`).
    """
    pattern = re.compile(re.escape(until)) if isinstance(until, str) else until
    p = subprocess.Popen(
        ["./simulate", *([f"--extra-qemu-args={qemu_args}"] if qemu_args else [])],
        cwd=build_dir,
        stdin=subprocess.PIPE if type_after else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert p.stdout is not None
    buf = bytearray()
    deadline = time.monotonic() + timeout
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(p.stdout, selectors.EVENT_READ)
            while (left := deadline - time.monotonic()) > 0:
                if not sel.select(left):
                    continue
                chunk = os.read(p.stdout.fileno(), 65536)
                if not chunk:
                    break  # EOF: QEMU exited
                buf += chunk
                text = buf.decode(errors="replace")
                if type_after and p.stdin and type_after[0] in text:
                    p.stdin.write(type_after[1])
                    p.stdin.flush()
                    type_after = None
                if pattern.search(text):
                    break
    finally:
        _kill_group(p)
        p.stdout.close()
        if p.stdin:
            p.stdin.close()
    return buf.decode(errors="replace").replace("\r", "")


#: The libraries a small seL4 project of the tests or benchmarks builds against.
LIBRARIES = ("musllibc", "util_libs", "seL4_libs", "sel4runtime")
PROJECT_SETTINGS = ROOT / "tests" / "sel4project"


def project_workspace(ws: Path, dest: Path, name: str, files: dict[str, str]) -> Path:
    """A workspace at dest for a small seL4 project projects/<name> made of ``files``.

    It shares ws's kernel, tools and library checkouts through symbolic links (the project's
    settings.cmake resolves them, because musllibc's build edits its source copy) and its seL4
    build cache (share_build_cache), and gets the
    settings.cmake/easy-settings.cmake of tests/sel4project unless ``files`` has its own.
    """
    (dest / "tools").mkdir(parents=True)
    share_build_cache(dest, ws)
    (dest / "kernel").symlink_to(ws / "kernel")
    (dest / "tools" / "seL4").symlink_to(ws / "tools" / "seL4")
    for lib in LIBRARIES:
        (dest / "projects" / lib).parent.mkdir(exist_ok=True)
        (dest / "projects" / lib).symlink_to(ws / "projects" / lib)
    proj = dest / "projects" / name
    defaults = {f.name: f.read_text() for f in PROJECT_SETTINGS.glob("*.cmake")}
    for rel, text in {**defaults, **files}.items():
        (proj / rel).parent.mkdir(parents=True, exist_ok=True)
        (proj / rel).write_text(text)
    # The seL4 workspace convention: init-build.sh finds the project through easy-settings.cmake.
    (dest / "init-build.sh").symlink_to("tools/seL4/cmake-tool/init-build.sh")
    (dest / "easy-settings.cmake").symlink_to(f"projects/{name}/easy-settings.cmake")
    return dest
