"""Zips only when their sources changed: hand the pipeline the previous render's zips to reuse.

The manifest records, per `dist/<fn>.zip`, the tree fingerprint of the code it was built from
(`source`, see generator.package.zips.tree_fingerprint: equal fingerprints mean byte-identical
zips). A zip is reused when its recorded source equals the current one, the manifest was written
by this very sls-gen code (a change to the zip layout cannot leak through), no journal is
pending, and the file on disk still has its recorded sha256. "Written by this code" is known only
from a render record in the user's cache (generator/cache.py) naming this code and this very file
list: the manifest itself does not say which sls-gen wrote it, so without such a record (fresh
clone, cache off or wiped, a manifest pulled from another machine) every zip is built. Read-only:
the writer stays the only one that writes the folder; the CLI hands the lookup to the pipeline.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from generator.cache import read_render_records
from generator.fingerprint import code_digest
from generator.writer.manifest import JOURNAL, MANIFEST, entries_digest, read_manifest, read_regular


def previous_zips(out_dir: Path) -> Callable[[str, str], bytes | None]:
    """lookup(rel, tree fingerprint) -> the zip's bytes from `out_dir`, or None: build it."""
    out_dir = Path(out_dir)
    records = read_render_records(out_dir)
    entries = read_manifest(out_dir)[0] if records else None
    listed = entries_digest(entries) if entries else None
    ours = any(isinstance(r, dict) and r.get("code") == code_digest() and r.get("files") == listed
               for r in (records or {}).values())
    if not entries or not ours or os.path.lexists(out_dir / JOURNAL):
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
