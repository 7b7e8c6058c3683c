"""Stage 3 of the pipeline (checks): cross-references, AWS limits and best practices.

Each check module exposes `check(ctx) -> Iterable[Diagnostic]`. The modules here hold what is
not about one kind; what is lives in its family (`generator/families/<kind>/checks.py`).
`run_checks` runs the shared modules, then every registered family's checks, and returns every
finding at once (errors and warnings), so the user fixes a blueprint in one go.

Shared modules: references (the generic reference walk; each family says what its entries refer
to), tags, paths, kms, secrets (credentials written in any field), evolution (renamed_from and adopt), and helpers the families use: context (Context, per_stage), stages
(per-stage findings located at override lines), names (name-length findings), patterns (event
pattern and filter policy shapes). packaging runs in the pipeline after the zips are built.
Family checks import these modules directly, never this package, which imports them.
"""

from __future__ import annotations

from generator.checks.context import Context
from generator.diagnostics import Diagnostic
from generator.families import families

__all__ = ["Context", "run_checks"]


def run_checks(ctx: Context) -> list[Diagnostic]:
    from generator.checks import evolution, existing, kms, paths, references, secrets, tags, variables
    from generator.platform import guardrails

    found: list[Diagnostic] = []
    for module in (references, tags, paths, kms, secrets, guardrails, variables, existing, evolution):
        found.extend(module.check(ctx))
    for fam in families():
        found.extend(fam.part("checks").check(ctx))
    # A problem present in the base blueprint repeats in every stage: report it once.
    return sorted(set(found), key=Diagnostic.sort_key)
