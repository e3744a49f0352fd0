"""The part of libsel4's ABI that exists only in its C headers, read from data tables.

The interface XML and bitfield specs do not carry constants (`seL4_PageBits`),
enums (`seL4_Error`, fault message-register indices), capability typedefs or the
layout of the bootinfo and IPC buffer structs; libsel4 keeps those in hand-written
headers full of `#ifdef`. We keep the same facts as declarative TOML tables under
``data/`` so that one table serves every kernel configuration, and evaluate their
conditions here for the configuration at hand.

Table format (each file repeats a short version of this at its top):

* optional top-level ``if = "<cond>"``: the whole file applies only when true;
* an ordered array ``[[item]]``; every item has ``kind``, ``name``, and optionally
  ``if`` (condition) and ``doc`` (one line);
* ``kind = "const"``: ``value`` (expression or integer), optional ``type``
  (default ``seL4_Word``);
* ``kind = "enum"``: ``members = [{name, value?, if?}, ...]``, optional ``pad``
  (the argument of ``SEL4_FORCE_LONG_ENUM``) and ``type``; ``name`` may be
  omitted for an enum that C never names with a typedef;
* ``kind = "typedef"``: ``type``;
* ``kind = "struct"``: ``fields = [{name, type, len?, if?}, ...]``, optional
  ``align`` (expression).

Conditions and values use :mod:`sel4gen.cond` syntax. Names resolve against
everything defined earlier (in this file or an earlier one) plus ``known``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cond import ExprError, Scope, evaluate_bool, evaluate_int
from .config import Config
from .errors import GenError

DATA_DIR = Path(__file__).parent / "data"

#: Load order. It follows the order in which ``<sel4/sel4.h>`` pulls in the headers
#: closely enough that every table only refers to names defined before it: the
#: word-size-specific constants come first because the architecture's object
#: types, the bootinfo layout and the platform's address-space limits build on them.
TABLE_FILES: tuple[str, ...] = (
    "common.toml",
    "sel4_arch_aarch64.toml",
    "sel4_arch_aarch32.toml",
    "sel4_arch_riscv64.toml",
    "sel4_arch_riscv32.toml",
    "sel4_arch_x86_64.toml",
    "sel4_arch_ia32.toml",
    "arch_arm.toml",
    "arch_riscv.toml",
    "arch_x86.toml",
    "bootinfo.toml",
    "plat.toml",
    "deprecated.toml",
)

#: Types the Rust template defines itself; tables may use them but never define them.
PRIMITIVE_TYPES: frozenset[str] = frozenset(
    {
        "seL4_Int8", "seL4_Int16", "seL4_Int32", "seL4_Int64",
        "seL4_Uint8", "seL4_Uint16", "seL4_Uint32", "seL4_Uint64",
        "seL4_Word", "seL4_CPtr", "seL4_Bool", "seL4_MessageInfo_t",
        "seL4_CapRights_t", "seL4_CNode_CapData_t", "seL4_Fault_t",
        "seL4_UserContext", "seL4_Time", "isize",
    }
)

_FIXED_RANGES: dict[str, tuple[int, int]] = {
    **{f"seL4_Uint{b}": (0, (1 << b) - 1) for b in (8, 16, 32, 64)},
    **{f"seL4_Int{b}": (-(1 << (b - 1)), (1 << (b - 1)) - 1) for b in (8, 16, 32, 64)},
    "seL4_Bool": (-128, 127),
}


@dataclass(frozen=True)
class Constant:
    name: str
    value: int
    ctype: str
    doc: str | None = None


@dataclass(frozen=True)
class EnumMember:
    name: str
    value: int


@dataclass(frozen=True)
class Enum:
    name: str | None
    ctype: str
    members: tuple[EnumMember, ...]
    pad: str | None
    doc: str | None = None


@dataclass(frozen=True)
class Typedef:
    name: str
    ctype: str
    doc: str | None = None


@dataclass(frozen=True)
class StructField:
    name: str
    ctype: str
    length: int | None


@dataclass(frozen=True)
class Struct:
    name: str
    fields: tuple[StructField, ...]
    align: int | None
    doc: str | None = None


Item = Constant | Enum | Typedef | Struct


def pad_name(pad: str) -> str:
    """The enumerator ``SEL4_FORCE_LONG_ENUM(pad)`` expands to."""
    return f"_enum_pad_{pad}"


@dataclass(frozen=True)
class Abi:
    """The tables evaluated for one configuration, items in definition order."""

    items: tuple[Item, ...]
    #: Word size of the configuration; the enum pad value depends on it.
    word_bits: int

    def values(self) -> dict[str, int]:
        """Every constant, enum member and enum pad (as ``_enum_pad_<pad>``) by name."""
        out: dict[str, int] = {}
        for item in self.items:
            if isinstance(item, Constant):
                out[item.name] = item.value
            elif isinstance(item, Enum):
                for member in item.members:
                    out[member.name] = member.value
                if item.pad is not None:
                    out[pad_name(item.pad)] = pad_value(self.word_bits)
        return out

    def types(self) -> dict[str, Enum | Typedef | Struct]:
        """Every named type the tables define, by name."""
        return {
            item.name: item
            for item in self.items
            if not isinstance(item, Constant) and item.name is not None
        }


def pad_value(word_bits: int) -> int:
    # `long` is one word on every seL4 ABI (LP64 and ILP32), so the pad is the
    # largest signed word: it forces the enum to be word-sized.
    return (1 << (word_bits - 1)) - 1


def load_abi(config: Config, known: Mapping[str, int] = {}) -> Abi:  # noqa: B006 - never mutated
    """Evaluate every table in :data:`TABLE_FILES` for ``config``."""
    return load_tables([DATA_DIR / name for name in TABLE_FILES], config, known)


def load_tables(paths: list[Path], config: Config, known: Mapping[str, int] = {}) -> Abi:  # noqa: B006
    """Evaluate the given tables in order; exposed separately so tests can use small ones."""
    loader = _Loader(config, known)
    for path in paths:
        loader.load_file(path)
    return Abi(items=tuple(loader.items), word_bits=config.arch.word_bits)


# ---------------------------------------------------------------------------


_NAME_RE = re.compile(r"""\bname\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_TOML_LINE_RE = re.compile(r"at line (\d+)")


