"""Render the Rust bindings and the rustc flags from the models, and write them safely."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from . import __version__
from .abi import Abi, Constant, Enum, Struct, Typedef
from .abicheck import c_source
from .bitfield import Bitfields
from .bitfield_emit import block_code, union_code
from .config import Config
from .contract import contract_files
from .errors import GenError
from .interfaces import Interfaces, Method
from .marshal import plan_stub
from .paramtypes import Kind
from .syscalls import Syscalls
from .typed import TypedApi, typed_api

#: The parts of the bindings, each rendered from the template of the same name.
PARTS = ("config.rs", "types.rs", "abi.rs", "syscalls.rs", "labels.rs", "bitfields.rs", "invocations.rs")
#: The typed API's generated half, included by the `sel4` crate rather than by bindings.rs.
TYPED = "typed.rs"
#: libsel4's invocations with C linkage, included by sel4-sys with its feature `c-api`.
C_API = "c_api.rs"
#: The C file the build compiles to check the header values against libsel4's headers.
ABI_CHECK = "abi_check.c"
OUTPUTS = ("bindings.rs", *PARTS, TYPED, C_API, "cfg.rustflags", "contract.json", "manifest.json", ABI_CHECK)

_PRIMITIVES = {
    "seL4_Int8", "seL4_Int16", "seL4_Int32", "seL4_Int64", "seL4_Uint8", "seL4_Uint16",
    "seL4_Uint32", "seL4_Uint64", "seL4_Word", "seL4_Bool", "seL4_CPtr", "seL4_Time",
}


@dataclass(frozen=True)
class Model:
    config: Config
    abi: Abi
    syscalls: Syscalls
    interfaces: Interfaces
    bitfields: Bitfields


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sel4gen", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["c_param"] = c_param
    env.filters["c_arg"] = c_arg
    return env


def c_param(rust_param_type: str) -> str:
    """A stub parameter's type as C passes it: references are libsel4's pointers."""
    if rust_param_type.startswith("&mut "):
        return "*mut " + rust_param_type.removeprefix("&mut ")
    if rust_param_type.startswith("&"):
        return "*const " + rust_param_type.removeprefix("&")
    return rust_param_type


def c_arg(rust_param_type: str, name: str) -> str:
    """The C-linkage function's parameter ``name`` passed on to the Rust stub."""
    if rust_param_type.startswith("&mut "):
        return f"&mut *{name}"
    if rust_param_type.startswith("&"):
        return f"&*{name}"
    return name


def rust_type(ctype: str) -> str:
    ctype = ctype.strip()
    if ctype.endswith("*"):
        return f"*mut {rust_type(ctype[:-1])}"
    return {"long": "isize", "int": "i32", "char": "u8"}.get(ctype, ctype)


def _doc(text: str | None, indent: str = "") -> str:
    if not text:
        return ""
    return "".join(f"{indent}///{' ' if line else ''}{line}\n" for line in text.splitlines())


def _literal(value: int, ctype: str, word_bits: int, name: str) -> str:
    signed = ctype in ("isize", "i32", "seL4_Int8", "seL4_Int16", "seL4_Int32", "seL4_Int64")
    bits = {"seL4_Uint8": 8, "seL4_Int8": 8, "seL4_Uint16": 16, "seL4_Int16": 16, "seL4_Uint32": 32,
            "seL4_Int32": 32, "i32": 32, "seL4_Uint64": 64, "seL4_Int64": 64}.get(ctype, word_bits)
    low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    if not low <= value <= high:
        raise GenError(f"{name} = {value} does not fit its type {ctype} on this {word_bits}-bit configuration")
    return str(value) if value < 1 << 16 or value < 0 else f"{value:#x}"


def _defined_elsewhere(model: Model) -> set[str]:
    """Names the bitfield specs and the interface XML define; they take precedence over header tables."""
    names = {b.name for b in model.bitfields.blocks} | {u.name for u in model.bitfields.unions}
    names |= {t.name for t in model.interfaces.structs}
    return names


def _abi_items(model: Model) -> list[dict[str, Any]]:
    wb = model.config.word_bits
    items: list[dict[str, Any]] = []
    elsewhere = _defined_elsewhere(model)
    for item in model.abi.items:
        # C spells some of these twice (`typedef seL4_CapRights_t seL4_CapRights;`, a struct the XML
        # also declares); Rust has one definition, from the more primary input.
        if isinstance(item, (Typedef, Struct)) and item.name in elsewhere:
            continue
        if isinstance(item, Constant):
            ty = rust_type(item.ctype)
            items.append({"kind": "const", "name": item.name, "rust_type": ty,
                          "doc": _doc(item.doc or f"C constant `{item.name}`."),
                          "literal": _literal(item.value, item.ctype, wb, item.name)})
        elif isinstance(item, Typedef):
            items.append({"kind": "typedef", "name": item.name, "rust_type": rust_type(item.ctype),
                          "doc": _doc(item.doc or f"C type `{item.name}`.")})
        elif isinstance(item, Enum):
            vtype = item.name or rust_type(item.ctype)
            items.append({
                "kind": "enum", "name": item.name, "rust_type": rust_type(item.ctype), "value_type": vtype,
                "doc": _doc(item.doc or f"C enum `{item.name}`."),
                "members": [{"name": m.name, "literal": _literal(m.value, item.ctype, wb, m.name)} for m in item.members],
                "pad": item.pad, "pad_literal": (1 << (wb - 1)) - 1,
            })
        elif isinstance(item, Struct):
            fields = []
            for f in item.fields:
                ty = rust_type(f.ctype)
                fields.append({"name": f.name, "rust_type": f"[{ty}; {f.length}]" if f.length is not None else ty})
            items.append({"kind": "struct", "name": item.name, "align": item.align, "fields": fields,
                          "doc": _doc(item.doc or f"C struct `{item.name}`.")})
    return items


