//! What differs between architectures: the entry point `_sel4_start` and the layout of
//! thread-local storage around the thread pointer.
//!
//! Each architecture module defines `_sel4_start` with `global_asm!` and the constant
//! `TLS_GAP_ABOVE_TP` (see `tls`). To add one, write its module beside `aarch64.rs` and add
//! it below.

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(target_arch = "aarch64")]
pub(crate) use aarch64::*;

#[cfg(not(target_arch = "aarch64"))]
compile_error!(
    "sel4-runtime supports only AArch64 (aarch64-unknown-none) so far: this architecture has \
     no _sel4_start and TLS layout in sel4-runtime/src/arch/ yet"
);
