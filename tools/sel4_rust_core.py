"""A Rust sysroot (core, alloc, compiler_builtins) per toolchain and target, built once and shared.

Toolchains without a prebuilt standard library for bare-metal targets (Debian's rustc-web) build
it from rust-src. Doing that with cargo's ``-Zbuild-std`` in every build costs half a minute
per build directory (and seL4 users keep one per platform). Instead this builds the libraries
once into a cache, keyed by everything that changes them (rustc and cargo versions, the target
or its JSON specification, the flags), and each build passes ``--sysroot`` to rustc.

    python3 sel4_rust_core.py path  --rustc R --cargo C --target T [--cache DIR] [--rustflag F]...
        Print the sysroot's path (cheap: nothing is built).
    python3 sel4_rust_core.py build --rustc R --cargo C --target T [--cache DIR] [--rustflag F]... [--quiet]
        Build the sysroot unless the cache has it, then print its path (with --quiet, nothing:
        a build tool's output stays its status lines).

    python3 sel4_rust_core.py cargo-flags --rustc R --target T [--cargo C --lockfile L --build-dir D]
        Print, one per line, what cargo needs besides --target to build for T; with
        --lockfile, also what makes cargo keep the workspace's lock file at L (outside the
        sources, which a build then leaves untouched); with --build-dir, what makes cargo keep
        its intermediate files in D (shared by several workspaces: what they have in common
        is compiled once).
    python3 sel4_rust_core.py spec --rustc R --base B --set FIELD=VALUE... --out FILE.json
        Write the specification of a target Rust does not have built in: rustc's own of the
        built-in target B with the fields given changed (tools/sel4gen/archinfo.py lists them).

The cache is DIR, else $SEL4_RUST_CORE_CACHE, else $XDG_CACHE_HOME/sel4-rust/core, else
~/.cache/sel4-rust/core.

Builds of the same sysroot from several build directories at once take turns (a file lock);
a sysroot appears in the cache only when complete. Errors name what failed and exit 1.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: Bump when the way the libraries are built changes, so that old sysroots are not reused.
RECIPE = "1"
#: The libraries a no_std crate (with alloc) links against. alloc is built for programs without
#: a heap too: leaving it out until a build's sources declare `extern crate alloc` saves about
#: 5 s of CPU once per machine (of 35 to 55), but every edit would then wait for a scan of the
#: sources before cargo runs, and a declaration the scan cannot see (written by a build
#: script) would fail the build.
LIBRARIES = "core,alloc,compiler_builtins"
#: The marker a complete sysroot holds; written last.
COMPLETE = "sel4-rust-core.complete"

#: core's profile: that of the project's release builds. Bitcode is embedded so that crates
#: built with LTO can link it; panics abort (no unwinding on seL4).
_CARGO_TOML = """\
# A workspace of its own, wherever the cache is (inside another cargo workspace, too).
[workspace]

[package]
name = "sel4-rust-core-sysroot"
version = "0.0.0"
edition = "2021"

[lib]
path = "lib.rs"

[profile.release]
opt-level = "s"
panic = "abort"
debug = false
debug-assertions = false
overflow-checks = false
lto = false
"""
_LIB_RS = "#![no_std]\nextern crate alloc;\n"


class CoreError(Exception):
    """A failure to report in one line (or a few), without a traceback."""


@dataclass(frozen=True)
class Request:
    rustc: Path
    cargo: Path
    #: A built-in target triple or the path of a target specification (.json).
    target: str
    cache: Path
    rustflags: tuple[str, ...] = ()

    @property
    def target_name(self) -> str:
        """What rustc calls the target in a sysroot: the triple, or the JSON file's stem."""
        return Path(self.target).stem if self.target.endswith(".json") else self.target


def default_cache() -> Path:
    """The cache directory when none is named (see the module's documentation)."""
    if explicit := os.environ.get("SEL4_RUST_CORE_CACHE"):
        return Path(explicit)
    if xdg := os.environ.get("XDG_CACHE_HOME"):
        return Path(xdg) / "sel4-rust" / "core"
    return Path.home() / ".cache" / "sel4-rust" / "core"


