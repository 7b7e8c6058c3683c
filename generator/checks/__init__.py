"""Stage 3 of the pipeline (checks): cross-references, AWS limits and best practices.

Each check module exposes `check(ctx) -> Iterable[Diagnostic]`; `run_checks` runs them all
and returns every finding at once (errors and warnings), so the user fixes a blueprint in one go.
"""

from __future__ import annotations

from generator.checks.context import Context, per_stage
from generator.diagnostics import Diagnostic

__all__ = ["Context", "per_stage", "run_checks"]


def run_checks(ctx: Context) -> list[Diagnostic]:
    from generator.checks import (
        api,
        compiled,
        concurrency,
        data,
        environment,
        iam,
        limits,
        messaging,
        observability,
        paths,
        patterns,
        practices,
        references,
        schedules,
        support,
        wiring,
    )

    found: list[Diagnostic] = []
    for module in (
        references,
        limits,
        schedules,
        environment,
        paths,
        practices,
        wiring,
        support,
        iam,
        api,
        compiled,
        data,
        messaging,
        patterns,
        concurrency,
        observability,
    ):
        found.extend(module.check(ctx))
    # A problem present in the base blueprint repeats in every stage: report it once.
    return sorted(set(found), key=Diagnostic.sort_key)
