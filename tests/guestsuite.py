"""What the in-guest test suite (apps/guest-tests) declares and what it printed.

The suite's test lists live in apps/guest-tests/src/tests/mod.rs: entries
``t("name", &["Type::method", ...], module::function),`` in the consts ``ALL``, ``MCS`` and
``NON_MCS``. The host reads them to know which results to expect, and which methods of the
typed API the suite claims to call; the typed API's own methods come from sel4gen's manifest
(generated) and from the crate's source (hand-written).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LISTS = ROOT / "apps" / "guest-tests" / "src" / "tests" / "mod.rs"
#: Hand-written methods of `Cap<T>` and free functions that are system calls.
HAND_WRITTEN = [ROOT / "crates" / "sel4" / "src" / f for f in ("ipc.rs", "invocations.rs")]

_LIST = re.compile(r"^const (ALL|MCS|NON_MCS): &\[Test\] = &\[(.*?)^\];", re.M | re.S)
_ENTRY = re.compile(r'\bt\(\s*"(\w+)",\s*&\[(.*?)\],', re.S)


@dataclass(frozen=True)
class Entry:
    name: str
    covers: tuple[str, ...]
    list: str  # ALL, MCS or NON_MCS


def entries(path: Path = LISTS) -> list[Entry]:
    found: list[Entry] = []
    for block in _LIST.finditer(path.read_text()):
        for m in _ENTRY.finditer(block.group(2)):
            found.append(Entry(m.group(1), tuple(re.findall(r'"([^"]+)"', m.group(2))), block.group(1)))
    return found


def expected(mcs: bool, path: Path = LISTS) -> list[Entry]:
    """The entries a kernel with or without MCS runs."""
    wanted = {"ALL", "MCS" if mcs else "NON_MCS"}
    return [e for e in entries(path) if e.list in wanted]


_CFG = re.compile(r"^\s*#\[cfg\((not\()?sel4_cfg_KERNEL_MCS\)?\)\]")
_IMPL = re.compile(r"^impl(?:<[^>]*>)? (?:Cap<cap_type::(\w+)>|\S+)")
_FN = re.compile(r"^\s*pub (?:const )?fn (\w+)")


def hand_written_methods(mcs: bool, paths: list[Path] = HAND_WRITTEN) -> set[str]:
    """`Type::method` for each method of `Cap<Type>` written by hand, and the names of public
    free functions, that a kernel with or without MCS has."""
    methods: set[str] = set()
    for path in paths:
        pending: bool | None = None  # the MCS condition of the next item, if any
        impl: str | None = None
        impl_cond: bool | None = None
        for line in path.read_text().splitlines():
            if m := _CFG.match(line):
                pending = m.group(1) is None
                continue
            if line.lstrip().startswith(("///", "#[", "//")):
                continue
            if m := _IMPL.match(line):
                impl, impl_cond, pending = m.group(1) or "", pending, None
                continue
            if line.startswith("}"):
                impl, impl_cond = None, None
                continue
            if m := _FN.match(line):
                cond = pending if pending is not None else impl_cond
                pending = None
                if cond is not None and cond != mcs:
                    continue
                if impl is None:
                    methods.add(m.group(1))
                elif impl:
                    methods.add(f"{impl}::{m.group(1)}")
                continue
            if line.strip():
                pending = None
    return methods


_RESULT = re.compile(r"^\[(ok|FAIL)\] (\w+)(?:: (.*))?$", re.M)
_PLAN = re.compile(r"guest-tests: plan (\d+) \(mcs=(true|false)\)")
_SUMMARY = re.compile(r"guest-tests: summary: (\d+) passed, (\d+) failed")


@dataclass(frozen=True)
class Report:
    plan: int | None
    mcs: bool | None
    results: dict[str, tuple[bool, str]]  # name -> (passed, why)
    summary: tuple[int, int] | None
    done: bool


def parse(output: str) -> Report:
    plan = _PLAN.search(output)
    summary = _SUMMARY.search(output)
    results = {m.group(2): (m.group(1) == "ok", m.group(3) or "") for m in _RESULT.finditer(output)}
    return Report(
        plan=int(plan.group(1)) if plan else None,
        mcs=plan.group(2) == "true" if plan else None,
        results=results,
        summary=(int(summary.group(1)), int(summary.group(2))) if summary else None,
        done="guest-tests: done" in output,
    )


def problems(report: Report, mcs: bool) -> list[str]:
    """Everything wrong with a run: failed, missing or unexpected tests, a wrong plan or summary."""
    names = [e.name for e in expected(mcs)]
    found: list[str] = []
    if report.mcs is not None and report.mcs != mcs:
        found.append(f"the suite ran with mcs={report.mcs}, expected {mcs}")
    if report.plan != len(names):
        found.append(f"plan {report.plan}, expected {len(names)} tests")
    found += [f"FAIL {n}: {why}" for n, (ok, why) in report.results.items() if not ok]
    found += [f"missing: {n}" for n in names if n not in report.results]
    found += [f"unexpected: {n}" for n in report.results if n not in names]
    passed = sum(ok for ok, _ in report.results.values())
    if report.summary != (passed, len(report.results) - passed):
        found.append(f"summary {report.summary} does not match the results")
    if not report.done:
        found.append("no 'guest-tests: done' line")
    return found