def cargo_target_flags(target: str) -> list[str]:
    """What cargo needs besides ``--target`` to build for ``target``: a specification file
    (a target Rust has not built in) is an unstable feature of cargo's."""
    return ["-Zjson-target-spec"] if target.endswith(".json") else []


def lockfile_flags(cargo_version: tuple[int, int], lockfile: Path) -> list[str]:
    """What makes cargo read and write the workspace's lock file at ``lockfile`` instead of
    beside the workspace's Cargo.toml: ``resolver.lockfile-path``, stable from cargo 1.97 on
    and unstable (``-Zlockfile-path``, with RUSTC_BOOTSTRAP=1) before."""
    unstable = ["-Zlockfile-path"] if cargo_version < (1, 97) else []
    return [*unstable, "--config", f"resolver.lockfile-path={toml_string(lockfile)}"]


def build_dir_flags(cargo_version: tuple[int, int], build_dir: Path) -> list[str]:
    """What makes cargo keep its intermediate files (dependencies, fingerprints) in
    ``build_dir`` while the final artifacts stay in the target directory: ``build.build-dir``,
    stable from cargo 1.91 on and unstable (``-Zbuild-dir``) before. Workspaces that share it
    share the crates they build alike; cargo locks it while it builds."""
    unstable = ["-Zbuild-dir"] if cargo_version < (1, 91) else []
    return [*unstable, "--config", f"build.build-dir={toml_string(build_dir)}"]


def toml_string(value: str | os.PathLike[str]) -> str:
    """``value`` (a path, say) as a TOML basic string, for cargo's configuration files and
    ``--config KEY=VALUE``."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def cargo_release(cargo: Path) -> tuple[int, int]:
    """The (major, minor) release of ``cargo`` from ``cargo -V``."""
    text = _output([cargo, "-V"])
    match = re.match(r"cargo (\d+)\.(\d+)", text)
    if match is None:
        raise CoreError(f"{cargo} -V printed {text.strip()!r}, not a cargo version")
    return int(match[1]), int(match[2])


def _output(args: Sequence[str | os.PathLike[str]]) -> str:
    try:
        done = subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False, timeout=60)
    except OSError as e:
        raise CoreError(f"cannot run {args[0]}: {e.strerror}") from None
    if done.returncode != 0:
        raise CoreError(f"{' '.join(str(a) for a in args)} failed: {done.stderr.strip()}")
    return done.stdout


def sysroot_path(req: Request) -> Path:
    """Where the sysroot for ``req`` lives in the cache (whether it is built yet or not)."""
    h = hashlib.sha256()
    parts = [RECIPE, _output([req.rustc, "-vV"]), _output([req.cargo, "-V"]), req.target_name, *req.rustflags]
    # A specification is keyed by its name and contents, not its path: each build directory
    # writes its own copy, and rustc accepts libraries built for a specification at another
    # path when the contents are the same.
    if req.target.endswith(".json"):
        try:
            parts.append(Path(req.target).read_text())
        except OSError as e:
            raise CoreError(f"{req.target}: cannot read the target specification: {e.strerror}") from None
    for part in parts:
        h.update(part.encode() + b"\0")
    return req.cache / f"{req.target_name}-{h.hexdigest()[:16]}"


def _library_sources(rustc: Path) -> Path:
    library = Path(_output([rustc, "--print", "sysroot"]).strip()) / "lib" / "rustlib" / "src" / "rust" / "library"
    if not (library / "core" / "Cargo.toml").is_file():
        raise CoreError(f"{rustc} has no standard library sources at {library}: install rust-src (Debian: rust-web-src)")
    return library


def _cargo_home(home: Path, vendor: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    # The libraries' dependencies come from the crates vendored with rust-src: nothing is
    # downloaded.
    config = "[net]\noffline = true\n"
    if vendor.is_dir():
        config += f'[source.crates-io]\nreplace-with = "vendored"\n[source.vendored]\ndirectory = {toml_string(vendor)}\n'
    (home / "config.toml").write_text(config)


#: How long the build with rustc's parallel front end may take before it is given up for one
#: without (a hang there must not stop the build): many times what core takes on a slow machine.
PARALLEL_TIMEOUT_S = 1200


def _front_end_threads() -> int:
    """Threads for rustc's front end, one per CPU this process may use (at most 8): core's
    type checking is most of its build and runs on one thread otherwise (a fifth less wall
    time on two CPUs)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return min(cpus, 8)


