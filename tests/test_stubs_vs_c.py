"""Generated invocation stubs, message word for message word against libsel4's C stubs.

The kernel's own `syscall_stub_gen.py` writes the C stubs for each configuration; our
generator writes the Rust ones. Both are compiled on the host against mock system
calls that log every capability slot, message register and message tag the stub sets,
and feed back the same reply registers. Each stub is called with the same random
arguments on the success path and on an error path; the logs must be identical.

Needs a seL4 kernel checkout (SEL4_KERNEL_SOURCE, for libsel4/tools), PyPI's `ply` and
`lxml`, a host C compiler and a host rustc; skips otherwise.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

import pytest
from conftest import config_dir
from kerneltools import TOOLS, missing, run_ok
from sel4gen.emit import PARTS, render
from sel4gen.generate import build_model
from sel4gen.inputs import resolve
from sel4gen.interfaces import Method
from sel4gen.paramtypes import Kind, ParamType

ERROR = 3  # any non-zero label the kernel could reply with
WHY_NOT = missing("syscall_stub_gen.py", ("ply", "lxml"))


pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=WHY_NOT or "")


def _value(t: ParamType, word_bits: int, rng: random.Random) -> tuple[str, str]:
    """A random argument of type ``t`` as (C expression, Rust expression)."""
    if t.kind is Kind.STRUCT:
        raise AssertionError("structs are handled by the caller")
    if t.kind is Kind.BOOL:
        v = rng.getrandbits(1)
        return str(v), str(v)
    bits = {Kind.WORD: word_bits, Kind.CAP: word_bits, Kind.BITFIELD: word_bits}.get(t.kind, t.bits)
    v = rng.getrandbits(bits)
    if t.kind is Kind.BITFIELD:
        return f"(({t.name}){{ .words = {{ {v:#x}ull }} }})", f"{t.name} {{ words: [{v:#x}] }}"
    c_suffix = "ull"
    rust = f"{v:#x}" if t.name not in ("int", "long") else f"{v:#x}u{bits} as _"
    return f"{v:#x}{c_suffix}", rust


def _prelude(model, labels: list[tuple[str, int]], bitfield_header: str) -> str:  # type: ignore[no-untyped-def]
    cfg = model.config
    wb = cfg.word_bits
    lines = ["#include <stdio.h>", "#include <stdint.h>", "#include <string.h>"]
    for name, value in sorted(cfg.values.items()):
        if value is True:
            lines.append(f"#define CONFIG_{name} 1")
    lines += [
        "typedef int8_t seL4_Int8; typedef uint8_t seL4_Uint8; typedef uint16_t seL4_Uint16;",
        "typedef uint32_t seL4_Uint32; typedef uint64_t seL4_Uint64; typedef seL4_Uint64 seL4_Time;",
        f"typedef uint{wb}_t seL4_Word; typedef seL4_Word seL4_CPtr; typedef seL4_Int8 seL4_Bool;",
        "typedef seL4_Word seL4_Error; enum { seL4_NoError = 0 };",
        "#define LIBSEL4_INLINE static inline", "#define LIBSEL4_INLINE_FUNC static inline",
        "#define CONST", "#define PURE", "#define seL4_DebugAssert(x) ((void)0)",
        bitfield_header,
    ]
    arch = cfg.arch
    names = set(arch.word_types) | set(arch.extra_caps)
    for m in model.interfaces.methods:
        names.add(m.cap.name)
    for name in sorted(names):
        lines.append(f"typedef seL4_Word {name};")
    for typedef in ("seL4_CNode", "seL4_IRQHandler", "seL4_IRQControl", "seL4_TCB", "seL4_Untyped",
                    "seL4_DomainSet", "seL4_SchedContext", "seL4_SchedControl"):
        if typedef not in names:
            lines.append(f"typedef seL4_Word {typedef};")
    for s in model.interfaces.structs:
        members = " ".join(f"seL4_Word {m};" for m in s.members)
        lines.append(f"typedef struct {{ {members} }} {s.name};")
    lines.append("enum invocation_label {")
    lines += [f"  {name} = {value}," for name, value in labels if not name.startswith("n")]
    lines.append("};")
    lines += [
        "static seL4_Word reply[64]; static seL4_Word error_label;",
        'static void seL4_SetMR(int i, seL4_Word v) { printf("mr %d %llx\\n", i, (unsigned long long)v); }',
        "static seL4_Word seL4_GetMR(int i) { return reply[i]; }",
        'static void seL4_SetCap(int i, seL4_CPtr c) { printf("cap %d %llx\\n", i, (unsigned long long)c); }',
        "static seL4_MessageInfo_t seL4_CallWithMRs(seL4_CPtr dest, seL4_MessageInfo_t tag,",
        "    seL4_Word *m0, seL4_Word *m1, seL4_Word *m2, seL4_Word *m3) {",
        '  printf("call %llx %llx %llx %llx %llx %llx\\n", (unsigned long long)dest,',
        "    (unsigned long long)tag.words[0], (unsigned long long)*m0, (unsigned long long)*m1,",
        "    (unsigned long long)*m2, (unsigned long long)*m3);",
        "  *m0 = reply[0]; *m1 = reply[1]; *m2 = reply[2]; *m3 = reply[3];",
        "  return seL4_MessageInfo_new(error_label, 0, 0, 0);",
        "}",
    ]
    return "\n".join(lines)


def _calls(methods: tuple[Method, ...], word_bits: int, seed: int) -> list[tuple[Method, list[tuple[str, str]]]]:
    rng = random.Random(seed)
    calls = []
    for m in methods:
        args = []
        struct_words = max((len(p.type.members) for p in m.params if p.type.kind is Kind.STRUCT), default=0)
        for p in m.inputs:
            if p.name == "count" and struct_words:
                # libsel4's C trusts `count` to fit the register struct; beyond it C is undefined.
                v = rng.randint(0, struct_words)
                args.append((str(v), str(v)))
            elif p.type.kind is Kind.STRUCT:
                vals = [rng.getrandbits(word_bits) for _ in p.type.members]
                c = "&(" + p.type.name + "){ " + ", ".join(f"{v:#x}ull" for v in vals) + " }"
                r = f"&{p.type.name} {{ " + ", ".join(f"{mm}: {v:#x}" for mm, v in zip(p.type.members, vals, strict=True)) + " }"
                args.append((c, r))
            else:
                args.append(_value(p.type, word_bits, rng))
        calls.append((m, args))
    return calls


def _c_driver(calls, word_bits: int) -> str:  # type: ignore[no-untyped-def]
    shift = 64 - word_bits
    out = [
        "int main(void) {",
        f"  for (int i = 0; i < 64; i++) reply[i] = (seL4_Word)(0x0123456789abcdefull * (i + 1) >> {shift});",
    ]
    for error in (0, ERROR):
        out.append(f"  error_label = {error};")
        for m, args in calls:
            out.append("  {")
            struct_outs = [p for p in m.outputs if p.type.kind is Kind.STRUCT]
            value_outs = [p for p in m.outputs if p.type.kind is not Kind.STRUCT]
            for p in struct_outs:
                out.append(f"    {p.type.name} out_{p.name}; memset(&out_{p.name}, 0, sizeof out_{p.name});")
            arglist = ", ".join(["0x5a5aull", *[c for c, _ in args], *[f"&out_{p.name}" for p in struct_outs]])
            out.append(f'    printf("stub {m.c_name} {error}\\n");')
            if value_outs:
                out.append(f"    {m.c_name}_t r = {m.c_name}({arglist});")
                out.append('    printf("error %llx\\n", (unsigned long long)r.error);')
                # On error C leaves the outputs uninitialised; only the error is defined.
                for p in value_outs if error == 0 else []:
                    out.append(f'    printf("out {p.name} %llx\\n", (unsigned long long)r.{p.name});')
            else:
                out.append(f'    printf("error %llx\\n", (unsigned long long){m.c_name}({arglist}));')
            for p in struct_outs:
                for mm in p.type.members:
                    out.append(f'    printf("out {p.name}.{mm} %llx\\n", (unsigned long long)out_{p.name}.{mm});')
            out.append("  }")
    out += ["  return 0;", "}"]
    return "\n".join(out)


def _rust_program(calls, word_bits: int) -> str:  # type: ignore[no-untyped-def]
    out = [
        "#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals, dead_code, unused_unsafe)]",
        "#![allow(clippy::all)]",
        "use std::cell::Cell;",
        # The parts one by one, not bindings.rs: it refuses to compile for another architecture
        # than the bindings', and this program runs the stubs on the host with a mock kernel.
        *(f'include!(concat!(env!("GEN"), "/{part}"));' for part in PARTS),
        "thread_local! { static ERR: Cell<seL4_Word> = const { Cell::new(0) }; }",
        "fn reply(i: usize) -> seL4_Word {",
        f"    (0x0123456789abcdefu64.wrapping_mul(i as u64 + 1) >> {64 - word_bits}) as seL4_Word",
        "}",
        'unsafe fn seL4_SetMR(i: i32, v: seL4_Word) { println!("mr {} {:x}", i, v); }',
        # Stubs that keep the IPC buffer's address across the call write the message registers
        # after it straight into the buffer: the driver prints those as the C stubs' SetMR does.
        "static mut IPC_BUFFER: std::mem::MaybeUninit<seL4_IPCBuffer> = std::mem::MaybeUninit::zeroed();",
        "unsafe fn seL4_GetIPCBuffer() -> *mut seL4_IPCBuffer { std::ptr::addr_of_mut!(IPC_BUFFER).cast() }",
        "const UNWRITTEN: seL4_Word = 0x5e5e5e5e;",
        "unsafe fn clear_mrs() { for i in 0..4 { (*seL4_GetIPCBuffer()).msg[i] = UNWRITTEN; } }",
        "unsafe fn print_written_mrs() {",
        '    for i in 0..4 { let v = (*seL4_GetIPCBuffer()).msg[i]; if v != UNWRITTEN { println!("mr {} {:x}", i, v); } }',
        "}",
        "fn invocation_error(reply: seL4_MessageInfo) -> seL4_Error { reply.get_label() as seL4_Error }",
        "unsafe fn seL4_GetMR(i: i32) -> seL4_Word { reply(i as usize) }",
        'unsafe fn seL4_SetCap(i: i32, c: seL4_CPtr) { println!("cap {} {:x}", i, c); }',
        "unsafe fn seL4_CallWithMRs(dest: seL4_CPtr, tag: seL4_MessageInfo, m0: &mut seL4_Word, m1: &mut seL4_Word,",
        "                           m2: &mut seL4_Word, m3: &mut seL4_Word) -> seL4_MessageInfo {",
        '    println!("call {:x} {:x} {:x} {:x} {:x} {:x}", dest, tag.words[0], *m0, *m1, *m2, *m3);',
        "    *m0 = reply(0); *m1 = reply(1); *m2 = reply(2); *m3 = reply(3);",
        "    seL4_MessageInfo::new(ERR.with(|e| e.get()) as _, 0, 0, 0)",
        "}",
        "fn main() { unsafe {",
    ]
    for error in (0, ERROR):
        out.append(f"    ERR.with(|e| e.set({error}));")
        for m, args in calls:
            out.append("    {")
            struct_outs = [p for p in m.outputs if p.type.kind is Kind.STRUCT]
            value_outs = [p for p in m.outputs if p.type.kind is not Kind.STRUCT]
            for p in struct_outs:
                out.append(f"        let mut out_{p.name} = {p.type.name}::default();")
            arglist = ", ".join(["0x5a5a", *[r for _, r in args], *[f"&mut out_{p.name}" for p in struct_outs]])
            out.append(f'        println!("stub {m.c_name} {error}");')
            out.append("        clear_mrs();")
            if value_outs:
                out.append(f"        let r = {m.c_name}({arglist});")
                out.append("        print_written_mrs();")
                out.append('        println!("error {:x}", r.error);')
                for p in value_outs if error == 0 else []:
                    name = p.name
                    out.append(f'        println!("out {name} {{:x}}", r.{name} as u64);')
            else:
                out.append(f"        let e = {m.c_name}({arglist});")
                out.append("        print_written_mrs();")
                out.append('        println!("error {:x}", e);')
            for p in struct_outs:
                for mm in p.type.members:
                    out.append(f'        println!("out {p.name}.{mm} {{:x}}", out_{p.name}.{mm});')
            out.append("    }")
    out.append("} }")
    return "\n".join(out)


def test_stubs_match_libsel4(config_name: str, tmp_path: Path) -> None:
    cfg_dir = config_dir(config_name)
    model = build_model(resolve(cfg_dir, {}))
    cfg = model.config
    interfaces = [cfg_dir / "interfaces" / f for f in ("object-api.xml", "object-api-sel4-arch.xml", "object-api-arch.xml")]

    bf = tmp_path / "shared_types.h"
    run_ok([sys.executable, str(TOOLS / "bitfield_gen.py"), "--environment", "libsel4",
          str(cfg_dir / "sel4/shared_types.pbf"), str(bf)], cwd=TOOLS)
    stub_h = tmp_path / "stubs.h"
    cmd = [sys.executable, str(TOOLS / "syscall_stub_gen.py"), "-a", cfg.arch.name, "-o", str(stub_h)]
    if cfg.mcs:
        cmd.append("--mcs")
    if cfg.values.get("X86_64_VTX_64BIT_GUESTS") is True:
        cmd.append("--x86-vtx-64-bit-guests")
    run_ok([*cmd, *map(str, interfaces)], cwd=TOOLS)

    def strip(text: str) -> str:
        # Size asserts are for the target; a 32-bit configuration's `long` is not the host's.
        skip = ("#include", "assert_size_correct(")
        return "\n".join(line for line in text.splitlines() if not line.startswith(skip))

    calls = _calls(model.interfaces.methods, cfg.word_bits, seed=len(config_name))
    c_src = tmp_path / "stubs.c"
    c_src.write_text("\n".join([
        _prelude(model, list(model.interfaces.labels), strip(bf.read_text())),
        strip(stub_h.read_text()),
        _c_driver(calls, cfg.word_bits),
    ]))
    run_ok(["cc", "-O1", "-w", "-o", str(tmp_path / "stubs_c"), str(c_src)])
    c_out = run_ok([str(tmp_path / "stubs_c")])

    gen = tmp_path / "gen"
    gen.mkdir()
    for name, text in render(model).items():
        (gen / name).write_text(text)
    rs = tmp_path / "stubs.rs"
    rs.write_text(_rust_program(calls, cfg.word_bits))
    run_ok(["rustc", "--edition", "2021", "-o", str(tmp_path / "stubs_rs"), str(rs)], env={**os.environ, "GEN": str(gen)})
    rs_out = run_ok([str(tmp_path / "stubs_rs")])

    stubs = json.loads((gen / "manifest.json").read_text())["stubs"]
    assert c_out.count("stub ") == 2 * len(stubs) > 0
    for c_line, rs_line in zip(c_out.splitlines(), rs_out.splitlines(), strict=True):
        assert rs_line == c_line
