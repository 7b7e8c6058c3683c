"""The no-op fast path: prove from a render record that a render would change nothing, cheaply.

A render is a function of its inputs (generator/fingerprint.py): sls-gen's code, the blueprint's
bytes, the options, and every path it consulted on disk. Each full render records a digest of
them, with the report it printed (warnings, counts) and a digest of the manifest's file list, in
the per-user cache (generator/cache.py: one file per output folder, never in the folder itself).
The next render recomputes the digest without importing the pipeline (no YAML, pydantic, Jinja);
if it matches, the manifest's file list is the one recorded and every file it lists is on disk
with its recorded sha256, a full render would write nothing and print that same report, so it is
printed and nothing else happens.

Anything unsure falls back to the full render: cache off, no record (fresh clone, wiped cache),
a manifest not the one recorded (a git pull of another render), a pending journal, a temp file
anywhere, a scaffold to write, a listed file missing or edited, a different digest, a concurrent
writer. See docs/decisions/incremental-render.md.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from generator.cache import cache_dir, read_render_records, write_render_records
from generator.diagnostics import Diagnostic
from generator.fingerprint import MISSING, UNSETTLED, code_digest, inputs_digest, path_state, tree_of
from generator.writer.manifest import (
    JOURNAL, TMP, entries_digest, folders_in_the_way, load_manifest, read_regular, sha256,
)


@dataclass
class Replay:
    """What a full render would print: its warnings and summary."""

    target: Path
    service: str
    stages: list[str]
    outputs: int  # files of this render: all `identical`
    skip: int  # code folders: all `skip`
    warnings: list[Diagnostic]


# ------------------------------------------------------------------------------------ recording


def _warning_doc(diag: Diagnostic, blueprint: Path) -> str:
    """A warning as one compact JSON line (a record stays readable with hundreds of them)."""
    doc = {k: v for k, v in vars(diag).items() if v is not None}
    doc["path"] = list(diag.path)
    if diag.file == os.fspath(blueprint):  # as the user spelled it: not recorded, it differs per call
        del doc["file"]
        doc["in_blueprint"] = True
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _warnings(lines: list[str], blueprint: Path) -> list[Diagnostic]:
    out = []
    for doc in json.loads("[" + ",".join(lines) + "]"):  # one parse for all of them
        if doc.pop("in_blueprint", False):
            doc["file"] = os.fspath(blueprint)
        doc["path"] = tuple(doc.get("path", ()))
        out.append(Diagnostic(**doc))
    return out


def options_key(stage: str | None, strict: bool) -> str:
    """Records are kept per set of options, so `render` and `render --stage dev` both stay fast."""
    return f"stage={stage or '*'} strict={'yes' if strict else 'no'}"


def record_render(rendered, blueprint: Path, stage: str | None, strict: bool, plan) -> None:
    """Keep what a full render that just committed `plan` read, in the cache (best effort): this
    render's record, plus the records of other options that still describe the same files (the
    others are stale). Nothing when the cache is off."""
    if cache_dir() is None:
        return
    record = inputs_record(rendered, blueprint, stage, strict, plan.entries)
    old = read_render_records(plan.out_dir) or {}
    kept = {k: v for k, v in old.items() if isinstance(v, dict) and v.get("files") == record["files"]}
    write_render_records(plan.out_dir, dict(sorted({**kept, options_key(stage, strict): record}.items())))


def inputs_record(rendered, blueprint: Path, stage: str | None, strict: bool, entries: dict[str, dict]) -> dict:
    """The record of a full render whose manifest lists `entries`. Call it after the scaffolds
    are written: a scaffolded code folder is fingerprinted as it now is on disk."""
    from generator.emit.package import files_fingerprint

    blueprint = Path(blueprint)
    root = blueprint.parent
    real_root = os.path.realpath(root)
    states = dict(rendered.states)
    for code_dir, files in rendered.scaffolds.items():
        if code_dir not in states:
            continue
        mode = rendered.paths[code_dir]
        state = path_state(root, code_dir, mode, real_root)
        if mode == "code" and tree_of(state) != files_fingerprint(files):
            state = UNSETTLED  # the folder on disk is not what the zip was built from
        states[code_dir] = state
    report = {
        "service": rendered.service,
        "stages": [stage] if stage else list(rendered.stages),
        "outputs": len(rendered.outputs),
        "skip": len(set(rendered.code_dirs) | set(rendered.scaffolds)),
        "warnings": [_warning_doc(w, blueprint) for w in rendered.warnings],
    }
    code = code_digest()
    bp_sha = rendered.blueprint_sha256  # of the bytes parsed, not of the file now (it may have moved on)
    return {
        "code": code,
        "blueprint": bp_sha,
        "files": entries_digest(entries),
        "paths": dict(sorted(rendered.paths.items())),
        "report": report,
        "digest": inputs_digest(code, bp_sha, blueprint.name, stage, strict, rendered.paths, states, report),
    }


# ------------------------------------------------------------------------------------ replaying


def replay(
    blueprint: Path, out_dir: Path | None, stage: str | None, strict: bool, seen: dict[str, str] | None = None
) -> Replay | None:
    """The report of a render that would change nothing, or None: then render in full. `seen`
    receives the code folders' states it computed (the full render can reuse zips without reading)."""
    if cache_dir() is None:  # no records kept: nothing to prove it with
        return None
    try:
        data = read_regular(blueprint, follow_symlinks=True)  # a FIFO is not waited on: the full render refuses it
        if data is None:
            return None
        for target in _targets(out_dir, sha256(data)):
            found = _check(Path(blueprint), data, target, stage, strict, seen)
            if found is not None:
                return found
    except Exception:  # noqa: BLE001 - any doubt (an odd manifest, a refused folder, ...): render in full
        pass
    return None


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


