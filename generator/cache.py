"""sls-gen's per-user cache folder: compiled templates, and what each output folder's last render read.

Nothing in it is needed for a correct render: a missing, unreadable or damaged entry only costs
time (a template compiled again, a render done in full, a zip built again). Cheap imports only:
the no-op fast path reads it before anything heavy is imported.

Nothing in it is trusted either (docs/security.md, "Threat model"). The cache folder and every file
read from it must be the current user's and not writable by group or others, else it is ignored
with one warning. Every entry is signed (HMAC-SHA256) with a key kept outside the cache, in the
user's state folder (`$XDG_STATE_HOME/sls-gen/cache.key`, 0600), so a cache copied in from
elsewhere (a CI cache another job saved, a shared folder) is never loaded: compiled templates are
code, and a render record decides whether a render is needed at all. Render records are also
checked field by field before anything reads them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import posixpath
import re
import stat
import sys
from pathlib import Path

RENDERS_FORMAT = 3  # 3: signed, and path states are typed values (generator/fingerprint.py), not "|"-joined strings
_RENDERS_MAGIC = b"sls-gen-renders 3 "
KEY_NAME = "cache.key"
_warned = False


def cache_dir() -> Path | None:
    """The per-user cache folder, or None: no cache.

    ``SLS_GEN_CACHE_DIR`` (empty: no cache), else ``$XDG_CACHE_HOME/sls-gen``, else ``~/.cache/sls-gen``.
    """
    configured = os.environ.get("SLS_GEN_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sls-gen"


def key_dir() -> Path:
    """Where the signing key lives: the user's state folder, never the cache (which may be shared)."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "sls-gen"


# ------------------------------------------------------------------------------------ trust


def _warn(path: Path | str, reason: str) -> None:
    """One line on stderr per process, however many cache entries are refused."""
    global _warned
    if not _warned:
        _warned = True
        sys.stderr.write(f"sls-gen: warning: not using the cache entry {path}: {reason}; it could hold another "
                         "user's data, so sls-gen renders without it (make it yours with mode 700/600, or delete it)\n")


def _not_private(st: os.stat_result, secret: bool = False) -> str | None:
    """Why a cache folder or file may not be trusted: another owner, or writable (secret: readable) by others."""
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():  # POSIX: Windows has no owner to compare
        return f"owned by uid {st.st_uid}, not by you (uid {os.geteuid()})"
    if st.st_mode & (0o077 if secret else 0o022):
        return f"mode {stat.S_IMODE(st.st_mode):o} lets {'others read' if secret else 'group or others write'} it"
    return None


def trusted_dir(path: Path, create: bool = False, follow: bool = True) -> bool:
    """`path` is a folder of the current user that nobody else can write (created 0700 if `create`).
    `follow`: the folder may be reached through a symlink (the configured root), else not."""
    try:
        if create and not os.path.lexists(path):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.stat(path) if follow else os.lstat(path)
    except OSError:
        return False  # missing or unusable: the cache only costs time
    if not stat.S_ISDIR(st.st_mode):
        if stat.S_ISLNK(st.st_mode):
            _warn(path, "it is a symbolic link")
        return False
    problem = _not_private(st)
    if problem:
        _warn(path, problem)
        return False
    return True


