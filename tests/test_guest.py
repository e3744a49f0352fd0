"""The in-guest test suite (apps/guest-tests): booted in QEMU on qemu-arm-virt and zynqmp, with
and without MCS, on qemu-arm-virt with SMP, and on the other architectures' platforms where
`sel4-runtime` supports them, and checked test by test; plus the host-side checks that it covers
every method of the typed API in each configuration of the test data, and that the checker
itself catches failed and missing tests.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import buildgroups
import guestsuite
import pytest
import sel4build
from conftest import CONFIGS, config_dir, derived_config
from guestsuite import Cfg
from sel4gen.archinfo import ARCHES
from sel4gen.generate import generate
from sel4gen.inputs import resolve

#: Configurations whose typed API the suite must cover: those of the test data (every
#: architecture the suite runs on), and SMP variants of AArch64 made from them (SMP changes the
#: methods: no `IrqControl::issue_sgi_signal`, `IrqControl::get_trigger_core` and, without MCS,
#: `Tcb::set_affinity`). name -> (configuration of the test data, kernel option overrides).
SUITE_CONFIGS: dict[str, tuple[str, dict[str, object]]] = {
    "aarch64-qemu-arm-virt": ("aarch64-qemu-arm-virt", {}),
    "aarch64-qemu-arm-virt-mcs": ("aarch64-qemu-arm-virt-mcs", {}),
    "aarch64-zynqmp": ("aarch64-zynqmp", {}),
    "aarch64-qemu-arm-virt-smp": ("aarch64-qemu-arm-virt", {"ENABLE_SMP_SUPPORT": True, "MAX_NUM_NODES": "4"}),
    "aarch64-qemu-arm-virt-mcs-smp": ("aarch64-qemu-arm-virt-mcs", {"ENABLE_SMP_SUPPORT": True, "MAX_NUM_NODES": "4"}),
    "aarch32-qemu-arm-virt": ("aarch32-qemu-arm-virt", {}),
    "riscv64-qemu-riscv-virt": ("riscv64-qemu-riscv-virt", {}),
    "x86_64-pc99": ("x86_64-pc99", {}),
}

#: Methods of the typed API that no test needs to claim, per architecture, with the reason.
#: None so far: the objects our QEMU platforms cannot provide (x86's IOMMU on the pc machine,
#: the root task's SMC capability on Arm) are covered through their error paths instead (the
#: invocation made with another object in place of the missing one). Add a method here only
#: when even that is impossible, and say why.
EXEMPT: dict[str, dict[str, str]] = {}

SOURCES = sorted((guestsuite.ROOT / "apps" / "guest-tests" / "src").rglob("*.rs"))


def calls_in_source() -> str:
    return "\n".join(p.read_text() for p in SOURCES)


def uncovered(api: set[str], cfg: Cfg) -> list[str]:
    covered = set().union(*(e.covers for e in guestsuite.expected(cfg)))
    exempt = set(EXEMPT.get(cfg.sel4_arch, {}))
    return sorted(api - covered - exempt)


def generated(name: str, tmp_path: Path) -> Path:
    """sel4gen's output for a configuration of SUITE_CONFIGS."""
    base, overrides = SUITE_CONFIGS[name]
    if base not in CONFIGS:
        pytest.skip(f"no interface data for {base} (../shared/sel4-interfaces)")
    source = derived_config(base, tmp_path / "include", overrides) if overrides else config_dir(base)
    out = tmp_path / "gen"
    generate(resolve(source, {}), out)
    return out


