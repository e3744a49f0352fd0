"""Parse the kernel's preprocessed bitfield specs (`.pbf`) into a syntax tree.

The grammar is the one the kernel's bitfield generator accepts: ``base``,
``block`` (optionally with a visible-order list), ``field``, ``field_high``,
``field_ptr``, ``padding``, ``tagged_union`` and ``tag``, with integer
expressions. Only parsing happens here; layout lives in :mod:`bitfield`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import GenError, read_text

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r]+)
  | (?P<nl>\n)
  | (?P<comment>--[^\n]*|\#[^\n]*)
  | (?P<int>0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[1-9][0-9]*|0)[lL]?
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[{}(),+\-*/%])
    """,
    re.VERBOSE,
)
_KEYWORDS = {"base", "block", "field", "field_high", "field_ptr", "padding", "tagged_union", "tag", "mask"}

# An integer expression: int, name, or (op, lhs, rhs) / ("neg", x).
Expr = int | str | tuple


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int


@dataclass(frozen=True)
class BaseDecl:
    bits: Expr
    canonical_bits: Expr | None
    sign_extend: Expr | None
    line: int


@dataclass(frozen=True)
class FieldDecl:
    """A named field (``high`` for field_high/field_ptr) or, with ``name`` None, padding."""

    name: str | None
    size: Expr
    high: bool
    line: int


@dataclass(frozen=True)
class BlockDecl:
    name: str
    visible_order: tuple[str, ...] | None
    fields: tuple[FieldDecl, ...]
    base: BaseDecl
    line: int


@dataclass(frozen=True)
class TagDecl:
    name: str
    value: Expr
    line: int


@dataclass(frozen=True)
class UnionDecl:
    name: str
    tag_field: str
    tags: tuple[TagDecl, ...]
    base: BaseDecl
    line: int


@dataclass(frozen=True)
class SpecFile:
    path: Path
    blocks: tuple[BlockDecl, ...]
    unions: tuple[UnionDecl, ...]


def tokenize(text: str, path: Path) -> list[Token]:
    tokens: list[Token] = []
    line, pos = 1, 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise GenError(f"unexpected character {text[pos]!r}", path, line)
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "nl":
            line += 1
        elif kind == "int":
            tokens.append(Token("int", value.rstrip("lL"), line))
        elif kind == "ident":
            tokens.append(Token("kw" if value in _KEYWORDS else "ident", value, line))
        elif kind == "punct":
            tokens.append(Token(value, value, line))
        pos = match.end()
    tokens.append(Token("eof", "end of file", line))
    return tokens


