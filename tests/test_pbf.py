"""Bitfield spec parsing and layout, on small specs written here."""

from __future__ import annotations

from pathlib import Path

import pytest
from sel4gen import bitfield, pbf
from sel4gen.bitfield_emit import field_code
from sel4gen.errors import GenError

P = Path("spec.pbf")


def layout(text: str) -> bitfield.Bitfields:
    return bitfield.build([pbf.parse_text(text, P)])


def test_fields_are_laid_out_from_the_top() -> None:
    bf = layout(
        "base 64\nblock seL4_MessageInfo {\n field label 52\n field capsUnwrapped 3\n field extraCaps 2\n field length 7\n}\n"
    )
    block = bf.blocks[0]
    assert [(f.name, f.offset, f.size) for f in block.fields] == [
        ("label", 12, 52), ("capsUnwrapped", 9, 3), ("extraCaps", 7, 2), ("length", 0, 7)
    ]
    assert block.words == 1
    assert block.visible_order == ("label", "capsUnwrapped", "extraCaps", "length")


def test_multiword_block_puts_last_field_in_word_zero() -> None:
    bf = layout("base 32\nblock B {\n field hi 32\n padding 16\n field mid 8\n field lo 8\n}\n")
    b = bf.blocks[0]
    assert b.words == 2
    assert (b.field("hi").word(32), b.field("hi").shift(32)) == (1, 0)
    assert (b.field("mid").word(32), b.field("mid").shift(32)) == (0, 8)
    assert (b.field("lo").word(32), b.field("lo").shift(32)) == (0, 0)


def test_expressions_comments_and_visible_order() -> None:
    text = "-- comment\nbase 64\n# hash comment\nblock B(b, a) {\n field a (word_size / 2)\n field b 2 * 16\n}\n"
    b = layout(text).blocks[0]
    assert b.field("a").size == 32 and b.field("b").size == 32
    assert b.visible_order == ("b", "a")


def test_tagged_union_collects_members() -> None:
    text = (
        "base 64\nblock A {\n padding 60\n field t 4\n}\nblock B {\n field x 60\n field t 4\n}\n"
        "tagged_union U t {\n tag A 0\n tag B 3\n}\n"
    )
    bf = layout(text)
    assert bf.blocks == ()  # members of a union are not standalone types
    u = bf.unions[0]
    assert [(t.name, t.value) for t in u.tags] == [("A", 0), ("B", 3)]
    assert (u.tag.offset, u.tag.size, u.words) == (0, 4, 1)


def test_field_high_matches_the_c_generator() -> None:
    # base 64(48,1): a 36-bit field_high holds bits 12..47 of a sign-extended 48-bit address.
    bf = layout("base 64(48,1)\nblock P {\n field_high addr 36\n padding 28\n}\n")
    f = bf.blocks[0].field("addr")
    code = field_code(f, bf.blocks[0].base)
    assert (f.offset, f.size) == (28, 36)
    # value shift = canonical - size - offset%base = 48 - 36 - 28 = -16: stored value >> 16 ... shown as << / >>.
    assert "(w & 0xfffffffff0000000) >> 16" in code.get
    assert "0xffff000000000000" in code.get  # sign-extension of bit 47


@pytest.mark.parametrize(
    "text, message, line",
    [
        ("block B {\n field a 64\n}\n", "block before any 'base'", 1),
        ("base 64\nblock B {\n field a 60\n}\n", "not a positive multiple of the base 64", 2),
        ("base 64\nblock B {\n field a 40\n field b 40\n padding 48\n}\n", "crosses a 64-bit word boundary", 4),
        ("base 64\nblock B {\n field a 64\n field a 64\n}\n", "appears twice", 4),
        ("base 64\nblock B {\n fjeld a 64\n}\n", "expected 'field'", 3),
        ("base 64\nblock B {\n field a 64 $\n}\n", "unexpected character '$'", 3),
        ("base 64\nblock B {\n field a word_bits\n}\n", "unknown constant 'word_bits'", 3),
        ("base 48\nblock B {\n field a 48\n}\n", "not a word size", 1),
        ("base 64\nblock A {\n field t 64\n}\ntagged_union U t {\n tag A 0\n tag C 1\n}\n", "names no block", 7),
        ("base 64\nblock A {\n field x 64\n}\ntagged_union U t {\n tag A 0\n}\n", "no tag field 't'", 6),
        ("base 64\nblock A {\n padding 62\n field t 2\n}\ntagged_union U t {\n tag A 4\n}\n", "does not fit in 2 bits", 7),
        ("base 64\nblock B(a, z) {\n field a 64\n}\n", "visible order of block B", 2),
        ("base 64\nblock A {\n field t 64\n}\ntagged_union U t {\n mask 4 0xe\n}\n", "'mask'", 6),
        ("base 64\nblock B {\n field a 64\n", "expected 'field', 'field_high'", 4),
    ],
)
def test_errors_name_the_line(text: str, message: str, line: int) -> None:
    with pytest.raises(GenError) as info:
        layout(text)
    assert message in str(info.value)
    assert info.value.line == line
    assert str(info.value).startswith(f"spec.pbf:{line}: ")


def test_missing_file() -> None:
    with pytest.raises(GenError, match="file not found"):
        pbf.parse_file(Path("/nonexistent/types.pbf"))
