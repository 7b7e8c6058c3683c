"""Stage 3 of the pipeline (checks): cross-references, AWS limits and best practices.

Each check module exposes `check(ctx) -> Iterable[Diagnostic]`. The modules here hold what is
not about one kind; what is lives in its family (`generator/families/<kind>/checks.py`).
`run_checks` runs the shared modules, then every registered family's checks, and returns every
finding at once (errors and warnings), so the user fixes a blueprint in one go.
"""

from __future__ import annotations

from generator.checks.context import Context, per_stage
from generator.diagnostics import Diagnostic
from generator.families import families

__all__ = ["Context", "per_stage", "run_checks"]


def run_checks(ctx: Context) -> list[Diagnostic]:
    from generator.checks import kms, paths, references, support, tags

    found: list[Diagnostic] = []
    for module in (references, tags, paths, support, kms):
        found.extend(module.check(ctx))
    for fam in families():
        checks = fam.part("checks")
        if checks is not None:
            found.extend(checks.check(ctx))
    # A problem present in the base blueprint repeats in every stage: report it once.
    return sorted(set(found), key=Diagnostic.sort_key)