class _Parser:
    def __init__(self, tokens: list[Token], path: Path) -> None:
        self.tokens = tokens
        self.pos = 0
        self.path = path

    @property
    def peek(self) -> Token:
        return self.tokens[self.pos]

    def next(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def fail(self, token: Token, expected: str) -> GenError:
        return GenError(f"expected {expected}, found {token.text!r}", self.path, token.line)

    def expect(self, kind: str, expected: str | None = None) -> Token:
        token = self.next()
        if token.kind != kind:
            raise self.fail(token, expected or repr(kind))
        return token

    def keyword(self, word: str) -> bool:
        if self.peek.kind == "kw" and self.peek.text == word:
            self.pos += 1
            return True
        return False

    # expr := term (('+'|'-') term)* ; term := unary (('*'|'/'|'%') unary)* ; unary := '-' unary | atom
    def expr(self) -> Expr:
        node = self.term()
        while self.peek.kind in ("+", "-"):
            op = self.next().kind
            node = (op, node, self.term())
        return node

    def term(self) -> Expr:
        node = self.unary()
        while self.peek.kind in ("*", "/", "%"):
            op = self.next().kind
            node = (op, node, self.unary())
        return node

    def unary(self) -> Expr:
        if self.peek.kind == "-":
            self.next()
            return ("neg", self.unary())
        token = self.next()
        if token.kind == "int":
            text = token.text
            if len(text) > 1 and text[0] == "0" and text[1] in "0123456789":
                return int(text, 8)
            return int(text, 0)
        if token.kind == "ident":
            return token.text
        if token.kind == "(":
            node = self.expr()
            self.expect(")", "')'")
            return node
        raise self.fail(token, "an integer expression")

    def parse(self) -> SpecFile:
        blocks: list[BlockDecl] = []
        unions: list[UnionDecl] = []
        base: BaseDecl | None = None
        while self.peek.kind != "eof":
            token = self.next()
            if token.kind == "kw" and token.text == "base":
                base = self.base(token)
            elif token.kind == "kw" and token.text in ("block", "tagged_union"):
                if base is None:
                    raise GenError(f"{token.text} before any 'base' declaration", self.path, token.line)
                if token.text == "block":
                    blocks.append(self.block(token, base))
                else:
                    unions.append(self.union(token, base))
            else:
                raise self.fail(token, "'base', 'block' or 'tagged_union'")
        return SpecFile(self.path, tuple(blocks), tuple(unions))

    def base(self, token: Token) -> BaseDecl:
        bits = self.expr()
        canonical: Expr | None = None
        sign: Expr | None = None
        if self.peek.kind == "(":
            self.next()
            canonical = self.expr()
            self.expect(",", "','")
            sign = self.expr()
            self.expect(")", "')'")
        return BaseDecl(bits, canonical, sign, token.line)

    def block(self, start: Token, base: BaseDecl) -> BlockDecl:
        name = self.expect("ident", "a block name").text
        order: tuple[str, ...] | None = None
        if self.peek.kind == "(":
            self.next()
            names: list[str] = []
            while self.peek.kind != ")":
                names.append(self.expect("ident", "a field name").text)
                if self.peek.kind == ",":
                    self.next()
                elif self.peek.kind != ")":
                    raise self.fail(self.peek, "',' or ')'")
            self.next()
            order = tuple(names)
        self.expect("{", "'{'")
        fields: list[FieldDecl] = []
        while self.peek.kind != "}":
            token = self.next()
            if token.kind == "kw" and token.text in ("field", "field_high"):
                fname = self.expect("ident", "a field name").text
                fields.append(FieldDecl(fname, self.expr(), token.text == "field_high", token.line))
            elif token.kind == "kw" and token.text == "field_ptr":
                # A pointer of `size` bits whose top is the canonical address: the bits above the
                # canonical size (and below the alignment, if given) are padding, the rest field_high.
                align: Expr = 0
                if self.peek.kind == "(":
                    self.next()
                    align = self.expr()
                    self.expect(")", "')'")
                fname = self.expect("ident", "a field name").text
                size = self.expr()
                fields.append(FieldDecl(None, ("+", ("-", size, "canonical_size"), align), False, token.line))
                fields.append(FieldDecl(fname, ("-", "canonical_size", align), True, token.line))
            elif token.kind == "kw" and token.text == "padding":
                fields.append(FieldDecl(None, self.expr(), False, token.line))
            else:
                raise self.fail(token, "'field', 'field_high', 'field_ptr', 'padding' or '}'")
        self.next()
        return BlockDecl(name, order, tuple(fields), base, start.line)

    def union(self, start: Token, base: BaseDecl) -> UnionDecl:
        name = self.expect("ident", "a tagged_union name").text
        tag_field = self.expect("ident", "the tag field name").text
        if self.peek.kind == "(":
            raise GenError(
                f"tagged_union {name}: sliced tags '(...)' are not supported by this generator",
                self.path,
                self.peek.line,
            )
        self.expect("{", "'{'")
        tags: list[TagDecl] = []
        while self.peek.kind != "}":
            token = self.next()
            if token.kind == "kw" and token.text == "tag":
                tname = self.expect("ident", "a tag name").text
                if self.peek.kind == "(":
                    raise GenError(
                        f"tag {tname}: multi-part tag values are not supported by this generator",
                        self.path,
                        self.peek.line,
                    )
                tags.append(TagDecl(tname, self.expr(), token.line))
            elif token.kind == "kw" and token.text == "mask":
                raise GenError(
                    f"tagged_union {name}: 'mask' (variable-width tags) is not supported by this generator",
                    self.path,
                    token.line,
                )
            else:
                raise self.fail(token, "'tag' or '}'")
        self.next()
        return UnionDecl(name, tag_field, tuple(tags), base, start.line)


def parse_text(text: str, path: Path) -> SpecFile:
    return _Parser(tokenize(text, path), path).parse()


def parse_file(path: Path) -> SpecFile:
    return parse_text(read_text(path), path)
