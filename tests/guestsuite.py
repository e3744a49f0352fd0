"""What the in-guest test suite (apps/guest-tests) declares and what it printed.

The suite's test lists live in apps/guest-tests/src/tests/mod.rs, inside ``test_lists! { ... }``:
consts ``const NAME: &[Test] = &[ t("name", &["Type::method", ...], module::function), ... ];``,
each with an optional ``#[cfg(...)]`` on the line(s) right above it that decides whether a build
runs it (``ALL`` has none; ``MCS``/``NON_MCS`` depend on ``sel4_cfg_KERNEL_MCS``; ``AARCH64``,
``RISCV``, ``X86_64``... on ``target_arch``; ``ARM_SMP``... on ``sel4_cfg_ENABLE_SMP_SUPPORT``).
The host reads the lists and evaluates their conditions for a configuration (:class:`Cfg`) to
know which results to expect, and which methods of the typed API the suite claims to call; the
typed API's own methods come from sel4gen's manifest (generated) and from the crate's source
(hand-written).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sel4gen.archinfo import ARCHES

ROOT = Path(__file__).resolve().parent.parent
LISTS = ROOT / "apps" / "guest-tests" / "src" / "tests" / "mod.rs"
#: Hand-written methods of `Cap<T>` and free functions that are system calls.
HAND_WRITTEN = [ROOT / "crates" / "sel4" / "src" / f for f in ("ipc.rs", "invocations.rs")]

# A list: its optional #[cfg(...)] (possibly over several lines), `const NAME: &[Test] = &[`,
# and everything up to the first line that ends with `];`.
_LIST = re.compile(
    r"(?:^[ \t]*#\[cfg\((?P<cond>[^\[\]]*?)\)\][ \t]*\n)?"
    r"^[ \t]*const (?P<name>\w+): &\[Test\] = &\[(?P<body>.*?)\];[ \t]*$",
    re.M | re.S,
)
_ENTRY = re.compile(r'\bt\(\s*"(\w+)",\s*&\[(.*?)\],', re.S)


# ---- configurations and #[cfg] conditions --------------------------------------------------


@dataclass(frozen=True)
class Cfg:
    """What a build's `#[cfg]` conditions see: the architecture (seL4's ``SEL4_ARCH`` name)
    and the kernel options ``sel4_cfg_NAME`` (on/off, or a string value).

    ``complete``: whether ``options`` holds every option of the build (so that an absent one is
    off, as for rustc); a partial one (:meth:`of`) refuses conditions on options it lacks.
    """

    sel4_arch: str
    options: dict[str, bool | str] = field(default_factory=dict)
    complete: bool = False

    @classmethod
    def of(
        cls,
        mcs: bool,
        arch: str = "aarch64",
        smp: bool = False,
        hyp: bool = False,
        iommu: bool = False,
        report_errors: bool = False,
    ) -> Cfg:
        """A partial configuration: MCS or not, the architecture, SMP or not, an Arm hypervisor
        kernel or not, an x86 kernel with IOMMU support or not, a kernel that writes its error
        messages into the IPC buffer or not."""
        options = {"KERNEL_MCS": mcs, "ENABLE_SMP_SUPPORT": smp, "ARM_HYPERVISOR_SUPPORT": hyp, "IOMMU": iommu}
        return cls(arch, {**options, "KERNEL_INVOCATION_REPORT_ERROR_IPC": report_errors})

    @classmethod
    def from_rustflags(cls, text: str) -> Cfg:
        """A build's configuration from its ``cfg.rustflags`` (sel4gen's output)."""
        options: dict[str, bool | str] = {}
        for m in re.finditer(r'^--cfg=sel4_cfg_(\w+)(?:="([^"]*)")?\s*$', text, re.M):
            options[m.group(1)] = True if m.group(2) is None else m.group(2)
        arch = options.get("SEL4_ARCH")
        if not isinstance(arch, str):
            raise ValueError("cfg.rustflags sets no sel4_cfg_SEL4_ARCH")
        return cls(arch, options, complete=True)

    @classmethod
    def from_gen_config(cls, path: Path) -> Cfg:
        """The configuration of a kernel's ``gen_config.json``."""
        values = json.loads(path.read_text())
        options: dict[str, bool | str] = {k: v if isinstance(v, bool) else str(v) for k, v in values.items()}
        return cls(str(values["SEL4_ARCH"]), options, complete=True)

    @property
    def target_arch(self) -> str:
        return ARCHES[self.sel4_arch].rust_target_arch

    @property
    def mcs(self) -> bool:
        return self.options.get("KERNEL_MCS") is True

    @property
    def smp(self) -> bool:
        return self.options.get("ENABLE_SMP_SUPPORT") is True

    def option(self, name: str) -> bool | str:
        if name in self.options:
            return self.options[name]
        if self.complete:
            return False
        raise ValueError(f"a condition of the test lists uses sel4_cfg_{name}, which this configuration does not give")

    def holds(self, cond: str | None) -> bool:
        """Whether the `#[cfg(...)]` condition ``cond`` (its inside; ``None``: none) holds."""
        if cond is None:
            return True
        tokens = re.findall(r'"[^"]*"|[A-Za-z_]\w*|[(),=]', cond)
        if "".join(tokens) != re.sub(r"\s+", "", cond):
            raise ValueError(f"cannot read the condition {cond!r}")
        value, rest = self._predicate(tokens)
        if rest:
            raise ValueError(f"trailing tokens {rest} in the condition {cond!r}")
        return value

    def _predicate(self, tokens: list[str]) -> tuple[bool, list[str]]:
        if not tokens or not re.fullmatch(r"[A-Za-z_]\w*", tokens[0]):
            raise ValueError(f"expected a name at {tokens}")
        name, rest = tokens[0], tokens[1:]
        if name in ("all", "any", "not") and rest[:1] == ["("]:
            values: list[bool] = []
            rest = rest[1:]
            while rest[:1] != [")"]:
                value, rest = self._predicate(rest)
                values.append(value)
                if rest[:1] == [","]:
                    rest = rest[1:]
                elif rest[:1] != [")"]:
                    raise ValueError(f"expected ',' or ')' at {rest}")
            rest = rest[1:]
            if name == "not":
                if len(values) != 1:
                    raise ValueError("not() takes one predicate")
                return not values[0], rest
            return (all(values) if name == "all" else any(values)), rest
        if rest[:1] == ["="]:
            if len(rest) < 2 or not rest[1].startswith('"'):
                raise ValueError(f"expected a string after {name} =")
            wanted, rest = rest[1][1:-1], rest[2:]
            return self._value(name) == wanted, rest
        return self._flag(name), rest

    def _value(self, name: str) -> str | bool:
        if name == "target_arch":
            return self.target_arch
        if name == "target_pointer_width":
            return str(ARCHES[self.sel4_arch].word_bits)
        if name.startswith("sel4_cfg_"):
            return self.option(name.removeprefix("sel4_cfg_"))
        raise ValueError(f"the test lists' conditions cannot use {name}")

    def _flag(self, name: str) -> bool:
        if name.startswith("sel4_cfg_"):
            return self.option(name.removeprefix("sel4_cfg_")) is True
        raise ValueError(f"the test lists' conditions cannot use {name}")

    def describe(self) -> str:
        return f"mcs={self.mcs}, arch={self.sel4_arch}, smp={self.smp}"


