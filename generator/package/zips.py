"""Deterministic deployment packages: the zip of a function's code directory.

The zip depends only on the relative paths, contents and executable bits of the included files:
entries are sorted by POSIX relative path, every entry gets the same timestamp (1980-01-01
00:00:00), mode 0644 (0755 when the source is executable), the Unix "made by" system, DEFLATE at a
fixed level, and there are no directory entries.  mtimes, umask, owners and directory listing order
do not matter.  (Byte identity across machines also assumes the same deflate output from zlib for
the same input and level, which holds for stock zlib 1.2.x/1.3.x but not, e.g., for zlib-ng.)

Left out (the one built-in list, EXCLUDED_DIRS / EXCLUDED_DIR_PAIRS / EXCLUDED_FILE_PATTERNS):
environment files (``.env*``: secrets, never zipped), caches and VCS/tooling metadata
(``__pycache__/``, ``*.pyc``, ``*.pyo``, ``.DS_Store``, ``.git/``, ``.venv/``,
``node_modules/.cache/``, ``.pytest_cache/``, ``.mypy_cache/``) and tests (``tests/``,
``__tests__/``, ``test_*.py``, ``*_test.py``, ``*.test.js``, ``*.spec.js``, ``*.test.mjs``), at any
depth. The package stage also leaves out what `package.exclude` names (``user_excluded``) and files
holding a PEM private key (``private_keys``), each with a warning.  Symlinks are followed only when their target stays inside the
source directory; anything else that is not a regular file is skipped.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import translate
from pathlib import Path

__all__ = [
    "PackagedFile",
    "included_files",
    "build_zip",
    "build_zip_from_files",
    "files_fingerprint",
    "read_tree",
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
    ".env*",  # environment files: secrets, never zipped (a warning names them: secret_files)
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

#: `.env*` files that are templates, not secrets: left out of the zip like every `.env*`, but no warning.
ENV_TEMPLATES = frozenset({".env.example", ".env.sample", ".env.template", ".env.dist"})
_PEM_PRIVATE_KEY = None


@dataclass(frozen=True, slots=True)
class PackagedFile:
    """One file that goes into the zip."""

    arcname: str  # POSIX path relative to the source directory
    path: Path  # where to read it (may be a symlink that resolves inside the source directory)
    executable: bool


def _excluded_dir(parent_name: str, name: str) -> bool:
    return name in EXCLUDED_DIRS or (parent_name, name) in EXCLUDED_DIR_PAIRS


_EXCLUDED_FILE = None


def _excluded_file(name: str) -> bool:
    global _EXCLUDED_FILE
    if _EXCLUDED_FILE is None:  # one regex for every pattern, compiled on first use
        import re

        _EXCLUDED_FILE = re.compile("|".join(f"(?:{translate(p)})" for p in EXCLUDED_FILE_PATTERNS))
    return _EXCLUDED_FILE.match(name) is not None


def included_files(src_dir: Path | str) -> list[PackagedFile]:
    """The files ``build_zip`` packages, sorted by their POSIX relative path."""
    return [PackagedFile(arcname, Path(path), executable) for arcname, path, executable in _included(src_dir)]


def _included(src_dir: Path | str, real: str | None = None) -> list[tuple[str, str, bool]]:
    """(arcname, path, executable) of the included files, sorted by arcname.

    `real`: ``os.path.realpath(src_dir)`` when the caller already knows it. One stat per file, none
    per plain folder (the directory entry's type says so): this also runs on the no-op fast path.
    """
    root = os.fspath(src_dir)
    if real is None:
        if not os.path.isdir(root):
            raise NotADirectoryError(f"not a directory: {root}")
        real = os.path.realpath(root)
    inside_prefix = real.rstrip(os.sep) + os.sep
    found: list[tuple[str, str, bool]] = []

    def walk(directory: str, dir_real: str, rel: tuple[str, ...], active: frozenset[str]) -> None:
        try:
            with os.scandir(directory) as it:
                entries = list(it)  # in any order: `found` is sorted once at the end
        except OSError as exc:
            raise unreadable(exc, directory) from None
        parent_name = rel[-1] if rel else ""
        for entry in entries:
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if not (target == real or target.startswith(inside_prefix)) or not os.path.exists(target):
                    continue  # leaves the source tree, or dangles
                try:
                    st = os.stat(entry.path)  # follows the link
                except OSError:
                    continue
                is_dir, target_real = stat.S_ISDIR(st.st_mode), target
            elif entry.is_dir(follow_symlinks=False):
                st, is_dir, target_real = None, True, os.path.join(dir_real, entry.name)
            else:
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                is_dir, target_real = False, None
            if is_dir:
                if _excluded_dir(parent_name, entry.name) or target_real in active:
                    continue  # excluded, or a symlink back to a directory we are inside: a cycle
                walk(entry.path, target_real, rel + (entry.name,), active | {target_real})
            elif stat.S_ISREG(st.st_mode):
                if _excluded_file(entry.name):
                    continue
                arcname = "/".join(rel + (entry.name,))
                executable = bool(st.st_mode & 0o111) or arcname in ALWAYS_EXECUTABLE
                found.append((arcname, entry.path, executable))

    walk(root, real, (), frozenset({real}))
    found.sort()
    return found


def unreadable(exc: OSError, path: str):
    """SLS008: a file or folder of a function's code that cannot be read (an error, never a zip
    silently missing it, never a crash)."""
    from generator.diagnostics import BlueprintError, Diagnostic

    return BlueprintError([Diagnostic(
        "SLS008", f"cannot read this part of a function's code: {exc.strerror or type(exc).__name__}",
        file=os.fspath(path), hint="make it readable by the user running sls-gen, or move it out of the code folder",
    )])


#: Deflate output of file contents seen in this process, by (sha256, level): the same installed
#: dependency zipped into many functions (or a layer and its functions) is compressed once. Deflate
#: is deterministic for one input and level, so the zip's bytes are the same either way.
_DEFLATED: dict[tuple[bytes, int], bytes] = {}
_DEFLATED_MAX = 256 * 1024 * 1024  # bytes of compressed output kept at most
_deflated_bytes = 0
_REUSED_MIN = 4096  # smaller files compress faster than they hash


class _RememberingCompressor:
    """What zipfile's writer asks of a compressor (compress, then flush), answered from _DEFLATED
    when these very bytes were compressed before: zipfile writes an entry with one compress call."""

    def __init__(self, level: int) -> None:
        import zlib

        self.level, self._zlib = level, zlib.compressobj(level, zlib.DEFLATED, -15)
        self._key: tuple[bytes, int] | None = None
        self._parts: list[bytes] = []
        self._calls = 0
        self._pending: bytes | None = None  # the first call's data, answered from _DEFLATED at flush

    def compress(self, data: bytes) -> bytes:
        self._calls += 1
        if self._calls == 1 and len(data) >= _REUSED_MIN:
            self._key = (hashlib.sha256(data).digest(), self.level)
            if self._key in _DEFLATED:
                self._pending = data
                return b""  # flush() hands the whole stream
        else:
            self._key = None
        out = b""
        if self._pending is not None:  # a second call after all: compress both, as zlib would
            out, self._pending = self._zlib.compress(self._pending), None
        out += self._zlib.compress(data)
        self._parts.append(out)
        return out

    def flush(self) -> bytes:
        global _deflated_bytes
        if self._pending is not None:
            return _DEFLATED[self._key]
        tail = self._zlib.flush()
        if self._key is not None and self._calls == 1:
            stream = b"".join(self._parts) + tail
            if _deflated_bytes + len(stream) <= _DEFLATED_MAX:
                _DEFLATED[self._key] = stream
                _deflated_bytes += len(stream)
        return tail


def _write_zip(entries: Iterable[tuple[str, bytes, bool]]) -> bytes:
    """Zip of (arcname, content, executable) entries, in the order given."""
    import io
    import zipfile  # lazily: the no-op fast path fingerprints trees without ever zipping

    buf = io.BytesIO()
    original = getattr(zipfile, "_get_compressor", None)

    def compressor(compress_type, compresslevel=None):
        if compress_type == zipfile.ZIP_DEFLATED and compresslevel is not None:
            return _RememberingCompressor(compresslevel)
        return original(compress_type, compresslevel)

    if original is not None:
        zipfile._get_compressor = compressor
    try:
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as zf:
            for arcname, data, executable in entries:
                info = zipfile.ZipInfo(arcname, date_time=ZIP_TIMESTAMP)
                info.create_system = 3  # Unix, so external_attr carries the permission bits
                info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL)
    finally:
        if original is not None:
            zipfile._get_compressor = original
    return buf.getvalue()


def build_zip(src_dir: Path | str, contents: list[tuple[str, bytes, bool]] | None = None,
              dependencies: list[tuple[str, bytes, bool]] = ()) -> bytes:
    """Deterministic zip of ``src_dir`` (see the module docstring for what is included).

    `contents`: what ``read_tree`` already read from ``src_dir``, so the files are not read twice.
    `dependencies`: installed dependencies (generator/package/deps.py) zipped beside the code, at the
    zip's root; where both have a path, the code's file wins.
    """
    if contents is None:
        contents = [(arcname, _read(path), executable) for arcname, path, executable in _included(src_dir)]
    if dependencies:
        merged = {arcname: (arcname, data, executable) for arcname, data, executable in dependencies}
        merged.update((entry[0], entry) for entry in contents)
        contents = [merged[name] for name in sorted(merged)]
    return _write_zip(contents)


def build_zip_from_entries(entries: Iterable[tuple[str, bytes, bool]]) -> bytes:
    """Deterministic zip of built (arcname, content, executable) entries (a bundle), sorted by arcname."""
    return _write_zip(sorted(entries, key=lambda entry: entry[0]))


def _read(path: str) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)  # plain reads: no buffering, isatty or seek calls
        try:
            chunks = []
            while chunk := os.read(fd, _BUF):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)
    except OSError as exc:
        raise unreadable(exc, path) from None


def build_zip_from_files(files: Mapping[str, str | bytes], executable: Iterable[str] = ()) -> bytes:
    """Deterministic zip of an in-memory tree: relative POSIX path -> content (str is UTF-8 encoded).

    Byte-identical to ``build_zip`` of the same files written to disk with mode 0644 (plus 0755 for
    the paths in ``executable``): the same exclusions (e.g. a scaffold's ``test_handler.py`` is left
    out), order and metadata apply, so writing a scaffold to disk does not change its zip.
    """
    return _write_zip(_memory_entries(files, executable))


def _memory_entries(files: Mapping[str, str | bytes], executable: Iterable[str] = ()) -> list[tuple[str, bytes, bool]]:
    """(arcname, content, executable) of the files an in-memory tree packages, sorted like included_files."""
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
    return entries


def source_hash(data: bytes) -> str:
    """base64(sha256(data)): what Terraform's ``filebase64sha256()`` returns for the zip file."""
    import base64

    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def _file_sha256(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)  # plain reads: no buffering, isatty or seek calls
        try:
            while chunk := os.read(fd, _BUF):
                size += len(chunk)
                digest.update(chunk)
        finally:
            os.close(fd)
    except OSError as exc:
        raise unreadable(exc, path) from None
    return size, digest.hexdigest()