@pytest.mark.parametrize("config", sorted(SUITE_CONFIGS))
def test_suite_covers_every_method(config: str, tmp_path: Path) -> None:
    gen = generated(config, tmp_path)
    cfg = Cfg.from_rustflags((gen / "cfg.rustflags").read_text())
    typed = set(json.loads((gen / "manifest.json").read_text())["typed_methods"])
    api = typed | guestsuite.hand_written_methods(cfg.mcs)
    assert not uncovered(api, cfg), f"methods no test of apps/guest-tests claims: {uncovered(api, cfg)}"
    # What the tests claim exists in this configuration (exemptions name real methods too):
    # a claimed method of a capability type is generated or written by hand in crates/sel4.
    claimed = set().union(*(e.covers for e in guestsuite.expected(cfg)))
    generated_types = {m.split("::")[0] for m in typed}
    crate = "\n".join(p.read_text() for p in sorted((guestsuite.ROOT / "crates" / "sel4" / "src").glob("*.rs")))
    stale = sorted(
        c
        for c in claimed
        if "::" in c
        and c.split("::")[0] in generated_types
        and c not in api
        and not re.search(rf"\bpub (?:const )?fn {re.escape(c.split('::')[1])}\b", crate)
    )
    assert not stale, f"claimed by apps/guest-tests but not methods of this configuration: {stale}"
    assert set(EXEMPT.get(cfg.sel4_arch, {})) <= api, "exempted methods that do not exist"
    source = calls_in_source()
    never_called = sorted(
        c for c in claimed if not re.search(rf"\b{re.escape(c.split('::')[-1])}(::<[^>]*>)?\(", source)
    )
    assert not never_called, f"claimed but never called in apps/guest-tests: {never_called}"


def test_hand_written_methods_follow_the_mcs_conditions() -> None:
    classic, mcs = guestsuite.hand_written_methods(False), guestsuite.hand_written_methods(True)
    assert {"Endpoint::call", "Endpoint::reply_recv", "Notification::wait", "Untyped::retype", "set_mr"} <= classic & mcs
    assert "reply" in classic and "reply" not in mcs
    assert {"Endpoint::nb_send_recv", "Endpoint::nb_send_wait"} <= mcs - classic
    assert "Reply::send" in classic & mcs


#: Every configuration the suite builds for: architecture, MCS or not, SMP or not.
MODES = [
    Cfg.of(mcs, arch, smp, hyp, iommu, report)
    for arch in ("aarch64", "aarch32", "riscv64", "riscv32", "x86_64")
    for mcs in (False, True)
    for smp in ((False, True) if arch in ("aarch64", "aarch32") else (False,))
    for hyp in ((False, True) if arch == "aarch64" else (False,))
    for iommu in ((False, True) if arch == "x86_64" else (False,))
    for report in ((False, True) if arch == "riscv64" else (False,))
]


def test_lists_are_well_formed() -> None:
    entries = guestsuite.entries()
    lists = guestsuite.lists()
    assert {"ALL", "MCS", "NON_MCS"} <= set(lists)
    assert lists["ALL"] is None
    # Every list runs somewhere, and no configuration runs two tests of one name.
    used: set[str] = set()
    for cfg in MODES:
        chosen = guestsuite.expected(cfg)
        names = [e.name for e in chosen]
        assert len(names) == len(set(names)), f"duplicate test names for {cfg.describe()}"
        assert len(names) > 30, cfg.describe()
        used |= {e.list for e in chosen}
    assert used == set(lists), f"lists no configuration runs: {set(lists) - used}"
    # A name used by several lists means the same test everywhere.
    by_name: dict[str, set[tuple[str, ...]]] = {}
    for e in entries:
        by_name.setdefault(e.name, set()).add(e.covers)
    assert all(len(c) == 1 for c in by_name.values()), {n: c for n, c in by_name.items() if len(c) > 1}


def names(cfg: Cfg) -> set[str]:
    return {e.name for e in guestsuite.expected(cfg)}


