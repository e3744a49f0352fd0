#!/usr/bin/env python3
"""The linker options that make a C program use libsel4's functions from a Rust staticlib.

    python3 sel4_rust_libsel4.py --nm NM --archive LIB.a --out OPTIONS.rsp

With libsel4 configured ``LibSel4FunctionAttributes=public``, every C file that includes
libsel4's headers carries a weak definition of each libsel4 function. A linker takes an archive
member only for a symbol still undefined when it reads the archive, so the strong definitions
in the Rust staticlib (sel4-sys's ``c-api`` feature) would never be used. The options written
here (a GCC response file, one per line) declare each of the archive's ``seL4_*`` functions
undefined and name the archive, and must come before the program's objects: the linker then
takes the Rust definitions first, and the C files' weak ones are dropped.

Only written when the content changes, so an unchanged library does not relink. An archive
without any ``seL4_*`` function (the crate lacks sel4-sys's ``c-api`` feature) is an error:
the C definitions would otherwise be used without a word.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path


def functions(nm: str, archive: Path) -> list[str]:
    """The global ``seL4_*`` functions ``archive`` defines, sorted."""
    done = subprocess.run([nm, "-g", "--defined-only", str(archive)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{archive}: {nm} failed: {done.stderr.strip()}")
    names = set()
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == "T" and parts[2].startswith("seL4_"):
            names.add(parts[2])
    return sorted(names)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="sel4_rust_libsel4", description=__doc__.split("\n\n")[0])
    ap.add_argument("--nm", required=True)
    ap.add_argument("--archive", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    names = functions(args.nm, args.archive)
    if not names:
        print(
            f"sel4_rust_libsel4: error: {args.archive} defines no libsel4 function: give the crate "
            'sel4-sys with its feature c-api (sel4-sys = { path = "...", features = ["c-api"] })',
            file=sys.stderr,
        )
        return 1
    text = "".join(f"-Wl,--undefined={name}\n" for name in names) + f"{args.archive.absolute()}\n"
    if not args.out.is_file() or args.out.read_text() != text:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