def _stub_doc(m: Method, has_result: bool) -> str:
    lines: list[str] = [m.brief or f"Invokes `{m.c_name}`."]
    if m.description:
        lines += ["", *m.description.splitlines()]
    lines += ["", "# Parameters", "", f"- `_service`: {m.cap_doc or 'the capability invoked.'}"]
    for p in m.params:
        if p.out and p.type.kind is not Kind.STRUCT:
            continue
        lines.append(f"- `{p.name}` ({'out' if p.out else 'in'}): {p.doc or 'see the seL4 manual.'}")
    lines += ["", "# Returns", ""]
    if has_result:
        lines.append("The kernel's error (`seL4_NoError` on success) and the output parameters.")
    else:
        lines.append(m.returns or "The kernel's error: `seL4_NoError` on success.")
    if m.errors:
        lines += ["", "# Errors", ""]
        lines += [f"- `{name}`: {desc or 'see the seL4 manual.'}" for name, desc in m.errors]
    lines += [
        "", "# Safety", "",
        "The calling thread's IPC buffer must be set (`seL4_SetIPCBuffer`) and not in use",
        "elsewhere. The invocation acts on kernel objects (threads, address spaces,",
        "capabilities) whose state the caller's memory safety may depend on.",
    ]
    return _doc("\n".join(lines), "    ").rstrip("\n")


def _stubs(model: Model) -> list[dict[str, Any]]:
    cfg = model.config
    if cfg.values.get("LIB_SEL4_STUBS_USE_IPC_BUFFER_ONLY") is True:
        fast = 0
    else:
        fast = cfg.arch.fast_mrs_mcs if cfg.mcs else cfg.arch.fast_mrs
    result = []
    for m in model.interfaces.methods:
        plan = plan_stub(m, cfg.word_bits, fast)
        result.append({
            "fn_name": plan.fn_name, "label": plan.label, "cap_type": m.cap.name,
            "signature": plan.signature, "caps": plan.caps, "words": plan.words, "fast_mrs": fast,
            "result_struct": plan.result_struct, "out_values": plan.out_values,
            "out_structs": plan.out_structs, "regs_loop": plan.regs_loop,
            "regs_read_loop": plan.regs_read_loop,
            "doc": _stub_doc(m, plan.result_struct is not None),
        })
    return result


def rust_str(text: str) -> str:
    """``text`` as a Rust string literal: printable ASCII as is, everything else escaped."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif " " <= c <= "~":
            out.append(c)
        else:
            out.append(f"\\u{{{ord(c):x}}}")
    return '"' + "".join(out) + '"'


def _config_items(cfg: Config) -> list[dict[str, str]]:
    items = []
    for name in sorted(cfg.values):
        value = cfg.values[name]
        if isinstance(value, bool):
            ty, lit = "bool", str(value).lower()
        elif isinstance(value, int):
            ty, lit = ("i64", str(value)) if value < 0 else ("u64", str(value))
        else:
            ty, lit = "&str", rust_str(str(value))
        items.append({"name": name, "rust_type": ty, "literal": lit, "raw": str(cfg.raw[name]).replace("`", "'")})
    return items


def manifest(model: Model, api: TypedApi) -> dict[str, Any]:
    """Names the bindings define in libsel4's families, with the Rust path that holds each, and
    the typed API's generated methods as `Marker::method`."""
    values: dict[str, str] = {}
    for name in model.abi.values():
        values[name] = name
    for s in model.syscalls.calls:
        values[s.c_name] = s.c_name
    values["_enum_pad_seL4_Syscall_ID"] = "_enum_pad_seL4_Syscall_ID"
    for name, _ in model.interfaces.labels:
        values[name] = f"invocation_label::{name}"
    for u in model.bitfields.unions:
        for t in u.tags:
            values[f"{u.name}_{t.name}"] = f"{u.name}_{t.name}"
    layouts: dict[str, str] = {"sizeof(seL4_Word)": "core::mem::size_of::<seL4_Word>()"}
    for item in model.abi.items:
        if isinstance(item, Struct):
            layouts[f"sizeof({item.name})"] = f"core::mem::size_of::<{item.name}>()"
            for f in item.fields:
                layouts[f"offsetof({item.name},{f.name})"] = f"core::mem::offset_of!({item.name}, {f.name})"
    for t in model.interfaces.structs:
        layouts[f"sizeof({t.name})"] = f"core::mem::size_of::<{t.name}>()"
    return {"values": values, "layouts": layouts, "stubs": [m.c_name for m in model.interfaces.methods],
            "typed_methods": [f"{m.marker}::{m.name}" for m in api.methods]}


