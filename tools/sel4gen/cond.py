"""A small, safe evaluator for configuration conditions and integer expressions.

Conditions and values in the ABI tables and the XML are written in a subset of
Python expression syntax (``CONFIG_KERNEL_MCS and not CONFIG_ARCH_AARCH32``,
``(1 << seL4_MsgExtraCapBits) - 1``). Parsing with :mod:`ast` and walking a
whitelist keeps them readable without handing ``eval`` any power.

``since("15.0.0")`` is true when the kernel release is that one or later (the header values
that changed between releases). Names starting with ``CONFIG_`` read the kernel configuration with the C
preprocessor's rules: an option that is off or absent is ``False`` (``#if`` of an
undefined macro is 0), so a table written for one architecture stays valid for
a configuration that does not know the option at all. Every other name must be
a symbol defined earlier; an unknown one is an error, never a silent zero.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .release import NEWEST, Release
from .release import parse as parse_release

Value = bool | int | str

_BINOPS: dict[type, Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor,
}
_CMPOPS: dict[type, Callable[[Value, Value], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


class ExprError(ValueError):
    """An expression that does not parse or names something unknown."""


@dataclass
class Scope:
    """What names mean while evaluating: configuration options and known symbols."""

    config: Mapping[str, Value]
    symbols: Mapping[str, int] = field(default_factory=dict)
    #: The kernel release, for ``since("15.0.0")``: true from that release on.
    release: Release = NEWEST

    def config_value(self, name: str) -> Value:
        return self.config.get(name, False)

    def defined(self, name: str) -> bool:
        """``#ifdef`` semantics: a boolean option is defined only when it is on."""
        key = name[len("CONFIG_"):] if name.startswith("CONFIG_") else name
        if key not in self.config:
            return False
        return self.config[key] is not False


def parse(text: str) -> ast.expr:
    try:
        # Parenthesised so that tables may break long conditions across lines.
        tree = ast.parse(f"({text.strip()}\n)", mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"cannot parse expression {text!r}: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise ExprError(f"expression nested too deeply: {text[:60]!r}...") from None
    return tree.body


def evaluate(text: str, scope: Scope) -> Value:
    """Evaluate ``text`` in ``scope``; raises :class:`ExprError` on anything unexpected."""
    try:
        return _eval(parse(text), scope, text)
    except RecursionError:
        raise ExprError(f"expression nested too deeply: {text[:60]!r}...") from None


def evaluate_bool(text: str, scope: Scope) -> bool:
    return bool(evaluate(text, scope))


def evaluate_int(text: str, scope: Scope) -> int:
    value = evaluate(text, scope)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ExprError(f"expression {text!r} is {value!r}, not an integer")
    return value


def _eval(node: ast.expr, scope: Scope, src: str) -> Value:
    if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int, str)):
        return node.value
    if isinstance(node, ast.Name):
        name = node.id
        if name.startswith("CONFIG_"):
            return scope.config_value(name[len("CONFIG_"):])
        if name in scope.symbols:
            return scope.symbols[name]
        raise ExprError(f"unknown name {name!r} in {src!r}")
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            return all(_eval(v, scope, src) for v in node.values)
        return any(_eval(v, scope, src) for v in node.values)
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, scope, src)
        if isinstance(node.op, ast.Not):
            return not operand
        if isinstance(node.op, ast.USub):
            return -_as_int(operand, src)
        if isinstance(node.op, ast.Invert):
            return ~_as_int(operand, src)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        left = _as_int(_eval(node.left, scope, src), src)
        right = _as_int(_eval(node.right, scope, src), src)
        return _BINOPS[type(node.op)](left, right)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, scope, src)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            if type(op) not in _CMPOPS:
                break
            right = _eval(comparator, scope, src)
            if not _CMPOPS[type(op)](left, right):
                return False
            left = right
        else:
            return True
    if isinstance(node, ast.IfExp):
        branch = node.body if _eval(node.test, scope, src) else node.orelse
        return _eval(branch, scope, src)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 1:
        arg = node.args[0]
        if node.func.id == "defined" and isinstance(arg, ast.Name):
            return scope.defined(arg.id)
        if node.func.id == "since" and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            since = parse_release(arg.value)
            if since is None or since.dev:
                raise ExprError(f"since() takes a release such as \"15.0.0\", not {arg.value!r}, in {src!r}")
            return scope.release.at_least(since)
        if node.func.id == "BIT":
            return 1 << _as_int(_eval(arg, scope, src), src)
    raise ExprError(f"unsupported construct {ast.unparse(node)!r} in {src!r}")


def _as_int(value: Value, src: str) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    raise ExprError(f"{value!r} is not a number in {src!r}")
