"""Shared test helpers: render a case or bundled blueprint into a temp folder, like a user would."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from io import BytesIO
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.writer import MANIFEST

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
CASES = TESTS / "cases"
SNAPSHOTS = TESTS / "snapshots"
BLUEPRINTS = ROOT / "blueprints"


def case_names() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "blueprint.yaml").is_file())


def bundled_blueprints() -> list[Path]:
    return sorted(p for p in BLUEPRINTS.glob("*/*.yaml"))


def render_copy(source_dir: Path, blueprint_name: str, workdir: Path, *extra_args: str):
    """Copy a blueprint folder to `workdir/src`, render it to `workdir/out`; return (result, out, src)."""
    src = workdir / "src"
    shutil.copytree(source_dir, src)
    out = workdir / "out"
    result = CliRunner().invoke(main, ["render", str(src / blueprint_name), "-o", str(out), *extra_args])
    return result, out, src


def zip_listing(data: bytes) -> str:
    """A reviewable text form of a zip: entry names, modes and content hashes, plus the zip's own hash."""
    lines = [f"sha256 {hashlib.sha256(data).hexdigest()}"]
    with zipfile.ZipFile(BytesIO(data)) as zf:
        for info in zf.infolist():
            digest = hashlib.sha256(zf.read(info)).hexdigest()[:16]
            lines.append(f"{info.filename} mode={oct(info.external_attr >> 16)} sha256={digest}")
    return "\n".join(lines) + "\n"


def snapshot_tree(out: Path, src: Path, original: Path) -> dict[str, str]:
    """The files a render produced: output tree (zips as listings) plus scaffolds it created."""
    tree: dict[str, str] = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name != MANIFEST:  # a hash listing of the rest: tested in test_writer
            rel = path.relative_to(out).as_posix()
            if rel.endswith(".zip"):
                tree[rel + ".listing"] = zip_listing(path.read_bytes())
            else:
                tree[rel] = path.read_text(encoding="utf-8")
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.is_file() and not (original / rel).exists():
            tree["scaffolds/" + rel.as_posix()] = path.read_text(encoding="utf-8")
    return tree
