"""What each parameter type of the interface XML is, and how many message bits it takes.

This mirrors the type table inside libsel4's stub generator: sizes decide how
parameters are packed into message words, so they must agree bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    WORD = "word"  # one full word, passed as is
    SMALL = "small"  # an integer narrower than a word, packed
    BOOL = "bool"  # one bit in the message, a byte in memory
    DOUBLE = "double"  # 64-bit value on a 32-bit architecture: two words, low first
    BITFIELD = "bitfield"  # a generated bitfield type of one word
    CAP = "cap"  # a capability, passed in the extra-caps slots
    STRUCT = "struct"  # several words, passed by reference


@dataclass(frozen=True)
class ParamType:
    name: str  # the C name, which is also the Rust name
    kind: Kind
    bits: int  # bits the value takes in the message
    members: tuple[str, ...] = ()  # for STRUCT: word-sized members in order

    @property
    def words(self) -> int:
        return max(1, self.bits // 64) if self.kind is not Kind.STRUCT else len(self.members)


def base_types(word_bits: int) -> dict[str, ParamType]:
    """Types every architecture has."""
    types = [
        ParamType("seL4_Word", Kind.WORD, word_bits),
        ParamType("long", Kind.WORD, word_bits),
        ParamType("int", Kind.SMALL, 32),
        ParamType("seL4_Uint8", Kind.SMALL, 8),
        ParamType("seL4_Uint16", Kind.SMALL, 16),
        ParamType("seL4_Uint32", Kind.SMALL if word_bits > 32 else Kind.WORD, 32),
        ParamType("seL4_Uint64", Kind.WORD if word_bits == 64 else Kind.DOUBLE, 64),
        ParamType("seL4_Time", Kind.WORD if word_bits == 64 else Kind.DOUBLE, 64),
        ParamType("seL4_Bool", Kind.BOOL, 1),
        ParamType("seL4_CapRights_t", Kind.BITFIELD, word_bits),
        ParamType("seL4_CPtr", Kind.CAP, word_bits),
    ]
    return {t.name: t for t in types}


RUST_PRIMITIVE = {"long": "isize", "int": "i32"}
