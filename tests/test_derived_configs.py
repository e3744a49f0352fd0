"""Configurations none of the test data was built with: release, SMP, benchmarks, no printing,
invocation errors reported in the IPC buffer.

Each is one of the real configurations with options changed that do not alter the
preprocessed `.pbf` files. The generator must follow without code changes: the names the
options add or remove appear or vanish, numbering stays consistent, and `sel4-sys`
(whose hand-written system calls are selected by the same `--cfg` flags) compiles for the
target with no warnings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rustbuild
from conftest import CONFIGS, REPORT_ERROR_IPC, ROOT, derived_config
from sel4gen.generate import generate
from sel4gen.inputs import resolve

SYS_CRATE = ROOT / "crates" / "sel4-sys"
TOOLCHAIN, WHY_NOT = rustbuild.find_toolchain()

VARIANTS = {
    "release": ("aarch64-qemu-arm-virt", {"PRINTING": False, "DEBUG_BUILD": False, "HARDWARE_DEBUG_API": False}),
    "smp": ("aarch64-qemu-arm-virt", {"ENABLE_SMP_SUPPORT": True, "MAX_NUM_NODES": "4"}),
    "benchmarks": ("aarch64-qemu-arm-virt-mcs", {"ENABLE_BENCHMARKS": True, "BENCHMARK_TRACK_UTILISATION": True}),
    "x86-release": ("x86_64-pc99", {"PRINTING": False, "DEBUG_BUILD": False}),
    "riscv-smp": ("riscv64-qemu-riscv-virt", {"ENABLE_SMP_SUPPORT": True, "MAX_NUM_NODES": "2"}),
    "report-error-ipc": ("aarch64-qemu-arm-virt", REPORT_ERROR_IPC[0]),
}
#: libsel4's options that follow the kernel's in a variant, as libsel4's CMake sets them.
LIBSEL4_VARIANTS = {"report-error-ipc": REPORT_ERROR_IPC[1]}


@pytest.fixture(params=sorted(VARIANTS))
def variant(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path, dict[str, str]]:
    base, overrides = VARIANTS[request.param]
    if base not in CONFIGS:
        pytest.skip(f"no interface data for {base}")
    out = tmp_path / "gen"
    tree = derived_config(base, tmp_path / "include", overrides, LIBSEL4_VARIANTS.get(request.param))
    generate(resolve(tree, {}), out)
    return request.param, out, json.loads((out / "manifest.json").read_text())["values"]


def test_names_follow_the_options(variant: tuple[str, Path, dict[str, str]]) -> None:
    name, _, values = variant
    syscalls = {n for n in values if n.startswith("seL4_Sys")}
    if name in ("release", "x86-release"):
        assert not {n for n in syscalls if n.startswith("seL4_SysDebug")}
    if name == "smp":
        assert {"seL4_SysDebugSendIPI", "seL4_SysDebugGetThreadAffinity"} <= syscalls
        # The interface XML swaps these two on SMP kernels.
        assert "ARMIRQIssueIRQHandlerTriggerCore" in values and "ARMIRQIssueSGISignal" not in values
    if name == "benchmarks":
        assert {"seL4_SysBenchmarkFlushCaches", "seL4_SysBenchmarkGetThreadUtilisation"} <= syscalls
        assert "seL4_SysWait" in syscalls  # still the MCS API
    assert "seL4_SysCall" in syscalls


@pytest.mark.skipif(TOOLCHAIN is None, reason=WHY_NOT)
def test_sys_crate_compiles_without_warnings(variant: tuple[str, Path, dict[str, str]]) -> None:
    assert TOOLCHAIN is not None
    name, out, _ = variant
    arch = next(line.split('"')[1] for line in (out / "cfg.rustflags").read_text().splitlines()
                if line.startswith("--cfg=sel4_cfg_SEL4_ARCH="))
    # Where the configuration adds definitions and C functions of its own, with those too.
    feature_sets = [(), ("c-api", "define-ipc-buffer")] if name == "report-error-ipc" else [()]
    for features in feature_sets:
        result = rustbuild.check_crate(TOOLCHAIN, SYS_CRATE, arch, None, env={"SEL4_SYS_GENERATED_DIR": str(out)},
                                       rustflags=["-Dwarnings"], features=features, clippy=True)
        assert result.returncode == 0, rustbuild.describe(result)


def test_stubs_report_errors_as_libsel4s_do(variant: tuple[str, Path, dict[str, str]]) -> None:
    """On a kernel that writes its error messages into the IPC buffer, every stub that passes
    message registers in registers prints the message when its call failed (libsel4's
    syscall_stub_gen.py does the same); on other kernels no stub does."""
    name, out, _ = variant
    text = (out / "invocations.rs").read_text()
    stubs = text.count("let output_tag = seL4_CallWithMRs(")
    reports = text.count("crate::debug_error::report_invocation_error();")
    assert stubs > 30
    assert reports == (stubs if name == "report-error-ipc" else 0), (name, stubs, reports)
