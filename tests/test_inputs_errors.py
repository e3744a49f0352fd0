"""Config, syscall and interface parsing on small inputs, including every bad-input case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sel4gen.config import load_config
from sel4gen.errors import GenError
from sel4gen.interfaces import load_interfaces
from sel4gen.syscalls import load_syscalls

BASE_CONFIG = {"SEL4_ARCH": "aarch64", "ARCH": "arm", "WORD_SIZE": "64", "ARCH_AARCH64": True,
               "PRINTING": True, "DEBUG_BUILD": False, "KERNEL_MCS": False}


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text)
    return path


def config(tmp: Path, **overrides: object) -> Path:
    values = dict(BASE_CONFIG)
    values.update(overrides)
    return write(tmp, "gen_config.json", json.dumps(values, indent=1))


# ---------------------------------------------------------------- configuration


def test_config_numbers_become_ints(tmp_path: Path) -> None:
    cfg = load_config(config(tmp_path, NUM_PRIORITIES="256", ARM_PLAT="qemu-arm-virt"), None)
    assert cfg.values["NUM_PRIORITIES"] == 256 and cfg.values["ARM_PLAT"] == "qemu-arm-virt"
    assert cfg.word_bits == 64 and cfg.arch.name == "aarch64" and not cfg.mcs


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"WORD_SIZE": "32"}, "WORD_SIZE is 32 but SEL4_ARCH 'aarch64' has 64-bit words"),
        ({"SEL4_ARCH": "mips"}, "SEL4_ARCH 'mips' is not one this generator knows"),
        ({"ARCH": "x86"}, "ARCH is 'x86' but SEL4_ARCH 'aarch64' belongs to 'arm'"),
        ({"ARCH_X86_64": True}, "ARCH_X86_64 is on but SEL4_ARCH is 'aarch64'"),
        ({"MAX_NUM_NODES": [1]}, "has a list value"),
    ],
)
def test_contradictory_config(tmp_path: Path, overrides: dict[str, object], message: str) -> None:
    path = config(tmp_path, **overrides)
    with pytest.raises(GenError) as info:
        load_config(path, None)
    assert message in str(info.value)
    assert info.value.path == path and info.value.line is not None


def test_config_files_must_agree(tmp_path: Path) -> None:
    kernel = config(tmp_path)
    libsel4 = write(tmp_path, "sel4.json", '{\n "KERNEL_MCS": true\n}\n')
    with pytest.raises(GenError, match="'KERNEL_MCS' is True here but False in") as info:
        load_config(kernel, libsel4)
    assert info.value.line == 2


def test_config_syntax_and_missing(tmp_path: Path) -> None:
    with pytest.raises(GenError, match="not valid JSON") as info:
        load_config(write(tmp_path, "bad.json", '{\n "A": true,\n}\n'), None)
    assert info.value.line == 3
    with pytest.raises(GenError, match="file not found"):
        load_config(tmp_path / "absent.json", None)
    with pytest.raises(GenError, match="'SEL4_ARCH' is missing"):
        load_config(write(tmp_path, "empty.json", "{}"), None)


# ---------------------------------------------------------------- syscalls

SYSCALLS = """<?xml version="1.0" ?>
<syscalls>
  <api-master><config>
    <syscall name="Call"/><syscall name="ReplyRecv"/><syscall name="Send"/><syscall name="NBSend"/>
    <syscall name="Recv"/><syscall name="Reply"/><syscall name="Yield"/><syscall name="NBRecv"/>
  </config></api-master>
  <api-mcs><config>
    <syscall name="Call"/><syscall name="ReplyRecv"/><syscall name="NBSendRecv"/><syscall name="NBSendWait"/>
    <syscall name="Send"/><syscall name="NBSend"/><syscall name="Recv"/><syscall name="NBRecv"/>
    <syscall name="Wait"/><syscall name="NBWait"/><syscall name="Yield"/>
  </config></api-mcs>
  <debug>
    <config><condition><config var="CONFIG_PRINTING"/></condition><syscall name="DebugPutChar"/></config>
    <config><condition><config var="CONFIG_DEBUG_BUILD"/></condition><syscall name="DebugHalt"/></config>
    <config><condition><not><config var="CONFIG_DEBUG_BUILD"/></not></condition><syscall name="NotDebug"/></config>
  </debug>
