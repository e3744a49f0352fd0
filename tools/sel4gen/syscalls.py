"""System call numbers from `api/syscall.xml`, numbered as the kernel numbers them.

Numbers run -1, -2, ... through the API block of the kernel's flavour
(``api-master`` or ``api-mcs``) and then the ``debug`` block, counting every
entry whether or not its condition holds; the condition only decides whether the
name exists in this configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import GenError
from .xmlload import attr, condition_holds, line_of, load, options_named


@dataclass(frozen=True)
class Syscall:
    name: str  # e.g. "Call"; the C name is seL4_Sys<name>
    number: int
    debug: bool

    @property
    def c_name(self) -> str:
        return f"seL4_Sys{self.name}"


@dataclass(frozen=True)
class Syscalls:
    calls: tuple[Syscall, ...]  # those this configuration has, in number order
    options: frozenset[str]  # every option the file's conditions name


#: Calls every supported release has in this kernel mode: the stubs and sel4-sys's wrappers use
#: them whatever the options (the others' wrappers exist exactly when the file has the call).
REQUIRED = ("Call", "ReplyRecv", "Send", "NBSend", "Recv", "NBRecv", "Yield")
REQUIRED_CLASSIC = ("Reply",)
REQUIRED_MCS = ("NBSendRecv", "NBSendWait", "Wait", "NBWait")
#: The elements each element of the file may hold: a misspelled one would renumber the calls.
_CHILDREN = {
    "syscalls": {"api-master", "api-mcs", "debug"},
    "api-master": {"config"},
    "api-mcs": {"config"},
    "debug": {"config"},
    "config": {"syscall", "condition"},
}


def load_syscalls(path: Path, config: Config) -> Syscalls:
    root = load(path)
    if root.tag != "syscalls":
        raise GenError(f"root element is <{root.tag}>, expected <syscalls>", path, line_of(root))
    for elem in root.iter():
        allowed = _CHILDREN.get(elem.tag)
        for child in elem if allowed is not None and elem.tag != "condition" else ():
            if child.tag not in allowed:
                raise GenError(
                    f"unknown element <{child.tag}> in <{elem.tag}> (expected {', '.join(sorted(allowed))})",
                    path,
                    line_of(child),
                )
    api_tag = "api-mcs" if config.mcs else "api-master"
    result: list[Syscall] = []
    seen: dict[str, int | None] = {}
    number = -1
    scope = config.scope()
    for tag, debug in ((api_tag, False), ("debug", True)):
        blocks = root.findall(tag)
        if len(blocks) != 1:
            raise GenError(f"expected exactly one <{tag}> block, found {len(blocks)}", path, line_of(root))
        configs = blocks[0].findall("config")
        if not configs and not debug:
            raise GenError(f"<{tag}> lists no system calls", path, line_of(blocks[0]))
        for group in configs:
            enabled = condition_holds(group, scope, path)
            for elem in group.findall("syscall"):
                name = attr(elem, "name", path)
                if not name.isidentifier():
                    raise GenError(f"system call name {name!r} is not an identifier", path, line_of(elem))
                if name in seen:
                    raise GenError(f"system call {name} is listed twice (first at line {seen[name]})", path, line_of(elem))
                seen[name] = line_of(elem)
                if enabled:
                    result.append(Syscall(name, number, debug))
                number -= 1
    have = {c.name for c in result}
    needed = (*REQUIRED, *(REQUIRED_MCS if config.mcs else REQUIRED_CLASSIC))
    missing = [name for name in needed if name not in have]
    if missing:
        raise GenError(
            f"<{api_tag}> has no {', '.join(missing)} for this configuration, which every libsel4 "
            f"has{' on MCS kernels' if config.mcs else ''}; is this the kernel's syscall.xml?",
            path,
            line_of(root.findall(api_tag)[0]),
        )
    return Syscalls(tuple(result), options_named(root))
