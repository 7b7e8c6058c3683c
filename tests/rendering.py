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


def render_text(text: str, workdir: Path, *extra_args: str):
    """Render a blueprint given as text (written to `workdir/case/blueprint.yaml`); see render_copy."""
    case = workdir / "case"
    case.mkdir(parents=True)
    (case / "blueprint.yaml").write_text(text, encoding="utf-8")
    return render_copy(case, "blueprint.yaml", workdir / "run", *extra_args)


def render_all(root: Path) -> dict[str, Path]:
    """Render every snapshot case and bundled blueprint under `root`, as a user would.

    Returns '<case-x or blueprint-dir-stem>/<stage>' -> the stage's root module folder.
    """
    modules: dict[str, Path] = {}
    for label, folder, name in all_sources():
        result, out, _ = render_copy(folder, name, root / label)
        assert result.exit_code == 0, f"{label}: {result.output}"
        for stage_dir in sorted(p.parent for p in out.glob("*/versions.tf")):
            modules[f"{label}/{stage_dir.name}"] = stage_dir
    assert modules
    return modules


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


def all_sources() -> list[tuple[str, Path, str]]:
    """(label, folder, blueprint file name) of every snapshot case and bundled blueprint."""
    sources = [(f"case-{c}", CASES / c, "blueprint.yaml") for c in case_names()]
    return sources + [(f"blueprint-{p.parent.name}-{p.stem}", p.parent, p.name) for p in bundled_blueprints()]


_DRIVER = """
import json, sys
from generator.cli import main
for args in json.loads(sys.argv[1]):
    main(args, standalone_mode=False)  # an error exits the process non-zero
"""


def sls_gen_in_a_fresh_process(commands: list[list[str]], cwd: Path, hashseed: str, cache_dir: Path) -> None:
    """Run sls-gen commands (argument lists) one after another in one new Python process.

    It gets its own PYTHONHASHSEED (set and frozenset order differ between seeds) and its own
    empty template cache, so nothing computed by another process or by the tests is reused.
    """
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONHASHSEED": hashseed, "SLS_GEN_CACHE_DIR": str(cache_dir)}
    proc = subprocess.run([sys.executable, "-c", _DRIVER, json.dumps(commands)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"PYTHONHASHSEED={hashseed}: {proc.stderr}"


def files_under(folder: Path) -> dict[str, bytes]:
    """relative path -> bytes of every file below `folder`."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
