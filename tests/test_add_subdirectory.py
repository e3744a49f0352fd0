"""An existing seL4 project uses this one through add_subdirectory() and builds its own Rust crate.

The test writes a small seL4 project of the usual shape (settings.cmake and easy-settings.cmake
modelled on sel4test's, a CMakeLists.txt importing the kernel, the elfloader, musllibc with
sel4runtime, libsel4, util_libs and seL4_libs) with this checkout beside it at
projects/sel4-rust, as the README's recipe has it, which then does

    add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/../sel4-rust sel4-rust)
    sel4_rust_import_crates(MANIFEST_PATH rust/Cargo.toml CRATES mylib)
    sel4_rust_link_crate(TARGET ext-app CRATE mylib)

with a Rust package of its own, the README's standalone Cargo.toml (outside this project's
cargo workspace; it depends by relative path on crates/sel4). The C root server hands the
kernel's boot information to Rust, Rust retypes untyped memory into a notification through
the typed `sel4` crate and asks the kernel what the new capability is, and C prints the
answer with printf (musllibc + sel4muslcsys). Built with the seL4 flow (init-build.sh, ninja)
and booted with ./simulate in QEMU.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
import sel4build
from conftest import ROOT

#: Where the test project sits in its workspace, as sel4test sits in projects/sel4test.
PROJECT = "projects/ext-app"
#: What the root server prints last; ./simulate is stopped when it appears.
DONE = "ext-app: done, suspending"

# The README's lines: sel4-rust sits beside the project in projects/ (the test links it there).
CMAKELISTS = """\
cmake_minimum_required(VERSION 3.16.0)
include(settings.cmake)
project(ext-app C ASM)

# The usual imports of a C root server project (kernel, elfloader, musllibc with sel4runtime,
# libsel4, util_libs, seL4_libs for sel4muslcsys), as sel4build.project_workspace provides them.
include(c-rootserver.cmake)

# After libsel4, as sel4-rust requires; from here on its functions exist in this project.
add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/../sel4-rust sel4-rust)

sel4_rust_import_crates(MANIFEST_PATH "${CMAKE_CURRENT_SOURCE_DIR}/rust/Cargo.toml" CRATES @CRATE@)
add_executable(ext-app main.c)
target_link_libraries(ext-app PRIVATE sel4runtime sel4 muslc sel4muslcsys sel4_autoconf)
sel4_rust_link_crate(TARGET ext-app CRATE @CRATE@)
DeclareRootserver(ext-app)
c_rootserver_simulation()
"""



def readme_cargo_toml() -> str:
    """The standalone Cargo.toml the README gives users to copy (the block after its marker)."""
    readme = (ROOT / "README.md").read_text()
    m = re.search(r"<!-- standalone Cargo.toml[^>]*-->\n```toml\n(.*?)```", readme, re.S)
    assert m, "README.md has no standalone Cargo.toml block after its marker"
    return m[1]


#: The crate, as the README says to write it, and the name it gives the package.
CARGO_TOML = readme_cargo_toml()
CRATE = re.search(r'^name = "(\w+)"', CARGO_TOML, re.M)[1]  # type: ignore[index]

LIB_RS = """\
//! The test project's Rust, called from its C root server (main.c).
#![no_std]

use core::ffi::c_long;

use sel4::cap_type::Notification;
use sel4::sys::seL4_BootInfo;
use sel4::{init_thread, BootInfo, FixedSizeObject};

