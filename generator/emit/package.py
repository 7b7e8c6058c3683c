"""Deterministic deployment packages: the zip of a function's code directory.

The zip depends only on the relative paths, contents and executable bits of the included files:
entries are sorted by POSIX relative path, every entry gets the same timestamp (1980-01-01
00:00:00), mode 0644 (0755 when the source is executable), the Unix "made by" system, DEFLATE at a
fixed level, and there are no directory entries.  mtimes, umask, owners and directory listing order
do not matter.  (Byte identity across machines also assumes the same deflate output from zlib for
the same input and level, which holds for stock zlib 1.2.x/1.3.x but not, e.g., for zlib-ng.)

Left out: caches and VCS/tooling metadata (``__pycache__/``, ``*.pyc``, ``*.pyo``, ``.DS_Store``,
``.git/``, ``.venv/``, ``node_modules/.cache/``, ``.pytest_cache/``, ``.mypy_cache/``) and tests
(``tests/``, ``__tests__/``, ``test_*.py``, ``*_test.py``, ``*.test.js``, ``*.spec.js``,
``*.test.mjs``), at any depth.  Symlinks are followed only when their target stays inside the
source directory; anything else that is not a regular file is skipped.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import stat
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

__all__ = [
    "PackagedFile",
    "included_files",
    "build_zip",
    "build_zip_from_files",
    "source_hash",
    "tree_fingerprint",
]

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
COMPRESS_LEVEL = 9
#: Bumped whenever the zip layout changes, so fingerprints of old builds stop matching.
PACKAGE_FORMAT = "sls-gen-zip-1"

EXCLUDED_DIRS = frozenset(
    {"__pycache__", ".git", ".venv", ".pytest_cache", ".mypy_cache", "tests", "__tests__"}
)
#: (parent directory name, directory name) pairs excluded wherever they occur.
EXCLUDED_DIR_PAIRS = frozenset({("node_modules", ".cache")})
EXCLUDED_FILE_PATTERNS = (
    "*.pyc",
    "*.pyo",
    ".DS_Store",
    ".git",  # a worktree/submodule pointer file
    "test_*.py",
    "*_test.py",
    "*.test.js",
    "*.spec.js",
    "*.test.mjs",
)
#: Top-level files Lambda must be able to execute; always 0755, even when the checkout lost the bit
#: (e.g. on Windows, where the executable bit does not exist).
ALWAYS_EXECUTABLE = frozenset({"bootstrap"})

_BUF = 1 << 20


@dataclass(frozen=True, slots=True)
class PackagedFile:
    """One file that goes into the zip."""

    arcname: str  # POSIX path relative to the source directory
    path: Path  # where to read it (may be a symlink that resolves inside the source directory)
    executable: bool


def _excluded_dir(parent_name: str, name: str) -> bool:
    return name in EXCLUDED_DIRS or (parent_name, name) in EXCLUDED_DIR_PAIRS


def _excluded_file(name: str) -> bool:
    return any(fnmatchcase(name, pattern) for pattern in EXCLUDED_FILE_PATTERNS)


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def included_files(src_dir: Path | str) -> list[PackagedFile]:
    """The files ``build_zip`` packages, sorted by their POSIX relative path."""
    root = Path(src_dir)
    if not root.is_dir():
        raise NotADirectoryError(f"not a directory: {root}")
    root_real = Path(os.path.realpath(root))
    found: list[PackagedFile] = []

    def walk(directory: Path, rel: tuple[str, ...], active: frozenset[Path]) -> None:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
        parent_name = rel[-1] if rel else ""
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                target = Path(os.path.realpath(path))
                if not _inside(target, root_real) or not target.exists():
                    continue  # leaves the source tree, or dangles
            else:
                target = path
            try:
                st = os.stat(path)  # follows symlinks
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                if _excluded_dir(parent_name, entry.name):
                    continue
                real = Path(os.path.realpath(path))
                if real in active:
                    continue  # a symlink back to a directory we are inside: a cycle
                walk(path, rel + (entry.name,), active | {real})
            elif stat.S_ISREG(st.st_mode):
                if _excluded_file(entry.name):
                    continue
                arcname = "/".join(rel + (entry.name,))
                executable = bool(st.st_mode & 0o111) or arcname in ALWAYS_EXECUTABLE
                found.append(PackagedFile(arcname, path, executable))

    walk(root, (), frozenset({root_real}))
    found.sort(key=lambda f: f.arcname)
    return found


def _write_zip(entries: Iterable[tuple[str, bytes, bool]]) -> bytes:
    """Zip of (arcname, content, executable) entries, in the order given."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as zf:
        for arcname, data, executable in entries:
            info = zipfile.ZipInfo(arcname, date_time=ZIP_TIMESTAMP)
            info.create_system = 3  # Unix, so external_attr carries the permission bits
            info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL)
    return buf.getvalue()


def build_zip(src_dir: Path | str) -> bytes:
    """Deterministic zip of ``src_dir`` (see the module docstring for what is included)."""
    return _write_zip((f.arcname, f.path.read_bytes(), f.executable) for f in included_files(src_dir))


def build_zip_from_files(files: Mapping[str, str | bytes], executable: Iterable[str] = ()) -> bytes:
    """Deterministic zip of an in-memory tree: relative POSIX path -> content (str is UTF-8 encoded).

    Byte-identical to ``build_zip`` of the same files written to disk with mode 0644 (plus 0755 for
    the paths in ``executable``): the same exclusions (e.g. a scaffold's ``test_handler.py`` is left
    out), order and metadata apply, so writing a scaffold to disk does not change its zip.
    """
    exec_paths = set(executable)
    entries = []
    for name, content in files.items():
        parts = name.split("/")
        if not name or name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"not a relative POSIX file path: {name!r}")
        if _excluded_file(parts[-1]) or any(
            _excluded_dir(parts[i - 1] if i else "", part) for i, part in enumerate(parts[:-1])
        ):
            continue
        data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        entries.append((name, data, name in exec_paths or name in ALWAYS_EXECUTABLE))
    entries.sort(key=lambda entry: entry[0])
    return _write_zip(entries)


def source_hash(data: bytes) -> str:
    """base64(sha256(data)): what Terraform's ``filebase64sha256()`` returns for the zip file."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def _file_sha256(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_BUF):
            size += len(chunk)
            digest.update(chunk)
    return size, digest.hexdigest()


def tree_fingerprint(src_dir: Path | str) -> str:
    """Hex digest of everything ``build_zip``'s output depends on.

    Covers each included file's relative path, size, content sha256 and executable bit, plus the
    package format version -- equal fingerprints mean byte-identical zips, so a zip whose
    fingerprint is unchanged need not be rebuilt.  Reads every included file but compresses nothing.
    """
    digest = hashlib.sha256(PACKAGE_FORMAT.encode() + b"\0")
    for item in included_files(src_dir):
        size, sha = _file_sha256(item.path)
        mode = "755" if item.executable else "644"
        digest.update(f"{item.arcname}\0{size}\0{sha}\0{mode}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
