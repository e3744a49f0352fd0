//! Takes sel4-sys's configuration `cfg`s, as any crate that depends on sel4-sys can: sel4-sys
//! passes the path of the generated `cfg.rustflags` to dependents' build scripts as
//! `DEP_SEL4_CFG_RUSTFLAGS`.

use std::{env, fs};

fn main() {
    let path = env::var("DEP_SEL4_CFG_RUSTFLAGS").expect("sel4-sys passes DEP_SEL4_CFG_RUSTFLAGS");
    println!("cargo::rerun-if-changed={path}");
    let text = fs::read_to_string(&path).expect("cfg.rustflags is readable");
    for line in text.lines().map(str::trim) {
        if let Some(cfg) = line.strip_prefix("--cfg=") {
            println!("cargo::rustc-cfg={cfg}");
        } else if let Some(check) = line.strip_prefix("--check-cfg=") {
            println!("cargo::rustc-check-cfg={check}");
        }
    }
}
