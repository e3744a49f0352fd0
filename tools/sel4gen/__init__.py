"""Rust bindings for one seL4 kernel configuration, generated from libsel4's interface specs."""

__version__ = "0.1.0"
