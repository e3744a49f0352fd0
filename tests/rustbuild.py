"""Compile Rust crates for seL4's bare-metal targets, offline, from tests.

Debian's Rust (``rustc-web``, ``cargo-web``, ``rust-web-src``) ships no prebuilt ``core`` for
bare-metal targets, so ``core``/``alloc``/``compiler_builtins`` come from the same core cache
the CMake builds use (``tools/sel4_rust_core.py``: built from rust-src once per toolchain and
target, then handed to rustc with ``--sysroot``), and crates.io is replaced by the crates
vendored beside those sources, so nothing is downloaded.

Typical use (no pytest here; the caller decides how to skip)::

    toolchain, reason = rustbuild.find_toolchain()
    if toolchain is None:
        pytest.skip(reason)
    result = rustbuild.check_crate(
        toolchain, crate_dir, "aarch64", None,
        env={"SEL4_SYS_GENERATED_DIR": str(gen_dir)},
        rustflags=["-Dwarnings"],
    )
    assert result.returncode == 0, rustbuild.describe(result)

Compiles for one target share a cargo target directory (:func:`default_target_dir`).
``rustflags`` are applied to the crates being compiled (the workspace members) only: they go
through a ``RUSTC_WORKSPACE_WRAPPER`` script whose path encodes the flags, which also makes
cargo recompile the crates when the flags change.
Dependencies by path are not workspace members and do not get ``rustflags``; flags every
crate needs (a kernel configuration's ``cfg``s, as the CMake integration gives them in
``RUSTFLAGS``) go in ``all_rustflags`` instead.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import sel4_rust_core
from sel4gen.archinfo import ARCHES, rust_arches

__all__ = [
    "RUST_TARGETS",
    "Toolchain",
    "find_toolchain",
    "check_crate",
    "rust_target",
    "default_target_dir",
    "describe",
    "INSTALL_HINT",
]

#: seL4 ``SEL4_ARCH`` name -> the Rust target triple of seL4's default C toolchain for it, from
#: the generator's architecture table (the one place it is written).
RUST_TARGETS: dict[str, str] = {name: ARCHES[name].rust_targets[0].triple for name in rust_arches()}

INSTALL_HINT = "install Debian's rustc-web cargo-web rust-web-src (apt-get install -y rustc-web cargo-web rust-web-src)"

#: Where Debian installs rustc-web and cargo-web; tried before anything on PATH.
_PREFERRED = (Path("/usr/bin/cargo"), Path("/usr/bin/rustc"))

#: Variables of the caller's environment that would change what cargo builds or where.
_SCRUBBED_ENV = (
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTDOCFLAGS",
    "CARGO_ENCODED_RUSTDOCFLAGS",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "RUSTUP_TOOLCHAIN",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_MANIFEST_DIR",
    "CARGO",
    "__CARGO_FIX_PLZ",
)


@dataclass(frozen=True)
class Toolchain:
    """A cargo and rustc pair whose rustc has the standard library's sources."""

    cargo: Path
    rustc: Path
    #: ``rustc --print sysroot``.
    sysroot: Path
    #: ``<sysroot>/lib/rustlib/src/rust/library``.
    library: Path
    #: ``rustc -V``, e.g. ``rustc 1.96.0 (...)``.
    version: str
    #: cargo's (major, minor) version.
    cargo_version: tuple[int, int] = (0, 0)
    #: ``clippy-driver`` of the same release as ``rustc``, if installed (Debian: rust-web-clippy).
    clippy_driver: Path | None = None

    @property
    def vendor(self) -> Path:
        """The crates vendored with the library sources, used in place of crates.io."""
        return self.library / "vendor"


def _run_quiet(args: Sequence[str | os.PathLike[str]]) -> str | None:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    try:
        done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=60, env=env, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _probe(cargo: Path, rustc: Path) -> tuple[Toolchain | None, str]:
    """The toolchain made of ``cargo`` and ``rustc``, or why they do not make one."""
    for tool in (cargo, rustc):
        if not (tool.is_file() and os.access(tool, os.X_OK)):
            return None, f"{tool} not found"
    version = _run_quiet([rustc, "-V"])
    if version is None:
        return None, f"{rustc} -V failed"
    cargo_version = _run_quiet([cargo, "-V"])
    if cargo_version is None:
        return None, f"{cargo} -V failed"
    sysroot = _run_quiet([rustc, "--print", "sysroot"])
    if not sysroot:
        return None, f"{rustc} --print sysroot failed"
    library = Path(sysroot) / "lib" / "rustlib" / "src" / "rust" / "library"
    if not (library / "core" / "Cargo.toml").is_file():
        return None, f"{rustc} ({version}) has no standard library sources at {library}"
    if not (library / "vendor").is_dir():
        return None, f"{rustc} ({version}) has no vendored crates at {library / 'vendor'}"
    return (
        Toolchain(
            cargo=cargo,
            rustc=rustc,
            sysroot=Path(sysroot),
            library=library,
            version=version,
            cargo_version=_release(cargo_version),
            clippy_driver=_clippy_driver(rustc, version),
        ),
        "",
    )


