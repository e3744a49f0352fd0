//! Build script for `sel4-sys`.
//!
//! The crate's configuration-specific half is written by the `sel4gen` generator into the
//! directory named by `SEL4_SYS_GENERATED_DIR`:
//!
//! * `bindings.rs` is `include!`d at the crate root by `src/lib.rs`;
//! * `cfg.rustflags` holds one rustc argument per line (`--cfg=...` / `--check-cfg=...`).
//!   Each line becomes a `cargo::rustc-cfg` / `cargo::rustc-check-cfg` directive, so that this
//!   crate can select code with `#[cfg(sel4_cfg_KERNEL_MCS)]` and friends. The generator
//!   declares every option the crates test, present in the configuration or not, and
//!   `bindings.rs` itself refuses to compile for another architecture than its own.
//!
//! The directory is passed on to rustc (as an absolute path, through `cargo::rustc-env`) and to
//! the build scripts of dependent crates as `DEP_SEL4_GENERATED_DIR` and
//! `DEP_SEL4_CFG_RUSTFLAGS` (see `links = "sel4"` in `Cargo.toml`).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process;

const DIR_VAR: &str = "SEL4_SYS_GENERATED_DIR";
const HINT: &str =
    "run the sel4gen generator and set SEL4_SYS_GENERATED_DIR to its output directory";

fn fail(message: &str) -> ! {
    eprintln!("error: sel4-sys: {message}");
    process::exit(1);
}

fn generated_dir() -> PathBuf {
    let raw = match env::var_os(DIR_VAR) {
        Some(value) if !value.is_empty() => PathBuf::from(value),
        _ => fail(&format!("{DIR_VAR} is not set; {HINT}")),
    };
    // A relative path is taken relative to this crate's directory (the build script's cwd).
    match fs::canonicalize(&raw) {
        Ok(dir) if dir.is_dir() => dir,
        Ok(_) => fail(&format!(
            "{DIR_VAR}={} is not a directory; {HINT}",
            raw.display()
        )),
        Err(err) => fail(&format!(
            "{DIR_VAR}={} cannot be opened ({err}); {HINT}",
            raw.display()
        )),
    }
}

fn require_file(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    println!("cargo::rerun-if-changed={}", path.display());
    if !path.is_file() {
        fail(&format!(
            "{} is missing from {DIR_VAR}={}; {HINT}",
            name,
            dir.display()
        ));
    }
    path
}

/// What one line of `cfg.rustflags` asks for.
enum Flag {
    Cfg(String),
    CheckCfg(String),
}

fn parse_flags(path: &Path, text: &str) -> Vec<Flag> {
    let mut flags = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((index, raw)) = lines.next() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |what: &str| -> ! {
            fail(&format!(
                "{}:{}: {what}: {line:?}; expected one `--cfg=...` or `--check-cfg=...` per line \
                 (regenerate it with sel4gen)",
                path.display(),
                index + 1
            ))
        };
        // Also accept the two-argument spelling (`--cfg` on one line, its value on the next).
        let mut value_of = |option: &str| -> Option<String> {
            if let Some(value) = line.strip_prefix(option).and_then(|r| r.strip_prefix('=')) {
                return Some(value.to_owned());
            }
            if line == option {
                return match lines.next() {
                    Some((_, next)) if !next.trim().is_empty() => Some(next.trim().to_owned()),
                    _ => bad("option without a value"),
                };
            }
            None
        };
        let flag = if let Some(value) = value_of("--cfg") {
            Flag::Cfg(value)
        } else if let Some(value) = value_of("--check-cfg") {
            Flag::CheckCfg(value)
        } else {
            bad("unsupported rustc argument")
        };
        match &flag {
            Flag::Cfg(v) | Flag::CheckCfg(v) if v.is_empty() => bad("empty value"),
            _ => {}
        }
        flags.push(flag);
    }
    flags
}

fn main() {
    println!("cargo::rerun-if-env-changed={DIR_VAR}");
    println!("cargo::rerun-if-changed=build.rs");

    let dir = generated_dir();
    require_file(&dir, "bindings.rs");
    let flags_path = require_file(&dir, "cfg.rustflags");
    let text = fs::read_to_string(&flags_path).unwrap_or_else(|err| {
        fail(&format!("cannot read {}: {err}", flags_path.display()));
    });
    let flags = parse_flags(&flags_path, &text);

    for flag in &flags {
        match flag {
            Flag::Cfg(value) => println!("cargo::rustc-cfg={value}"),
            Flag::CheckCfg(value) => println!("cargo::rustc-check-cfg={value}"),
        }
    }

    // `src/platform.rs` includes the platform description when the generator wrote one (a
    // build with a kernel build beside it), else tables that say there is none.
    let platform = dir.join("platform.rs");
    println!("cargo::rerun-if-changed={}", platform.display());
    let platform = if platform.is_file() {
        platform
    } else {
        let out =
            PathBuf::from(env::var_os("OUT_DIR").unwrap_or_else(|| fail("OUT_DIR is not set")));
        let empty = out.join("platform.rs");
        let text = "/// Whether the build described its platform (it did not).\n\
                    pub const KNOWN: bool = false;\n\
                    /// The RAM the kernel manages (unknown).\n\
                    pub const MEMORY: &[PhysRegion] = &[];\n\
                    /// The device regions user level may map (unknown).\n\
                    pub const DEVICES: &[PhysRegion] = &[];\n";
        fs::write(&empty, text)
            .unwrap_or_else(|err| fail(&format!("cannot write {}: {err}", empty.display())));
        empty
    };
    println!(
        "cargo::rustc-env=SEL4_SYS_PLATFORM_RS={}",
        platform.display()
    );

    // `src/lib.rs` includes `env!("SEL4_SYS_GENERATED_DIR")/bindings.rs`: make that absolute.
    println!("cargo::rustc-env={DIR_VAR}={}", dir.display());
    // For dependents' build scripts: DEP_SEL4_GENERATED_DIR and DEP_SEL4_CFG_RUSTFLAGS.
    println!("cargo::metadata=GENERATED_DIR={}", dir.display());
    println!("cargo::metadata=CFG_RUSTFLAGS={}", flags_path.display());
}