def read_private(path: Path, secret: bool = False) -> bytes | None:
    """The bytes of a cache file, or None: missing, not a regular file (never followed, never waited
    on), or not private (warned)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        problem = _not_private(st, secret)
        if problem:
            _warn(path, problem)
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def signing_key(create: bool = False) -> bytes | None:
    """The user's cache signing key (32 random bytes, 0600 in a 0700 folder outside the cache), or
    None: none yet (and not `create`), or not private. Without it no cache entry is read."""
    folder = key_dir()
    if not trusted_dir(folder, create=create):
        return None
    path = folder / KEY_NAME
    key = read_private(path, secret=True)
    if key is None and create and not os.path.lexists(path):
        tmp = folder / f"{KEY_NAME}.{os.getpid()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            try:
                os.write(fd, os.urandom(32))
            finally:
                os.close(fd)
            try:
                os.link(tmp, path)  # atomic, and never replaces a key another process made meanwhile
            except FileExistsError:
                pass
        except OSError:
            return None
        finally:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        key = read_private(path, secret=True)
    return key if key is not None and len(key) == 32 else None


def sign(key: bytes, purpose: bytes, data: bytes) -> bytes:
    """Hex HMAC-SHA256 of `data` for one purpose (compiled code, render records): never interchangeable."""
    return hmac.new(key, purpose + b"\0" + data, hashlib.sha256).hexdigest().encode()


def verified(key: bytes, purpose: bytes, mac: bytes, data: bytes) -> bool:
    return hmac.compare_digest(sign(key, purpose, data), mac)


def trusted_root(create: bool = False) -> Path | None:
    """cache_dir() when it is on and trusted (created 0700 if `create`), else None."""
    root = cache_dir()
    if root is None or not trusted_dir(root, create=create):
        return None
    return root


def cache_subdir(name: str, create: bool = False) -> Path | None:
    """A folder inside the trusted cache root (no symlink), created 0700 if `create`, else None."""
    root = trusted_root(create)
    if root is None:
        return None
    folder = root / name
    return folder if trusted_dir(folder, create=create, follow=False) else None


# ------------------------------------------------------------------------------------ render records


def render_record_path(out_dir: Path | str) -> tuple[Path, str] | None:
    """(cache file, resolved folder) of an output folder's render records, or None (cache off).

    Keyed by the folder's resolved real path: `-o out/shop` and `-o ./out/shop/` share one file,
    another folder (a copy, another checkout) never sees it."""
    root = cache_dir()
    if root is None:
        return None
    real = os.path.realpath(out_dir)
    name = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return root / "renders" / f"{name}.json", real


def read_render_records(out_dir: Path | str) -> dict | None:
    """The records of the renders last written into `out_dir` (options key -> record), or None:
    cache off or untrusted, no file, unsigned or signed with another key, damaged, of another format,
    or of another folder. Records whose fields are not what sls-gen writes are left out."""
    where = render_record_path(out_dir)
    if where is None or cache_subdir("renders") is None:
        return None
    path, real = where
    raw = read_private(path)
    key = signing_key() if raw is not None else None
    if raw is None or key is None or not raw.startswith(_RENDERS_MAGIC):
        return None
    mac, _, body = raw[len(_RENDERS_MAGIC):].partition(b"\n")
    if not verified(key, b"renders", mac, body):
        return None
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.get("format") != RENDERS_FORMAT or doc.get("folder") != real:
        return None
    records = doc.get("records")
    if not isinstance(records, dict):
        return None
    return {k: r for k, r in records.items() if isinstance(k, str) and record_problem(r) is None}


def write_render_records(out_dir: Path | str, records: dict) -> None:
    """Keep `records` for `out_dir`, signed, best effort: temp file + rename (a reader sees the old
    file or the new one), mode 0600 in a 0700 folder. No fsync: a record lost in a crash costs one
    full render. Any OSError is ignored, for the same reason."""
    where = render_record_path(out_dir)
    key = signing_key(create=True) if where is not None else None
    if where is None or key is None or cache_subdir("renders", create=True) is None:
        return
    path, real = where
    body = json.dumps({"format": RENDERS_FORMAT, "folder": real, "records": records}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogateescape")
    put(path, _RENDERS_MAGIC + sign(key, b"renders", body) + b"\n" + body)


_HEX64 = re.compile(r"[0-9a-f]{64}")
_ABSOLUTE = re.compile(r"^([A-Za-z]:|[\\/]|~)")
_MODES = frozenset({"where", "exists", "artifact", "code"})
_WARNING_KEYS = {"code": str, "message": str, "file": str, "hint": str, "severity": str, "line": int, "col": int,
                 "path": list, "in_blueprint": bool}


def _blueprint_rel(value: object) -> bool:
    """A path relative to the blueprint's folder that stays inside it (what SLS313 lets through)."""
    if not isinstance(value, str) or not value.strip() or "\0" in value or _ABSOLUTE.match(value):
        return False
    normal = posixpath.normpath(value.replace("\\", "/"))
    return normal not in (".", "..") and not normal.startswith("../")


def _profile_rel(value: object) -> bool:
    """An org profile's path relative to the blueprint's folder: it may lead out of the folder (as
    `extends:` may), but is never absolute; it is only read and hashed, never written."""
    return isinstance(value, str) and bool(value.strip()) and "\0" not in value and not _ABSOLUTE.match(value)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def record_problem(record: object) -> str | None:
    """Why a render record is not one sls-gen writes (generator/record.py), or None. A record
    only ever decides whether to render: it names no file to write, and the paths it names are read
    (fingerprinted) only when they are relative and inside the blueprint's folder."""
    if not isinstance(record, dict):
        return "not an object"
    for name in ("code", "blueprint", "files", "digest"):
        if not (isinstance(record.get(name), str) and _HEX64.fullmatch(record[name])):
            return f"{name} is not a sha256"
    paths = record.get("paths")
    if not isinstance(paths, dict) or not all(_blueprint_rel(k) and v in _MODES for k, v in paths.items()):
        return "paths are not relative paths with a mode"
    profiles = record.get("profiles", {})
    if not isinstance(profiles, dict) or not all(_profile_rel(k) and isinstance(v, str) and _HEX64.fullmatch(v)
                                                 for k, v in profiles.items()):
        return "profiles are not relative paths with a sha256"
    report = record.get("report")
    if not isinstance(report, dict) or not isinstance(report.get("service"), str):
        return "report has no service"
    stages, warnings = report.get("stages"), report.get("warnings")
    if not isinstance(stages, list) or not all(isinstance(s, str) for s in stages):
        return "report stages are not names"
    if not _count(report.get("outputs")) or not _count(report.get("skip")):
        return "report counts are not counts"
    if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
        return "report warnings are not lines"
    try:
        docs = json.loads("[" + ",".join(warnings) + "]")
    except ValueError:
        return "report warnings are not JSON"
    for doc in docs:
        if not isinstance(doc, dict) or not all(k in _WARNING_KEYS and isinstance(v, _WARNING_KEYS[k])
                                                and not (isinstance(v, bool) and _WARNING_KEYS[k] is int)
                                                for k, v in doc.items()):
            return "report warnings are not diagnostics"
        if not {"code", "message"} <= set(doc) or doc.get("severity", "warning") not in ("error", "warning"):
            return "report warnings are not diagnostics"
        if not all(isinstance(p, (str, int)) and not isinstance(p, bool) for p in doc.get("path", [])):
            return "report warnings are not diagnostics"
    return None


# ------------------------------------------------------------------------------------ writing


def put(path: Path, data: bytes) -> None:
    """Write a cache file, best effort: a temp file beside it (mode 0600, never through a symlink),
    renamed into place (a reader sees the old file or the new one). No fsync; an OSError anywhere
    leaves at most the old file: a cache entry only ever saves time. The caller checked the folder."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        os.fchmod(fd, 0o600)  # a leftover temp file of an older run keeps its mode otherwise
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
