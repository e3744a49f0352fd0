"""Property test: real interface inputs, mutated (truncated, a line deleted, a byte flipped, two
XML attribute values swapped), never make the generator fail in any other way than a located
error (file named, no outputs left); and what it does generate compiles without warnings.
Comment edits, which cannot change meaning, generate exactly the unmutated output.

The mutations come from a fixed seed: the same cases run every time.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
import rustbuild
from conftest import CONFIGS, ROOT, config_dir
from sel4gen.emit import OUTPUTS
from sel4gen.errors import GenError
from sel4gen.generate import generate
from sel4gen.inputs import LAYOUT, resolve

BASE = "aarch64-qemu-arm-virt"
CASES = 80
SEED = 20261128
pytestmark = pytest.mark.skipif(BASE not in CONFIGS, reason=f"no interface data for {BASE} (../shared/sel4-interfaces)")


def mutate(data: bytes, rng: random.Random, path: str) -> tuple[str, bytes]:
    """One random mutation of ``data``: (what was done, the result)."""
    kinds = ["truncate", "delete-line", "flip-byte"] + (["swap-attributes"] if path.endswith(".xml") else [])
    kind = rng.choice(kinds)
    if kind == "truncate":
        return kind, data[: rng.randrange(len(data))]
    if kind == "delete-line":
        lines = data.split(b"\n")
        del lines[rng.randrange(len(lines))]
        return kind, b"\n".join(lines)
    if kind == "flip-byte":
        at = rng.randrange(len(data))
        return kind, data[:at] + bytes([data[at] ^ rng.randrange(1, 256)]) + data[at + 1:]
    # Two attribute values swapped, each keeping its name: a type where a name was, and so on.
    parts = data.split(b'"')
    values = list(range(1, len(parts), 2))
    a, b = rng.sample(values, 2)
    parts[a], parts[b] = parts[b], parts[a]
    return kind, b'"'.join(parts)


def outputs(out: Path) -> dict[str, str]:
    return {name: (out / name).read_text() for name in OUTPUTS if (out / name).is_file()}


def test_mutated_inputs_fail_located_or_generate_code_that_compiles(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    source = config_dir(BASE)
    compiled = 0
    toolchain, _ = rustbuild.find_toolchain()
    for case in range(CASES):
        tree = tmp_path / f"case{case}"
        shutil.copytree(source, tree, ignore=shutil.ignore_patterns("oracle"))
        rel = rng.choice(sorted(LAYOUT.values()))
        target = tree / rel
        kind, data = mutate(target.read_bytes(), rng, rel)
        target.write_bytes(data)
        out = tree / "out"
        what = f"case {case}: {kind} of {rel}"
        try:
            generate(resolve(tree, {}), out)
        except GenError as exc:
            assert exc.path is not None, f"{what}: error without a file: {exc}"
            assert not outputs(out), f"{what}: outputs left after {exc}"
            continue
        # Accepted: the output must compile. One compile per kind of file keeps this affordable.
        if toolchain is not None and compiled < 2 and rel.endswith((".pbf", ".xml")):
            compiled += 1
            result = rustbuild.check_crate(toolchain, ROOT / "crates" / "sel4-sys", "aarch64", None,
                                           env={"SEL4_SYS_GENERATED_DIR": str(out)}, rustflags=["-Dwarnings"])
            assert result.returncode == 0, f"{what}: generated code does not compile:\n{rustbuild.describe(result)}"
        shutil.rmtree(tree)


def test_comment_edits_change_nothing(tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    generate(resolve(config_dir(BASE), {}), clean)
    tree = tmp_path / "tree"
    shutil.copytree(config_dir(BASE), tree, ignore=shutil.ignore_patterns("oracle"))
    for rel in ("interfaces/object-api.xml", "api/syscall.xml"):
        path = tree / rel
        text = path.read_text()
        at = text.index("<!--") + len("<!--")
        path.write_text(text[:at] + " edited: <method> & \"quotes\" " + text[at:])
    pbf = tree / "sel4" / "shared_types.pbf"
    pbf.write_text("-- a comment added first\n" + pbf.read_text().replace("\n", "\n-- and between lines\n", 3))
    generate(resolve(tree, {}), tmp_path / "edited")
    assert outputs(tmp_path / "edited") == outputs(clean)