def _check(blueprint: Path, data: bytes, target: Path, stage: str | None, strict: bool, seen=None) -> Replay | None:
    from generator.writer.guard import check_output_dir

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


def _check_locked(blueprint: Path, data: bytes, target: Path, stage: str | None, strict: bool, seen=None) -> Replay | None:
    from generator.writer.tree import legacy_leftovers

    inputs = (read_render_records(target) or {}).get(options_key(stage, strict))
    if not isinstance(inputs, dict) or os.path.lexists(target / JOURNAL) or legacy_leftovers(target):
        return None
    files, _raw, problems = load_manifest(target)  # read like the full render reads it (SLS603/604)
    if files is None or problems or folders_in_the_way(target, files) or entries_digest(files) != inputs.get("files"):
        return None  # not the manifest this record wrote (edited, pulled, rendered elsewhere), or refused
    code, bp_sha = code_digest(), sha256(data)
    if inputs.get("code") != code or inputs.get("blueprint") != bp_sha:
        return None
    root = blueprint.parent
    real_root, parents = os.path.realpath(root), {}
    paths: dict[str, str] = inputs["paths"]
    states = {}
    for rel, mode in paths.items():
        state = states[rel] = path_state(root, rel, mode, real_root, parents)
        if mode == "code" and seen is not None:
            seen[rel] = state
        if mode in ("code", "exists") and state.endswith(MISSING):
            return None  # a full render would scaffold it
    report = inputs["report"]
    if inputs.get("digest") != inputs_digest(code, bp_sha, blueprint.name, stage, strict, paths, states, report):
        return None
    code_parents = {os.path.dirname(os.path.join(root, rel)) for rel, mode in paths.items() if mode in ("code", "exists")}
    for parent in code_parents:  # a scaffold temp folder the full render would sweep
        if any(n.startswith(".") and n.endswith(TMP) for n in os.listdir(parent or ".")):
            return None
    for dirpath, dirnames, filenames in os.walk(target):  # a temp file the full render would sweep
        dirnames[:] = [d for d in dirnames if d not in (".terraform", ".git")]
        if any(name.endswith(TMP) for name in filenames):
            return None
    prefix = os.path.join(target, "")
    for rel, entry in files.items():
        disk = _read(prefix + rel)
        if disk is None or hashlib.sha256(disk).hexdigest() != entry.get("sha256"):
            return None
    return Replay(
        target, report["service"], list(report["stages"]), int(report["outputs"]), int(report["skip"]),
        _warnings(report["warnings"], blueprint),
    )
