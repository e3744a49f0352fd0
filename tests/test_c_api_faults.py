"""The C API's fault decoders (seL4_getFault, seL4_getArchFault in sel4gen's c_api.rs) build
each fault from message registers 0, 1, 2, ... in the order of the variant's constructor
fields. libsel4's own faults.h names the registers; this checks, for every architecture whose
interface data is here, that the registers its constructors are called with are exactly
0, 1, 2, ... in that order, with the register numbers our generated constants give them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CONFIGS, config_dir
from kerneltools import KERNEL
from sel4gen.generate import generate
from sel4gen.inputs import resolve

CALL = re.compile(r"(seL4_Fault_\w+)_new\(((?:\s*seL4_GetMR\(\w+\),?)*)\s*\)")
CONST = re.compile(r"pub const (\w+): \w+ = (\d+);")


@pytest.mark.parametrize("config", CONFIGS or ["none"])
def test_fault_registers_follow_the_constructor_fields(config: str, tmp_path: Path) -> None:
    if not KERNEL.is_dir():
        pytest.skip(f"no kernel sources at {KERNEL} (scripts/fetch-kernel brings them)")
    if config == "none":
        pytest.skip("no interface data (../shared/sel4-interfaces)")
    out = tmp_path / "gen"
    generate(resolve(config_dir(config), {}), out)
    consts = {m[1]: int(m[2]) for f in out.glob("*.rs") for m in CONST.finditer(f.read_text())}
    c_api = (out / "c_api.rs").read_text()
    sel4_arch = config.split("-")[0]
    headers = [KERNEL / "libsel4" / "include" / "sel4" / "faults.h",
               KERNEL / "libsel4" / "sel4_arch_include" / sel4_arch / "sel4" / "sel4_arch" / "faults.h"]
    checked = 0
    for header in headers:
        for call in CALL.finditer(header.read_text()):
            if f"{call[1]} =>" not in c_api:
                continue  # a variant this configuration has not got (MCS, debug API, hypervisor)
            registers = [consts.get(name) for name in re.findall(r"seL4_GetMR\((\w+)\)", call[2])]
            assert registers == list(range(len(registers))), f"{header}: {call[1]} reads {registers}"
            checked += 1
    assert checked >= 4, f"only {checked} fault constructors of {headers} found in c_api.rs"
