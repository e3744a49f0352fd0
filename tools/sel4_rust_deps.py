#!/usr/bin/env python3
"""Refuse, at configure time and by name, a crate whose dependencies would need crates.io.

    python3 sel4_rust_deps.py CRATE_MANIFEST

Builds here run cargo offline and fetch nothing: every dependency must be a path dependency
(directly, or through the workspace's ``[workspace.dependencies]``). Without this check cargo
fails deep in the build, suggesting to drop ``--offline``. Checked: the crate, the crates it
reaches through path dependencies, and every member of its workspace (cargo resolves them all
at once, so one member's crates.io dependency stops every other member's build too).
Development dependencies are not built and not checked. Exit 1 with one line per problem.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

_SECTIONS = ("dependencies", "build-dependencies")


def _load(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SystemExit(f"{path}: cannot read the manifest: {exc}") from None


def _workspace_of(manifest: Path) -> Path | None:
    """The manifest of the workspace ``manifest`` belongs to (itself, or the nearest parent
    that lists it), or None."""
    for directory in [manifest.parent, *manifest.parent.parents]:
        candidate = directory / "Cargo.toml"
        if candidate.is_file() and "workspace" in _load(candidate):
            return candidate
    return None


def _sections(data: dict[str, Any]) -> list[dict[str, Any]]:
    found = [data.get(s, {}) for s in _SECTIONS]
    for target in data.get("target", {}).values():
        found += [target.get(s, {}) for s in _SECTIONS]
    return [s for s in found if isinstance(s, dict)]


def _problems(manifest: Path, workspace: dict[str, Any], root: Path, seen: set[Path]) -> list[str]:
    """``root``: the workspace's directory, which its [workspace.dependencies] paths are relative to."""
    manifest = manifest.resolve()
    if manifest in seen:
        return []
    seen.add(manifest)
    data = _load(manifest)
    inherited = workspace.get("workspace", {}).get("dependencies", {})
    problems: list[str] = []
    for section in _sections(data):
        for name, spec in section.items():
            base = manifest.parent
            if isinstance(spec, dict) and spec.get("workspace") is True:
                spec, base = inherited.get(name), root
            if isinstance(spec, dict) and "path" in spec:
                problems += _problems(base / spec["path"] / "Cargo.toml", workspace, root, seen)
                continue
            source = "git" if isinstance(spec, dict) and "git" in spec else "crates.io"
            version = spec if isinstance(spec, str) else (spec or {}).get("version", "?")
            problems.append(
                f"{manifest}: dependency `{name}` ({source}, {version!r}) cannot be built here: crates "
                "build offline, without crates.io or git; make it a path dependency (a local copy of the "
                "crate) or vendor it"
            )
    return problems


def check(manifest: Path) -> list[str]:
    workspace_manifest = _workspace_of(manifest)
    workspace = _load(workspace_manifest) if workspace_manifest else {}
    seen: set[Path] = set()
    root = workspace_manifest.parent if workspace_manifest else manifest.parent
    problems = _problems(manifest, workspace, root, seen)
    for member in workspace.get("workspace", {}).get("members", []):
        for path in sorted(root.glob(member)):
            if (path / "Cargo.toml").is_file():
                problems += _problems(path / "Cargo.toml", workspace, root, seen)
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    problems = check(Path(argv[0]))
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
