"""sls-gen's per-user cache folder: compiled templates, and what each output folder's last render read.

Nothing in it is needed for a correct render: a missing, unreadable or damaged entry only costs
time (a template compiled again, a render done in full, a zip built again). Cheap imports only:
the no-op fast path reads it before anything heavy is imported.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

RENDERS_FORMAT = 2  # 2: path states are typed values (generator/fingerprint.py), no longer "|"-joined strings


def cache_dir() -> Path | None:
    """The per-user cache folder, or None: no cache.

    ``SLS_GEN_CACHE_DIR`` (empty: no cache), else ``$XDG_CACHE_HOME/sls-gen``, else ``~/.cache/sls-gen``.
    """
    configured = os.environ.get("SLS_GEN_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sls-gen"


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
    cache off, no file, unreadable, damaged, of another format, or of another folder."""
    where = render_record_path(out_dir)
    if where is None:
        return None
    path, real = where
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            doc = json.loads(fh.read())
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != RENDERS_FORMAT or doc.get("folder") != real:
        return None
    records = doc.get("records")
    return records if isinstance(records, dict) else None


def write_render_records(out_dir: Path | str, records: dict) -> None:
    """Keep `records` for `out_dir`, best effort: temp file + rename (a reader sees the old file or
    the new one), mode 0600 in a 0700 folder. No fsync: a record lost in a crash costs one full
    render. Any OSError is ignored, for the same reason."""
    where = render_record_path(out_dir)
    if where is None:
        return
    path, real = where
    data = json.dumps({"format": RENDERS_FORMAT, "folder": real, "records": records}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogateescape")
    put(path, lambda fh: fh.write(data))


def put(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a cache file, best effort: `write(fh)` fills a temp file beside it (mode 0600, folder
    0700), which is renamed into place (a reader sees the old file or the new one). No fsync; an
    OSError anywhere leaves at most the old file: a cache entry only ever saves time."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600), "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
