"""Paths a blueprint names (`code:`, `artifact:`) stay inside its folder (SLS313). That `-o` never
clobbers one (SLS601) is checked by generator/writer/guard.py, cheap enough for the no-op fast path."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Iterable

from generator.diagnostics import Diagnostic

_ABSOLUTE = re.compile(r"^([A-Za-z]:|[\\/]|~)")


def path_problem(value: str, root: Path) -> str | None:
    """Why `value` (relative to the blueprint folder `root`) is not an acceptable path, or None."""
    if not value.strip():
        return "is empty"
    if "\x00" in value:
        return "contains a NUL character"
    if _ABSOLUTE.match(value):
        return "must be relative to the blueprint's folder, not absolute"
    normal = posixpath.normpath(value.replace("\\", "/"))
    if normal == ".." or normal.startswith("../"):
        return "leaves the blueprint's folder"
    if normal == ".":
        return "is the blueprint's folder itself"
    try:
        real_root = root.resolve()
        real = (root / normal).resolve()
    except (OSError, RuntimeError):
        return "cannot be resolved"
    if real != real_root and real_root not in real.parents:
        return "leaves the blueprint's folder through a symbolic link"
    return None


def check(ctx) -> Iterable[Diagnostic]:
    root = Path(ctx.doc.file).parent
    for stage, bp in ctx.stages.items():
        for fname, fn in bp.functions.items():
            for key in ("code", "artifact"):
                value = getattr(fn, key)
                if value is None:
                    continue
                problem = path_problem(value, root)
                if problem:
                    yield ctx.stage_diag(stage, "SLS313", ("functions", fname, key), f"'{value[:80]}' {problem}",
                                         hint="use a folder below the blueprint, e.g. src/" + fname)
