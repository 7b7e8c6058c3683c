"""The no-op check: would a render change nothing? One question from the CLI, one typed answer.

A render is a function of its inputs (generator/fingerprint.py): sls-gen's code, the blueprint's
bytes, the options, and every path it consulted on disk. Each full render leaves a record of them
(generator/record.py) in the user cache. `check` recomputes their digest without importing the
pipeline (no YAML, pydantic, Jinja); if it matches, the manifest's file list is the one recorded
and every file it lists is on disk with its recorded sha256, a full render would write nothing
and print the recorded report: the answer is `Unchanged`, with that report.

Anything unsure answers `RenderInFull`: cache off, `--force`, no record (fresh clone, wiped
cache), a manifest not the one recorded (a git pull of another render), a pending journal, a temp
file anywhere, a scaffold to write, a listed file missing or edited, a different digest, a
concurrent writer. See docs/decisions/incremental-render.md.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.cache import cache_dir, read_render_records
from generator.diagnostics import Diagnostic
from generator.fingerprint import Mode, PathState, code_digest, inputs_digest, path_state
from generator.record import evidence_digest, options_key, warnings
from generator.writer.guard import check_output_dir
from generator.writer.manifest import (
    JOURNAL, TMP, entries_digest, folders_in_the_way, load_evidence, load_manifest, read_regular, sha256,
)
from generator.writer.tree import legacy_leftovers

__all__ = ["RenderInFull", "Unchanged", "check"]


@dataclass(frozen=True)
class Unchanged:
    """A render would change nothing: what it would print."""

    target: Path
    service: str
    stages: list[str]
    outputs: int  # files of this render: all `identical`
    skip: int  # code folders: all `skip`
    warnings: list[Diagnostic]


@dataclass(frozen=True)
class RenderInFull:
    """Render in full. `seen`: code dir -> the state the check read there; the render need not read
    a folder again when a zip of exactly that state can be reused."""

    seen: dict[str, PathState] = field(default_factory=dict)


def check(blueprint: Path, out_dir: Path | None, stage: str | None, strict: bool, force: bool = False) -> Unchanged | RenderInFull:
    """Would `sls-gen render` with these options change nothing? Never raises: any doubt renders in full."""
    seen: dict[str, PathState] = {}
    if force or cache_dir() is None:  # --force trusts nothing; no cache, no records to prove it with
        return RenderInFull(seen)
    try:
        data = read_regular(blueprint, follow_symlinks=True)  # a FIFO is not waited on: the full render refuses it
        if data is None:
            return RenderInFull(seen)
        for target in _targets(out_dir, sha256(data)):
            found = _check(Path(blueprint), data, target, stage, strict, seen)
            if found is not None:
                return found
    except Exception:  # noqa: BLE001 - any doubt (an odd manifest, a refused folder, ...): render in full
        pass
    return RenderInFull(seen)


def _targets(out_dir: Path | None, blueprint_sha: str) -> list[Path]:
    """The folder to check: -o, else the out/<service> whose records name this blueprint's bytes."""
    if out_dir is not None:
        return [out_dir]
    found = []
    try:
        names = sorted(os.listdir("out"))
    except OSError:
        return []
    for name in names:
        for record in (read_render_records(Path("out", name)) or {}).values():
            if isinstance(record, dict) and record.get("blueprint") == blueprint_sha and record.get("report", {}).get("service") == name:
                found.append(Path("out") / name)
                break
    return found


def _read(path: Path | str) -> bytes | None:
    try:
        return read_regular(path)
    except OSError:
        return None


def _check(blueprint: Path, data: bytes, target: Path, stage: str | None, strict: bool, seen) -> Unchanged | None:
    check_output_dir(target, blueprint)  # raises: the full render reports it
    if not target.is_dir():
        return None
    fd = os.open(target, os.O_RDONLY | os.O_CLOEXEC)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # a render is writing the folder: not now
        except ImportError:  # pragma: no cover - not POSIX
            pass
        return _check_locked(blueprint, data, target, stage, strict, seen)
    finally:
        os.close(fd)


def _check_locked(blueprint: Path, data: bytes, target: Path, stage: str | None, strict: bool, seen) -> Unchanged | None:
    record = (read_render_records(target) or {}).get(options_key(stage, strict))
    if not isinstance(record, dict) or os.path.lexists(target / JOURNAL) or legacy_leftovers(target):
        return None
    files, _raw, problems = load_manifest(target)  # read like the full render reads it (SLS603/604)
    if files is None or problems or folders_in_the_way(target, files) or entries_digest(files) != record.get("files"):
        return None  # not the manifest this record wrote (edited, pulled, rendered elsewhere)
    if evidence_digest(load_evidence(target)) != record.get("evidence"):
        return None  # the render compares with the manifest's evidence (generator/evolution): not the one recorded
    code, bp_sha = code_digest(), sha256(data)
    if record.get("code") != code or record.get("blueprint") != bp_sha:
        return None
    root = blueprint.parent
    for rel, digest in record.get("profiles", {}).items():  # org profiles: inputs like the blueprint
        profile = read_regular(root / rel, follow_symlinks=True)
        if profile is None or sha256(profile) != digest:
            return None
    real_root, parents = os.path.realpath(root), {}
    modes = {rel: Mode(value) for rel, value in record["paths"].items()}
    states = {}
    for rel, mode in modes.items():
        state = states[rel] = path_state(root, rel, mode, real_root, parents)
        if mode is Mode.CODE:
            seen[rel] = state
        if mode in (Mode.CODE, Mode.EXISTS) and state.missing:
            return None  # a full render would scaffold it
    report = record["report"]
    if record.get("digest") != inputs_digest(code, bp_sha, blueprint.name, stage, strict, modes, states, report):
        return None
    code_parents = {os.path.dirname(os.path.join(root, rel)) for rel, mode in modes.items() if mode in (Mode.CODE, Mode.EXISTS)}
    for parent in code_parents:  # a scaffold temp folder the full render would sweep
        if any(n.startswith(".") and n.endswith(TMP) for n in os.listdir(parent or ".")):
            return None
    for _dirpath, dirnames, filenames in os.walk(target):  # a temp file the full render would sweep
        dirnames[:] = [d for d in dirnames if d not in (".terraform", ".git")]
        if any(name.endswith(TMP) for name in filenames):
            return None
    prefix = os.path.join(target, "")
    for rel, entry in files.items():
        disk = _read(prefix + rel)
        if disk is None or hashlib.sha256(disk).hexdigest() != entry.get("sha256"):
            return None
    return Unchanged(
        target, report["service"], list(report["stages"]), int(report["outputs"]), int(report["skip"]),
        warnings(report["warnings"], blueprint),
    )
