"""The typed API's generated half (tools/sel4gen/typed.py, templates/typed.rs.j2): names,
parameter and result types, and coverage of every enabled invocation."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CONFIGS, config_dir
from sel4gen.archinfo import ARCHES
from sel4gen.generate import build_model
from sel4gen.inputs import resolve
from sel4gen.interfaces import Method, Param
from sel4gen.paramtypes import Kind, ParamType, base_types
from sel4gen.typed import HAND_WRITTEN, _method, marker_name, method_name, param_name, typed_api

T64 = base_types(64)
REGS = ParamType("seL4_UserContext", Kind.STRUCT, 3 * 64, ("pc", "sp", "x0"))


@pytest.mark.parametrize(
    "c_name,marker",
    [
        ("seL4_TCB", "Tcb"),
        ("seL4_CNode", "CNode"),
        ("seL4_IRQControl", "IrqControl"),
        ("seL4_ARM_PageTable", "PageTable"),
        ("seL4_ARM_VSpace", "VSpace"),
        ("seL4_ARM_ASIDPool", "AsidPool"),
        ("seL4_X86_IOPortControl", "IoPortControl"),
        ("seL4_X64_PML4", "Pml4"),
        ("seL4_RISCV_Page", "Page"),
        ("seL4_SchedContext", "SchedContext"),
    ],
)
def test_marker_names(c_name: str, marker: str) -> None:
    assert marker_name(c_name) == marker


@pytest.mark.parametrize(
    "xml,rust",
    [("SetIPCBuffer", "set_ipc_buffer"), ("Clean_Data", "clean_data"), ("Move", "move_"), ("SetTLSBase", "set_tls_base"),
     ("IssueSGISignal", "issue_sgi_signal"), ("In8", "in8"), ("GetAddress", "get_address")],
)
def test_method_names(xml: str, rust: str) -> None:
    assert method_name(xml) == rust


def test_parameter_names_are_snake_case_and_not_keywords() -> None:
    names = ("bufferFrame", "vspace_root", "type", "In")
    assert [param_name(n) for n in names] == ["buffer_frame", "vspace_root", "type_", "in_"]


def method(interface: str, name: str, *params: Param) -> Method:
    return Method(interface, name, "Label", ParamType(interface, Kind.CAP, 64), params, "Brief.", "", "", (), "")


def p(name: str, t: ParamType, out: bool = False) -> Param:
    return Param(name, t, out, "")


def test_parameters_get_typed_capabilities_bool_and_rights() -> None:
    m = method(
        "seL4_TCB", "SetSpace",
        p("fault_ep", T64["seL4_CPtr"]),
        p("cspace_root", ParamType("seL4_CNode", Kind.CAP, 64)),
        p("vspace_root", T64["seL4_CPtr"]),
        p("other", T64["seL4_CPtr"]),
        p("flag", T64["seL4_Bool"]),
        p("rights", T64["seL4_CapRights_t"]),
        p("regs", REGS),
    )
    typed = _method(m)
    assert [(x.name, x.rust_type, x.arg) for x in typed.params] == [
        ("fault_ep", "Cap<cap_type::Endpoint>", "fault_ep.bits()"),
        ("cspace_root", "Cap<cap_type::CNode>", "cspace_root.bits()"),
        ("vspace_root", "Cap<cap_type::VSpaceRoot>", "vspace_root.bits()"),
        ("other", "Cap<cap_type::Unspecified>", "other.bits()"),
        ("flag", "bool", "flag as sys::seL4_Bool"),
        ("rights", "CapRights", "rights.into_sys()"),
        ("regs", "&sys::seL4_UserContext", "regs"),
    ]
    assert (typed.marker, typed.name, typed.returns, typed.ok) == ("Tcb", "set_space", "()", "()")


def test_results_carry_the_output_parameters() -> None:
    one = _method(method("seL4_ARM_Page", "GetAddress", p("paddr", T64["seL4_Word"], out=True)))
    assert (one.returns, one.ok, one.out_values) == ("sys::seL4_Word", "result.paddr", ("paddr",))
    regs = _method(method("seL4_TCB", "ReadRegisters", p("count", T64["seL4_Word"]), p("regs", REGS, out=True)))
    assert (regs.returns, regs.ok, regs.out_structs) == ("sys::seL4_UserContext", "regs", (("regs", "sys::seL4_UserContext"),))
    two = _method(method("seL4_X", "Two", p("a", T64["seL4_Word"], out=True), p("b", T64["seL4_Bool"], out=True)))
    assert (two.returns, two.ok) == ("(sys::seL4_Word, bool)", "(result.a, result.b != 0)")


@pytest.mark.parametrize("config", CONFIGS or [pytest.param(None, marks=pytest.mark.skip(reason="no interface data"))])
def test_every_enabled_invocation_has_a_typed_method(config: str, tmp_path: Path) -> None:
    model = build_model(resolve(config_dir(config), {}))
    api = typed_api(model.interfaces, model.config.arch)
    stubs = {m.c_name for m in model.interfaces.methods}
    assert {m.stub for m in api.methods} == stubs - HAND_WRITTEN
    markers = {m.name for m in api.markers}
    assert {m.marker for m in api.methods} <= markers
    # One method name per type: two invocations of one interface never collide.
    pairs = [(m.marker, m.name) for m in api.methods]
    assert len(pairs) == len(set(pairs))
    arch = ARCHES[model.config.arch.name]
    assert {a.target for a in api.aliases} == {marker_name(arch.vspace_root), marker_name(arch.frame)} <= markers
