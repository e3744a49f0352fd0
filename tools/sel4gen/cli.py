"""Command line: `sel4gen --libsel4-include DIR --out DIR` (or each input file by its own option)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import GenError
from .inputs import LAYOUT, option_flag, resolve


def _out_dir(text: str) -> Path:
    # Path("") is ".": an empty --out (an unset variable in a script) would write here.
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; name the directory for the outputs")
    return Path(text)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sel4gen",
        description="Generate Rust bindings for one seL4 kernel configuration from the "
        "same interface files libsel4's C is made from.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument(
        "--out", type=_out_dir, required=True,
        help="output directory (bindings.rs, cfg.rustflags, contract.json, manifest.json)",
    )
    p.add_argument(
        "--libsel4-include",
        type=Path,
        help="an installed libsel4 include directory (the layout `ninja install` of the kernel writes)",
    )
    files = p.add_argument_group("single files (each overrides its place under --libsel4-include)")
    for key, rel in LAYOUT.items():
        files.add_argument(option_flag(key), dest=key, type=Path, metavar="FILE", help=rel)
    p.add_argument(
        "--kernel-version", type=Path, metavar="FILE",
        help="the kernel's VERSION file: the release whose header values to use "
        "(default: the newest supported)",
    )
    p.add_argument("--print-cfg", action="store_true", help="also print the rustc --cfg flags, one per line")
    p.add_argument(
        "--cfg-only",
        action="store_true",
        help="write only cfg.rustflags and contract.json; needs neither .pbf file (for use at configure time)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    return p


def _given(args: argparse.Namespace) -> list[Path]:
    """The input paths named on the command line."""
    keys = ("libsel4_include", *LAYOUT, "kernel_version")
    return [p for p in (getattr(args, k, None) for k in keys) if p is not None]


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Imported here so that `--help` works even if jinja2 is missing.
    try:
        from .generate import cfg_only, generate
        from .inputs import PBF_KEYS
    except ImportError as exc:
        print(f"sel4gen: error: {exc}; install the tools package (pip install ./tools) or jinja2", file=sys.stderr)
        return 2
    try:
        optional = PBF_KEYS if args.cfg_only else ()
        inputs = resolve(args.libsel4_include, {key: getattr(args, key) for key in (*LAYOUT, "kernel_version")}, optional)
        written = (cfg_only if args.cfg_only else generate)(inputs, args.out)
    except GenError as exc:
        print(f"sel4gen: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the one place that turns a bug into a message
        read = ", ".join(str(p) for p in _given(args))
        print(
            f"sel4gen: internal error ({type(exc).__name__}: {exc}) while generating from {read}; "
            "this is a bug in sel4gen: please report it with these inputs",
            file=sys.stderr,
        )
        return 2
    if args.print_cfg:
        print((args.out / "cfg.rustflags").read_text(), end="")
    if not args.quiet:
        state = f"{len(written)} file(s) updated" if written else "up to date"
        print(f"sel4gen: {args.out}: {state}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
