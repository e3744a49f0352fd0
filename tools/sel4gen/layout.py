"""The C layout (natural alignment) of the structs of the header tables, as `#[repr(C)]` gives
them in Rust: what the build-time check asserts against the headers' own `sizeof`/`offsetof`."""

from __future__ import annotations

import re

from .abi import Abi, Enum, Struct, Typedef
from .archinfo import ArchInfo
from .errors import GenError

#: Types the Rust template defines one word wide (bitfield blocks of one word among them).
_WORD_TYPES = frozenset({"seL4_Word", "seL4_CPtr", "isize", "seL4_MessageInfo_t", "seL4_CapRights_t"})
_FIXED = re.compile(r"seL4_U?[Ii]nt(8|16|32|64)")


class Layout:
    """Sizes, alignments and field offsets for one architecture."""

    def __init__(self, abi: Abi, arch: ArchInfo) -> None:
        self.types = abi.types()
        self.word = arch.word_bits // 8
        self.int64_align = arch.int64_align

    def size_align(self, ctype: str) -> tuple[int, int]:
        if ctype.endswith("*") or ctype in _WORD_TYPES:
            return self.word, self.word
        if fixed := _FIXED.fullmatch(ctype):
            size = int(fixed.group(1)) // 8
            return size, (self.int64_align if size == 8 else size)
        if ctype == "seL4_Bool":
            return 1, 1
        defined = self.types.get(ctype)
        if isinstance(defined, (Typedef, Enum)):
            return self.size_align(defined.ctype)
        if isinstance(defined, Struct):
            _, size, align = self.struct(defined)
            return size, align
        raise GenError(f"the layout of type {ctype!r} is unknown; give the struct field a table type")

    def struct(self, struct: Struct) -> tuple[dict[str, int], int, int]:
        """Field offsets, size and alignment of ``struct``."""
        offsets: dict[str, int] = {}
        offset, align = 0, 1
        for field in struct.fields:
            size, falign = self.size_align(field.ctype)
            offset = -(-offset // falign) * falign
            offsets[field.name] = offset
            offset += size * (field.length or 1)
            align = max(align, falign)
        if struct.align is not None:
            align = max(align, struct.align)
        return offsets, -(-offset // align) * align, align
