"""Load the kernel and libsel4 configuration (`gen_config.json`) and check it is coherent."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .archinfo import ARCHES, ArchInfo
from .cond import Scope, Value
from .errors import GenError, read_text
from .release import NEWEST, Release

#: An integer as C reads the option's #define: decimal, 0x hexadecimal or 0 octal.
_INT_RE = re.compile(r"^-?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$")
#: Spellings of on/off that are not JSON's true/false: a string or number here is a mistake.
_BOOL_WORDS = frozenset({"true", "false", "on", "off", "yes", "no"})


@dataclass(frozen=True)
class Config:
    """One kernel configuration: option name (without ``CONFIG_``) to value.

    Numbers arrive from CMake as strings; they are converted to ``int`` so that
    tables can do arithmetic on them. ``raw`` keeps what the files said.
    """

    values: Mapping[str, Value]
    raw: Mapping[str, object]
    arch: ArchInfo
    #: The kernel release the files come from (the header tables' `since(...)` conditions).
    release: Release = NEWEST

    @property
    def mcs(self) -> bool:
        return self.values.get("KERNEL_MCS") is True

    @property
    def word_bits(self) -> int:
        return self.arch.word_bits

    def scope(self, symbols: Mapping[str, int] | None = None) -> Scope:
        return Scope(self.values, dict(symbols or {}), self.release)


def _read_json(path: Path) -> dict[str, object]:
    text = read_text(path, "pass the configuration the kernel build wrote")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GenError(f"not valid JSON: {exc.msg}", path, exc.lineno) from None
    if not isinstance(data, dict):
        raise GenError("expected a JSON object of option names to values", path, 1)
    return data


def _line_of(path: Path, key: str) -> int | None:
    try:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if f'"{key}"' in line:
                return number
    except OSError:
        pass
    return None


def _c_int(text: str) -> int:
    sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text)
    if digits[:2] in ("0x", "0X"):
        return sign * int(digits[2:], 16)
    return sign * int(digits, 8 if digits.startswith("0") and len(digits) > 1 else 10)


def _convert(value: object, path: Path, key: str) -> Value:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        raise GenError(
            f"option {key!r} is the number {value!r}; the kernel's gen_config.json writes on/off "
            "options as true/false and every other value as a string",
            path,
            _line_of(path, key),
        )
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in _BOOL_WORDS:
            raise GenError(
                f"option {key!r} is the string {value!r}; write an on/off option as JSON true or false",
                path,
                _line_of(path, key),
            )
        if re.fullmatch(r"-?[0-9][0-9a-zA-Z]*", text) and not _INT_RE.match(text):
            raise GenError(
                f"option {key!r} is {value!r}, which C does not read as a number "
                "(a leading 0 means octal); write it in decimal or 0x hexadecimal",
                path,
                _line_of(path, key),
            )
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
            raise GenError(f"option {key!r} holds a control character", path, _line_of(path, key))
        return _c_int(text) if _INT_RE.match(text) else value
    raise GenError(
        f"option {key!r} has a {type(value).__name__} value; expected true/false or a string",
        path,
        _line_of(path, key),
    )


#: libsel4's option for a thread-local IPC buffer pointer (`__sel4_ipc_buffer`).
THREAD_LOCALS = "LIB_SEL4_USE_THREAD_LOCALS"


def load_config(kernel_json: Path, libsel4_json: Path | None, release: Release = NEWEST) -> Config:
    """Merge the kernel's and libsel4's `gen_config.json` of kernel ``release``; reject
    contradictions."""
    values: dict[str, Value] = {}
    raw: dict[str, object] = {}
    origin: dict[str, Path] = {}
    for path in [p for p in (kernel_json, libsel4_json) if p is not None]:
        for key, value in _read_json(path).items():
            if not (key.isidentifier() and key.isascii()):
                raise GenError(
                    f"option name {key!r} is not a C identifier; is this a kernel gen_config.json?",
                    path,
                    _line_of(path, key),
                )
            converted = _convert(value, path, key)
            if key in values and values[key] != converted:
                raise GenError(
                    f"option {key!r} is {value!r} here but {raw[key]!r} in {origin[key]}; "
                    "both files must come from the same kernel build",
                    path,
                    _line_of(path, key),
                )
            values[key], raw[key], origin[key] = converted, value, path
    if libsel4_json is not None and THREAD_LOCALS not in values:
        # Releases before 15.0.0 have no such option: their libsel4 always makes the IPC
        # buffer pointer thread-local. Absent means on there, not off.
        values[THREAD_LOCALS], raw[THREAD_LOCALS], origin[THREAD_LOCALS] = True, True, libsel4_json
    arch = _check_arch(values, origin, kernel_json)
    return Config(values=values, raw=raw, arch=arch, release=release)


def _check_arch(values: Mapping[str, Value], origin: Mapping[str, Path], fallback: Path) -> ArchInfo:
    def where(key: str) -> tuple[Path, int | None]:
        path = origin.get(key, fallback)
        return path, _line_of(path, key)

    for key in ("SEL4_ARCH", "WORD_SIZE"):
        if key not in values:
            raise GenError(f"option {key!r} is missing; is this a kernel gen_config.json?", fallback)
    sel4_arch = values["SEL4_ARCH"]
    if sel4_arch not in ARCHES:
        raise GenError(
            f"SEL4_ARCH {sel4_arch!r} is not one this generator knows ({', '.join(sorted(ARCHES))})",
            *where("SEL4_ARCH"),
        )
    arch = ARCHES[str(sel4_arch)]
    if values["WORD_SIZE"] != arch.word_bits:
        raise GenError(
            f"WORD_SIZE is {values['WORD_SIZE']!r} but SEL4_ARCH {sel4_arch!r} has {arch.word_bits}-bit words",
            *where("WORD_SIZE"),
        )
    if "ARCH" in values and values["ARCH"] != arch.family:
        raise GenError(
            f"ARCH is {values['ARCH']!r} but SEL4_ARCH {sel4_arch!r} belongs to {arch.family!r}",
            *where("ARCH"),
        )
    for other in ARCHES.values():
        flag = f"ARCH_{other.name.upper()}"
        if values.get(flag) is True and flag not in arch.allowed_flags:
            raise GenError(f"{flag} is on but SEL4_ARCH is {sel4_arch!r}", *where(flag))
    return arch
