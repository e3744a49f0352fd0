"""Emitter pieces on small inputs: parameter packing, rustc flags, literals."""

from __future__ import annotations

import pytest
from sel4gen.archinfo import ARCHES
from sel4gen.cond import ExprError, Scope, evaluate
from sel4gen.config import Config
from sel4gen.contract import HANDWRITTEN_OPTIONS, cfg_flags
from sel4gen.emit import _literal
from sel4gen.errors import GenError
from sel4gen.interfaces import Method, Param
from sel4gen.marshal import place, plan_stub
from sel4gen.paramtypes import Kind, ParamType, base_types

T64 = base_types(64)
T32 = base_types(32)
REGS = ParamType("seL4_UserContext", Kind.STRUCT, 3 * 64, ("pc", "sp", "x0"))


def method(*params: Param, name: str = "M") -> Method:
    return Method("seL4_TCB", name, "TCBThing", ParamType("seL4_TCB", Kind.CAP, 64), params, "", "", "", (), "")


def p(name: str, t: ParamType, out: bool = False) -> Param:
    return Param(name, t, out, "")


def test_narrow_parameters_share_a_word_each_aligned_to_its_size() -> None:
    params = (p("b", T64["seL4_Bool"]), p("u8", T64["seL4_Uint8"]), p("u16", T64["seL4_Uint16"]), p("w", T64["seL4_Word"]))
    assert [(x.first_bit, x.bits) for x in place(params, 64)] == [(0, 1), (8, 8), (16, 16), (64, 64)]


def test_64_bit_values_take_two_words_on_32_bit() -> None:
    params = (p("a", T32["seL4_Uint8"]), p("t", T32["seL4_Time"]), p("w", T32["seL4_Word"]))
    plan = plan_stub(method(*params), 32, 4)
    assert plan.words == ["((a as seL4_Word) & 0xff)", "t as seL4_Word", "(t >> 32) as seL4_Word", "w as seL4_Word"]


def test_caps_go_to_extra_caps_and_structs_by_reference() -> None:
    params = (
        p("cnode", T64["seL4_CPtr"]), p("regs", REGS), p("flag", T64["seL4_Bool"]), p("old", T64["seL4_Uint8"], out=True)
    )
    plan = plan_stub(method(*params), 64, 4)
    assert plan.caps == ["cnode"]
    assert plan.signature == [("cnode", "seL4_CPtr"), ("regs", "&seL4_UserContext"), ("flag", "seL4_Bool")]
    assert plan.words == ["regs.pc", "regs.sp", "regs.x0", "((flag as seL4_Word) & 0x1)"]
    assert plan.result_struct == "seL4_TCB_M_t"
    assert [(o.name, o.expr) for o in plan.out_values] == [("old", "(mr0 & 0xff) as seL4_Uint8")]


def test_outputs_beyond_the_fast_registers_come_from_the_ipc_buffer() -> None:
    outs = tuple(p(f"o{i}", T64["seL4_Word"], out=True) for i in range(6))
    plan = plan_stub(method(*outs), 64, 4)
    exprs = [o.expr for o in plan.out_values]
    assert exprs[3:] == ["mr3 as seL4_Word", "seL4_GetMR(4) as seL4_Word", "seL4_GetMR(5) as seL4_Word"]


def test_keyword_parameter_names_are_escaped() -> None:
    plan = plan_stub(method(p("type", T64["seL4_Word"])), 64, 4)
    assert plan.signature == [("type_", "seL4_Word")]