def tree_fingerprint(src_dir: Path | str, real: str | None = None) -> str:
    """Hex digest of everything ``build_zip``'s output depends on.

    Covers each included file's relative path, size, content sha256 and executable bit, plus the
    package format version -- equal fingerprints mean byte-identical zips, so a zip whose
    fingerprint is unchanged need not be rebuilt.  Reads every included file but compresses nothing.
    """
    digest = hashlib.sha256(PACKAGE_FORMAT.encode() + b"\0")
    for arcname, path, executable in _included(src_dir, real):
        size, sha = _file_sha256(path)
        _fingerprint_line(digest, arcname, size, sha, executable)
    return digest.hexdigest()


def read_tree(src_dir: Path | str, real: str | None = None) -> tuple[str, list[tuple[str, bytes, bool]]]:
    """(``tree_fingerprint``, the (arcname, content, executable) ``build_zip`` would zip), reading
    each file once: a render fingerprints a code dir and zips it only if no previous zip fits."""
    digest = hashlib.sha256(PACKAGE_FORMAT.encode() + b"\0")
    contents = []
    for arcname, path, executable in _included(src_dir, real):
        data = _read(path)
        _fingerprint_line(digest, arcname, len(data), hashlib.sha256(data).hexdigest(), executable)
        contents.append((arcname, data, executable))
    return digest.hexdigest(), contents


