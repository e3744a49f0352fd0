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

import os
import random
import sys
from pathlib import Path

import pytest
from conftest import config_dir
from kerneltools import TOOLS, missing, run_ok
from sel4gen import pbf
from sel4gen.bitfield import Base, Bitfields, Block, Field, build
from sel4gen.emit import render_bitfields

BITFIELD_GEN = TOOLS / "bitfield_gen.py"
SAMPLES = 20
WHY_NOT = missing("bitfield_gen.py", ("ply",))


pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=WHY_NOT or "")


def _sample(field: Field, base: Base, rng: random.Random) -> int:
    raw = rng.getrandbits(field.size)
    if rng.random() < 0.2:
        raw = (1 << field.size) - 1  # all ones catches masks that are one bit short
    if not field.high:
        return raw
    value = raw << (base.canonical_bits - field.size)
    if base.sign_extend and value >> (base.canonical_bits - 1) & 1:
        value |= ((1 << (base.bits - base.canonical_bits)) - 1) << base.canonical_bits
    return value


def _cases(bitfields: Bitfields, seed: int) -> list[tuple[str, str, Block, str | None, list[dict[str, int]]]]:
    """(C prefix, Rust type, block, tag field, samples) for every block and union variant."""
    rng = random.Random(seed)
    cases = []
    targets = [(b.name, b.name, b, None) for b in bitfields.blocks]
    for u in bitfields.unions:
        targets += [(f"{u.name}_{t.name}", f"{u.name}_{t.name}", t.block, u.tag_field) for t in u.tags]
    for c_prefix, rust_name, block, tag in targets:
        fields = [f for f in block.fields if f.name != tag]
        samples = [{f.name: _sample(f, block.base, rng) for f in fields} for _ in range(SAMPLES)]
        cases.append((c_prefix, rust_name, block, tag, samples))
    return cases


def _c_program(header: str, cases: list, union_of: dict[str, str]) -> str:  # type: ignore[type-arg]
    out = [
        "#include <stdio.h>", "#include <stdint.h>",
        "typedef uint8_t seL4_Uint8; typedef uint16_t seL4_Uint16; typedef uint32_t seL4_Uint32;",
        "typedef uint64_t seL4_Uint64; typedef seL4_Uint64 seL4_Word;",
        "#define LIBSEL4_INLINE_FUNC static inline", "#define CONST", "#define PURE",
        "#define seL4_DebugAssert(x) ((void)0)",
        header,
        "int main(void) {",
    ]
    for c_prefix, _, block, tag, samples in cases:
        ctype = f"{union_of.get(c_prefix, c_prefix)}_t"
        for i, s in enumerate(samples):
            args = ", ".join(f"{s[n]:#x}ull" for n in block.visible_order if n != tag)
            out.append(f"{{ {ctype} x = {c_prefix}_new({args});")
            out.append(_c_dump(c_prefix, i, "new", block.words))
            for f in [f for f in block.fields if f.name != tag]:
                out.append(f'printf("{c_prefix} {i} get {f.name} %llx\\n", (unsigned long long){c_prefix}_get_{f.name}(x));')
                other = samples[(i + 1) % len(samples)][f.name]
                out.append(f"x = {c_prefix}_set_{f.name}(x, {other:#x}ull);")
                out.append(_c_dump(c_prefix, i, f"set {f.name}", block.words))
            if tag:
                union = union_of[c_prefix]
                out.append(f'printf("{c_prefix} {i} tag %llx\\n", (unsigned long long){union}_get_{tag}(x));')
            out.append("}")
    out += ["return 0;", "}"]
    return "\n".join(out)


def _c_dump(prefix: str, i: int, what: str, words: int) -> str:
    fmt = " ".join(["%llx"] * words)
    args = ", ".join(f"(unsigned long long)x.words[{w}]" for w in range(words))
    return f'printf("{prefix} {i} {what} {fmt}\\n", {args});'


def _rust_program(cases: list, union_of: dict[str, str]) -> str:  # type: ignore[type-arg]
    out = [
        "#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals, dead_code, unused_mut)]",
        'include!(concat!(env!("GEN"), "/bitfields.rs"));',
        "fn dump(p: &str, i: usize, what: &str, w: &[impl Into<u64> + Copy]) {",
        '    let s: Vec<String> = w.iter().map(|v| format!("{:x}", (*v).into())).collect();',
        '    println!("{} {} {} {}", p, i, what, s.join(" "));',
        "}",
        "fn main() {",
    ]
    for c_prefix, rust_name, block, tag, samples in cases:
        for i, s in enumerate(samples):
            args = ", ".join(f"{s[n]:#x}" for n in block.visible_order if n != tag)
            out.append(f"{{ let mut x = {rust_name}::new({args});")
            out.append(f'dump("{c_prefix}", {i}, "new", &x.words);')
            for f in [f for f in block.fields if f.name != tag]:
                out.append(f'println!("{c_prefix} {i} get {f.name} {{:x}}", x.get_{f.name}());')
                other = samples[(i + 1) % len(samples)][f.name]
                out.append(f"x.set_{f.name}({other:#x});")
                out.append(f'dump("{c_prefix}", {i}, "set {f.name}", &x.words);')
            if tag:
                out.append(f'println!("{c_prefix} {i} tag {{:x}}", x.unsplay().get_tag());')
            out.append("}")
    out.append("}")
    return "\n".join(out)


def _compare(specs: list[Path], tmp_path: Path, seed: int) -> None:
    bitfields = build([pbf.parse_file(p) for p in specs])
    union_of = {f"{u.name}_{t.name}": u.name for u in bitfields.unions for t in u.tags}
    cases = _cases(bitfields, seed)

    headers = []
    for n, spec in enumerate(specs):
        out = tmp_path / f"gen{n}.h"
        run_ok([sys.executable, str(BITFIELD_GEN), "--environment", "libsel4", str(spec), str(out)],
             cwd=BITFIELD_GEN.parent)
        headers.append("\n".join(line for line in out.read_text().splitlines() if not line.startswith("#include")))
    c_src = tmp_path / "check.c"
    c_src.write_text(_c_program("\n".join(headers), cases, union_of))
    run_ok(["cc", "-O1", "-w", "-o", str(tmp_path / "check_c"), str(c_src)])
    c_out = run_ok([str(tmp_path / "check_c")])

    gen = tmp_path / "gen"
    gen.mkdir()
    (gen / "bitfields.rs").write_text(render_bitfields(bitfields))
    rs_src = tmp_path / "check.rs"
    rs_src.write_text(_rust_program(cases, union_of))
    run_ok(["rustc", "--edition", "2021", "-O", "-o", str(tmp_path / "check_rs"), str(rs_src)],
         env={**os.environ, "GEN": str(gen)})
    rs_out = run_ok([str(tmp_path / "check_rs")])

    assert c_out.count("\n") > 100
    for c_line, rs_line in zip(c_out.splitlines(), rs_out.splitlines(), strict=True):
        assert rs_line == c_line


def test_bitfields_match_the_kernel_generator(config_name: str, tmp_path: Path) -> None:
    cfg = config_dir(config_name)
    _compare([cfg / "sel4/shared_types.pbf", cfg / "sel4/sel4_arch/types.pbf"], tmp_path, seed=len(config_name))


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
    _compare([spec], tmp_path, seed=7)
