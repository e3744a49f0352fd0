//! Build script for `sel4`: the kernel configuration's `cfg`s and generated code for this crate.
//!
//! `sel4-sys` passes the directory of the generated bindings (`DEP_SEL4_GENERATED_DIR`) and
//! the path of its `cfg.rustflags` (`DEP_SEL4_CFG_RUSTFLAGS`) to the build scripts of the crates
//! that depend on it directly. The directory becomes `SEL4_GENERATED_DIR` for `include!` of
//! `typed.rs`; each `--cfg=`/`--check-cfg=` line becomes a directive for this crate, so
//! `#[cfg(sel4_cfg_PRINTING)]` works even when the flags are not also in `RUSTFLAGS` (giving
//! them twice is harmless).

use std::{env, fs, process};

fn fail(message: &str) -> ! {
    eprintln!("error: sel4: {message}");
    process::exit(1);
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let dir = env::var("DEP_SEL4_GENERATED_DIR").unwrap_or_else(|_| {
        fail("sel4-sys did not pass DEP_SEL4_GENERATED_DIR (links = \"sel4\")")
    });
    let typed = format!("{dir}/typed.rs");
    if fs::metadata(&typed).is_err() {
        fail(&format!(
            "{typed} is missing: the generated directory is from an older sel4gen; run sel4gen again"
        ));
    }
    println!("cargo::rerun-if-changed={typed}");
    println!("cargo::rustc-env=SEL4_GENERATED_DIR={dir}");
    let path = env::var("DEP_SEL4_CFG_RUSTFLAGS").unwrap_or_else(|_| {
        fail("sel4-sys did not pass DEP_SEL4_CFG_RUSTFLAGS (links = \"sel4\")")
    });
    println!("cargo::rerun-if-changed={path}");
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|err| fail(&format!("cannot read {path} (from sel4-sys): {err}")));
    for line in text.lines().map(str::trim) {
        if let Some(cfg) = line.strip_prefix("--cfg=") {
            println!("cargo::rustc-cfg={cfg}");
        } else if let Some(check) = line.strip_prefix("--check-cfg=") {
            println!("cargo::rustc-check-cfg={check}");
        }
    }
}
