"""What every check receives (`Context`) and the per-stage loop most of them run.

Check modules (shared ones here, family ones under generator/families/<kind>/checks.py) import
these from this module, never from `generator.checks`, which imports the check modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from generator.diagnostics import CODES, Diagnostic
from generator.loader import Document
from generator.model.blueprint import Blueprint


@dataclass(frozen=True)
class Context:
    doc: Document
    base: Blueprint  # as written
    stages: dict[str, Blueprint]  # one merged blueprint per stage

    def diag(self, code: str, path: tuple, message: str, *, hint: str | None = None, severity: str = "error") -> Diagnostic:
        return self.doc.diag(code, path, message, hint=hint, severity=severity)

    def stage_diag(self, stage: str, code: str, path: tuple, message: str, *, hint: str | None = None,
                   severity: str = "error") -> Diagnostic:
        """A finding in one stage's merged blueprint, located at the override line when one wrote it."""
        from generator.model.parse import locate_in_stage

        if code not in CODES:
            raise ValueError(f"unknown diagnostic code {code!r}")
        loc = locate_in_stage(self.doc, stage, tuple(path))
        line, col = loc
        return Diagnostic(code=code, message=message, path=tuple(path), file=self.doc.file_of(loc), line=line, col=col,
                          severity=severity, hint=hint)

    def region(self, stage: str) -> str:
        return self.base.stages[stage].region or self.stages[stage].region


def per_stage(ctx: Context, *rules) -> Iterable[Diagnostic]:
    """Run `rule(ctx, stage, blueprint)` for every stage's merged blueprint."""
    for stage, bp in ctx.stages.items():
        for rule in rules:
            yield from rule(ctx, stage, bp)
