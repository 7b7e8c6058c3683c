"""The manifest an output folder carries: which files sls-gen owns there, with their sha256.

It is what tells a generated file (ours: may be updated or removed) from a user's file (never
touched), and an untouched generated file from a hand-edited one. No timestamps, no absolute
paths: the same render gives the same bytes on any machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path

from generator.writer.quote import show  # noqa: F401 - also read as manifest.show

MANIFEST = ".sls-gen-manifest.json"
JOURNAL = ".sls-gen-journal.json"
TMP = ".sls-gen-tmp"  # suffix of every file sls-gen writes before renaming it into place
FORMAT = 1


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path | str) -> str | None:
    """sha256 of a regular file that is not a symlink, else None (missing, a link, a folder, a FIFO:
    never followed, never waited on)."""
    try:
        data = read_regular(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return None if data is None else sha256(data)


def safe_rel(rel: str) -> bool:
    """A relative POSIX path that stays inside the folder: an edited manifest cannot aim outside it."""
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and "\\" not in rel and "\0" not in rel and not {"", ".", ".."} & set(parts)


# Never sls-gen's, whatever a manifest or journal says: the user's state, variables, backups and
# tool folders (README: "never moved or deleted"), and sls-gen's own bookkeeping.
USER_DIRS = frozenset({".terraform", ".git"})
USER_SUFFIXES = (".tfstate", ".tfstate.backup", ".tfvars", ".tfvars.json", ".orig", TMP)
_ORIG_N = re.compile(r".*\.orig\.[0-9]+")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def rel_problem(rel: object) -> str | None:
    """Why `rel` cannot be a file sls-gen writes or deletes in an output folder, or None."""
    if not isinstance(rel, str):
        return f"{show(rel)} is not a path"
    if not safe_rel(rel):
        return f"{show(rel)} is not a relative path inside the folder"
    parts = rel.split("/")
    name = parts[-1]
    if USER_DIRS & set(parts) or name in (MANIFEST, JOURNAL, ".terraform.lock.hcl") or name.endswith(USER_SUFFIXES) \
            or _ORIG_N.fullmatch(name):
        return f"{show(rel)} is never a file sls-gen writes (it is yours or its own bookkeeping)"
    return None


def is_sha256(value: object) -> bool:
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


class Damaged(ValueError):
    """A bookkeeping file of the output folder (manifest, journal) that sls-gen cannot trust."""

    def __init__(self, name: str, problems: list[str]):
        self.name, self.problems = name, problems
        super().__init__(f"{name}: " + "; ".join(problems))


def kind(rel: str) -> str:
    if rel.endswith(".tf") or rel.endswith(".tf.json"):
        return "terraform"
    if rel.endswith(".zip"):
        return "zip"
    return "doc"


def manifest_bytes(entries: dict[str, dict], stages: dict[str, list[dict]] | None = None) -> bytes:
    """entries: rel -> {"kind", "sha256", "source"?}; stages: stage -> the objects the next render
    compares with (generator/evolution/evidence.py), left out when there are none. Sorted keys,
    trailing newline: byte-stable, and a function of the render alone (what a render read is kept
    in the user's cache instead, generator/record.py), so identical renders give identical
    bytes whichever sls-gen wrote them."""
    doc = {"format": FORMAT, "generator": "sls-gen", "files": dict(sorted(entries.items()))}
    if stages:
        doc["stages"] = dict(sorted(stages.items()))
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()


def evidence_in(doc: object) -> tuple[dict[str, list[dict]], list[str]]:
    """(valid evidence by stage, problems) of a parsed manifest: see generator/evolution/evidence.py."""
    from generator.evolution.evidence import validate

    return validate(doc.get("stages")) if isinstance(doc, dict) else ({}, [])


def load_evidence(out_dir: Path) -> dict[str, list[dict]]:
    """The previous render's evidence by stage, validated entry by entry (invalid ones are left
    out: a render that writes refuses the damaged manifest anyway, SLS603, unless --force)."""
    try:
        found = _bookkeeping(Path(out_dir) / MANIFEST, MANIFEST)
    except Damaged:
        return {}
    return evidence_in(found[0])[0] if found else {}


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


def read_regular(path: Path | str, follow_symlinks: bool = False) -> bytes | None:
    """Bytes of a regular file that is not a symlink (unless `follow_symlinks`); None for a folder,
    a link, a FIFO or device (never waited on), an unreadable file.
    Raises FileNotFoundError (or NotADirectoryError) when nothing is there.

    One open, one fstat, reads: no lstat/isatty/lseek round trips (this runs once per output file).
    """
    try:  # O_NONBLOCK: a FIFO at the path must not block the open (it is then refused by fstat)
        fd = os.open(path, os.O_RDONLY | (0 if follow_symlinks else os.O_NOFOLLOW) | os.O_NONBLOCK | os.O_CLOEXEC)
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


def _bookkeeping(path: Path, name: str) -> tuple[object, bytes] | None:
    """(parsed JSON, raw bytes) of a bookkeeping file, None when there is none. Raises Damaged when
    it is there but not a regular file (a symlink, a folder, a FIFO) or not JSON."""
    try:
        raw = read_regular(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if raw is None:
        raise Damaged(name, ["is not a regular file sls-gen can read (a symlink, a folder, a FIFO, or unreadable)"])
    try:
        return json.loads(raw), raw
    except (ValueError, RecursionError) as exc:
        raise Damaged(name, [f"is not valid JSON ({str(exc)[:80]})"]) from None


def load_manifest(out_dir: Path) -> tuple[dict[str, dict] | None, bytes | None, list[str]]:
    """(entries, raw bytes, problems) of the folder's manifest; (None, None, []) when it has none.

    Read like a blueprint: every entry must name a file sls-gen could have written inside the
    folder (rel_problem) with the right JSON types. `entries` keeps the valid ones only; a manifest
    that does not parse has none. The caller decides what problems mean (plan_write: SLS603)."""
    path = Path(out_dir) / MANIFEST
    try:
        found = _bookkeeping(path, MANIFEST)
    except Damaged as exc:
        return {}, b"", exc.problems
    if found is None:
        return None, None, []
    doc, raw = found
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), dict):
        return {}, raw, ["has no \"files\" object"]
    problems = [] if doc.get("format") == FORMAT else [f"has format {show(doc.get('format'))}, not {FORMAT}"]
    problems += evidence_in(doc)[1]
    entries: dict[str, dict] = {}
    for rel, entry in doc["files"].items():
        problem = rel_problem(rel)
        if problem is None and not (isinstance(entry, dict) and is_sha256(entry.get("sha256"))
                                    and isinstance(entry.get("kind", ""), str)
                                    and isinstance(entry.get("source", ""), str)):
            problem = f"the entry of {show(rel)} is not {{\"kind\", \"sha256\", \"source\"?}} with a sha256"
        if problem:
            problems.append(problem)
        else:
            entries[rel] = dict(entry)
    return entries, raw, problems


def read_manifest(out_dir: Path) -> tuple[dict[str, dict] | None, bytes | None]:
    """(entries, raw bytes) of the folder's manifest, or (None, None) when it has none; for readers
    that only ever lose time on a damaged one (zip reuse): its invalid entries are left out, and
    a manifest that cannot be read at all has no entries."""
    entries, raw, _problems = load_manifest(out_dir)
    return entries, raw


def load_journal(out_dir: Path) -> dict | None:
    """The journal of an interrupted render, validated, or None when there is none. Raises Damaged
    when it is not one sls-gen wrote: {"put": [rel, ...], "remove": {rel: sha256}}, every path a file
    sls-gen may write (rel_problem; `put` may also name the manifest)."""
    found = _bookkeeping(Path(out_dir) / JOURNAL, JOURNAL)
    if found is None:
        return None
    doc, _raw = found
    if not isinstance(doc, dict) or not isinstance(doc.get("put"), list) or not isinstance(doc.get("remove"), dict) \
            or set(doc) - {"put", "remove"}:
        raise Damaged(JOURNAL, ['is not {"put": [...], "remove": {...}}'])
    problems = []
    for rel in doc["put"]:
        problem = None if rel == MANIFEST else rel_problem(rel)
        if problem:
            problems.append(f"put: {problem}")
    for rel, digest in doc["remove"].items():
        problem = rel_problem(rel) or (None if is_sha256(digest) else f"{show(rel)} has no sha256 to check")
        if problem:
            problems.append(f"remove: {problem}")
    if problems:
        raise Damaged(JOURNAL, problems)
    return {"put": list(doc["put"]), "remove": dict(doc["remove"])}


def folders_in_the_way(out_dir: Path | str, rels) -> dict[str, str]:
    """{folder rel: what it is} for each folder on the way to `rels` (inside `out_dir`) that is not a
    plain folder: a symlink (sls-gen never writes or deletes through one, wherever it points) or a
    file. Missing folders are fine (they are created). One lstat per distinct folder."""
    prefix = os.path.join(out_dir, "")
    seen: dict[str, str | None] = {}
    found: dict[str, str] = {}
    for rel in rels:
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder not in seen:
                try:
                    mode = os.lstat(prefix + folder).st_mode
                except OSError:
                    seen[folder] = "missing"
                else:
                    seen[folder] = None if stat.S_ISDIR(mode) else "a symbolic link" if stat.S_ISLNK(mode) else "a file"
                    if seen[folder]:
                        found[folder] = seen[folder]
            if seen[folder]:
                break  # missing, or already reported: nothing deeper to look at
    return found


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
