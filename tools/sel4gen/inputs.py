"""Where the eight input files are: an installed `libsel4/include` tree, or one by one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import GenError

#: option name -> path inside an installed libsel4 include directory
LAYOUT: dict[str, str] = {
    "shared_types": "sel4/shared_types.pbf",
    "sel4_arch_types": "sel4/sel4_arch/types.pbf",
    "syscall_xml": "api/syscall.xml",
    "object_api": "interfaces/object-api.xml",
    "object_api_sel4_arch": "interfaces/object-api-sel4-arch.xml",
    "object_api_arch": "interfaces/object-api-arch.xml",
    "kernel_config": "kernel/gen_config.json",
    "libsel4_config": "sel4/gen_config.json",
}


#: What `--cfg-only` can do without: the bitfield specs exist only once the kernel build ran.
PBF_KEYS = ("shared_types", "sel4_arch_types")


@dataclass(frozen=True)
class Inputs:
    shared_types: Path | None
    sel4_arch_types: Path | None
    syscall_xml: Path
    object_api: Path
    object_api_sel4_arch: Path
    object_api_arch: Path
    kernel_config: Path
    libsel4_config: Path
    #: The kernel's VERSION file; without it the newest supported release (sel4gen.release).
    kernel_version: Path | None = None

    def all(self) -> list[Path]:
        files = [getattr(self, key) for key in LAYOUT if getattr(self, key) is not None]
        return files + ([self.kernel_version] if self.kernel_version is not None else [])


def option_flag(key: str) -> str:
    return "--" + key.replace("_", "-")


def resolve(include_dir: Path | None, overrides: dict[str, Path | None], optional: tuple[str, ...] = ()) -> Inputs:
    """Each file comes from its own option if given, else from the include directory.

    Keys in ``optional`` may be left out (None) when neither names them."""
    if include_dir is not None and not include_dir.is_dir():
        raise GenError("not a directory; pass libsel4's installed include directory", include_dir)
    paths: dict[str, Path | None] = dict.fromkeys(optional)
    for key, rel in LAYOUT.items():
        given = overrides.get(key)
        if given is not None:
            path = given
        elif include_dir is not None:
            path = include_dir / rel
        elif key in optional:
            continue
        else:
            raise GenError(
                f"no input for {rel}: pass {option_flag(key)} FILE or --libsel4-include DIR"
            )
        if not path.is_file() and key in optional and given is None:
            continue
        if not path.is_file():
            how = option_flag(key) if given is not None else f"--libsel4-include (expects {rel})"
            raise GenError(f"file not found (from {how})", path)
        paths[key] = path
    return Inputs(**paths, kernel_version=overrides.get("kernel_version"))
