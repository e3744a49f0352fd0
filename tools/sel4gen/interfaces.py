"""Object invocations from `interfaces/object-api*.xml`: labels, methods, parameter types.

Labels are numbered as libsel4 numbers them: ``InvalidInvocation`` is 0, the
generic file follows and ends at ``nInvocationLabels``; the seL4-arch file
continues to ``nSeL4ArchInvocationLabels``, the arch file to
``nArchInvocationLabels``. A method whose condition is false takes no number.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import GenError
from .paramtypes import Kind, ParamType, base_types
from .xmlload import attr, condition_holds, line_of, load, options_named

#: The three files in libsel4's numbering order, with the count each one ends at.
LABEL_FILES = (
    ("object-api.xml", "nInvocationLabels"),
    ("object-api-sel4-arch.xml", "nSeL4ArchInvocationLabels"),
    ("object-api-arch.xml", "nArchInvocationLabels"),
)


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType
    out: bool
    doc: str


@dataclass(frozen=True)
class Method:
    interface: str  # e.g. "seL4_Untyped"
    name: str  # e.g. "Retype"
    label: str  # e.g. "UntypedRetype"
    cap: ParamType  # the type of the invoked capability
    params: tuple[Param, ...]
    brief: str
    description: str
    cap_doc: str
    errors: tuple[tuple[str, str], ...]
    returns: str

    @property
    def c_name(self) -> str:
        return f"{self.interface}_{self.name}"

    @property
    def inputs(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if not p.out)

    @property
    def outputs(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.out)


@dataclass(frozen=True)
class Interfaces:
    labels: tuple[tuple[str, int], ...]  # every label and count, in order, InvalidInvocation first
    methods: tuple[Method, ...]
    structs: tuple[ParamType, ...]
    options: frozenset[str]  # every option the files' conditions name
    cap_types: tuple[str, ...] = ()  # every capability type: interfaces and the arch's typedefs


# ---------------------------------------------------------------- doc text


def _text(elem: ET.Element) -> str:
    """Flatten libsel4's documentation markup into Markdown-ish plain text."""
    parts: list[str] = [_escape(elem.text or "")]
    for child in elem:
        if child.tag == "texttt":
            parts.append(f"`{child.get('text', '')}`")
        elif child.tag == "errorenumdesc":
            parts.append("a `seL4_Error` value")
        elif child.tag in ("autoref", "shortref"):
            parts.append("the seL4 manual")
        elif child.tag == "obj":
            parts.append(_escape(child.get("name", "")))
        else:
            parts.append(_text(child))
        parts.append(_escape(child.tail or ""))
    return "".join(parts)


_MD_SPECIAL = re.compile(r"([\\\[\]<>*`_|#])")


def _escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _paragraphs(text: str) -> str:
    """Collapse the XML's indentation; keep blank-line paragraph breaks."""
    paras: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped:
            current.append(stripped)
        elif current:
            paras.append(" ".join(current))
            current = []
    if current:
        paras.append(" ".join(current))
    return "\n\n".join(paras)


def _doc(parent: ET.Element, tag: str) -> str:
    child = parent.find(tag)
    return _paragraphs(_text(child)) if child is not None else ""


def _param_doc(elem: ET.Element) -> str:
    if elem.get("description"):
        return _paragraphs(_escape(elem.get("description", "")))
    return _doc(elem, "description")


# ---------------------------------------------------------------- types


def _type_table(config: Config, roots: list[tuple[Path, ET.Element]]) -> dict[str, ParamType]:
    arch = config.arch
    types = base_types(arch.word_bits)
    for name in arch.word_types:
        types[name] = ParamType(name, Kind.WORD, arch.word_bits)
    for name in arch.extra_caps:
        types[name] = ParamType(name, Kind.CAP, arch.word_bits)
    # Every interface is a capability type, whether or not its methods are enabled here.
    for _, root in roots:
        for iface in root.iter("interface"):
            name = iface.get("name")
            if name:
                types[name] = ParamType(name, Kind.CAP, arch.word_bits)
    for path, root in roots:
        for struct in root.iter("struct"):
            name = attr(struct, "name", path)
            members = tuple(attr(m, "name", path) for m in struct.findall("member"))
            if not members:
                raise GenError(f"<struct> {name} has no <member>", path, line_of(struct))
            size = arch.structs.get(name, len(members))
            if isinstance(size, tuple):
                option, on, off = size
                size = on if config.values.get(option) is True else off
            if size > len(members):
                raise GenError(
                    f"struct {name} lists {len(members)} members but is {size} words on {arch.name}",
                    path,
                    line_of(struct),
                )
            types[name] = ParamType(name, Kind.STRUCT, size * arch.word_bits, members[:size])
    return types


# ---------------------------------------------------------------- parsing



#: The local variables of the generated stubs (templates/invocations.rs.j2) besides mr0...: a
#: parameter of the same name would be shadowed by them.
STUB_LOCALS = frozenset({"tag", "output_tag", "error", "regs_words", "regs_len", "regs_count", "i", "ipc_buffer"})


#: The elements each structural element may hold (libsel4's XML of 13.0.0 to master): a
#: misspelled one would otherwise drop a method and renumber every label after it.
_CHILDREN = {
    "api": {"interface", "struct"},
    "interface": {"method", "condition"},
    "method": {"param", "error", "condition", "brief", "description", "return", "cap_param"},
    "struct": {"member"},
}


