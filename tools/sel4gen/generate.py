"""Read every input, build the models, render: the whole pipeline behind the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import pbf
from .abi import load_abi
from .bitfield import build
from .config import load_config
from .consistency import check_arch_spec, check_specs
from .contract import contract_files
from .emit import Model, check_out_dir, remove_outputs, render, write_outputs
from .errors import GenError
from .inputs import Inputs
from .interfaces import load_interfaces
from .release import load as load_release
from .syscalls import load_syscalls


def build_model(inputs: Inputs) -> Model:
    config = load_config(inputs.kernel_config, inputs.libsel4_config, load_release(inputs.kernel_version))
    syscalls = load_syscalls(inputs.syscall_xml, config)
    interfaces = load_interfaces(
        [inputs.object_api, inputs.object_api_sel4_arch, inputs.object_api_arch], config
    )
    if inputs.shared_types is None or inputs.sel4_arch_types is None:
        raise GenError("the bitfield specs are needed: pass --shared-types and --sel4-arch-types")
    shared, sel4_arch = pbf.parse_file(inputs.shared_types), pbf.parse_file(inputs.sel4_arch_types)
    bitfields = build([shared, sel4_arch])
    check_specs(config, shared, sel4_arch, bitfields)
    # Header tables may refer to values other inputs define (fault tags, syscall numbers).
    known = {f"{u.name}_{t.name}": t.value for u in bitfields.unions for t in u.tags}
    known.update({s.c_name: s.number for s in syscalls.calls})
    abi = load_abi(config, known)
    check_arch_spec(config, sel4_arch, bitfields, abi)
    return Model(config, abi, syscalls, interfaces, bitfields)


def _cfg_files(inputs: Inputs) -> dict[str, str]:
    config = load_config(inputs.kernel_config, inputs.libsel4_config, load_release(inputs.kernel_version))
    syscalls = load_syscalls(inputs.syscall_xml, config)
    interfaces = load_interfaces(
        [inputs.object_api, inputs.object_api_sel4_arch, inputs.object_api_arch], config
    )
    return contract_files(config, syscalls.options | interfaces.options, [c.name for c in syscalls.calls])


def cfg_only(inputs: Inputs, out_dir: Path) -> list[Path]:
    """Only `cfg.rustflags` and `contract.json`: they need no bitfield spec, so a build can use
    them at configure time, before the kernel build has preprocessed the specs. On bad input
    write nothing and clear old outputs."""
    return _write_or_clear(lambda: _cfg_files(inputs), out_dir)


def generate(inputs: Inputs, out_dir: Path) -> list[Path]:
    """Write the outputs for ``inputs`` into ``out_dir``; on bad input write nothing and clear old outputs."""
    return _write_or_clear(lambda: render(build_model(inputs)), out_dir)


def _write_or_clear(make: Callable[[], dict[str, str]], out_dir: Path) -> list[Path]:
    check_out_dir(out_dir)
    try:
        files = make()
    except GenError:
        remove_outputs(out_dir)
        raise
    return write_outputs(out_dir, files)
