"""Concurrency and SnapStart rules Terraform cannot catch (aws-limits.md rows 10-12).

* SLS308: per stage, reservations must leave 100 of `account.concurrency_quota` unreserved.
* SLS309: SnapStart only on java17/java21/python3.12+, never with provisioned concurrency or a
  /tmp above 512 MB; provisioned concurrency never above the function's reserved concurrency.
"""

from __future__ import annotations

from typing import Iterable

from generator.checks.stages import Finding, per_stage
from generator.diagnostics import Diagnostic
from generator.model.blueprint import Blueprint
from generator.families.function.settings import DEFAULTS

MIN_UNRESERVED = 100  # AWS keeps this much of the regional quota for functions without reservations
SNAPSTART_RUNTIMES = ("java17", "java21", "python3.12", "python3.13")


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, budget)
    yield from per_stage(ctx, snapstart)


def budget(bp: Blueprint, where) -> Iterable[Finding]:
    """Walk the functions in blueprint order; report the reservation that first breaks the budget.

    Provisioned concurrency on a function without a reservation comes out of the unreserved pool
    too (AWS rejects it with the same error), so it counts.
    """
    quota = bp.account.concurrency_quota
    allowed = max(quota - MIN_UNRESERVED, 0)
    total = 0
    for fname, fn in bp.functions.items():
        conc = fn.concurrency
        if conc is None:
            continue
        if conc.reserved is not None:
            amount, key, what = conc.reserved, "reserved", "reserved concurrency"
        elif conc.provisioned:
            amount, key, what = conc.provisioned, "provisioned", "provisioned concurrency"
        else:
            continue
        total += amount
        if amount and total > allowed:
            yield (
                "SLS308",
                where(("functions", fname, "concurrency", key)),
                f"{what} {amount} brings the stage's reservations to {total}, above {allowed}: AWS keeps "
                f"{MIN_UNRESERVED} of the account's concurrency quota ({quota}) unreserved",
                "lower the reservations, or set account.concurrency_quota to your account's real quota",
            )
            return


def snapstart(bp: Blueprint, where) -> Iterable[Finding]:
    for fname, fn in bp.functions.items():
        base = ("functions", fname)
        conc = fn.concurrency
        if conc and conc.provisioned and conc.reserved is not None and conc.provisioned > conc.reserved:
            yield (
                "SLS309",
                where(base + ("concurrency", "provisioned")),
                f"provisioned concurrency {conc.provisioned} is above the function's reserved concurrency {conc.reserved}",
                "AWS rejects it: raise reserved or lower provisioned",
            )
        if not fn.snapstart:
            continue
        runtime = fn.runtime or bp.defaults.runtime or DEFAULTS["runtime"]
        if runtime not in SNAPSTART_RUNTIMES:
            yield (
                "SLS309",
                where(base + ("snapstart",)),
                f"SnapStart does not support runtime {runtime}",
                f"SnapStart runs on {', '.join(SNAPSTART_RUNTIMES)}",
            )
        if conc and conc.provisioned:
            yield (
                "SLS309",
                where(base + ("concurrency", "provisioned")),
                "provisioned concurrency cannot be combined with SnapStart",
                "use one of them: SnapStart for cheaper cold starts, provisioned concurrency for none at all",
            )
        storage = fn.ephemeral_storage if fn.ephemeral_storage is not None else bp.defaults.ephemeral_storage
        if storage is not None and storage > 512:
            path = base + ("ephemeral_storage",) if fn.ephemeral_storage is not None else ("defaults", "ephemeral_storage")
            yield (
                "SLS309",
                where(path),
                f"SnapStart does not support ephemeral storage above 512 MB (got {storage})",
                None,
            )