def test_lists_follow_architecture_and_mode() -> None:
    aarch64, smp = names(Cfg.of(False, "aarch64")), names(Cfg.of(False, "aarch64", smp=True))
    assert {"irq_trigger_and_sgi", "smc_needs_an_smc_cap", "vspace_cache_maintenance", "reply"} <= aarch64
    assert "irq_trigger_and_sgi" not in smp and {"irq_trigger_core", "tcb_set_affinity"} <= smp
    assert "tcb_set_affinity" not in names(Cfg.of(True, "aarch64", smp=True))
    x86 = names(Cfg.of(False, "x86_64"))
    assert {"x86_io_ports", "x86_paging_structures", "x86_irq_ioapic_and_handler"} <= x86
    assert not {"irq_control_and_handler", "page_cache_maintenance", "smc_needs_an_smc_cap"} & x86
    riscv = names(Cfg.of(True, "riscv64"))
    assert riscv == names(Cfg.of(True, "riscv32"))
    assert {"irq_control_and_handler", "irq_trigger", "page_table_levels", "fault_timeout"} <= riscv
    aarch32 = names(Cfg.of(False, "aarch32"))
    assert {"page_directory_cache_maintenance", "irq_trigger_and_sgi"} <= aarch32
    assert "vspace_cache_maintenance" not in aarch32
    # The conditions are evaluated as rustc would.
    cfg = Cfg.from_rustflags('--cfg=sel4_cfg_SEL4_ARCH="x86_64"\n--cfg=sel4_cfg_KERNEL_MCS\n')
    assert (cfg.target_arch, cfg.mcs, cfg.smp) == ("x86_64", True, False)
    assert cfg.holds('all(target_arch = "x86_64", not(sel4_cfg_ENABLE_SMP_SUPPORT), sel4_cfg_KERNEL_MCS)')
    assert not cfg.holds('any(target_arch = "arm", sel4_cfg_SEL4_ARCH = "aarch64")')
    with pytest.raises(ValueError):
        Cfg.of(False).holds("sel4_cfg_PRINTING")
    # The error report's test runs on kernels that write their messages into the IPC buffer only.
    assert "invocation_error_report" not in riscv
    assert "invocation_error_report" in names(Cfg.of(False, "riscv64", report_errors=True))
    # The IOMMU's test runs on x86 kernels with IOMMU support only.
    assert "x86_iommu_without_an_iospace" not in x86
    assert "x86_iommu_without_an_iospace" in names(Cfg.of(False, "x86_64", iommu=True))


