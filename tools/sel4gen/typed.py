"""The typed API's view of the object invocations: one method of `Cap<T>` per enabled stub.

The `sel4` crate includes the rendered `typed.rs`: a marker type per capability type, and
per invocation a safe method on the capability type it is invoked on, taking typed
capabilities, `bool` and `CapRights`, and returning `Result`. Only names and types are
decided here; the marshalling stays in the raw stub each method calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .archinfo import ArchInfo
from .interfaces import Interfaces, Method, Param
from .marshal import rust_type
from .paramtypes import Kind
from .rustnames import rust_ident

#: Invocations the `sel4` crate writes by hand, with a richer signature than the XML's.
HAND_WRITTEN = frozenset({"seL4_Untyped_Retype"})

#: `seL4_CPtr` parameters whose object type the XML leaves open but the kernel fixes.
#: Values are C capability type names, or the aliases "VSpaceRoot" and "Frame".
PARAM_TYPES: dict[str, str] = {
    "seL4_ARM_PageTable.Map.vspace": "VSpaceRoot",
    "seL4_ARM_Page.Map.vspace": "VSpaceRoot",
    "seL4_ARM_ASIDPool.Assign.vspace": "VSpaceRoot",
    "seL4_ARM_CB.AssignVspace.vspace": "VSpaceRoot",
    "seL4_ARM_SID.BindCB.cb": "seL4_ARM_CB",
    "seL4_RISCV_ASIDPool.Assign.vspace": "VSpaceRoot",
    "seL4_X86_PageDirectory.Map.vspace": "VSpaceRoot",
    "seL4_X86_PageTable.Map.vspace": "VSpaceRoot",
    "seL4_X86_Page.Map.vspace": "VSpaceRoot",
    "seL4_X86_ASIDPool.Assign.vspace": "VSpaceRoot",
    "seL4_TCB.Configure.vspace_root": "VSpaceRoot",
    "seL4_TCB.Configure.bufferFrame": "Frame",
    "seL4_TCB.SetSpace.vspace_root": "VSpaceRoot",
    "seL4_TCB.SetSpace.fault_ep": "Endpoint",
    "seL4_TCB.SetIPCBuffer.bufferFrame": "Frame",
    "seL4_TCB.SetSchedParams.sched_context": "seL4_SchedContext",
    "seL4_TCB.SetSchedParams.fault_ep": "Endpoint",
    "seL4_TCB.SetTimeoutEndpoint.timeout_fault_ep": "Endpoint",
    "seL4_TCB.BindNotification.notification": "Notification",
    "seL4_IRQHandler.SetNotification.notification": "Notification",
}

_ARCH_PREFIXES = ("ARM_", "RISCV_", "X86_", "X64_")
#: Method names that are Rust keywords or would shadow `Cap`'s own methods.
_RENAMED = {"move": "move_", "cast": "cast_", "bits": "bits_"}


def marker_name(c_name: str) -> str:
    """`seL4_ARM_PageTable` -> `PageTable`, `seL4_IRQControl` -> `IrqControl`, `seL4_TCB` -> `Tcb`."""
    name = c_name.removeprefix("seL4_")
    for prefix in _ARCH_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    if name == "PML4":
        return "Pml4"
    return "".join(_camel_words(name))


def _camel_words(name: str) -> list[str]:
    # An upper-case run is one acronym word, except that its last letter starts the next word
    # when lower case follows (IRQControl -> Irq Control, CNode -> C Node, VSpace -> V Space).
    words = re.findall(r"[A-Z]+(?![a-z])\d*|[A-Z]?[a-z]+\d*|\d+", name.replace("_", ""))
    return [w if len(w) == 1 else w[0] + w[1:].lower() if w.isupper() or w[:-1].isupper() else w for w in words]


def method_name(name: str) -> str:
    """`SetIPCBuffer` -> `set_ipc_buffer`, `Clean_Data` -> `clean_data`, `Move` -> `move_`."""
    parts = []
    for chunk in name.split("_"):
        parts += re.findall(r"[A-Z]+(?![a-z])\d*|[A-Z]?[a-z]+\d*|\d+", chunk)
    snake = "_".join(p.lower() for p in parts)
    return _RENAMED.get(snake, snake)


@dataclass(frozen=True)
class Marker:
    name: str  # Rust name in `cap_type`
    c_name: str


@dataclass(frozen=True)
class Alias:
    name: str
    target: str
    doc: str


@dataclass(frozen=True)
class TypedParam:
    name: str
    rust_type: str
    arg: str  # the expression passed to the raw stub


@dataclass(frozen=True)
class TypedMethod:
    marker: str
    name: str
    stub: str
    params: tuple[TypedParam, ...]
    out_structs: tuple[tuple[str, str], ...]  # (name, sys type), created zeroed and passed as &mut
    out_values: tuple[str, ...]  # fields of the stub's result struct
    returns: str  # Rust type inside Result<>
    ok: str  # the value returned on success
    doc: str


@dataclass(frozen=True)
class TypedApi:
    markers: tuple[Marker, ...]
    aliases: tuple[Alias, ...]
    methods: tuple[TypedMethod, ...]


def _marker_of(type_name: str) -> str:
    return type_name if type_name in ("VSpaceRoot", "Frame", "Endpoint", "Notification") else marker_name(type_name)


def param_name(name: str) -> str:
    """`bufferFrame` -> `buffer_frame`; keywords get a trailing underscore."""
    return rust_ident(re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower())


def _typed_param(method: Method, p: Param) -> TypedParam:
    name = param_name(p.name)
    kind = p.type.kind
    if kind is Kind.CAP:
        override = PARAM_TYPES.get(f"{method.interface}.{method.name}.{p.name}")
        if override:
            marker = _marker_of(override)
        elif p.type.name == "seL4_CPtr":
            marker = "Unspecified"
        else:
            marker = marker_name(p.type.name)
        return TypedParam(name, f"Cap<cap_type::{marker}>", f"{name}.bits()")
    if kind is Kind.BOOL:
        return TypedParam(name, "bool", f"{name} as sys::seL4_Bool")
    if kind is Kind.BITFIELD:
        return TypedParam(name, "CapRights", f"{name}.into_sys()")
    if kind is Kind.STRUCT:
        return TypedParam(name, f"&sys::{rust_type(p.type)}", name)
    ty = rust_type(p.type)
    return TypedParam(name, ty if ty in ("isize", "i32") else f"sys::{ty}", name)


def _out_type(p: Param) -> str:
    ty = rust_type(p.type)
    return ty if ty in ("isize", "i32") else f"sys::{ty}"


def _doc(m: Method, outputs: list[Param]) -> str:
    lines = [*(m.brief or f"Invokes `{m.c_name}`.").splitlines(), ""]
    lines.append(f"Calls [`{m.c_name}`](sys::{m.c_name}) with this capability as `_service`.")
    if m.description:
        lines += ["", *m.description.splitlines()]
    ins = list(m.inputs)
    if ins:
        lines += ["", "# Parameters", ""]
        for p in ins:
            first, *rest = (p.doc or "see the seL4 manual.").splitlines() or [""]
            lines += [f"- `{param_name(p.name)}`: {first}", *(f"  {r}" if r else "" for r in rest)]
    if outputs:
        names = ", ".join(f"`{p.name}`" for p in outputs)
        lines += ["", "# Returns", "", f"On success, the output parameter{'s' if len(outputs) > 1 else ''} {names}."]
    if m.errors:
        lines += ["", "# Errors", ""]
        for name, desc in m.errors:
            first, *rest = (desc or "see the seL4 manual.").splitlines() or [""]
            lines += [f"- `{name}`: {first}", *(f"  {r}" if r else "" for r in rest)]
    return "".join(f"    ///{' ' if line else ''}{line}\n" for line in lines).rstrip("\n")


def _method(m: Method) -> TypedMethod:
    params = tuple(_typed_param(m, p) for p in m.inputs)
    outputs = list(m.outputs)
    out_structs = tuple((param_name(p.name), f"sys::{rust_type(p.type)}") for p in outputs if p.type.kind is Kind.STRUCT)
    out_values = tuple(rust_ident(p.name) for p in outputs if p.type.kind is not Kind.STRUCT)
    results: list[tuple[str, str]] = []
    for p in outputs:
        name = rust_ident(p.name)  # the result struct's field name
        if p.type.kind is Kind.STRUCT:
            name = param_name(p.name)
            results.append((f"sys::{rust_type(p.type)}", name))
        elif p.type.kind is Kind.BITFIELD:
            results.append(("CapRights", f"CapRights::from_sys(result.{name})"))
        elif p.type.kind is Kind.BOOL:
            results.append(("bool", f"result.{name} != 0"))
        else:
            results.append((_out_type(p), f"result.{name}"))
    if not results:
        returns, ok = "()", "()"
    elif len(results) == 1:
        returns, ok = results[0]
    else:
        returns = "(" + ", ".join(t for t, _ in results) + ")"
        ok = "(" + ", ".join(v for _, v in results) + ")"
    return TypedMethod(
        marker=marker_name(m.interface),
        name=method_name(m.name),
        stub=m.c_name,
        params=params,
        out_structs=out_structs,
        out_values=out_values,
        returns=returns,
        ok=ok,
        doc=_doc(m, outputs),
    )


def typed_api(interfaces: Interfaces, arch: ArchInfo) -> TypedApi:
    markers = tuple(Marker(marker_name(c), c) for c in interfaces.cap_types)
    names = [mk.name for mk in markers]
    if len(set(names)) != len(names):
        raise ValueError(f"two capability types map to one marker name: {sorted(names)}")
    aliases = (
        Alias("VSpaceRoot", marker_name(arch.vspace_root), f"An address-space root on {arch.name} (`{arch.vspace_root}`)."),
        Alias("Frame", marker_name(arch.frame), f"A frame that can be mapped on {arch.name} (`{arch.frame}`)."),
    )
    methods = tuple(_method(m) for m in interfaces.methods if m.c_name not in HAND_WRITTEN)
    return TypedApi(markers, aliases, methods)
