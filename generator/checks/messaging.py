"""Rules of the messaging family AWS only enforces at apply: FIFO topic endpoints, one subscription
per topic and endpoint, and the length of the names sls-gen derives for rules and failure queues
(schedule names: families/schedule/checks.py)."""

from __future__ import annotations

from typing import Iterable

from generator.diagnostics import Diagnostic
from generator.model.blueprint import Blueprint
from generator.families.bus.model import EventBridgeEvent
from generator.families.function.plan import failures_name
from generator.families.bus.plan import rule_names
from generator.plan.model import async_kinds
from generator.plan.naming import Names

RULE_NAME_MAX = 64  # EventBridge rule names
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
        per_bus: dict[str, int] = {}
        kinds = set()
        for i, ev in enumerate(fn.events):
            path = ("functions", fname, "events", i)
            kinds |= {k for k in async_kinds() if hasattr(ev, k)}
            if isinstance(ev, EventBridgeEvent):
                bus = ev.eventbridge.bus
                per_bus[bus] = per_bus.get(bus, 0) + 1
                _, name = rule_names(names, fname, bus, per_bus[bus])
                if len(name) > RULE_NAME_MAX:
                    yield _too_long(ctx, path + ("eventbridge",), "EventBridge rule name", name, RULE_NAME_MAX)
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
    for qname, q in bp.queues.items():
        per_bus = {}
        for i, sub in enumerate(q.subscribe):
            eb = getattr(sub, "eventbridge", None)
            if eb is None:
                continue
            per_bus[eb.bus] = per_bus.get(eb.bus, 0) + 1
            _, name = rule_names(names, qname, eb.bus, per_bus[eb.bus], queue=True)
            if len(name) > RULE_NAME_MAX:
                path = ("queues", qname, "subscribe", i, "eventbridge")
                yield _too_long(ctx, path, "EventBridge rule name", name, RULE_NAME_MAX)
