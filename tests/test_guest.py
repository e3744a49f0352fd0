"""The in-guest test suite (apps/guest-tests): booted in QEMU on qemu-arm-virt and zynqmp, with
and without MCS, and checked test by test; plus the host-side checks that it covers every
method of the typed API and that the checker itself catches failed and missing tests.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import guestsuite
import pytest
import sel4build
from conftest import CONFIGS, config_dir
from sel4gen.generate import generate
from sel4gen.inputs import resolve

#: Configurations of the test data the suite runs on (the boot tests build the same ones).
SUITE_CONFIGS = {"aarch64-qemu-arm-virt": False, "aarch64-qemu-arm-virt-mcs": True, "aarch64-zynqmp": False}
SOURCES = sorted((guestsuite.ROOT / "apps" / "guest-tests" / "src").rglob("*.rs"))


def calls_in_source() -> str:
    return "\n".join(p.read_text() for p in SOURCES)


def uncovered(api: set[str], mcs: bool) -> list[str]:
    covered = set().union(*(e.covers for e in guestsuite.expected(mcs)))
    return sorted(api - covered)


@pytest.mark.parametrize("config", sorted(SUITE_CONFIGS))
def test_suite_covers_every_method(config: str, tmp_path: Path) -> None:
    if config not in CONFIGS:
        pytest.skip(f"no interface data for {config} (../shared/sel4-interfaces)")
    generate(resolve(config_dir(config), {}), tmp_path)
    generated = set(json.loads((tmp_path / "manifest.json").read_text())["typed_methods"])
    mcs = SUITE_CONFIGS[config]
    api = generated | guestsuite.hand_written_methods(mcs)
    assert not uncovered(api, mcs), f"methods no test of apps/guest-tests claims: {uncovered(api, mcs)}"
    source = calls_in_source()
    claimed = set().union(*(e.covers for e in guestsuite.expected(mcs)))
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


def test_lists_are_well_formed() -> None:
    entries = guestsuite.entries()
    names = [e.name for e in entries]
    assert len(names) == len(set(names)), "duplicate test names"
    assert {e.list for e in entries} == {"ALL", "MCS", "NON_MCS"}
    assert len(guestsuite.expected(False)) > 30


def fake_output(mcs: bool, fail: str | None = None, drop: str | None = None) -> str:
    names = [e.name for e in guestsuite.expected(mcs)]
    lines = [f"guest-tests: plan {len(names)} (mcs={str(mcs).lower()})"]
    for n in names:
        if n == drop:
            continue
        lines.append(f"[FAIL] {n}: boom" if n == fail else f"[ok] {n}")
    results = [n for n in names if n != drop]
    failed = 1 if fail else 0
    lines += [f"guest-tests: summary: {len(results) - failed} passed, {failed} failed", "guest-tests: done"]
    return "\n".join(lines) + "\n"


def test_checker_accepts_a_clean_run_and_catches_failed_and_missing_tests() -> None:
    assert guestsuite.problems(guestsuite.parse(fake_output(False)), False) == []
    name = guestsuite.expected(False)[3].name
    assert f"FAIL {name}: boom" in guestsuite.problems(guestsuite.parse(fake_output(False, fail=name)), False)
    assert f"missing: {name}" in guestsuite.problems(guestsuite.parse(fake_output(False, drop=name)), False)
    wrong_mode = guestsuite.problems(guestsuite.parse(fake_output(True)), False)
    assert any("mcs=True" in p for p in wrong_mode)
    cut = fake_output(False).split("guest-tests: summary")[0]
    assert "no 'guest-tests: done' line" in guestsuite.problems(guestsuite.parse(cut), False)


WS, WHY_NOT = sel4build.workspace()


@pytest.mark.skipif(WS is None, reason=WHY_NOT)
@pytest.mark.parametrize("mcs", [False, True], ids=["classic", "mcs"])
@pytest.mark.parametrize("platform", ["qemu-arm-virt", "zynqmp"])
def test_guest_suite_passes_in_qemu(platform: str, mcs: bool) -> None:
    assert WS is not None
    name = f"guest-{platform}" + ("-mcs" if mcs else "")
    options = ["-DSIMULATION=TRUE", f"-DPLATFORM={platform}", "-DSEL4_RUST_APP=guest-tests", f"-DMCS={'ON' if mcs else 'OFF'}"]
    build = sel4build.configure_and_build(WS, name, options)
    assert build.ok, build.failure()
    out = sel4build.simulate(build.dir, "guest-tests: done", timeout=300)
    found = guestsuite.problems(guestsuite.parse(out), mcs)
    assert not found, "\n".join(found) + "\n--- output (end) ---\n" + out[-4000:]
    # debug_calls named a thread and dumped the scheduler: the kernel's table shows the name.
    assert re.search(r"^\s*guest-named-thread\s+inactive", out, re.M), "the named thread is not in the scheduler dump"
    # The build's own bindings: every generated method is claimed by a test that ran.
    manifest = json.loads((build.dir / "sel4-rust" / "gen" / "manifest.json").read_text())
    api = set(manifest["typed_methods"]) | guestsuite.hand_written_methods(mcs)
    assert not uncovered(api, mcs)