def _release(version_line: str) -> tuple[int, int]:
    """(major, minor) from ``cargo 1.96.0 (...)`` / ``rustc 1.96.0 (...)``."""
    m = re.search(r"\b(\d+)\.(\d+)\.\d+", version_line)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def _clippy_driver(rustc: Path, rustc_version: str) -> Path | None:
    """The clippy-driver beside ``rustc`` if it belongs to the same release (clippy 0.1.N)."""
    driver = rustc.with_name("clippy-driver")
    if not (driver.is_file() and os.access(driver, os.X_OK)):
        return None
    clippy_version = _run_quiet([driver, "-V"]) or ""
    m = re.search(r"clippy 0\.1\.(\d+)", clippy_version)
    return driver if m and int(m.group(1)) == _release(rustc_version)[1] else None


def _candidates() -> list[tuple[Path, Path]]:
    pairs: list[tuple[Path, Path]] = []
    # The variables a CMake build takes as -D options (cmake/sel4_rust_toolchain.cmake), in
    # the same order of candidates: the pair chosen, Debian's, then PATH's.
    cargo_env, rustc_env = os.environ.get("SEL4_RUST_CARGO"), os.environ.get("SEL4_RUST_RUSTC")
    if cargo_env and rustc_env:
        pairs.append((Path(cargo_env), Path(rustc_env)))
    pairs.append(_PREFERRED)
    cargo_path, rustc_path = shutil.which("cargo"), shutil.which("rustc")
    if cargo_path and rustc_path:
        pair = (Path(cargo_path), Path(rustc_path))
        if pair not in pairs:
            pairs.append(pair)
    return pairs


@functools.cache
def find_toolchain() -> tuple[Toolchain | None, str]:
    """Find a cargo+rustc pair able to build ``core`` for bare-metal targets.

    Returns ``(toolchain, "")``, or ``(None, reason)`` where ``reason`` says what is missing
    and how to install it (suitable for ``pytest.skip``). Tried in order: the pair named by
    ``SEL4_RUST_CARGO``/``SEL4_RUST_RUSTC`` (as a CMake build's options), Debian's ``/usr/bin/cargo`` and
    ``/usr/bin/rustc``, then ``cargo``/``rustc`` on ``PATH`` (rustup's proxies there usually
    lack the library sources).
    """
    problems: list[str] = []
    for cargo, rustc in _candidates():
        toolchain, problem = _probe(cargo, rustc)
        if toolchain is not None:
            return toolchain, ""
        problems.append(problem)
    return None, ("no Rust toolchain that can build core for bare-metal targets (" + "; ".join(problems) + f"): {INSTALL_HINT}")


def rust_target(target: str) -> str:
    """The Rust target triple for an seL4 architecture name; triples are returned unchanged."""
    return RUST_TARGETS.get(target, target)


def default_target_dir(target: str) -> Path:
    """The cargo target directory shared by all compiles for ``target``.

    ``$SEL4_RUSTBUILD_DIR/<triple>`` if that variable is set, otherwise
    ``<temp dir>/sel4-rustbuild-<uid>/<triple>``; it outlives the test run so that ``core``
    is compiled once per machine and target.
    """
    base = os.environ.get("SEL4_RUSTBUILD_DIR")
    if base:
        root = Path(base)
    else:
        uid = os.getuid() if hasattr(os, "getuid") else 0
        root = Path(tempfile.gettempdir()) / f"sel4-rustbuild-{uid}"
    return root / rust_target(target)


#: The targets of the architecture table Rust does not have built in, by triple.
_CUSTOM_TARGETS = {t.triple: t for name in rust_arches() for t in ARCHES[name].rust_targets if not t.builtin}


def target_arg(toolchain: Toolchain, triple: str, target_dir: Path) -> str:
    """What ``--target`` takes for ``triple``: the triple, or for a target Rust does not have
    built in the specification file, written under ``target_dir`` as the CMake build does."""
    custom = _CUSTOM_TARGETS.get(triple)
    if custom is None:
        return triple
    out = target_dir / "targets" / f"{triple}.json"
    try:
        return str(sel4_rust_core.write_target_spec(toolchain.rustc, custom.base, custom.spec, out))
    except sel4_rust_core.CoreError as e:
        raise RuntimeError(str(e)) from None


