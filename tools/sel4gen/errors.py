"""The one error type the generator raises for bad input.

Every problem with the user's files is reported as file, line and what to do,
so the command line can print it without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class GenError(Exception):
    """Bad input: names where it is (file and line when known) and what is wrong."""

    message: str
    path: str | Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        return f"{where}{self.message}"


def read_text(path: Path, what: str = "") -> str:
    """The UTF-8 text of an input file, or a GenError naming the file (and the line of a byte
    that is not UTF-8). ``what``: how to pass the right file, for "not found"."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise GenError("file not found" + (f"; {what}" if what else ""), path) from None
    except IsADirectoryError:
        raise GenError("is a directory, not a file" + (f"; {what}" if what else ""), path) from None
    except OSError as exc:
        raise GenError(f"cannot read: {exc.strerror}", path) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GenError(f"not UTF-8 text (byte 0x{data[exc.start]:02x}); is this the right file?", path, line) from None
