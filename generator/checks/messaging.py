"""Rules of the messaging family AWS only enforces at apply: FIFO topic endpoints, one subscription
per topic and endpoint, and the length of the names sls-gen derives for rules and failure queues
(schedule names: families/schedule/checks.py)."""

from __future__ import annotations

from typing import Iterable

from generator.diagnostics import Diagnostic
from generator.model.blueprint import Blueprint
from generator.families.function.plan import failures_name
from generator.plan.model import async_kinds
from generator.plan.naming import Names

QUEUE_NAME_MAX = 80


def check(ctx) -> Iterable[Diagnostic]:
    for stage, bp in ctx.stages.items():
        yield from _names(ctx, bp, Names(bp.service, stage))


def _too_long(ctx, path: tuple, what: str, name: str, limit: int) -> Diagnostic:
    return ctx.diag(
        "SLS301",
        path,
        f"{what} '{name}' is {len(name)} characters; AWS allows {limit}",
        hint="shorten the service, stage or function name",
    )


def _names(ctx, bp: Blueprint, names: Names) -> Iterable[Diagnostic]:
    declared = {names.queue(q, c.fifo) for q, c in bp.queues.items()}
    declared |= {names.dlq(q, c.fifo) for q, c in bp.queues.items() if c.dead_letter}
    for fname, fn in bp.functions.items():
        kinds = set()
        for ev in fn.events:
            kinds |= {k for k in async_kinds() if hasattr(ev, k)}
        if kinds:
            name = failures_name(names, fname)
            path = ("functions", fname, "events")
            if len(name) > QUEUE_NAME_MAX:
                yield _too_long(ctx, path, "failure queue name", name, QUEUE_NAME_MAX)
            if name in declared:
                yield ctx.diag(
                    "SLS301",
                    path,
                    f"the failure queue of function '{fname}' would be named '{name}', like a declared queue",
                    hint=f"rename the queue or the function (sls-gen names it {{service}}-{{stage}}-{fname}-failures)",
                )