def _config(config: Cfg | bool, arch: str, smp: bool) -> Cfg:
    return config if isinstance(config, Cfg) else Cfg.of(config, arch, smp)


# ---- the lists -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    name: str
    covers: tuple[str, ...]
    list: str  # the const's name: ALL, MCS, NON_MCS, X86_64, ...
    cond: str | None  # the inside of its #[cfg(...)], None for none


def entries(path: Path = LISTS) -> list[Entry]:
    found: list[Entry] = []
    for block in _LIST.finditer(path.read_text()):
        cond = " ".join(block.group("cond").split()) if block.group("cond") else None
        for m in _ENTRY.finditer(block.group("body")):
            found.append(Entry(m.group(1), tuple(re.findall(r'"([^"]+)"', m.group(2))), block.group("name"), cond))
    return found


def lists(path: Path = LISTS) -> dict[str, str | None]:
    """Each list's name and condition, in the order written."""
    return {e.list: e.cond for e in entries(path)}


def expected(config: Cfg | bool, arch: str = "aarch64", smp: bool = False, path: Path = LISTS) -> list[Entry]:
    """The entries a build runs: ``config`` is its :class:`Cfg`, or whether it is MCS (with
    ``arch``, seL4's name of the architecture, and ``smp``)."""
    cfg = _config(config, arch, smp)
    return [e for e in entries(path) if cfg.holds(e.cond)]


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


# ---- what a run printed --------------------------------------------------------------------

_RESULT = re.compile(r"^\[(ok|FAIL)\] (\w+)(?:: (.*))?$", re.M)
_PLAN = re.compile(r"guest-tests: plan (\d+) \(mcs=(true|false)(?:, arch=(\w+))?(?:, smp=(true|false))?\)")
_SUMMARY = re.compile(r"guest-tests: summary: (\d+) passed, (\d+) failed")


@dataclass(frozen=True)
class Report:
    plan: int | None
    mcs: bool | None
    results: dict[str, tuple[bool, str]]  # name -> (passed, why)
    summary: tuple[int, int] | None
    done: bool
    arch: str | None = None
    smp: bool | None = None


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
        arch=plan.group(3) if plan else None,
        smp=(plan.group(4) == "true") if plan and plan.group(4) else None,
    )


def problems(report: Report, config: Cfg | bool, arch: str = "aarch64", smp: bool = False) -> list[str]:
    """Everything wrong with a run of the build ``config`` (see :func:`expected`): failed,
    missing or unexpected tests, a wrong configuration, plan or summary."""
    cfg = _config(config, arch, smp)
    names = [e.name for e in expected(cfg)]
    found: list[str] = []
    if report.mcs is not None and report.mcs != cfg.mcs:
        found.append(f"the suite ran with mcs={report.mcs}, expected {cfg.mcs}")
    if report.arch is not None and report.arch != cfg.sel4_arch:
        found.append(f"the suite ran with arch={report.arch}, expected {cfg.sel4_arch}")
    if report.smp is not None and report.smp != cfg.smp:
        found.append(f"the suite ran with smp={report.smp}, expected {cfg.smp}")
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
