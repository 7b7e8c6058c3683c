"""The manifest an output folder carries: which files sls-gen owns there, with their sha256.

It is what tells a generated file (ours: may be updated or removed) from a user's file (never
touched), and an untouched generated file from a hand-edited one. No timestamps, no absolute
paths: the same render gives the same bytes on any machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
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
    """entries: rel -> {"kind", "sha256", "source"?}. Sorted keys, trailing newline: byte-stable, and a
    function of the generated files alone (what a render read is kept in the user's cache instead,
    generator/record.py), so identical outputs give identical bytes whichever sls-gen wrote them."""
    doc = {"format": FORMAT, "generator": "sls-gen", "files": dict(sorted(entries.items()))}
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()


def entries_digest(entries: dict[str, dict]) -> str:
    """One digest of a manifest's file list: what ties a render record to the manifest it wrote."""
    return sha256(json.dumps(entries, sort_keys=True, separators=(",", ":")).encode())


def entries_for(files: dict[str, bytes], sources: dict[str, str] | None = None) -> dict[str, dict]:
    """Manifest entries of a render; `sources`: zip rel -> tree fingerprint of what it was built from."""
    entries = {rel: {"kind": kind(rel), "sha256": sha256(data)} for rel, data in files.items()}
    for rel, source in (sources or {}).items():
        if rel in entries:
            entries[rel]["source"] = source
    return entries


def read_regular(path: Path | str) -> bytes | None:
    """Bytes of a regular file that is not a symlink; None for a folder, a link, an unreadable file.
    Raises FileNotFoundError (or NotADirectoryError) when nothing is there.

    One open, one fstat, reads: no lstat/isatty/lseek round trips (this runs once per output file).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        raise
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        chunks, left = [], st.st_size
        while True:
            chunk = os.read(fd, max(left, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


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
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    try:
        write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


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
