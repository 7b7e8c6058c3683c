"""Zips only when their sources changed: hand the pipeline the previous render's zips to reuse.

The manifest records, per `dist/<fn>.zip`, the tree fingerprint of the code it was built from
(`source`, see generator.emit.package.tree_fingerprint: equal fingerprints mean byte-identical
zips). A zip is reused when its recorded source equals the current one, the manifest was written
by this very sls-gen code (a change to the zip layout cannot leak through), no journal is
pending, and the file on disk still has its recorded sha256. Read-only: the writer stays the only
one that writes the folder.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from generator.fingerprint import code_digest
from generator.writer.manifest import JOURNAL, MANIFEST, manifest_inputs, read_manifest, read_regular


def previous_zips(out_dir: Path) -> Callable[[str, str], bytes | None]:
    """lookup(rel, tree fingerprint) -> the zip's bytes from `out_dir`, or None: build it."""
    out_dir = Path(out_dir)
    entries, raw = read_manifest(out_dir)
    inputs = manifest_inputs(raw)
    same_code = any(isinstance(r, dict) and r.get("code") == code_digest() for r in (inputs or {}).values())
    if not entries or not same_code or os.path.lexists(out_dir / JOURNAL):
        return lambda rel, tree: None

    def lookup(rel: str, tree: str) -> bytes | None:
        entry = entries.get(rel)
        if not entry or entry.get("source") != tree or rel == MANIFEST:
            return None
        try:
            data = read_regular(out_dir / rel)
        except OSError:
            return None
        if data is None or hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            return None
        return data

    return lookup
