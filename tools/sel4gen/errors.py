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
