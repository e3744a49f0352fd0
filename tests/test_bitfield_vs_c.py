"""Generated bitfield types, bit for bit against the kernel's own C bitfield generator.

For each configuration, both the kernel's `bitfield_gen.py` (C) and our generator
(Rust) are built on the host from the same `.pbf` files; one program in each
language constructs every block and union variant from the same random field
values, reads every field back, writes every field, and prints the words. The
two outputs must be identical.

Needs a seL4 kernel checkout (for `libsel4/tools/bitfield_gen.py`, and PyPI's
`ply` it imports), a host C compiler and a host Rust compiler; skips otherwise.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bitfieldcheck import compare
from conftest import config_dir
from kerneltools import missing

WHY_NOT = missing("bitfield_gen.py", ("ply",))


pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=WHY_NOT or "")


def test_bitfields_match_the_kernel_generator(config_name: str, tmp_path: Path) -> None:
    cfg = config_dir(config_name)
    compare([cfg / "sel4/shared_types.pbf", cfg / "sel4/sel4_arch/types.pbf"], tmp_path, seed=len(config_name))


# Constructs the kernel's own specs use but libsel4's do not: canonical-size bases with sign
# extension, field_high and field_ptr, visible order, 32-bit bases, expressions, padding.
SYNTHETIC = """
base 64(48,1)
block ptrs(low, addr, next, flag) {
    field_high addr 36
    padding 10
    field flag 1
    field low 17
    field_ptr(12) next 39
    padding 25
}
block tagged_a {
    field_high ptr 40
    field payload 20
    field kind 4
}
block tagged_b {
    field other word_size - 4
    field kind 4
}
tagged_union tagged kind {
    tag tagged_a 3
    tag tagged_b 9
}
base 32
block small {
    field a 3
    padding 2 * 5
    field b 19
    field hi 32
}
base 64(39,0)
block unsigned_high {
    field_high p 30
    padding 34
}
"""


def test_constructs_beyond_libsel4(tmp_path: Path) -> None:
    spec = tmp_path / "synthetic.pbf"
    spec.write_text(SYNTHETIC)
    compare([spec], tmp_path, seed=7)