def _run_cargo(command: Sequence[str], env: dict[str, str], timeout: float | None) -> tuple[int, str]:
    """(exit status, stderr) of ``command``; on timeout the whole process group (cargo and its
    rustc processes) is killed and the status is -1."""
    with subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as proc:
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.communicate()
            return -1, f"no result after {timeout:.0f} s"
        return proc.returncode, err


def _build_into(req: Request, dest: Path, work: Path) -> None:
    library = _library_sources(req.rustc)
    crate = work / "crate"
    crate.mkdir()
    (crate / "Cargo.toml").write_text(_CARGO_TOML)
    (crate / "lib.rs").write_text(_LIB_RS)
    _cargo_home(work / "cargo-home", library / "vendor")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARGO_", "RUSTC_", "RUSTFLAGS", "RUSTDOCFLAGS"))}
    env.update(
        {
            "CARGO_HOME": str(work / "cargo-home"),
            "RUSTC": str(req.rustc),
            "RUSTC_BOOTSTRAP": "1",
        }
    )
    target = str(Path(req.target).resolve()) if req.target.endswith(".json") else req.target
    command = [
        str(req.cargo), "build", "--release", "--offline", "--quiet",
        "--manifest-path", str(crate / "Cargo.toml"),
        "--target", target,
        "--target-dir", str(work / "target"),
        f"-Zbuild-std={LIBRARIES}", "-Zbuild-std-features=compiler-builtins-mem",
        *cargo_target_flags(req.target),
    ]  # fmt: skip
    # The parallel front end is unstable: should it fail or hang, the build runs again without.
    # Either way the libraries are the same (the thread count is not part of what rustc hashes).
    threads = _front_end_threads()
    attempts: list[tuple[list[str], float | None]] = [([], None)]
    if threads > 1:
        attempts.insert(0, ([f"-Zthreads={threads}"], PARALLEL_TIMEOUT_S))
    for extra, timeout in attempts:
        shutil.rmtree(work / "target", ignore_errors=True)
        env["CARGO_ENCODED_RUSTFLAGS"] = "\x1f".join(["-Cembed-bitcode=yes", *extra, *req.rustflags])
        status, err = _run_cargo(command, env, timeout)
        if status == 0:
            break
    else:
        raise CoreError(f"building core for {req.target} failed:\n$ {' '.join(command)}\n{err.strip()}")
    deps = work / "target" / req.target_name / "release" / "deps"
    libdir = dest / "lib" / "rustlib" / req.target_name / "lib"
    libdir.mkdir(parents=True)
    rlibs = [p for p in deps.glob("lib*.rlib") if not p.name.startswith("libsel4_rust_core_sysroot")]
    if not any(p.name.startswith("libcore-") for p in rlibs):
        raise CoreError(f"building core for {req.target}: cargo succeeded but left no libcore in {deps}")
    for rlib in rlibs:
        shutil.copy2(rlib, libdir / rlib.name)


