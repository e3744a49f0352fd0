"""Turn bitfield layouts into the per-field shifts and masks the Rust template writes out."""

from __future__ import annotations

from dataclasses import dataclass

from .bitfield import Base, Block, Field, TaggedUnion
from .rustnames import rust_ident


@dataclass(frozen=True)
class FieldCode:
    name: str
    word: int
    get: str  # Rust expression over `w` (the word) giving the value
    set: str  # Rust expression over `w` and `v` giving the new word
    fits: str | None  # Rust expression over `v`: true when the value is representable; None: always
    full: bool = False  # the field is the whole word: `set` does not read `w`

    @property
    def ident(self) -> str:
        """The field's name as the constructor's parameter: not a keyword, nor its `words`."""
        ident = rust_ident(self.name)
        return f"{ident}_" if ident == "words" else ident


def field_code(f: Field, base: Base) -> FieldCode:
    ty = base.rust_type
    shift = f.shift(base.bits)
    in_word = ((1 << f.size) - 1) << shift
    clear = f"w & !{in_word:#x}"
    if f.size == base.bits and (not f.high or base.canonical_bits == base.bits):
        # A whole word: no masks or shifts, which would only be no-ops (and lint noise).
        return FieldCode(f.name, f.word(base.bits), "w", "v", None, full=True)
    if not f.high:
        value_mask = (1 << f.size) - 1
        get = f"(w >> {shift}) & {value_mask:#x}" if shift else f"w & {value_mask:#x}"
        placed = f"(v & {value_mask:#x}) << {shift}" if shift else f"v & {value_mask:#x}"
        fits = f"v & !{value_mask:#x} == 0"
        return FieldCode(f.name, f.word(base.bits), get, f"({clear}) | ({placed})", fits)
    # field_high: the field holds bits [canonical-size, canonical) of the value.
    value_shift = base.canonical_bits - f.size - shift
    value_mask = ((1 << f.size) - 1) << (base.canonical_bits - f.size)
    high_bits = 0
    if base.sign_extend:
        high_bits = ((1 << (base.bits - base.canonical_bits)) - 1) << base.canonical_bits
    raw = f"(w & {in_word:#x})"
    if value_shift >= 0:
        get = f"{raw} << {value_shift}"
        placed = f"(v >> {value_shift}) & {in_word:#x}"
    else:
        get = f"{raw} >> {-value_shift}"
        placed = f"(v << {-value_shift}) & {in_word:#x}"
    if high_bits:
        sign = 1 << (base.canonical_bits - 1)
        get = f"{{ let r: {ty} = {get}; if r & {sign:#x} != 0 {{ r | {high_bits:#x} }} else {{ r }} }}"
        expected_high = f"if v & {sign:#x} != 0 {{ {high_bits:#x} }} else {{ 0 }}"
        fits = f"(v & !{value_mask | high_bits:#x} == 0) && (v & {high_bits:#x} == {expected_high})"
    else:
        fits = f"v & !{value_mask:#x} == 0"
    return FieldCode(f.name, f.word(base.bits), get, f"({clear}) | ({placed})", fits)


@dataclass(frozen=True)
class BlockCode:
    name: str
    rust_type: str
    words: int
    fields: list[FieldCode]  # accessors (tag field excluded for union members)
    ctor: list[FieldCode]  # constructor parameters in visible order
    tag: FieldCode | None  # for union members: the tag field, set by the constructor
    tag_value: int | None


def block_code(block: Block, name: str, tag_field: str | None = None, tag_value: int | None = None) -> BlockCode:
    codes = {f.name: field_code(f, block.base) for f in block.fields}
    order = [n for n in block.visible_order if n != tag_field]
    return BlockCode(
        name=name,
        rust_type=block.base.rust_type,
        words=block.words,
        fields=[codes[f.name] for f in block.fields if f.name != tag_field],
        ctor=[codes[n] for n in order],
        tag=codes[tag_field] if tag_field else None,
        tag_value=tag_value,
    )


@dataclass(frozen=True)
class UnionCode:
    name: str
    rust_type: str
    words: int
    tag: FieldCode
    variants: list[BlockCode]


def union_code(union: TaggedUnion) -> UnionCode:
    variants = [block_code(t.block, f"{union.name}_{t.name}", union.tag_field, t.value) for t in union.tags]
    return UnionCode(
        name=union.name,
        rust_type=union.base.rust_type,
        words=union.words,
        tag=field_code(union.tag, union.base),
        variants=variants,
    )
