"""Which seL4 release the inputs come from, read from the kernel's ``VERSION`` file.

The XML, the bitfield specs and gen_config.json carry over between releases by themselves;
the values libsel4 keeps only in C headers do not (VCPU register numbers, object sizes,
names a release adds or renames). The header tables condition those on the release with
``since("X.Y.Z")``, so the release must be known, not guessed: an unknown one is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import GenError


@dataclass(frozen=True, order=True)
class Release:
    """A kernel release; ``dev`` marks the development line after it (master's
    ``16.0.0-dev``), which orders after the release itself."""

    major: int
    minor: int
    patch: int
    dev: bool = False

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}{'-dev' if self.dev else ''}"

    def at_least(self, other: Release) -> bool:
        return self >= other


#: The releases whose header values the tables (``data/*.toml``) carry, oldest first. The
#: development line after the newest (master) is taken as the newest: the build-time check
#: (``abicheck``) proves it against master's own headers, and fails by name where it differs.
SUPPORTED: tuple[Release, ...] = (
    Release(13, 0, 0),
    Release(14, 0, 0),
    Release(15, 0, 0),
    Release(16, 0, 0),
)
NEWEST = SUPPORTED[-1]
MASTER = Release(NEWEST.major, NEWEST.minor, NEWEST.patch, dev=True)

_RE = re.compile(r"(\d+)\.(\d+)\.(\d+)(-dev)?")


def parse(text: str) -> Release | None:
    """``13.0.0`` or ``16.0.0-dev``; None for anything else."""
    match = _RE.fullmatch(text.strip())
    if match is None:
        return None
    major, minor, patch, dev = match.groups()
    return Release(int(major), int(minor), int(patch), dev is not None)


def supported_text() -> str:
    return f"{', '.join(map(str, SUPPORTED))} and master ({MASTER})"


def check(release: Release, path: Path | None) -> Release:
    """``release`` if the tables know it; otherwise an error naming where it came from."""
    if release in SUPPORTED or release == MASTER:
        return release
    raise GenError(
        f"kernel release {release} is not one whose libsel4 header values the bindings carry "
        f"({supported_text()}); use one of those (scripts/setup-workspace --release)",
        path,
        1 if path is not None else None,
    )


def load(path: Path | None) -> Release:
    """The release of the kernel ``VERSION`` file at ``path``; without one, the newest release
    (the installed libsel4 include trees the command line also takes carry no version)."""
    if path is None:
        return NEWEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GenError("file not found; pass the kernel's VERSION file", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GenError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", path) from None
    release = parse(text)
    if release is None:
        raise GenError(f"expected a release such as 16.0.0 or 16.0.0-dev, found {text.strip()[:40]!r}", path, 1)
    return check(release, path)