def fake_output(cfg: Cfg, fail: str | None = None, drop: str | None = None) -> str:
    names = [e.name for e in guestsuite.expected(cfg)]
    mode = f"mcs={str(cfg.mcs).lower()}, arch={cfg.sel4_arch}, smp={str(cfg.smp).lower()}"
    lines = [f"guest-tests: plan {len(names)} ({mode})"]
    for n in names:
        if n == drop:
            continue
        lines.append(f"[FAIL] {n}: boom" if n == fail else f"[ok] {n}")
    results = [n for n in names if n != drop]
    failed = 1 if fail else 0
    lines += [f"guest-tests: summary: {len(results) - failed} passed, {failed} failed", "guest-tests: done"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("cfg", MODES, ids=[c.describe() for c in MODES])
def test_checker_accepts_a_clean_run_and_catches_failed_and_missing_tests(cfg: Cfg) -> None:
    assert guestsuite.problems(guestsuite.parse(fake_output(cfg)), cfg) == []
    name = guestsuite.expected(cfg)[3].name
    assert f"FAIL {name}: boom" in guestsuite.problems(guestsuite.parse(fake_output(cfg, fail=name)), cfg)
    assert f"missing: {name}" in guestsuite.problems(guestsuite.parse(fake_output(cfg, drop=name)), cfg)
    cut = fake_output(cfg).split("guest-tests: summary")[0]
    assert "no 'guest-tests: done' line" in guestsuite.problems(guestsuite.parse(cut), cfg)


def test_checker_catches_a_run_of_another_configuration() -> None:
    classic = Cfg.of(False)
    wrong_mode = guestsuite.problems(guestsuite.parse(fake_output(Cfg.of(True))), classic)
    assert any("mcs=True" in p for p in wrong_mode)
    wrong_arch = guestsuite.problems(guestsuite.parse(fake_output(Cfg.of(False, "riscv64"))), classic)
    assert any("arch=riscv64" in p for p in wrong_arch) and any(p.startswith("unexpected: ") for p in wrong_arch)
    wrong_smp = guestsuite.problems(guestsuite.parse(fake_output(Cfg.of(False, smp=True))), classic)
    assert any("smp=True" in p for p in wrong_smp)
    # The plan line of earlier builds, without arch and smp, still reads.
    old = fake_output(classic).replace(", arch=aarch64, smp=false", "")
    assert guestsuite.problems(guestsuite.parse(old), classic) == []


WS, WHY_NOT = sel4build.workspace()


def error_report_mark() -> str:
    """What the error report's test prints right before the call whose stub prints the
    kernel's message: its constant ERROR_REPORT_MARK in apps/guest-tests/src/tests/cnode.rs."""
    source = (guestsuite.ROOT / "apps" / "guest-tests" / "src" / "tests" / "cnode.rs").read_text()
    found = re.search(r'\bERROR_REPORT_MARK: &str = "([^"\\]*)";', source)
    assert found, "apps/guest-tests/src/tests/cnode.rs defines no ERROR_REPORT_MARK"
    return found[1]


#: shared build directory (sel4build.PLATFORMS) -> (SEL4_ARCH, MCS): every platform in both
#: kernel modes but spike riscv64 (classic only: the same kernel code as qemu-riscv-virt; its
#: kernel writes its error messages into the IPC buffer instead, for the stubs to print).
RUNS: dict[str, tuple[str, bool]] = {
    "qemu-arm-virt": ("aarch64", False),
    "qemu-arm-virt-mcs": ("aarch64", True),
    "zynqmp": ("aarch64", False),
    "zynqmp-mcs": ("aarch64", True),
    "qemu-arm-virt-smp": ("aarch64", False),
    "qemu-arm-virt-smp-mcs": ("aarch64", True),
    "aarch32-qemu-arm-virt": ("aarch32", False),
    "aarch32-qemu-arm-virt-mcs": ("aarch32", True),
    "riscv64-qemu-riscv-virt": ("riscv64", False),
    "riscv64-qemu-riscv-virt-mcs": ("riscv64", True),
    "riscv64-spike": ("riscv64", False),
    "riscv32-spike": ("riscv32", False),
    "riscv32-spike-mcs": ("riscv32", True),
    "x86_64-pc99": ("x86_64", False),
    "x86_64-pc99-mcs": ("x86_64", True),
}


@pytest.mark.skipif(WS is None, reason=WHY_NOT)
@pytest.mark.parametrize("platform", [buildgroups.on(p, p) for p in RUNS])
def test_guest_suite_passes_in_qemu(platform: str) -> None:
    assert WS is not None
    sel4_arch, mcs = RUNS[platform]
    if not ARCHES[sel4_arch].runtime:
        pytest.skip(f"sel4-runtime does not support {sel4_arch} yet (tools/sel4gen/archinfo.py)")
    if why := sel4build.missing_platform_tools(platform):
        pytest.skip(why)
    build = sel4build.platform_build(WS, platform, SEL4_RUST_APP="guest-tests")
    assert build.ok, build.failure()
    out = sel4build.simulate(build.dir, "guest-tests: done", timeout=300)
    # The build's own configuration decides which lists ran.
    gen = build.dir / "sel4-rust" / "gen"
    cfg = Cfg.from_rustflags((gen / "cfg.rustflags").read_text())
    assert (cfg.sel4_arch, cfg.mcs) == (sel4_arch, mcs), cfg.describe()
    found = guestsuite.problems(guestsuite.parse(out), cfg)
    assert not found, "\n".join(found) + "\n--- output (end) ---\n" + out[-4000:]
    if cfg.option("KERNEL_INVOCATION_REPORT_ERROR_IPC"):
        # The kernel prints none of its error messages: the stubs print them, from the IPC buffer.
        follows = re.search(rf"^{re.escape(error_report_mark())}\r?\n(.*)$", out, re.M)
        assert follows and "Destination not empty" in follows[1], out[-4000:]
    # debug_calls named a thread and dumped the scheduler: the kernel's table shows the name.
    assert re.search(r"^\s*guest-named-thread\s+inactive", out, re.M), "the named thread is not in the scheduler dump"
    # The build's own bindings: every generated method is claimed by a test that ran.
    manifest = json.loads((gen / "manifest.json").read_text())
    api = set(manifest["typed_methods"]) | guestsuite.hand_written_methods(mcs)
    assert not uncovered(api, cfg)
