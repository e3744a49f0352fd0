//! Build script for `sel4`: the kernel configuration's `cfg`s for this crate.
//!
//! `sel4-sys` passes the path of the generated `cfg.rustflags` to the build scripts of the
//! crates that depend on it directly, as `DEP_SEL4_CFG_RUSTFLAGS`. Each `--cfg=`/`--check-cfg=`
//! line becomes a directive for this crate, so `#[cfg(sel4_cfg_PRINTING)]` works even when
//! the flags are not also in `RUSTFLAGS` (giving them twice is harmless).

use std::{env, fs};

/// The options this crate tests with `#[cfg]` (a configuration may not list all of them).
const OPTIONS: &[&str] = &["PRINTING", "DEBUG_BUILD", "KERNEL_MCS"];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    for name in OPTIONS {
        println!("cargo::rustc-check-cfg=cfg(sel4_cfg_{name})");
    }
    let Ok(path) = env::var("DEP_SEL4_CFG_RUSTFLAGS") else {
        // sel4-sys always sets it; nothing to add if it does not.
        return;
    };
    println!("cargo::rerun-if-changed={path}");
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("sel4: cannot read {path} (from sel4-sys): {err}"));
    for line in text.lines().map(str::trim) {
        if let Some(cfg) = line.strip_prefix("--cfg=") {
            println!("cargo::rustc-cfg={cfg}");
        } else if let Some(check) = line.strip_prefix("--check-cfg=") {
            println!("cargo::rustc-check-cfg={check}");
        }
    }
}
