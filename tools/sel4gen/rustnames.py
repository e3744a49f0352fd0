"""Which names Rust can take as they are: the one list of its keywords and primitive types."""

from __future__ import annotations

#: Rust's keywords, strict and reserved (2024 edition).
RUST_KEYWORDS = frozenset({
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
})

#: Rust's primitive types: a generated type of the same name would shadow them.
RUST_PRIMITIVES = frozenset({
    "bool", "char", "str", "f32", "f64", "u8", "u16", "u32", "u64", "u128", "usize",
    "i8", "i16", "i32", "i64", "i128", "isize",
})


def rust_ident(name: str) -> str:
    """A name usable as a Rust variable or parameter: keywords get a trailing underscore."""
    return f"{name}_" if name in RUST_KEYWORDS else name