def files_fingerprint(files: Mapping[str, str | bytes], executable: Iterable[str] = ()) -> str:
    """``tree_fingerprint`` of an in-memory tree: equal to it once the files are written with mode 0644
    (0755 for ``executable``), so the zip ``build_zip_from_files`` made can be told from a later one."""
    digest = hashlib.sha256(PACKAGE_FORMAT.encode() + b"\0")
    for arcname, data, is_exec in _memory_entries(files, executable):
        _fingerprint_line(digest, arcname, len(data), hashlib.sha256(data).hexdigest(), is_exec)
    return digest.hexdigest()


def _fingerprint_line(digest, arcname: str, size: int, sha: str, executable: bool) -> None:
    mode = "755" if executable else "644"
    digest.update(f"{arcname}\0{size}\0{sha}\0{mode}\n".encode("utf-8", "surrogateescape"))


# ------------------------------------------------------------------------------------ secrets and excludes


def secret_files(src_dir: Path | str) -> list[str]:
    """The `.env*` files of a code folder (left out of every zip), for a warning naming them: relative
    POSIX paths, sorted. Walks names only (the built-in excluded folders are skipped), reads nothing."""
    root = os.fspath(src_dir)
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        parent = os.path.basename(dirpath) if dirpath != root else ""
        dirnames[:] = [d for d in dirnames if not _excluded_dir(parent, d)]
        rel = os.path.relpath(dirpath, root)
        for name in filenames:
            if name.startswith(".env") and name not in ENV_TEMPLATES:
                found.append(name if rel == "." else f"{rel.replace(os.sep, '/')}/{name}")
    return sorted(found)


def private_keys(contents: Iterable[tuple[str, bytes, bool]]) -> list[str]:
    """The arcnames of entries holding a PEM private key (``-----BEGIN ... PRIVATE KEY-----``)."""
    global _PEM_PRIVATE_KEY
    if _PEM_PRIVATE_KEY is None:
        import re

        _PEM_PRIVATE_KEY = re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")
    return [arcname for arcname, data, _ in contents if b"PRIVATE KEY-----" in data and _PEM_PRIVATE_KEY.search(data)]


def user_excluded(arcname: str, globs: Iterable[str]) -> bool:
    """`package.exclude`: a glob matches a path relative to the code dir (``*`` crosses ``/``, so
    ``tests/**`` and ``*.md`` match at any depth), its file name, or names a folder of it."""
    from fnmatch import fnmatchcase

    base = arcname.rsplit("/", 1)[-1]
    for glob in globs:
        folder = glob.rstrip("/")
        if fnmatchcase(arcname, glob) or fnmatchcase(base, glob) or arcname.startswith(folder + "/"):
            return True
    return False