class _Lines:
    """Finds the line of the n-th ``name = "X"`` in a file, to point errors at it.

    tomllib drops positions, so we search the text. Entries are visited in document
    order, so counting how many entries called X we have seen picks the right one
    when the same name appears under different conditions.
    """

    def __init__(self, text: str) -> None:
        self._where: dict[str, list[int]] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            for match in _NAME_RE.finditer(line):
                name = match.group(1) if match.group(1) is not None else match.group(2)
                self._where.setdefault(name, []).append(number)
        self._seen: dict[str, int] = {}

    def next(self, name: object) -> int | None:
        if not isinstance(name, str):
            return None
        index = self._seen.get(name, 0)
        self._seen[name] = index + 1
        lines = self._where.get(name, [])
        if index < len(lines):
            return lines[index]
        return lines[-1] if lines else None


class _Loader:
    def __init__(self, config: Config, known: Mapping[str, int]) -> None:
        self.config = config
        self.word_bits = config.arch.word_bits
        self.known = dict(known)
        # One dict shared with the scope, so each definition is visible to the next.
        self.symbols: dict[str, int] = dict(known)
        self.scope = Scope(config.values, self.symbols, config.release)
        self.items: list[Item] = []
        self.value_origin: dict[str, str] = {}
        self.type_origin: dict[str, str] = {}

    # -- files ---------------------------------------------------------------

    def load_file(self, path: Path) -> None:
        try:
            text = path.read_text()
        except OSError as exc:
            raise GenError(f"cannot read ABI table: {exc.strerror}", path) from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = _TOML_LINE_RE.search(str(exc))
            raise GenError(f"not valid TOML: {exc}", path, int(match.group(1)) if match else None) from None
        lines = _Lines(text)
        _check_keys(data, {"if", "item"}, "top level", path, None)
        if "if" in data and not self._cond(data["if"], path, 1, "file condition"):
            return
        items = data.get("item", [])
        if not isinstance(items, list):
            raise GenError("`item` must be an array of tables ([[item]])", path)
        for raw in items:
            if not isinstance(raw, dict):
                raise GenError("each `item` must be a table", path)
            self._load_item(raw, path, lines)

    # -- items ---------------------------------------------------------------

    def _load_item(self, raw: dict[str, Any], path: Path, lines: _Lines) -> None:
        kind = raw.get("kind")
        name = raw.get("name")
        line = lines.next(name)
        what = f"{kind} {name!r}" if name is not None else f"unnamed {kind}"
        allowed = {
            "const": {"kind", "name", "if", "doc", "value", "type"},
            "enum": {"kind", "name", "if", "doc", "members", "pad", "type"},
            "typedef": {"kind", "name", "if", "doc", "type"},
            "struct": {"kind", "name", "if", "doc", "fields", "align"},
        }
        if kind not in allowed:
            raise GenError(f"item {name!r} has kind {kind!r}; expected one of {', '.join(allowed)}", path, line)
        _check_keys(raw, allowed[kind], what, path, line)
        if name is None and kind != "enum":
            raise GenError(f"a {kind} item needs a `name`", path, line)
        if name is not None and not (isinstance(name, str) and name.isidentifier()):
            raise GenError(f"{what}: name must be a C identifier", path, line)
        doc = raw.get("doc")
        if doc is not None and not isinstance(doc, str):
            raise GenError(f"{what}: doc must be a string", path, line)
        active = "if" not in raw or self._cond(raw["if"], path, line, what)
        if kind == "enum":
            # Members are visited even when inactive so their line numbers stay in step.
            self._load_enum(raw, name, doc, active, path, line, lines, what)
            return
        if kind == "struct":
            self._load_struct(raw, name, doc, active, path, line, lines, what)
            return
        if not active:
            return
        if kind == "const":
            ctype = self._type(raw.get("type", "seL4_Word"), path, line, what)
            if "value" not in raw:
                raise GenError(f"{what} needs a `value`", path, line)
            value = self._int(raw["value"], path, line, what)
            self._check_range(value, ctype, path, line, what)
            self._define_value(name, value, path, line)
            self.items.append(Constant(name, value, ctype, doc))
        else:
            if "type" not in raw:
                raise GenError(f"{what} needs a `type`", path, line)
            ctype = self._type(raw["type"], path, line, what)
            self._define_type(name, path, line)
            self.items.append(Typedef(name, ctype, doc))

    def _load_enum(
        self, raw: dict[str, Any], name: str | None, doc: str | None, active: bool,
        path: Path, line: int | None, lines: _Lines, what: str,
    ) -> None:
        members_raw = raw.get("members")
        if not isinstance(members_raw, list) or not members_raw:
            raise GenError(f"{what} needs a non-empty `members` array", path, line)
        members: list[EnumMember] = []
        member_lines: list[int | None] = []
        next_value = 0
        for entry in members_raw:
            if not isinstance(entry, dict):
                raise GenError(f"{what}: each member must be a table {{name = ...}}", path, line)
            mname = entry.get("name")
            mline = lines.next(mname)
            mwhat = f"enum member {mname!r}"
            _check_keys(entry, {"name", "value", "if"}, mwhat, path, mline)
            if not (isinstance(mname, str) and mname.isidentifier()):
                raise GenError(f"{what}: member name must be a C identifier", path, mline or line)
            if not active:
                continue
            # An #ifdef'd-out enumerator neither exists nor advances the implicit counter.
            if "if" in entry and not self._cond(entry["if"], path, mline, mwhat):
                continue
            value = self._int(entry["value"], path, mline, mwhat) if "value" in entry else next_value
            self._define_value(mname, value, path, mline)
            members.append(EnumMember(mname, value))
            member_lines.append(mline)
            next_value = value + 1
        if not active:
            return
        if not members:
            raise GenError(f"{what} has no members in this configuration; give it an `if`", path, line)
        pad = raw.get("pad")
        if pad is not None:
            if not (isinstance(pad, str) and pad.isidentifier()):
                raise GenError(f"{what}: pad must be the identifier given to SEL4_FORCE_LONG_ENUM", path, line)
            self._define_value(pad_name(pad), pad_value(self.word_bits), path, line)
        negative = any(m.value < 0 for m in members)
        if "type" in raw:
            ctype = self._type(raw["type"], path, line, what)
        elif pad is None and name is not None:
            # A C enum type without SEL4_FORCE_LONG_ENUM is int-sized (GCC: unsigned int
            # unless a member is negative); Rust must match it where it crosses into C.
            ctype = "seL4_Int32" if negative else "seL4_Uint32"
        else:
            ctype = "isize" if negative else "seL4_Word"
        for member, mline in zip(members, member_lines, strict=True):
            self._check_range(member.value, ctype, path, mline, f"enum member {member.name!r}")
        if name is not None:
            self._define_type(name, path, line)
        self.items.append(Enum(name, ctype, tuple(members), pad, doc))

    def _load_struct(
        self, raw: dict[str, Any], name: str, doc: str | None, active: bool,
        path: Path, line: int | None, lines: _Lines, what: str,
    ) -> None:
        fields_raw = raw.get("fields")
        if not isinstance(fields_raw, list) or not fields_raw:
            raise GenError(f"{what} needs a non-empty `fields` array", path, line)
        fields: list[StructField] = []
        seen: set[str] = set()
        for entry in fields_raw:
            if not isinstance(entry, dict):
                raise GenError(f"{what}: each field must be a table {{name = ..., type = ...}}", path, line)
            fname = entry.get("name")
            fline = lines.next(fname)
            fwhat = f"field {fname!r} of {name}"
            _check_keys(entry, {"name", "type", "len", "if"}, fwhat, path, fline)
            if not (isinstance(fname, str) and fname.isidentifier()):
                raise GenError(f"{what}: field name must be a C identifier", path, fline or line)
            if not active or ("if" in entry and not self._cond(entry["if"], path, fline, fwhat)):
                continue
            if "type" not in entry:
                raise GenError(f"{fwhat} needs a `type`", path, fline)
            ctype = self._type(entry["type"], path, fline, fwhat)
            length = None
            if "len" in entry:
                length = self._int(entry["len"], path, fline, fwhat)
                if length <= 0:
                    raise GenError(f"{fwhat}: array length is {length}; C needs at least 1", path, fline)
            if fname in seen:
                raise GenError(f"{fwhat} is defined twice", path, fline)
            seen.add(fname)
            fields.append(StructField(fname, ctype, length))
        if not active:
            return
        align = None
        if "align" in raw:
            align = self._int(raw["align"], path, line, what)
            if align <= 0 or align & (align - 1):
                raise GenError(f"{what}: alignment {align} is not a power of two", path, line)
        self._define_type(name, path, line)
        self.items.append(Struct(name, tuple(fields), align, doc))

    # -- helpers -------------------------------------------------------------

    def _cond(self, text: object, path: Path, line: int | None, what: str) -> bool:
        if isinstance(text, bool):
            return text
        if not isinstance(text, str):
            raise GenError(f"{what}: `if` must be a string expression", path, line)
        try:
            return evaluate_bool(_one_line(text), self.scope)
        except ExprError as exc:
            raise GenError(f"{what}: {exc}", path, line) from None

    def _int(self, value: object, path: Path, line: int | None, what: str) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if not isinstance(value, str):
            raise GenError(f"{what}: expected an integer or an expression string, got {value!r}", path, line)
        try:
            return evaluate_int(_one_line(value), self.scope)
        except ExprError as exc:
            raise GenError(f"{what}: {exc}", path, line) from None

    def _type(self, ctype: object, path: Path, line: int | None, what: str) -> str:
        if not isinstance(ctype, str):
            raise GenError(f"{what}: type must be a string", path, line)
        base = ctype.rstrip("*").strip()
        # Catch typos here rather than as a confusing rustc error in generated code.
        if base not in PRIMITIVE_TYPES and base not in self.type_origin:
            raise GenError(f"{what}: unknown type {base!r}; define it earlier or use a primitive", path, line)
        return base + "*" * (len(ctype) - len(ctype.rstrip("*")))

    def _check_range(self, value: int, ctype: str, path: Path, line: int | None, what: str) -> None:
        if ctype.endswith("*"):
            raise GenError(f"{what}: a constant cannot have pointer type {ctype}", path, line)
        bits = self.word_bits
        if ctype in _FIXED_RANGES:
            low, high = _FIXED_RANGES[ctype]
        elif ctype == "isize":
            low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        else:
            # seL4_Word and everything defined on top of it.
            low, high = 0, (1 << bits) - 1
        if not low <= value <= high:
            raise GenError(f"{what}: value {value} does not fit {ctype} on a {bits}-bit target", path, line)

    def _define_value(self, name: str, value: int, path: Path, line: int | None) -> None:
        where = f"{path.name}:{line}" if line is not None else path.name
        if name in self.known:
            raise GenError(f"{name!r} is already defined outside the ABI tables", path, line)
        if name in self.value_origin:
            raise GenError(f"{name!r} is defined twice (first at {self.value_origin[name]})", path, line)
        self.value_origin[name] = where
        self.symbols[name] = value

    def _define_type(self, name: str, path: Path, line: int | None) -> None:
        where = f"{path.name}:{line}" if line is not None else path.name
        if name in PRIMITIVE_TYPES:
            raise GenError(f"type {name!r} is provided by the generator; do not define it in a table", path, line)
        if name in self.type_origin:
            raise GenError(f"type {name!r} is defined twice (first at {self.type_origin[name]})", path, line)
        self.type_origin[name] = where


def _one_line(text: str) -> str:
    # Long conditions are written as TOML multi-line strings; parenthesising lets
    # them break lines anywhere, as they could in a C #if.
    return f"({text})" if "\n" in text else text


def _check_keys(table: dict[str, Any], allowed: set[str], what: str, path: Path, line: int | None) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise GenError(
            f"{what}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}", path, line
        )
