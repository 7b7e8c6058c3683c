"""The manifest an output folder carries: which files sls-gen owns there, with their sha256.

It is what tells a generated file (ours: may be updated or removed) from a user's file (never
touched), and an untouched generated file from a hand-edited one. No timestamps, no absolute
paths: the same render gives the same bytes on any machine.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

MANIFEST = ".sls-gen-manifest.json"
JOURNAL = ".sls-gen-journal.json"
TMP = ".sls-gen-tmp"  # suffix of every file sls-gen writes before renaming it into place
FORMAT = 1


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def safe_rel(rel: str) -> bool:
    """A relative POSIX path that stays inside the folder: an edited manifest cannot aim outside it."""
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and "\\" not in rel and not {"", ".", ".."} & set(parts)


def kind(rel: str) -> str:
    if rel.endswith(".tf") or rel.endswith(".tf.json"):
        return "terraform"
    if rel.endswith(".zip"):
        return "zip"
    return "doc"


def manifest_bytes(entries: dict[str, dict]) -> bytes:
    """entries: rel -> {"kind", "sha256", ...}. Sorted keys, trailing newline: byte-stable."""
    doc = {"format": FORMAT, "generator": "sls-gen", "files": dict(sorted(entries.items()))}
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()


def entries_for(files: dict[str, bytes]) -> dict[str, dict]:
    return {rel: {"kind": kind(rel), "sha256": sha256(data)} for rel, data in files.items()}


def read_manifest(out_dir: Path) -> tuple[dict[str, dict] | None, bytes | None]:
    """(entries, raw bytes) of the folder's manifest, or (None, None) when it has none.

    A manifest that does not parse counts as present and empty: the folder is ours, but no file
    in it can be proven unmodified, so every collision becomes a conflict (safe side).
    """
    path = out_dir / MANIFEST
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None, None
    try:
        files = json.loads(raw)["files"]
        if not isinstance(files, dict):
            raise TypeError
        return {str(k): dict(v) for k, v in files.items() if safe_rel(str(k))}, raw
    except (ValueError, KeyError, TypeError):
        return {}, raw


def write_durably(path: Path, data: bytes) -> None:
    """Write bytes and fsync them, so a rename of this file later never exposes a half-written one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
