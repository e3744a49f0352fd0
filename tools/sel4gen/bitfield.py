"""Lay out bitfield blocks and tagged unions exactly as the kernel's C generator does.

Fields are declared from the most significant end of the block: the last field
sits at bit 0 of word 0. A field may not straddle a word. A ``field_high``
stores the top ``size`` bits of a ``canonical_bits``-wide value (optionally
sign-extended on read), which is how the kernel packs aligned pointers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import GenError
from .pbf import BaseDecl, BlockDecl, Expr, SpecFile, UnionDecl
from .rustnames import RUST_KEYWORDS, RUST_PRIMITIVES


@dataclass(frozen=True)
class Field:
    name: str
    offset: int  # bit offset from bit 0 of word 0
    size: int
    high: bool

    def word(self, base: int) -> int:
        return self.offset // base

    def shift(self, base: int) -> int:
        return self.offset % base


@dataclass(frozen=True)
class Base:
    bits: int
    canonical_bits: int
    sign_extend: bool

    @property
    def rust_type(self) -> str:
        return f"u{self.bits}"


@dataclass(frozen=True)
class Block:
    name: str
    base: Base
    words: int
    fields: tuple[Field, ...]
    #: Constructor argument order.
    visible_order: tuple[str, ...]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class Tag:
    name: str
    value: int
    block: Block


@dataclass(frozen=True)
class TaggedUnion:
    name: str
    tag_field: str
    base: Base
    words: int
    tag: Field
    tags: tuple[Tag, ...]


@dataclass(frozen=True)
class Bitfields:
    blocks: tuple[Block, ...]  # standalone blocks (not members of any union)
    unions: tuple[TaggedUnion, ...]


def _eval(expr: Expr, consts: dict[str, int], path: Path, line: int) -> int:
    if isinstance(expr, int):
        return expr
    if isinstance(expr, str):
        if expr not in consts:
            raise GenError(f"unknown constant {expr!r} in size expression", path, line)
        return consts[expr]
    op = expr[0]
    if op == "neg":
        return -_eval(expr[1], consts, path, line)
    lhs = _eval(expr[1], consts, path, line)
    rhs = _eval(expr[2], consts, path, line)
    if op in ("/", "%") and rhs == 0:
        raise GenError("division by zero in size expression", path, line)
    return {"+": lhs + rhs, "-": lhs - rhs, "*": lhs * rhs, "/": lhs // rhs, "%": lhs % rhs}[op]


def _base(decl: BaseDecl, path: Path) -> Base:
    bits = _eval(decl.bits, {}, path, decl.line)
    if bits not in (8, 16, 32, 64):
        raise GenError(f"base {bits} is not a word size (8, 16, 32 or 64)", path, decl.line)
    canonical = bits if decl.canonical_bits is None else _eval(decl.canonical_bits, {}, path, decl.line)
    sign = 0 if decl.sign_extend is None else _eval(decl.sign_extend, {}, path, decl.line)
    if not 0 < canonical <= bits:
        raise GenError(f"canonical size {canonical} must be between 1 and {bits}", path, decl.line)
    if sign not in (0, 1):
        raise GenError(f"sign-extension flag must be 0 or 1, not {sign}", path, decl.line)
    return Base(bits, canonical, bool(sign))


def layout_block(decl: BlockDecl, path: Path) -> Block:
    base = _base(decl.base, path)
    consts = {"word_size": base.bits, "canonical_size": base.canonical_bits}
    sized = [(f, _eval(f.size, consts, path, f.line)) for f in decl.fields]
    total = sum(size for _, size in sized)
    offset = total
    fields: list[Field] = []
    seen: set[str] = set()
    for f, size in sized:
        if f.name is not None and size <= 0:
            raise GenError(f"field {f.name!r} of block {decl.name} must have a positive size, not {size}", path, f.line)
        if f.name is None and size < 0:
            raise GenError(f"padding in block {decl.name} has negative size {size}", path, f.line)
        offset -= size
        if f.name is None:
            continue
        if f.name in seen:
            raise GenError(f"field {f.name!r} appears twice in block {decl.name}", path, f.line)
        seen.add(f.name)
        if offset // base.bits != (offset + size - 1) // base.bits:
            raise GenError(f"field {f.name!r} of block {decl.name} crosses a {base.bits}-bit word boundary", path, f.line)
        if f.high and size > base.canonical_bits:
            raise GenError(f"field_high {f.name!r} is wider than the canonical size {base.canonical_bits}", path, f.line)
        fields.append(Field(f.name, offset, size, f.high))
    if total == 0 or total % base.bits:
        raise GenError(
            f"block {decl.name} is {total} bits, not a positive multiple of the base {base.bits}; add padding",
            path,
            decl.line,
        )
    names = [f.name for f in fields]
    order = tuple(names)
    if decl.visible_order is not None:
        unknown = [n for n in decl.visible_order if n not in seen]
        missing = [n for n in names if n not in decl.visible_order]
        if unknown or missing or len(set(decl.visible_order)) != len(decl.visible_order):
            raise GenError(
                f"visible order of block {decl.name} must list each field once "
                f"(unknown: {unknown or 'none'}, missing: {missing or 'none'})",
                path,
                decl.line,
            )
        order = decl.visible_order
    return Block(decl.name, base, total // base.bits, tuple(fields), order)


def _union(decl: UnionDecl, blocks: dict[str, tuple[Block, Path]], path: Path) -> TaggedUnion:
    base = _base(decl.base, path)
    tags: list[Tag] = []
    tag_field: Field | None = None
    words: int | None = None
    values: dict[int, str] = {}
    for t in decl.tags:
        if t.name not in blocks:
            raise GenError(f"tag {t.name!r} of tagged_union {decl.name} names no block", path, t.line)
        block = blocks[t.name][0]
        value = _eval(t.value, {}, path, t.line)
        try:
            field = block.field(decl.tag_field)
        except KeyError:
            raise GenError(
                f"block {t.name} has no tag field {decl.tag_field!r} required by tagged_union {decl.name}",
                path,
                t.line,
            ) from None
        if field.high:
            raise GenError(f"tag field of {t.name} must not be field_high", path, t.line)
        if block.base != base:
            raise GenError(f"block {t.name} has a different base than tagged_union {decl.name}", path, t.line)
        if tag_field is None:
            tag_field, words = field, block.words
        elif (field.offset, field.size) != (tag_field.offset, tag_field.size):
            raise GenError(f"tag field of {t.name} is not where the other members of {decl.name} have it", path, t.line)
        elif block.words != words:
            raise GenError(f"block {t.name} is {block.words} words; other members of {decl.name} are {words}", path, t.line)
        if not 0 <= value < (1 << field.size):
            raise GenError(f"tag value {value} of {t.name} does not fit in {field.size} bits", path, t.line)
        if value in values:
            raise GenError(f"tag value {value} of {t.name} is already used by {values[value]}", path, t.line)
        values[value] = t.name
        tags.append(Tag(t.name, value, block))
    if tag_field is None or words is None:
        raise GenError(f"tagged_union {decl.name} has no tags", path, decl.line)
    return TaggedUnion(decl.name, decl.tag_field, base, words, tag_field, tuple(tags))


def build(specs: list[SpecFile]) -> Bitfields:
    """Resolve all files together: a union in one file may tag blocks of another."""
    blocks: dict[str, tuple[Block, Path]] = {}
    for spec in specs:
        for decl in [*spec.blocks, *spec.unions]:
            if decl.name in RUST_PRIMITIVES or decl.name in RUST_KEYWORDS:
                raise GenError(f"{decl.name} is a Rust primitive type or keyword: name the block otherwise", spec.path, decl.line)
        for decl in spec.blocks:
            if decl.name in blocks:
                raise GenError(f"block {decl.name} is already defined in {blocks[decl.name][1]}", spec.path, decl.line)
            blocks[decl.name] = (layout_block(decl, spec.path), spec.path)
    unions: list[TaggedUnion] = []
    tagged: set[str] = set()
    for spec in specs:
        for udecl in spec.unions:
            if udecl.name in blocks or any(u.name == udecl.name for u in unions):
                raise GenError(f"name {udecl.name} is already defined", spec.path, udecl.line)
            union = _union(udecl, blocks, spec.path)
            unions.append(union)
            tagged.update(t.name for t in union.tags)
    standalone = tuple(b for name, (b, _) in blocks.items() if name not in tagged)
    return Bitfields(standalone, tuple(unions))
