"""Run a check on every stage's merged blueprint and point each finding at the line that set the value.

A value set in `stages.<name>.overrides` is reported at the override line, one in an object the stage
adds (`stages.<name>.add`) where it was added; a finding shared by every stage is reported once; one
that only some stages have starts with their names.
"""

from __future__ import annotations

from typing import Callable, Iterable

from generator.diagnostics import Diagnostic
from generator.model.blueprint import Blueprint

# check(bp, where) -> (code, path as located by `where`, message, hint)
Finding = tuple[str, tuple, str, "str | None"]


def stage_path(ctx, stage: str, path: tuple) -> tuple:
    """The override path when the stage's overrides wrote `path`, the `add` path when the stage added
    the object `path` is in, else `path` itself."""
    path = tuple(path)
    override = ("stages", stage, "overrides") + path
    if override in ctx.doc.locations:
        return override
    added = ("stages", stage, "add")
    if len(path) >= 2 and added + path[:2] in ctx.doc.locations and path[:2] not in ctx.doc.locations:
        return added + path
    return path


def per_stage(ctx, check: Callable[[Blueprint, Callable[[tuple], tuple]], Iterable[Finding]]) -> Iterable[Diagnostic]:
    seen: dict[Finding, list[str]] = {}
    for stage, bp in ctx.stages.items():
        for finding in check(bp, lambda path, _s=stage: stage_path(ctx, _s, path)):
            seen.setdefault(finding, []).append(stage)
    for (code, path, message, hint), stages in seen.items():
        if len(stages) < len(ctx.stages):
            message = f"stage{'s' if len(stages) > 1 else ''} {', '.join(stages)}: {message}"
        yield ctx.diag(code, path, message, hint=hint)