/// Retypes the smallest RAM untyped that fits into a notification in the first empty slot of
/// the root CNode, and returns the object type the kernel reports for the new capability
/// (`seL4_NotificationObject` on success); negative on failure.
///
/// # Safety
///
/// `info` is the kernel's boot information (C's `sel4runtime_bootinfo()`).
#[no_mangle]
pub unsafe extern "C" fn ext_rust_make_notification(info: *const seL4_BootInfo) -> c_long {
    // SAFETY: the caller passes the boot information frame, mapped for the program's lifetime.
    let info = unsafe { BootInfo::from_ptr(info) };
    let Some(untyped) = info
        .untypeds()
        .filter(|u| !u.is_device && sel4::sys::seL4_Word::from(u.size_bits) >= Notification::SIZE_BITS)
        .min_by_key(|u| u.size_bits)
    else {
        return -1;
    };
    let slot = info.empty().start;
    match untyped.cap.retype_one::<Notification>(init_thread::CNODE, slot) {
        Ok(notification) => {
            sel4::debug_println!("ext_rust: retyped {:?} into {notification:?}", untyped.cap);
            notification
                .debug_identify()
                .and_then(|tag| tag.object_type())
                .and_then(|t| c_long::try_from(t).ok())
                .unwrap_or(-2)
        }
        Err(err) => {
            sel4::debug_println!("ext_rust: retype failed: {err}");
            -3
        }
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    sel4::debug::print_panic(info);
    let _ = init_thread::TCB.suspend();
    loop {
        core::hint::spin_loop();
    }
}
"""

MAIN_C = """\
#include <stdio.h>
#include <sel4/sel4.h>
#include <sel4runtime.h>

long ext_rust_make_notification(const seL4_BootInfo *info);

int main(void)
{
    printf("ext-app: C calling Rust\\n");
    fflush(stdout); /* before Rust writes to the console itself */
    long type = ext_rust_make_notification(sel4runtime_bootinfo());
    printf("ext-app: Rust returned %ld, seL4_NotificationObject is %d\\n", type, (int)seL4_NotificationObject);
    printf("%s\\n", "ext-app: done, suspending");
    fflush(stdout);
    seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    return 0;
}
"""


def short_failure(b: sel4build.Build) -> str:
    """b.failure() with each line cut to 300 characters.

    A failed cargo step echoes its whole command, whose RUSTFLAGS (one --cfg per kernel option)
    run to tens of kilobytes and would bury cargo's own error lines.
    """
    return "\n".join(ln if len(ln) <= 300 else ln[:300] + " [...]" for ln in b.failure(60).splitlines())


def ext_workspace(ws: Path, dest: Path) -> Path:
    """The test project's workspace, with this checkout at projects/sel4-rust beside it, where
    the README puts it and the CMakeLists.txt and Cargo.toml above find it."""
    files = {"CMakeLists.txt": CMAKELISTS.replace("@CRATE@", CRATE), "main.c": MAIN_C,
             "rust/Cargo.toml": CARGO_TOML, "rust/src/lib.rs": LIB_RS}
    ext_ws = sel4build.project_workspace(ws, dest, PROJECT.removeprefix("projects/"), files)
    (ext_ws / "projects" / "sel4-rust").symlink_to(ROOT)
    return ext_ws


def test_existing_project_adds_sel4_rust_as_subdirectory(tmp_path: Path) -> None:
    ws, why = sel4build.workspace()
    if ws is None:
        pytest.skip(why)
    ext_ws = ext_workspace(ws, tmp_path / "ws")
    # 10 minutes covers a cold build (Corrosion fetched, core built with -Zbuild-std) on two cores.
    b = sel4build.configure_and_build(ext_ws, "ext", ["-DPLATFORM=qemu-arm-virt", "-DSIMULATION=TRUE"], timeout=600)
    assert b.ok, short_failure(b)
    # The bindings were generated in the including project's build, for its kernel.
    assert (b.dir / "sel4-rust" / "gen" / "bindings.rs").is_file()
    # The build leaves the user's sources alone: cargo's lock file is in the build directory.
    assert not (ext_ws / PROJECT / "rust" / "Cargo.lock").exists()
    assert list((b.dir / "sel4-rust" / "cargo-locks").glob("*/Cargo.lock")), "no lock file in the build directory"
    # The step that builds core (or finds it in the cache) shows its status line only, not the
    # sysroot's path.
    stray = [ln for ln in b.build_log.read_text().splitlines() if re.fullmatch(r"/\S+", ln)]
    assert not stray, f"lines of a bare path in {b.build_log}: {stray}"
    # A build with nothing to do prints no cargo output (only ninja's lines).
    noop = subprocess.run(["ninja"], cwd=b.dir, capture_output=True, text=True, check=False)
    noop_out = noop.stdout + noop.stderr
    assert noop.returncode == 0 and "Finished" not in noop_out, noop_out[-2000:]
    # Nor cargo's command line: ninja names the cargo step by its description.
    assert "Building Rust crate" in noop_out and "cargo rustc" not in noop_out, noop_out[-2000:]
    t0 = time.monotonic()
    out = sel4build.simulate(b.dir, until=DONE, timeout=120)
    print(f"configure {b.configure_seconds:.0f}s, build {b.build_seconds:.0f}s, boot {time.monotonic() - t0:.1f}s")
    assert DONE in out, f"{DONE!r} not printed; ./simulate output:\n{out[-3000:]}"
    assert "ext-app: C calling Rust" in out
    assert re.search(r"ext_rust: retyped Cap<Untyped>\(0x[0-9a-f]+\) into Cap<Notification>\(0x[0-9a-f]+\)", out), out[-3000:]
    m = re.search(r"ext-app: Rust returned (-?\d+), seL4_NotificationObject is (\d+)", out)
    assert m, out[-3000:]
    assert m[1] == m[2], f"the kernel does not see a notification in the new slot:\n{out[-3000:]}"
    # A crates.io dependency added to the project's crate is refused when CMake next runs,
    # naming the manifest and the dependency, not by cargo deep in the build.
    manifest = ext_ws / PROJECT / "rust" / "Cargo.toml"
    manifest.write_text(manifest.read_text().replace("[dependencies]\n", '[dependencies]\nserde = "1.0"\n', 1))
    again = subprocess.run(["cmake", "."], cwd=b.dir, capture_output=True, text=True, check=False)
    log = " ".join((again.stdout + again.stderr).split())
    assert again.returncode != 0, log[-2000:]
    assert f"{manifest}: dependency `serde` (crates.io, '1.0') cannot be built here" in log, log[-3000:]


def test_without_corrosion_configuration_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a machine where Corrosion is neither installed nor fetchable, configuration stops at
    once saying how to install it or where to point; pointed at a checkout, it goes on."""
    ws, why = sel4build.workspace()
    if ws is None:
        pytest.skip(why)
    tag = re.search(r"set\(SEL4_RUST_CORROSION_TAG (\S+)\)", (ROOT / "cmake" / "sel4_rust.cmake").read_text())
    assert tag, "cmake/sel4_rust.cmake no longer sets SEL4_RUST_CORROSION_TAG"
    checkout = tmp_path / "corrosion"
    clone = subprocess.run(["git", "clone", "-q", "--depth", "1", "-b", tag[1], "https://github.com/corrosion-rs/corrosion.git",
                            str(checkout)], capture_output=True, text=True, check=False)
    if clone.returncode != 0:
        pytest.skip(f"Corrosion {tag[1]} cannot be cloned from GitHub here: {clone.stderr.strip()}")
    ext_ws = ext_workspace(ws, tmp_path / "ws")
    # git sends Corrosion's URL to a place that does not exist, as a machine without network
    # would (and no other configuration, such as a mirror's, takes precedence).
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", f"url.{tmp_path / 'nowhere'}/.insteadOf")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "https://github.com/corrosion-rs/")
    options = ["-DPLATFORM=qemu-arm-virt", "-DSIMULATION=TRUE"]
    offline = sel4build.configure(ext_ws, "offline", options)
    log = " ".join(offline.configure_log.read_text().split())
    assert offline.configure_rc not in (0, None), log[-2000:]
    assert "Corrosion (the CMake module that builds the Rust crates with cargo) is not installed and cannot be fetched" in log, \
        log[-3000:]
    assert f"git clone -b {tag[1]} https://github.com/corrosion-rs/corrosion.git corrosion" in log
    assert "-DFETCHCONTENT_SOURCE_DIR_CORROSION=" in log
    assert not (offline.dir / "_deps" / "corrosion-src").exists()
    local = sel4build.configure(ext_ws, "local", [*options, f"-DFETCHCONTENT_SOURCE_DIR_CORROSION={checkout}"])
    assert local.configure_rc == 0, local.failure()
    wrong = sel4build.configure(ext_ws, "wrong", [*options, f"-DFETCHCONTENT_SOURCE_DIR_CORROSION={tmp_path}"])
    log = " ".join(wrong.configure_log.read_text().split())
    assert f"FETCHCONTENT_SOURCE_DIR_CORROSION={tmp_path} is not a checkout of Corrosion" in log, log[-2000:]