def test_cfg_flags_cover_every_option() -> None:
    cfg = Config(values={"KERNEL_MCS": True, "PRINTING": False, "WORD_SIZE": 64, "SEL4_ARCH": "aarch64"},
                 raw={"KERNEL_MCS": True, "PRINTING": False, "WORD_SIZE": "64", "SEL4_ARCH": "aarch64"},
                 arch=ARCHES["aarch64"])
    assert cfg_flags(cfg) == [
        "--check-cfg=cfg(sel4_cfg_KERNEL_MCS)", "--cfg=sel4_cfg_KERNEL_MCS",
        "--check-cfg=cfg(sel4_cfg_PRINTING)",
        # SEL4_ARCH: every architecture's name may appear in a `#[cfg]`.
        '--check-cfg=cfg(sel4_cfg_SEL4_ARCH,values("aarch32","aarch64","arm_hyp","ia32","riscv32","riscv64","x86_64"))',
        '--cfg=sel4_cfg_SEL4_ARCH="aarch64"',
        '--check-cfg=cfg(sel4_cfg_WORD_SIZE,values("64"))', '--cfg=sel4_cfg_WORD_SIZE="64"',
        *(f"--check-cfg=cfg(sel4_cfg_{name})" for name in sorted(HANDWRITTEN_OPTIONS - {"KERNEL_MCS", "PRINTING"})),
        "--check-cfg=cfg(sel4_syscall,values(any()))",
    ]
    # The system calls the configuration's XML has.
    flags = cfg_flags(cfg, syscalls=["Call", "DebugNameThread"])
    assert flags[-2:] == ['--cfg=sel4_syscall="Call"', '--cfg=sel4_syscall="DebugNameThread"']


def test_cfg_flags_never_contain_white_space() -> None:
    # RUSTFLAGS is split at white space by cargo and build systems.
    cfg = Config(values={"OPT": "-O2 -g"}, raw={"OPT": "-O2 -g"}, arch=ARCHES["aarch64"])
    flags = cfg_flags(cfg)
    assert flags[0] == "--check-cfg=cfg(sel4_cfg_OPT,values(any()))"
    assert not any(c.isspace() for flag in flags for c in flag)


def test_literals_must_fit_their_type() -> None:
    assert _literal(-1, "isize", 32, "x") == "-1"
    assert _literal(0xFFFFFFFF, "seL4_Word", 32, "x") == "0xffffffff"
    with pytest.raises(GenError, match="does not fit its type seL4_Word on this 32-bit"):
        _literal(1 << 32, "seL4_Word", 32, "big")


@pytest.mark.parametrize(
    "expr, expected",
    [
        ("CONFIG_A and not CONFIG_B", True),
        ("CONFIG_N - 1", 255),
        ("BIT(CONFIG_S) - 1", 7),
        ("CONFIG_P == 'qemu' or\n CONFIG_P == 'x'", True),
        ("defined(CONFIG_B)", False),
        ("1 if CONFIG_MISSING else 2", 2),
        ("K << 2 | 1", 13),
    ],
)
def test_expressions(expr: str, expected: object) -> None:
    scope = Scope({"A": True, "B": False, "N": 256, "S": 3, "P": "qemu"}, {"K": 3})
    assert evaluate(expr, scope) == expected


@pytest.mark.parametrize("expr, message", [("UNKNOWN + 1", "unknown name 'UNKNOWN'"), ("__import__('os')", "unsupported"),
                                           ("1 +", "cannot parse"), ("CONFIG_P + 1", "is not a number")])
def test_expression_errors(expr: str, message: str) -> None:
    with pytest.raises(ExprError, match=message):
        evaluate(expr, Scope({"P": "qemu"}))


def test_options_of_other_architectures_are_declared_but_never_set() -> None:
    cfg = Config(values={"PRINTING": True}, raw={"PRINTING": True}, arch=ARCHES["aarch64"])
    flags = cfg_flags(cfg, frozenset({"PRINTING", "KERNEL_X86_DANGEROUS_MSR"}))
    assert "--check-cfg=cfg(sel4_cfg_KERNEL_X86_DANGEROUS_MSR)" in flags
    assert not any(f.startswith("--cfg=sel4_cfg_KERNEL_X86") for f in flags)
    assert flags.count("--check-cfg=cfg(sel4_cfg_PRINTING)") == 1