def _check_structure(root: ET.Element, path: Path) -> None:
    """Every structural element holds only the elements it may, and names what Rust can name."""
    for elem in root.iter():
        allowed = _CHILDREN.get(elem.tag)
        if allowed is not None:
            for child in elem:
                if child.tag not in allowed:
                    raise GenError(
                        f"unknown element <{child.tag}> in <{elem.tag}> (expected {', '.join(sorted(allowed))})",
                        path,
                        line_of(child),
                    )
        for key in {"interface": ("name",), "method": ("name", "id"), "struct": ("name",)}.get(elem.tag, ()):
            value = elem.get(key)
            if value is not None and not (value.isidentifier() and value.isascii()):
                raise GenError(
                    f"<{elem.tag}> {key}={value!r} is not an identifier (letters, digits, _; not first a digit)",
                    path,
                    line_of(elem),
                )


def load_interfaces(paths: list[Path], config: Config) -> Interfaces:
    if len(paths) != len(LABEL_FILES):
        raise GenError(f"expected {len(LABEL_FILES)} interface files, got {len(paths)}")
    roots = [(p, load(p)) for p in paths]
    for path, root in roots:
        if root.tag != "api":
            raise GenError(f"root element is <{root.tag}>, expected <api>", path, line_of(root))
        _check_structure(root, path)
    types = _type_table(config, roots)
    scope = config.scope()
    labels: list[tuple[str, int]] = [("InvalidInvocation", 0)]
    label_at: dict[str, tuple[Path, int | None]] = {}
    methods: list[Method] = []
    c_names: dict[str, tuple[Path, int | None]] = {}
    number = 1
    for (path, root), (_, count_name) in zip(roots, LABEL_FILES, strict=True):
        for iface in root.findall("interface"):
            iface_name = attr(iface, "name", path)
            if not condition_holds(iface, scope, path):
                continue
            for elem in iface.findall("method"):
                label = attr(elem, "id", path)
                if not condition_holds(elem, scope, path):
                    continue
                method = _method(elem, iface, iface_name, label, types, path)
                if method.c_name in c_names:
                    where = c_names[method.c_name]
                    raise GenError(
                        f"method {method.c_name} is enabled twice (also at {where[0]}:{where[1]}); "
                        "their conditions must exclude each other",
                        path,
                        line_of(elem),
                    )
                c_names[method.c_name] = (path, line_of(elem))
                methods.append(method)
                if label in label_at:
                    if elem.get("duplicate") in ("true", "1"):
                        continue
                    where = label_at[label]
                    raise GenError(
                        f"invocation label {label} is enabled twice (also at {where[0]}:{where[1]}) "
                        "without duplicate=\"true\"",
                        path,
                        line_of(elem),
                    )
                label_at[label] = (path, line_of(elem))
                labels.append((label, number))
                number += 1
        labels.append((count_name, number))
    structs = tuple(t for t in types.values() if t.kind is Kind.STRUCT)
    options = frozenset().union(*(options_named(root) for _, root in roots))
    caps = tuple(sorted(t.name for t in types.values() if t.kind is Kind.CAP and t.name != "seL4_CPtr"))
    return Interfaces(tuple(labels), tuple(methods), structs, options, caps)


def _method(
    elem: ET.Element,
    iface: ET.Element,
    iface_name: str,
    label: str,
    types: dict[str, ParamType],
    path: Path,
) -> Method:
    name = attr(elem, "name", path)
    params: list[Param] = []
    seen: set[str] = {"_service"}
    for p in elem.findall("param"):
        pname = attr(p, "name", path)
        tname = attr(p, "type", path)
        direction = attr(p, "dir", path)
        if direction not in ("in", "out"):
            raise GenError(f"parameter {pname!r} has dir={direction!r}; expected 'in' or 'out'", path, line_of(p))
        if tname not in types:
            raise GenError(
                f"parameter {pname!r} of {iface_name}_{name} has unknown type {tname!r}; "
                "it is neither a libsel4 type, an interface, nor a <struct> of these files",
                path,
                line_of(p),
            )
        if not (pname.isidentifier() and pname.isascii()) or pname in seen:
            raise GenError(f"parameter name {pname!r} is not a fresh identifier", path, line_of(p))
        if pname in STUB_LOCALS or re.fullmatch(r"mr\d+", pname):
            raise GenError(
                f"parameter name {pname!r} is a name the generated stub uses for its own "
                f"variables ({', '.join(sorted(STUB_LOCALS))}, mr0...); it would marshal the wrong "
                "value: rename the parameter",
                path,
                line_of(p),
            )
        seen.add(pname)
        ptype = types[tname]
        if direction == "out" and ptype.kind is Kind.CAP:
            raise GenError(f"output parameter {pname!r} cannot be a capability", path, line_of(p))
        params.append(Param(pname, ptype, direction == "out", _param_doc(p)))
    errors = tuple((attr(e, "name", path), _param_doc(e)) for e in elem.findall("error"))
    cap_doc = _paragraphs(_escape(iface.get("cap_description", "")))
    cap_param = elem.find("cap_param")
    if cap_param is not None and cap_param.get("append_description"):
        cap_doc += _paragraphs(_escape(cap_param.get("append_description", "")))
    return Method(
        interface=iface_name,
        name=name,
        label=label,
        cap=types[iface_name],
        params=tuple(params),
        brief=_doc(elem, "brief"),
        description=_doc(elem, "description"),
        cap_doc=cap_doc,
        errors=errors,
        returns=_doc(elem, "return"),
    )