def ensure(req: Request) -> Path:
    """The sysroot for ``req``, built first if the cache does not have it."""
    path = sysroot_path(req)
    if (path / COMPLETE).is_file():
        return path
    req.cache.mkdir(parents=True, exist_ok=True)
    with open(req.cache / f".{path.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (path / COMPLETE).is_file():
            return path  # another build made it while this one waited
        print(f"Building core and alloc for {req.target_name} once, into {path}", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix=f".{path.name}.", dir=req.cache) as tmp:
            staged = Path(tmp) / "sysroot"
            staged.mkdir()
            _build_into(req, staged, Path(tmp))
            (staged / COMPLETE).write_text("".join(f"{p}\n" for p in (req.target, *req.rustflags)))
            shutil.rmtree(path, ignore_errors=True)  # an incomplete one from an interrupted run
            staged.rename(path)
    return path


def write_target_spec(rustc: Path, base: str, fields: Sequence[tuple[str, str]], out: Path) -> Path:
    """Write ``out``, the specification of ``base`` as this rustc has it with ``fields`` changed;
    the file is rewritten only when its content changes (cargo fingerprints it)."""
    env = {**os.environ, "RUSTC_BOOTSTRAP": "1"}
    try:
        done = subprocess.run(
            [str(rustc), "-Zunstable-options", "--print", "target-spec-json", "--target", base],
            capture_output=True, text=True, check=False, env=env, timeout=60,
        )  # fmt: skip
    except OSError as e:
        raise CoreError(f"cannot run {rustc}: {e.strerror}") from None
    if done.returncode != 0:
        raise CoreError(f"{rustc} cannot print the specification of {base}: {done.stderr.strip()}")
    spec = json.loads(done.stdout)
    spec.pop("metadata", None)  # describes the built-in target, not this one
    for name, value in fields:
        if name not in spec:
            raise CoreError(f"{rustc}'s specification of {base} has no field {name!r} to change")
        spec[name] = value
    text = json.dumps(spec, indent=2, sort_keys=True) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.is_file() or out.read_text() != text:
        # Renamed into place: a build reading the file meanwhile sees the old or the new one.
        staged = out.with_name(f".{out.name}.{os.getpid()}")
        staged.write_text(text)
        staged.replace(out)
    return out


def _field(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"{text!r}: expected FIELD=VALUE")
    return name, value


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="sel4_rust_core", description=__doc__.split("\n\n")[0])
    ap.add_argument("action", choices=("path", "build", "spec", "cargo-flags"))
    ap.add_argument("--rustc", type=Path, required=True)
    ap.add_argument("--cargo", type=Path)
    ap.add_argument("--target")
    ap.add_argument("--base", help="with spec: the built-in target the specification starts from")
    ap.add_argument("--set", type=_field, action="append", default=[], help="with spec: FIELD=VALUE (repeatable)")
    ap.add_argument("--out", type=Path, help="with spec: the .json file to write")
    ap.add_argument("--cache", type=Path, default=None, help="the cache directory (default: see above)")
    ap.add_argument("--rustflag", action="append", default=[], help="a rustc flag for the libraries (repeatable)")
    ap.add_argument("--lockfile", type=Path, help="with cargo-flags: where cargo keeps the lock file")
    ap.add_argument("--build-dir", type=Path, help="with cargo-flags: where cargo keeps intermediate files")
    ap.add_argument("--quiet", action="store_true", help="print nothing on success (what a build tool runs)")
    args = ap.parse_args(argv)
    if args.action == "spec":
        if not args.base or not args.out:
            ap.error("spec needs --base and --out")
        try:
            print(write_target_spec(args.rustc, args.base, args.set, args.out))
        except CoreError as e:
            print(f"sel4_rust_core: error: {e}", file=sys.stderr)
            return 1
        return 0
    if args.action == "cargo-flags":
        if args.target is None:
            ap.error("cargo-flags needs --target")
        flags = cargo_target_flags(args.target)
        if args.lockfile is not None or args.build_dir is not None:
            if args.cargo is None:
                ap.error("cargo-flags --lockfile and --build-dir need --cargo")
            try:
                release = cargo_release(args.cargo)
            except CoreError as e:
                print(f"sel4_rust_core: error: {e}", file=sys.stderr)
                return 1
            if args.lockfile is not None:
                flags += lockfile_flags(release, args.lockfile.absolute())
            if args.build_dir is not None:
                flags += build_dir_flags(release, args.build_dir.absolute())
        print("".join(f"{flag}\n" for flag in flags), end="")
        return 0
    if args.cargo is None or args.target is None:
        ap.error(f"{args.action} needs --cargo and --target")
    cache = args.cache if args.cache is not None else default_cache()
    req = Request(args.rustc, args.cargo, args.target, cache.absolute(), tuple(args.rustflag))
    try:
        path = ensure(req) if args.action == "build" else sysroot_path(req)
    except CoreError as e:
        print(f"sel4_rust_core: error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"sel4_rust_core: error: {e.filename or ''}: {e.strerror}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
