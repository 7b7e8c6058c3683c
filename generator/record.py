"""The render record: what a full render read and printed, kept in the user cache after it commits.

One record per output folder and set of options (generator/cache.py keeps the file): sls-gen's code
digest, the blueprint's sha256, each consulted path's mode, the report the render printed (counts,
warnings), a digest of the manifest's file list it wrote, and the digest of all its inputs
(generator/fingerprint.py). The no-op check (generator/noop.py) proves a render unchanged from it;
zip reuse (generator/package/reuse.py) trusts the folder's zips only when a record names this code.
Cheap imports only: the no-op check reads records before anything heavy is imported.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from generator.cache import cache_dir, read_render_records, write_render_records
from generator.diagnostics import Diagnostic
from generator.fingerprint import UNSETTLED, Mode, code_digest, inputs_digest, path_state
from generator.writer.manifest import entries_digest


def options_key(stage: str | None, strict: bool) -> str:
    """Records are kept per set of options, so `render` and `render --stage dev` both stay fast."""
    return f"stage={stage or '*'} strict={'yes' if strict else 'no'}"


def save(rendered, blueprint: Path, stage: str | None, strict: bool, out_dir: Path, entries: dict[str, dict],
         evidence: dict[str, list[dict]] | None = None) -> None:
    """Keep the record of a full render that just committed `entries` into `out_dir` (best effort),
    with the records of other options that still describe the same files (the others are stale).
    Call it after the scaffolds are written: a scaffolded code folder is read as it now is on disk.
    `evidence`: the manifest's stages (generator/evolution/evidence.py), which the next render
    compares with. Nothing when the cache is off."""
    if cache_dir() is None:
        return
    record = build(rendered, blueprint, stage, strict, entries)
    record["evidence"] = evidence_digest(evidence)
    old = read_render_records(out_dir) or {}
    kept = {k: v for k, v in old.items() if isinstance(v, dict) and v.get("files") == record["files"]}
    write_render_records(out_dir, dict(sorted({**kept, options_key(stage, strict): record}.items())))


def build(rendered, blueprint: Path, stage: str | None, strict: bool, entries: dict[str, dict]) -> dict:
    """The record of a full render whose manifest lists `entries`."""
    from generator.package.zips import files_fingerprint

    blueprint = Path(blueprint)
    root = blueprint.parent
    real_root = os.path.realpath(root)
    states = dict(rendered.states)
    for code_dir, files in rendered.scaffolds.items():
        if code_dir not in states:
            continue
        mode = rendered.modes[code_dir]
        state = path_state(root, code_dir, mode, real_root)
        if mode is Mode.CODE and state.tree != files_fingerprint(files):
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
        "profiles": dict(sorted(rendered.profiles.items())),
        "paths": {rel: mode.value for rel, mode in sorted(rendered.modes.items())},
        "report": report,
        "digest": inputs_digest(code, bp_sha, blueprint.name, stage, strict, rendered.modes, states, report),
    }


def evidence_digest(stages) -> str | None:
    """One digest of a manifest's evidence: a render compares with it, so an edited one means a full render."""
    from generator.evolution.evidence import digest

    return digest(stages)


def warnings(lines: list[str], blueprint: Path) -> list[Diagnostic]:
    """The warnings a record keeps, as the render printed them for `blueprint`."""
    out = []
    for doc in json.loads("[" + ",".join(lines) + "]"):  # one parse for all of them
        if doc.pop("in_blueprint", False):
            doc["file"] = os.fspath(blueprint)
        doc["path"] = tuple(doc.get("path", ()))
        out.append(Diagnostic(**doc))
    return out


def _warning_doc(diag: Diagnostic, blueprint: Path) -> str:
    """A warning as one compact JSON line (a record stays readable with hundreds of them)."""
    doc = {k: v for k, v in vars(diag).items() if v is not None}
    doc["path"] = list(diag.path)
    if diag.file == os.fspath(blueprint):  # as the user spelled it: not recorded, it differs per call
        del doc["file"]
        doc["in_blueprint"] = True
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