def sysroot_for(toolchain: Toolchain, triple: str) -> Path:
    """core/alloc for ``triple`` from the core cache the CMake builds share, built first if
    it lacks them (raises ``RuntimeError`` with the build's error)."""
    req = sel4_rust_core.Request(toolchain.rustc, toolchain.cargo, triple, sel4_rust_core.default_cache().absolute())
    try:
        return sel4_rust_core.ensure(req)
    except sel4_rust_core.CoreError as e:
        raise RuntimeError(str(e)) from None


def _write_if_changed(path: Path, text: str, mode: int | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        tmp = path.with_name(path.name + f".tmp{os.getpid()}")
        tmp.write_text(text)
        if mode is not None:
            tmp.chmod(mode)
        tmp.replace(path)


def _cargo_home(toolchain: Toolchain, target_dir: Path) -> Path:
    """A private CARGO_HOME whose config replaces crates.io with the vendored crates."""
    home = target_dir / "rustbuild" / "cargo-home"
    config = (
        "# Written by tests/rustbuild.py: build offline from the crates vendored with rust-src.\n"
        "[source.crates-io]\n"
        'replace-with = "vendored-sources"\n'
        "\n"
        "[source.vendored-sources]\n"
        f"directory = {sel4_rust_core.toml_string(toolchain.vendor)}\n"
        "\n"
        "[net]\n"
        "offline = true\n"
        "\n"
        "[term]\n"
        'color = "never"\n'
    )
    _write_if_changed(home / "config.toml", config)
    return home


def _wrapper(target_dir: Path, rustflags: Sequence[str], driver: Path | None) -> Path | None:
    """A ``RUSTC_WORKSPACE_WRAPPER`` that appends ``rustflags`` to rustc's arguments.

    With ``driver`` (clippy-driver), the workspace members are compiled by it instead, so that
    clippy's lints run too (clippy-driver takes rustc's path as its first argument, as cargo
    passes it to a wrapper). Its path holds a hash of the flags and driver: cargo fingerprints
    the wrapper's path, so a change recompiles the workspace members (and only them).
    """
    if not rustflags and driver is None:
        return None
    flags = [str(f) for f in rustflags]
    digest = hashlib.sha256("\0".join([str(driver or ""), *flags]).encode()).hexdigest()[:16]
    path = target_dir / "rustbuild" / "wrappers" / digest / "rustc-wrapper"
    run = f"exec {shlex.quote(str(driver))} " if driver is not None else "exec "
    script = (
        "#!/bin/sh\n"
        '# Written by tests/rustbuild.py: run rustc ("$@") with these extra flags.\n'
        + run
        + '"$@" '
        + " ".join(shlex.quote(f) for f in flags)
        + "\n"
    )
    _write_if_changed(path, script, 0o755)
    return path


def cmake_rustflags(gen: Path) -> list[str]:
    """The flags the CMake integration passes every crate in RUSTFLAGS for the configuration
    whose generated files are in ``gen``: its cfg.rustflags, and the TLS model of a root
    server (laid out statically, as C's)."""
    lines = [line.strip() for line in (gen / "cfg.rustflags").read_text().splitlines() if line.strip()]
    return [*lines, "-Ztls-model=local-exec"]


def check_crate(
    toolchain: Toolchain,
    manifest_dir: str | os.PathLike[str],
    target: str,
    target_dir: str | os.PathLike[str] | None,
    env: Mapping[str, str] | None = None,
    rustflags: Sequence[str] = (),
    build: bool = False,
    *,
    all_rustflags: Sequence[str] = (),
    features: Sequence[str] = (),
    cargo_args: Sequence[str] = (),
    clippy: bool = False,
    doc: bool = False,
    timeout: float = 1800,
) -> subprocess.CompletedProcess[str]:
    """Run ``cargo check`` (or ``cargo build`` if ``build``) on one crate for a bare-metal target.

    * ``manifest_dir``: the directory of the crate's ``Cargo.toml``.
    * ``target``: an seL4 architecture name from :data:`RUST_TARGETS` or a Rust target triple.
    * ``target_dir``: cargo's target directory; ``None`` for :func:`default_target_dir`. Use one
      per target, shared by all compiles, so that ``core`` is built once.
    * ``env``: extra environment variables (e.g. ``SEL4_SYS_GENERATED_DIR``), applied last.
    * ``rustflags``: extra rustc arguments for the crates being compiled (workspace members),
      e.g. ``["-Dwarnings"]`` or the lines of a ``cfg.rustflags`` file; not applied to ``core``
      or to path dependencies.
    * ``all_rustflags``: extra rustc arguments for every crate cargo compiles (path
      dependencies too; ``core`` is prebuilt), as ``RUSTFLAGS`` gives them.
    * ``features``: cargo features to enable; ``cargo_args``: more arguments for cargo.
    * ``clippy``: compile the workspace members with ``toolchain.clippy_driver`` so that
      clippy's lints run as well (with ``-Dwarnings`` in ``rustflags`` they fail the build).
      Unlike ``cargo clippy`` this works in ``build`` mode, sharing ``core`` with plain builds.
    * ``doc``: run ``cargo doc --no-deps`` instead, with ``rustflags`` given to rustdoc as well
      (``RUSTDOCFLAGS``), so that ``-Dwarnings`` fails on documentation warnings.

    Runs offline (crates.io replaced by the vendored crates, ``CARGO_NET_OFFLINE``), with a
    private ``CARGO_HOME`` under the target directory, and without writing ``Cargo.lock`` into
    the crate: the lock file goes under the target directory too. Returns the finished process
    with ``returncode``, ``stdout`` and ``stderr`` (text); use :func:`describe` for messages.
    Never raises for a failed compile; raises ``subprocess.TimeoutExpired`` on timeout.
    """
    if not isinstance(toolchain, Toolchain):
        raise TypeError(f"check_crate needs a Toolchain, got {toolchain!r}; find_toolchain() returns (toolchain, reason)")
    manifest = Path(manifest_dir).resolve() / "Cargo.toml"
    if not manifest.is_file():
        raise FileNotFoundError(f"no Cargo.toml in {manifest.parent}")
    triple = rust_target(target)
    tdir = (Path(target_dir) if target_dir is not None else default_target_dir(triple)).resolve()
    tdir.mkdir(parents=True, exist_ok=True)

    lock_key = hashlib.sha256(str(manifest).encode()).hexdigest()[:16]
    lockfile = tdir / "rustbuild" / "locks" / lock_key / "Cargo.lock"
    lockfile.parent.mkdir(parents=True, exist_ok=True)

    run_env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    run_env.update(
        {
            "RUSTC": str(toolchain.rustc),
            "RUSTC_BOOTSTRAP": "1",
            "CARGO_NET_OFFLINE": "true",
            "CARGO_HOME": str(_cargo_home(toolchain, tdir)),
            "CARGO_TERM_COLOR": "never",
            "CARGO_INCREMENTAL": "0",
            "PATH": os.pathsep.join([str(toolchain.rustc.parent), run_env.get("PATH", "")]),
        }
    )
    target = target_arg(toolchain, triple, tdir)
    sysroot = f"--sysroot={sysroot_for(toolchain, target)}"
    run_env["CARGO_ENCODED_RUSTFLAGS"] = "\x1f".join([sysroot, *(str(f) for f in all_rustflags)])
    if clippy and toolchain.clippy_driver is None:
        raise RuntimeError(f"no clippy-driver for {toolchain.version} beside {toolchain.rustc}: install Debian's rust-web-clippy")
    wrapper = _wrapper(tdir, rustflags, toolchain.clippy_driver if clippy else None)
    if wrapper is not None:
        run_env["RUSTC_WORKSPACE_WRAPPER"] = str(wrapper)
    if env:
        run_env.update({k: str(v) for k, v in env.items()})

    if doc:
        # rustdoc needs the configuration's cfgs too; the flags hold no white space.
        run_env["RUSTDOCFLAGS"] = " ".join([sysroot, *(str(f) for f in [*all_rustflags, *rustflags])])
    command = [
        str(toolchain.cargo),
        "doc" if doc else "build" if build else "check",
        *(["--no-deps"] if doc else []),
        "--manifest-path",
        str(manifest),
        "--target",
        target,
        *sel4_rust_core.cargo_target_flags(target),
        *sel4_rust_core.lockfile_flags(toolchain.cargo_version, lockfile),
        "--target-dir",
        str(tdir),
        "--message-format=short",
    ]
    if features:
        command += ["--features", ",".join(features)]
    command += [str(a) for a in cargo_args]
    return subprocess.run(
        command,
        cwd=manifest.parent,
        env=run_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def describe(result: subprocess.CompletedProcess[str], limit: int = 12000) -> str:
    """A readable account of a cargo run for assertion messages: command, status, output."""
    args = result.args if isinstance(result.args, (list, tuple)) else [str(result.args)]
    text = "\n".join(
        [
            f"$ {shlex.join(str(a) for a in args)}",
            f"exit status {result.returncode}",
            "--- stdout ---",
            (result.stdout or "").rstrip(),
            "--- stderr ---",
            (result.stderr or "").rstrip(),
        ]
    )
    if len(text) > limit:
        text = text[: limit // 3] + "\n[...]\n" + text[-(2 * limit) // 3 :]
    return text
