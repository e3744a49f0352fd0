"""Read libsel4's XML files keeping each element's line number for error messages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from xml.parsers import expat

from .cond import Scope
from .errors import GenError

_LINE = "__line__"


def load(path: Path) -> ET.Element:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise GenError("file not found", path) from None
    except OSError as exc:
        raise GenError(f"cannot read: {exc.strerror}", path) from None
    # pyexpat directly: ElementTree's C parser does not expose line numbers.
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()

    def start(tag: str, attrs: dict[str, str]) -> None:
        attrs[_LINE] = str(parser.CurrentLineNumber)
        builder.start(tag, attrs)

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise GenError(f"malformed XML: {expat.ErrorString(exc.code)}", path, exc.lineno) from None
    root = builder.close()
    for elem in root.iter():
        if elem.tag.endswith("include") and ("xi:" in elem.tag or "}" in elem.tag):
            raise GenError("XInclude is not supported; pass the installed (merged) XML file", path, line_of(elem))
    return root


def options_named(root: ET.Element) -> frozenset[str]:
    """Every option a ``<config var=...>`` of this file names, without the ``CONFIG_`` prefix."""
    names = (e.get("var", "") for e in root.iter("config"))
    return frozenset(n.removeprefix("CONFIG_") for n in names if n)


def line_of(elem: ET.Element) -> int | None:
    value = elem.get(_LINE)
    return int(value) if value else None


def attr(elem: ET.Element, name: str, path: Path, required: bool = True) -> str:
    value = elem.get(name)
    if value is None or (required and not value.strip()):
        if required:
            raise GenError(f"<{elem.tag}> needs a non-empty '{name}' attribute", path, line_of(elem))
        return ""
    return value


def condition_holds(parent: ET.Element, scope: Scope, path: Path) -> bool:
    """Evaluate the optional ``<condition>`` child as libsel4's generators do (``defined(...)``)."""
    conditions = parent.findall("condition")
    if len(conditions) > 1:
        raise GenError(f"<{parent.tag}> has more than one <condition>", path, line_of(conditions[1]))
    if not conditions:
        return True
    children = list(conditions[0])
    if not children:
        return True
    if len(children) > 1:
        raise GenError("<condition> must hold exactly one expression", path, line_of(conditions[0]))
    try:
        return _cond(children[0], scope, path)
    except RecursionError:
        raise GenError("<condition> nested too deeply", path, line_of(conditions[0])) from None


def _cond(elem: ET.Element, scope: Scope, path: Path) -> bool:
    children = list(elem)
    if elem.tag == "config":
        var = attr(elem, "var", path)
        return scope.defined(var)
    if elem.tag == "not":
        if len(children) != 1:
            raise GenError("<not> must hold exactly one expression", path, line_of(elem))
        return not _cond(children[0], scope, path)
    if elem.tag in ("and", "or"):
        results = [_cond(c, scope, path) for c in children]
        return all(results) if elem.tag == "and" else any(results)
    raise GenError(f"unknown element <{elem.tag}> in a condition (expected config, not, and, or)", path, line_of(elem))
