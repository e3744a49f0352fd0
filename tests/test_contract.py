"""The build contract: what the generator tells CMake, the build scripts and the tests about
building Rust for a kernel configuration (contract.json), checked against the real tools.

* each interface configuration's contract names Rust targets rustc has, for the right
  `target_arch`, and carries the same cfg flags as cfg.rustflags;
* the C macro that picks a target among those of an architecture is the one the real cross
  compilers predefine for that float ABI;
* configurations the Rust side cannot build for are refused at configure time, naming the option.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rustbuild
import sel4build
from conftest import CONFIGS, ROOT, config_dir, derived_config
from sel4gen.archinfo import ARCHES, RustTarget
from sel4gen.config import load_config
from sel4gen.contract import unsupported


def cfg_only(source: Path, out: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "sel4gen", "--libsel4-include", str(source), "--out", str(out), "--cfg-only", "-q"],
        cwd=ROOT / "tools", capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads((out / "contract.json").read_text())


@pytest.mark.skipif(not CONFIGS, reason="no interface data (../shared/sel4-interfaces)")
@pytest.mark.parametrize("name", CONFIGS)
def test_contract_of_each_configuration(name: str, tmp_path: Path) -> None:
    contract = cfg_only(config_dir(name), tmp_path)
    arch = ARCHES[contract["sel4_arch"]]
    assert contract["word_bits"] == arch.word_bits
    assert contract["cfg"] == (tmp_path / "cfg.rustflags").read_text().splitlines()
    assert [t["triple"] for t in contract["rust"]["targets"]] == [t.triple for t in arch.rust_targets]
    assert contract["unsupported"] == []
    toolchain, why = rustbuild.find_toolchain()
    if toolchain is None:
        pytest.skip(why)
    for target in contract["rust"]["targets"]:
        # A target made from a built-in one has the built-in one's architecture.
        cfg = subprocess.run([str(toolchain.rustc), "--print", "cfg", "--target", target["base"] or target["triple"]],
                             capture_output=True, text=True, check=False)
        assert cfg.returncode == 0, cfg.stderr
        assert f'target_arch="{contract["rust"]["target_arch"]}"' in cfg.stdout.splitlines()


def test_sysenter_on_x86_64_is_unsupported(tmp_path: Path) -> None:
    if "x86_64-pc99" not in CONFIGS:
        pytest.skip("no x86_64-pc99 interface data (../shared/sel4-interfaces)")
    kernel = json.loads((config_dir("x86_64-pc99") / "kernel" / "gen_config.json").read_text())
    kernel.update({"SYSENTER": True, "SYSCALL": False})
    path = tmp_path / "gen_config.json"
    path.write_text(json.dumps(kernel))
    problems = unsupported(load_config(path, config_dir("x86_64-pc99") / "sel4" / "gen_config.json"))
    assert len(problems) == 1 and "-DKernelSyscall=syscall" in problems[0]


#: (SEL4_ARCH, C compiler, flags, the triple whose float ABI it uses)
C_ABIS = [
    ("aarch64", "aarch64-linux-gnu-gcc", [], "aarch64-unknown-none"),
    # seL4's aarch32 C: targets made from the built-in ones, without frame pointers.
    ("aarch32", "arm-linux-gnueabi-gcc", [], "armv7a-unknown-none-eabi"),
    ("aarch32", "arm-linux-gnueabihf-gcc", [], "armv7a-unknown-none-eabihf"),
    ("riscv64", "riscv64-linux-gnu-gcc", [], "riscv64gc-unknown-none-elf"),
    ("riscv64", "riscv64-linux-gnu-gcc", ["-march=rv64imac", "-mabi=lp64"], "riscv64imac-unknown-none-elf"),
    ("riscv32", "riscv64-linux-gnu-gcc", ["-march=rv32imac", "-mabi=ilp32"], "riscv32imac-unknown-none-elf"),
    ("riscv32", "riscv64-linux-gnu-gcc", ["-march=rv32imafc", "-mabi=ilp32f"], "riscv32imafc-unknown-none-elf"),
    # seL4's default riscv32 C (KernelRiscvExtD): a target made from a built-in one.
    ("riscv32", "riscv64-linux-gnu-gcc", ["-march=rv32imafdc", "-mabi=ilp32d"], "riscv32imafdc-unknown-none-elf"),
    ("x86_64", "gcc", ["-m64"], "x86_64-unknown-none"),
]


def chosen(targets: tuple[RustTarget, ...], macros: str) -> str | None:
    """What sel4_rust_choose_target picks: the first target whose macro the compiler defines."""
    defined = {line.split()[1] for line in macros.splitlines() if line.startswith("#define ")}
    return next((t.triple for t in targets if t.c_macro in defined), None)


@pytest.mark.parametrize("arch, cc, flags, triple", C_ABIS, ids=[f"{a}-{t}" for a, _, _, t in C_ABIS])
def test_c_float_abi_picks_the_rust_target(arch: str, cc: str, flags: list[str], triple: str) -> None:
    if shutil.which(cc) is None:
        pytest.skip(f"{cc} is not installed")
    macros = subprocess.run([cc, *flags, "-dM", "-E", "-x", "c", "/dev/null"], capture_output=True, text=True, check=True)
    assert chosen(ARCHES[arch].rust_targets, macros.stdout) == triple


# --- configure-time refusals -------------------------------------------------------------------


@pytest.fixture(scope="module")
def workspace() -> Path:
    ws, why = sel4build.workspace()
    if ws is None:
        pytest.skip(why)
    return ws


def test_sysenter_is_refused_at_configure_time(workspace: Path) -> None:
    b = sel4build.configure(workspace, "refuse-sysenter", [
        "-DPLATFORM=pc99", "-DKernelSel4Arch=x86_64", "-DSIMULATION=TRUE", "-DKernelSyscall=sysenter",
        "-DSEL4_RUST_APP=c-calls-rust"])
    log = b.configure_log.read_text()
    assert b.configure_rc not in (0, None), log[-2000:]
    assert "KernelSyscall=sysenter" in log and "-DKernelSyscall=syscall" in log, log[-2000:]
    shutil.rmtree(b.dir, ignore_errors=True)


def test_release_kernel_refuses_programs_that_need_the_console(workspace: Path) -> None:
    b = sel4build.configure(workspace, "refuse-release", [
        "-DPLATFORM=qemu-arm-virt", "-DSIMULATION=TRUE", "-DRELEASE=TRUE", "-DSEL4_RUST_APP=guest-tests"])
    log = b.configure_log.read_text()
    assert b.configure_rc not in (0, None), log[-2000:]
    assert log.count("CMake Error") == 1, log[-3000:]
    assert "apps/guest-tests needs a kernel with KernelDebugBuild, KernelPrinting on" in " ".join(log.split())
    # The same build directory takes a program that runs without a console.
    ok = subprocess.run(["cmake", "-DSEL4_RUST_APP=hello", "."], cwd=b.dir, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout[-2000:] + ok.stderr[-2000:]
    shutil.rmtree(b.dir, ignore_errors=True)


@pytest.mark.parametrize("options, message", [
    (["-DPLATFORM=qemu-arm-virt", "-DSMP=ON", "-DNUM_NODES=four"], "NUM_NODES='four'"),
    (["-DPLATFORM=pc99", "-DKernelSel4Arch=x86_64", "-DARM_HYP=ON"], "ARM_HYP=ON needs an Arm platform"),
    # An architecture seL4 has and Rust has no bare-metal target for: refused from the contract.
    (["-DPLATFORM=pc99", "-DKernelSel4Arch=ia32"], "KernelSel4Arch=ia32: Rust has no bare-metal target for this architecture"),
], ids=["num-nodes", "arm-hyp-on-x86", "ia32"])
def test_bad_easy_settings_are_refused(workspace: Path, options: list[str], message: str) -> None:
    b = sel4build.configure(workspace, "refuse-setting", ["-DSIMULATION=TRUE", *options])
    log = b.configure_log.read_text()
    assert b.configure_rc not in (0, None), log[-2000:]
    assert message in " ".join(log.split()), log[-2000:]
    shutil.rmtree(b.dir, ignore_errors=True)


@pytest.mark.parametrize("options, message", [
    (["-DSEL4_RUST_PROFILE=bogus"], "SEL4_RUST_PROFILE=bogus is not a cargo profile of this project (dev, release"),
    ([f"-DSEL4_RUST_RUSTC={shutil.which('gcc') or '/usr/bin/gcc'}", "-DSEL4_RUST_CARGO=/usr/bin/cargo"],
     "is not rustc (its --version says"),
    (["-DSEL4_RUST_RUSTC=/usr/bin", "-DSEL4_RUST_CARGO=/usr/bin/cargo"], "/usr/bin is a directory, not rustc"),
], ids=["profile", "rustc-is-gcc", "rustc-is-a-directory"])
def test_bad_rust_options_are_refused_by_name(workspace: Path, options: list[str], message: str) -> None:
    b = sel4build.configure(workspace, "refuse-rust-option", [
        "-DPLATFORM=qemu-arm-virt", "-DSIMULATION=TRUE", "-DSEL4_RUST_APP=hello", *options])
    log = b.configure_log.read_text()
    assert b.configure_rc not in (0, None), log[-2000:]
    assert message in " ".join(log.split()), log[-3000:]
    shutil.rmtree(b.dir, ignore_errors=True)


@pytest.mark.skipif("aarch64-qemu-arm-virt" not in CONFIGS, reason="no interface data (../shared/sel4-interfaces)")
def test_a_call_the_release_lacks_gets_no_wrapper(tmp_path: Path) -> None:
    # An SMP debug kernel of 16.0.0 has seL4_DebugGetThreadAffinity; 15.0.0's syscall.xml, the
    # same but for that line, has not: the options alone must not switch the wrapper on.
    smp = {"ENABLE_SMP_SUPPORT": True, "MAX_NUM_NODES": "4"}
    source = derived_config("aarch64-qemu-arm-virt", tmp_path / "in", smp)
    wanted = '--cfg=sel4_syscall="DebugGetThreadAffinity"'
    cfg_only(source, tmp_path / "with")
    assert wanted in (tmp_path / "with" / "cfg.rustflags").read_text().splitlines()
    xml = source / "api" / "syscall.xml"
    xml.write_text(xml.read_text().replace('<syscall name="DebugGetThreadAffinity"/>', ""))
    cfg_only(source, tmp_path / "without")
    flags = (tmp_path / "without" / "cfg.rustflags").read_text().splitlines()
    assert wanted not in flags and '--cfg=sel4_syscall="DebugSendIPI"' in flags


@pytest.mark.skipif("aarch64-qemu-arm-virt" not in CONFIGS, reason="no interface data (../shared/sel4-interfaces)")
def test_a_release_without_the_thread_locals_option_gets_its_thread_local_ipc_buffer(tmp_path: Path) -> None:
    # 13.0.0 and 14.0.0 have no LIB_SEL4_USE_THREAD_LOCALS: their libsel4's __sel4_ipc_buffer is
    # always __thread, and Rust must declare the same symbol the same way to link with it.
    source = tmp_path / "in"
    shutil.copytree(config_dir("aarch64-qemu-arm-virt"), source, ignore=shutil.ignore_patterns("oracle"))
    libsel4 = source / "sel4" / "gen_config.json"
    values = json.loads(libsel4.read_text())
    values.pop("LIB_SEL4_USE_THREAD_LOCALS", None)
    libsel4.write_text(json.dumps(values))
    cfg_only(source, tmp_path / "out")
    assert "--cfg=sel4_cfg_LIB_SEL4_USE_THREAD_LOCALS" in (tmp_path / "out" / "cfg.rustflags").read_text().splitlines()