</syscalls>
"""


def test_syscall_numbering_counts_disabled_entries(tmp_path: Path) -> None:
    xml = write(tmp_path, "syscall.xml", SYSCALLS)
    table = load_syscalls(xml, load_config(config(tmp_path), None))
    assert table.options == {"PRINTING", "DEBUG_BUILD"}  # named by conditions, on or off
    assert [(s.c_name, s.number) for s in table.calls][:2] == [("seL4_SysCall", -1), ("seL4_SysReplyRecv", -2)]
    # DebugHalt (-10) is off but counted.
    assert [(s.c_name, s.number) for s in table.calls][-2:] == [("seL4_SysDebugPutChar", -9), ("seL4_SysNotDebug", -11)]
    mcs = load_syscalls(xml, load_config(config(tmp_path, KERNEL_MCS=True), None))
    assert [(s.name, s.number) for s in mcs.calls][8:12] == [("Wait", -9), ("NBWait", -10), ("Yield", -11), ("DebugPutChar", -12)]


def test_a_syscall_file_without_the_basic_calls_is_refused(tmp_path: Path) -> None:
    xml = write(tmp_path, "syscall.xml", SYSCALLS.replace('<syscall name="Yield"/>', "", 1))
    with pytest.raises(GenError, match="<api-master> has no Yield for this configuration") as info:
        load_syscalls(xml, load_config(config(tmp_path), None))
    assert info.value.path == xml and info.value.line == 3
    typo = write(tmp_path, "typo.xml", SYSCALLS.replace('<syscall name="Send"/>', '<syscal name="Send"/>', 1))
    with pytest.raises(GenError, match="unknown element <syscal> in <config>") as info:
        load_syscalls(typo, load_config(config(tmp_path), None))
    assert info.value.line == 4


@pytest.mark.parametrize(
    "text, message, line",
    [
        ("<syscalls>\n<api-master>\n</syscalls>", "malformed XML", 3),
        ("<calls/>", "expected <syscalls>", 1),
        ("<syscalls>\n<debug/>\n</syscalls>", "exactly one <api-master>", 1),
        ("<syscalls>\n<api-master><config>\n<syscall/></config></api-master><debug/></syscalls>",
         "needs a non-empty 'name'", 3),
        ("<syscalls>\n<api-master><config>\n<syscall name='A'/>\n<syscall name='A'/></config></api-master><debug/></syscalls>",
         "listed twice (first at line 3)", 4),
        ("<syscalls><api-master><config>\n<condition><xor/></condition><syscall name='A'/></config></api-master>"
         "<debug/></syscalls>",
         "unknown element <xor>", 2),
    ],
)
def test_syscall_errors(tmp_path: Path, text: str, message: str, line: int) -> None:
    xml = write(tmp_path, "syscall.xml", text)
    with pytest.raises(GenError) as info:
        load_syscalls(xml, load_config(config(tmp_path), None))
    assert message in str(info.value) and info.value.line == line and info.value.path == xml


# ---------------------------------------------------------------- interfaces

API = """<api name="ObjectApi">
  <interface name="seL4_TCB" cap_description="A TCB.">
    <method id="TCBSuspend" name="Suspend"><brief>Suspend it.</brief></method>
    <method id="TCBOnlyMCS" name="OnlyMCS"><condition><config var="CONFIG_KERNEL_MCS"/></condition></method>
    <method id="TCBSetPriority" name="SetPriority">
      <param dir="in" name="authority" type="seL4_TCB" description="The authority."/>
      <param dir="in" name="priority" type="seL4_Word"/>
      <param dir="out" name="old" type="seL4_Uint8"/>
    </method>
  </interface>
</api>
"""
SEL4_ARCH = '<api name="A"><interface name="seL4_ARM_VSpace"><method id="ARMVSpaceClean" name="Clean"/></interface></api>'
ARCH = '<api name="B"></api>'


def interfaces(tmp: Path, api: str = API, sel4_arch: str = SEL4_ARCH, arch: str = ARCH, **cfg: object):  # type: ignore[no-untyped-def]
    paths = [write(tmp, "object-api.xml", api), write(tmp, "sel4-arch.xml", sel4_arch), write(tmp, "arch.xml", arch)]
    return load_interfaces(paths, load_config(config(tmp, **cfg), None))


def test_labels_follow_libsel4_numbering(tmp_path: Path) -> None:
    result = interfaces(tmp_path)
    assert result.labels == (
        ("InvalidInvocation", 0), ("TCBSuspend", 1), ("TCBSetPriority", 2), ("nInvocationLabels", 3),
        ("ARMVSpaceClean", 3), ("nSeL4ArchInvocationLabels", 4), ("nArchInvocationLabels", 4),
    )
    mcs = interfaces(tmp_path, KERNEL_MCS=True)
    assert ("TCBOnlyMCS", 2) in mcs.labels and ("TCBSetPriority", 3) in mcs.labels
    method = next(m for m in result.methods if m.name == "SetPriority")
    assert [p.name for p in method.inputs] == ["authority", "priority"]
    assert [p.name for p in method.outputs] == ["old"]
    assert method.cap_doc == "A TCB." and result.methods[0].brief == "Suspend it."


@pytest.mark.parametrize(
    "api, message, line",
    [
        (API.replace('type="seL4_Word"', 'type="seL4_Wrod"'), "has unknown type 'seL4_Wrod'", 7),
        (API.replace('dir="in" name="priority"', 'dir="inout" name="priority"'), "dir='inout'", 7),
        (API.replace('name="priority"', 'name="authority"'), "is not a fresh identifier", 7),
        (API.replace('id="TCBSuspend" name="Suspend"', 'name="Suspend"'), "needs a non-empty 'id'", 3),
        (API.replace('id="TCBSetPriority"', 'id="TCBSuspend"'), "invocation label TCBSuspend is enabled twice", 5),
        (API.replace("<api ", "<apx ").replace("</api>", "</apx>"), "expected <api>", 1),
        (API.replace("</interface>", ""), "malformed XML", 11),
    ],
)
def test_interface_errors(tmp_path: Path, api: str, message: str, line: int) -> None:
    with pytest.raises(GenError) as info:
        interfaces(tmp_path, api=api)
    assert message in str(info.value)
    assert info.value.line == line and info.value.path == tmp_path / "object-api.xml"