def bitfield_context(bitfields: Bitfields) -> dict[str, Any]:
    return {
        "blocks": [block_code(b, b.name) for b in bitfields.blocks],
        "unions": [union_code(u) for u in bitfields.unions],
    }


def render_bitfields(bitfields: Bitfields) -> str:
    """The bitfield part alone; it depends on no other part, so tests can compile it by itself."""
    return _env().get_template("bitfields.rs.j2").render(bitfield_context(bitfields))


def render(model: Model) -> dict[str, str]:
    cfg = model.config
    abi_names = {i.name for i in model.abi.items if getattr(i, "name", None)}
    cap_types = sorted({t.name for t in _cap_types(model.interfaces)} - abi_names - _PRIMITIVES)
    env = _env()
    context = {
        "version": __version__,
        "arch": cfg.arch,
        "plat": cfg.values.get("PLAT", cfg.values.get("ARM_PLAT", "?")),
        "mcs": cfg.mcs,
        "config_items": _config_items(cfg),
        "abi_items": _abi_items(model),
        "user_structs": model.interfaces.structs,
        "extra_cap_types": cap_types,
        "syscalls": model.syscalls.calls,
        "pad_max": (1 << (cfg.word_bits - 1)) - 1,
        "labels": model.interfaces.labels,
        **bitfield_context(model.bitfields),
        "stubs": _stubs(model),
        # libsel4's stubs print the kernel's message of a failed call (register stubs only).
        "report_error_ipc": cfg.values.get("KERNEL_INVOCATION_REPORT_ERROR_IPC") is True,
        "parts": PARTS,
    }
    header = (
        f"// Generated by sel4gen {__version__} for SEL4_ARCH={cfg.arch.name}, "
        f"PLAT={context['plat']}, MCS={str(cfg.mcs).lower()}. Do not edit.\n\n"
    )
    files = {"bindings.rs": env.get_template("bindings.rs.j2").render(context)}
    for part in PARTS:
        files[part] = header + env.get_template(f"{part}.j2").render(context)
    api = typed_api(model.interfaces, cfg.arch)
    files[TYPED] = header + env.get_template(f"{TYPED}.j2").render(api=api)
    files[C_API] = header + env.get_template(f"{C_API}.j2").render(
        stubs=context["stubs"], blocks=context["blocks"], unions=context["unions"]
    )
    return {
        **files,
        **contract_files(
            cfg, model.syscalls.options | model.interfaces.options, [c.name for c in model.syscalls.calls]
        ),
        "manifest.json": json.dumps(manifest(model, api), indent=1, sort_keys=True) + "\n",
        ABI_CHECK: c_source(model.abi, model.config.arch),
    }


def _cap_types(interfaces: Interfaces) -> set[Any]:
    types = set()
    for m in interfaces.methods:
        types.add(m.cap)
        types.update(p.type for p in m.params if p.type.kind is Kind.CAP)
    return types


def _mode() -> int:
    """The mode a new file gets under this process's umask (mkstemp's own is 0600)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def check_out_dir(out_dir: Path) -> None:
    """The output directory is usable: a directory (or creatable), with no directory in the
    place of an output."""
    if out_dir.exists() and not out_dir.is_dir():
        raise GenError("the output directory is a file; name a directory with --out", out_dir)
    for name in OUTPUTS:
        if (out_dir / name).is_dir():
            raise GenError("is a directory, where the generator writes a file; remove it", out_dir / name)


def write_outputs(out_dir: Path, files: dict[str, str]) -> list[Path]:
    """All or nothing: every changed output is written to a temporary file first and renamed
    into place only when all are written; unchanged files are left untouched so builds stay
    incremental. On failure no output of the generator is left in ``out_dir``."""
    check_out_dir(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GenError(f"cannot create output directory: {exc.strerror}", out_dir) from None
    mode = _mode()
    staged: list[tuple[Path, Path]] = []
    try:
        for name, text in files.items():
            target = out_dir / name
            if target.is_file() and target.read_text(errors="replace") == text:
                continue
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=out_dir)
            staged.append((Path(tmp), target))
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(tmp, mode)
        for tmp, target in staged:
            os.replace(tmp, target)
    except OSError as exc:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        remove_outputs(out_dir)
        raise GenError(f"cannot write the outputs: {exc.strerror}; nothing was kept", out_dir) from None
    return [target for _, target in staged]


def remove_outputs(out_dir: Path) -> None:
    """After a failure, stale outputs must not pass for the result of this run."""
    if not out_dir.is_dir():
        return
    for name in OUTPUTS:
        path = out_dir / name
        if path.is_file() or path.is_symlink():
            path.unlink(missing_ok=True)
