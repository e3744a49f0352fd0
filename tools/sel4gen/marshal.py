"""Plan how each invocation's parameters travel in message words, as libsel4 does.

Parameters are packed in declaration order; each is aligned to the smaller of
its own size and a word, so several narrow values can share a word. The first
``fast_mrs`` words go in CPU registers, the rest in the IPC buffer. The result
is a list of Rust expressions per word, ready for the template.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import GenError
from .interfaces import Method, Param
from .paramtypes import RUST_PRIMITIVE, Kind, ParamType
from .rustnames import rust_ident


def rust_type(t: ParamType) -> str:
    return RUST_PRIMITIVE.get(t.name, t.name)


@dataclass(frozen=True)
class Placement:
    param: Param
    first_bit: int
    bits: int


def place(params: tuple[Param, ...], word_bits: int) -> list[Placement]:
    used = 0
    result: list[Placement] = []
    for p in params:
        size = p.type.bits
        if size & (size - 1) and size % word_bits:
            raise GenError(f"parameter {p.name!r}: type {p.type.name} of {size} bits cannot be packed into words")
        align = min(size, word_bits)
        used = (used + align - 1) // align * align
        result.append(Placement(p, used, size))
        used += size
    return result


@dataclass(frozen=True)
class OutParam:
    name: str
    rust_type: str
    expr: str  # for values: the expression; for structs: unused


@dataclass(frozen=True)
class StubPlan:
    method: Method
    fn_name: str
    signature: list[tuple[str, str]]  # (name, rust type) after _service
    caps: list[str]  # extra-cap argument names, in slot order
    words: list[str]  # one Rust expression per input message word
    fast_mrs: int
    result_struct: str | None  # name of the result struct, if the stub returns outputs
    out_values: list[OutParam]
    out_structs: list[tuple[str, list[tuple[str, str]]]]  # (param, [(member, source expr)])
    #: Special case kept from libsel4: TCB register transfers move only `count` words.
    regs_loop: tuple[str, str, int] | None  # (count param, struct param, first word index)
    regs_read_loop: tuple[str, str, int] | None

    @property
    def label(self) -> str:
        return self.method.label


def _source(word: int, fast_mrs: int) -> str:
    return f"mr{word}" if word < fast_mrs else f"seL4_GetMR({word})"


def plan_stub(method: Method, word_bits: int, fast_mrs: int) -> StubPlan:
    signature: list[tuple[str, str]] = []
    caps: list[str] = []
    standard: list[Param] = []
    for p in method.inputs:
        name = rust_ident(p.name)
        if p.type.kind is Kind.STRUCT:
            signature.append((name, f"&{rust_type(p.type)}"))
        else:
            signature.append((name, rust_type(p.type)))
        if p.type.kind is Kind.CAP:
            caps.append(name)
        else:
            standard.append(p)
    for p in method.outputs:
        if p.type.kind is Kind.STRUCT:
            signature.append((rust_ident(p.name), f"&mut {rust_type(p.type)}"))

    words: dict[int, list[str]] = {}
    for pl in place(tuple(standard), word_bits):
        name = rust_ident(pl.param.name)
        t = pl.param.type
        index, offset = divmod(pl.first_bit, word_bits)
        if t.kind is Kind.DOUBLE:
            words.setdefault(index, []).append(f"{name} as seL4_Word")
            words.setdefault(index + 1, []).append(f"({name} >> {word_bits}) as seL4_Word")
        elif t.kind is Kind.STRUCT:
            for i, member in enumerate(t.members):
                words.setdefault(index + i, []).append(f"{name}.{member}")
        else:
            value = f"{name}.words[0]" if t.kind is Kind.BITFIELD else f"{name} as seL4_Word"
            if pl.bits < word_bits:
                value = f"(({value}) & {(1 << pl.bits) - 1:#x})"
                if offset:
                    value = f"({value} << {offset})"
            words.setdefault(index, []).append(value)
    assert sorted(words) == list(range(len(words))), "message words must be contiguous"
    word_exprs = [" | ".join(words[i]) for i in range(len(words))]

    out_values: list[OutParam] = []
    out_structs: list[tuple[str, list[tuple[str, str]]]] = []
    for pl in place(method.outputs, word_bits):
        name = rust_ident(pl.param.name)
        t = pl.param.type
        index, offset = divmod(pl.first_bit, word_bits)
        if t.kind is Kind.STRUCT:
            out_structs.append((name, [(m, _source(index + i, fast_mrs)) for i, m in enumerate(t.members)]))
            continue
        src = _source(index, fast_mrs)
        if t.kind is Kind.DOUBLE:
            hi = _source(index + 1, fast_mrs)
            expr = f"({src} as u64) | (({hi} as u64) << {word_bits})"
        elif t.kind is Kind.BITFIELD:
            expr = f"{rust_type(t)} {{ words: [{src}] }}"
        elif pl.bits < word_bits:
            shifted = f"({src} >> {offset})" if offset else src
            expr = f"({shifted} & {(1 << pl.bits) - 1:#x}) as {rust_type(t)}"
        else:
            expr = f"{src} as {rust_type(t)}"
        out_values.append(OutParam(name, rust_type(t), expr))

    regs_loop = regs_read_loop = None
    if method.interface == "seL4_TCB" and fast_mrs >= 2:
        count = next((rust_ident(p.name) for p in method.inputs if p.name == "count"), None)
        if method.name == "WriteRegisters" and count:
            struct = next(p for p in standard if p.type.kind is Kind.STRUCT)
            first = next(pl.first_bit for pl in place(tuple(standard), word_bits) if pl.param is struct)
            regs_loop = (count, rust_ident(struct.name), first // word_bits)
        if method.name == "ReadRegisters" and count and out_structs:
            regs_read_loop = (count, out_structs[0][0], 0)

    return StubPlan(
        method=method,
        fn_name=method.c_name,
        signature=signature,
        caps=caps,
        words=word_exprs,
        fast_mrs=fast_mrs,
        result_struct=f"{method.c_name}_t" if out_values else None,
        out_values=out_values,
        out_structs=out_structs,
        regs_loop=regs_loop,
        regs_read_loop=regs_read_loop,
    )
