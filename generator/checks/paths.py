"""Paths a blueprint names (`code:`, `artifact:`) stay inside its folder; `-o` never clobbers one (SLS313, SLS601)."""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from typing import Iterable

from generator.diagnostics import BlueprintError, Diagnostic

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


def check_output_dir(out: Path, blueprint: Path) -> None:
    """Refuse an output folder whose clean-up or overwrite could destroy user files."""
    home = Path(os.path.expanduser("~")).resolve()
    target = out.resolve()
    bp_dir = blueprint.resolve().parent
    reason = None
    if target == Path(target.anchor):
        reason = "is the file-system root"
    elif target == home:
        reason = "is your home folder"
    elif target == bp_dir:
        reason = "is the blueprint's own folder"
    elif target in bp_dir.parents:
        reason = "contains the blueprint's folder"
    if reason:
        raise BlueprintError([Diagnostic("SLS601", f"output folder '{out}' {reason}", file=str(blueprint),
                                         hint="render into a folder of its own, e.g. -o out/")])
