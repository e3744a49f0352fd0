"""Compare generated Rust bitfield types with C ones, word for word, on the host.

One program in each language constructs every block and union variant from the same
random field values, reads every field back, writes every field, and prints the words.
The C side is either the kernel's bitfield_gen.py run on the specs, or the headers a
kernel build generated from them.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

from kerneltools import TOOLS, run_ok
from sel4gen import pbf
from sel4gen.bitfield import Base, Bitfields, Block, Field, build
from sel4gen.emit import render_bitfields

BITFIELD_GEN = TOOLS / "bitfield_gen.py"
SAMPLES = 20


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


def compare(specs: list[Path], tmp_path: Path, seed: int, headers: list[Path] | None = None) -> None:
    """Fail unless C and Rust agree on every word; ``headers``: use these instead of running bitfield_gen."""
    bitfields = build([pbf.parse_file(p) for p in specs])
    union_of = {f"{u.name}_{t.name}": u.name for u in bitfields.unions for t in u.tags}
    cases = _cases(bitfields, seed)

    if headers is None:
        headers = []
        for n, spec in enumerate(specs):
            out = tmp_path / f"gen{n}.h"
            run_ok([sys.executable, str(BITFIELD_GEN), "--environment", "libsel4", str(spec), str(out)],
                   cwd=BITFIELD_GEN.parent)
            headers.append(out)
    c_headers = [
        "\n".join(line for line in h.read_text().splitlines() if not line.startswith("#include")) for h in headers
    ]
    c_src = tmp_path / "check.c"
    c_src.write_text(_c_program("\n".join(c_headers), cases, union_of))
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


