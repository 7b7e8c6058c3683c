"""What a render read, as digests: sls-gen's own code and every path it consulted on disk.

A render is a function of (sls-gen's code, the blueprint's bytes, the options, the paths it looked
at). Each render's record in the user cache (generator/cache.py) keeps a digest of those inputs
(docs/decisions/incremental-render.md), so the next render can prove it would produce the same
files without importing the pipeline at all.
Cheap imports only (hashlib, os, enum): this module runs on the no-op fast path.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import stat
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

from generator import __version__

class Mode(Enum):
    """How much of a consulted path a render reads; a path consulted twice keeps the strongest."""

    WHERE = "where"  # where it resolves to, nothing more: decides SLS313 (an explicit `code:`/`artifact:`)
    EXISTS = "exists"  # and what is there: a compiled function's code dir (scaffold it or not)
    ARTIFACT = "artifact"  # and a file's sha256: a compiled function's artifact, copied into dist/
    CODE = "code"  # and a folder's tree fingerprint: a function's code dir, the exact input of its zip

    @property
    def strength(self) -> int:
        return _STRENGTH[self]


_STRENGTH = {Mode.WHERE: 0, Mode.EXISTS: 1, Mode.ARTIFACT: 2, Mode.CODE: 2}


class Kind(Enum):
    """What a path resolved to when it was read."""

    MISSING = "missing"
    DIR = "dir"
    FILE = "file"
    OTHER = "other"  # a socket, a device, ...
    UNSETTLED = "unsettled"  # no path is ever read as this: what was read changed while it was read


@dataclass(frozen=True, slots=True)
class PathState:
    """One consulted path, as read: equal states mean a render read the same there.

    `where`: the resolved path relative to the blueprint folder ("." for the folder itself), None
    when a symlink leads out of it; no absolute path is ever kept. `kind`: None for mode WHERE,
    which looks no further. `digest`: a folder's tree fingerprint (mode CODE) or a file's sha256
    (mode ARTIFACT), else None.
    """

    where: str | None
    kind: Kind | None = None
    digest: str | None = None

    @property
    def missing(self) -> bool:
        return self.kind is Kind.MISSING

    @property
    def tree(self) -> str | None:
        """The tree fingerprint of a folder read in mode CODE, else None."""
        return self.digest if self.kind is Kind.DIR else None

    def doc(self) -> list:
        """As JSON values: what the inputs digest covers."""
        return [self.where, self.kind.value if self.kind else None, self.digest]


UNSETTLED = PathState(None, Kind.UNSETTLED)


@lru_cache(maxsize=None)
def code_digest() -> str:
    """Version plus the contents of the generator package's .py and .j2 files (family templates live
    in the family folders) and of the shared templates folder.

    Changes when a developer edits a template or a module in an editable install, so a render by
    changed code never replays an old one. Machine-independent (relative names and contents only):
    a record that carries it means the same on every machine.
    """
    from generator.emit.templates import templates_dir

    digest = hashlib.sha256(f"sls-gen {__version__}\0".encode())
    package = Path(__file__).resolve().parent
    shared = templates_dir()  # inside the package in a wheel: walked once, under its own label
    skip = str(shared)
    for label, base, suffix in (("generator", package, (".py", ".j2")), ("templates", shared, "")):
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith(".")
                                 and os.path.join(dirpath, d) != skip)
            rel_dir = Path(dirpath).relative_to(base).as_posix()
            for name in sorted(filenames):
                if not name.endswith(suffix) or name.endswith((".pyc", ".pyo")) or name.startswith("."):
                    continue
                with open(os.path.join(dirpath, name), "rb") as fh:
                    data = fh.read()
                digest.update(f"{label}/{rel_dir}/{name}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
                digest.update(data)
    return digest.hexdigest()


def _file_sha256(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:  # an unreadable artifact: SLS008, not a crash
        from generator.package.zips import unreadable

        raise unreadable(exc, path) from None


def _resolve(full: str, parents: dict[str, str] | None) -> tuple[str, os.stat_result | None]:
    """(os.path.realpath(full), its lstat when it is not a symlink), resolving each parent folder
    once per render instead of once per path (realpath costs an lstat per component)."""
    parent, name = os.path.split(full)
    if parents is None or name in ("", ".", ".."):
        return os.path.realpath(full), None
    if parent not in parents:
        parents[parent] = os.path.realpath(parent)
    candidate = os.path.join(parents[parent], name)
    try:
        st = os.lstat(candidate)
    except OSError:
        return candidate, None  # missing: realpath leaves the last component as it is
    if stat.S_ISLNK(st.st_mode):
        return os.path.realpath(candidate), None
    return candidate, st


def path_state(
    root: Path, rel: str, mode: Mode, real_root: str | None = None, parents: dict[str, str] | None = None,
    contents: dict[str, list] | None = None,
) -> PathState:
    """What a render reading `rel` (relative to the blueprint folder `root`) in `mode` reads there.

    `parents`: a cache of resolved folders, shared by the calls of one render. `contents`: where a
    CODE folder's files are kept as read (rel -> what build_zip takes), so zipping reads nothing again.
    """
    real_root = real_root or os.path.realpath(root)
    normal = posixpath.normpath(rel.replace("\\", "/"))
    full = os.path.join(root, normal)
    real, st = _resolve(full, parents)
    prefix = real_root.rstrip(os.sep) + os.sep
    if real == real_root:
        where = "."
    elif real.startswith(prefix):
        where = real[len(prefix):].replace(os.sep, "/")
    else:
        where = None
    if mode is Mode.WHERE:
        return PathState(where)
    try:
        st = st or os.stat(real)
    except OSError:
        return PathState(where, Kind.MISSING)
    if stat.S_ISDIR(st.st_mode):
        if mode is not Mode.CODE:
            return PathState(where, Kind.DIR)
        from generator.package.zips import read_tree, tree_fingerprint

        if contents is None:
            return PathState(where, Kind.DIR, tree_fingerprint(full, real))
        tree, contents[rel] = read_tree(full, real)
        return PathState(where, Kind.DIR, tree)
    if stat.S_ISREG(st.st_mode):
        return PathState(where, Kind.FILE, _file_sha256(real) if mode is Mode.ARTIFACT else None)
    return PathState(where, Kind.OTHER)


def inputs_digest(
    code: str, blueprint_sha256: str, blueprint_name: str, stage: str | None, strict: bool,
    modes: dict[str, Mode], states: dict[str, PathState], report: dict,
) -> str:
    """The digest a render record keeps: equal digests mean a render would give the same files and report."""
    doc = {
        "code": code,
        "blueprint": blueprint_sha256,
        "blueprint_name": blueprint_name,
        "stage": stage,
        "strict": bool(strict),
        "paths": sorted((rel, mode.value) for rel, mode in modes.items()),
        "states": sorted((rel, state.doc()) for rel, state in states.items()),
        "report": report,
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
