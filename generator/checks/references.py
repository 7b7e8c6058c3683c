"""Every name a blueprint refers to (uses, events, subscribe, auth, replicas) must exist."""

from __future__ import annotations

import difflib
from typing import Iterable

from generator.diagnostics import Diagnostic
from generator.model.blueprint import Blueprint
from generator.families.api.checks import route_of
from generator.families.api.model import HttpEvent
from generator.families.bucket.model import BucketEvent, UseBucket
from generator.families.bus.model import EventBridgeEvent, UseBus
from generator.families.function.model import UseFunction
from generator.families.queue.model import QueueEvent, UseQueue
from generator.families.secret.model import UseSecret
from generator.families.table.model import StreamEvent, UseTable
from generator.families.topic.model import TopicEvent, UseTopic

def _unknown(ctx, path: tuple, kind: str, name: str, known: Iterable[str]) -> Diagnostic:
    declared = getattr(ctx.base, "buses" if kind == "bus" else f"{kind}s", None)
    if isinstance(declared, dict) and name in declared:  # declared, but a stage override removed it
        return ctx.diag(
            "SLS201",
            path,
            f"{kind} '{name}' is removed (set to null) by a stage override, but this still refers to it",
            hint="remove the reference in that stage's overrides too",
        )
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else (f"declare it under '{kind}s:'" if kind != "authorizer" else None)
    return ctx.diag("SLS201", path, f"unknown {kind} '{name}'", hint=hint)


def check(ctx) -> Iterable[Diagnostic]:
    for bp in ctx.stages.values():
        yield from _check_blueprint(ctx, bp)


def _check_blueprint(ctx, bp: Blueprint) -> Iterable[Diagnostic]:
    resources = {
        "table": bp.tables,
        "queue": bp.queues,
        "topic": bp.topics,
        "bucket": bp.buckets,
        "secret": bp.secrets,
        "function": bp.functions,
    }
    buses = set(bp.buses) | {"default"}
    authorizers = set(bp.api.authorizers) if bp.api else set()
    for fname, fn in bp.functions.items():
        base = ("functions", fname)
        for i, use in enumerate(fn.uses):
            path = base + ("uses", i)
            for kind, attr_type in (
                ("table", UseTable),
                ("queue", UseQueue),
                ("topic", UseTopic),
                ("bucket", UseBucket),
                ("secret", UseSecret),
                ("function", UseFunction),
            ):
                if isinstance(use, attr_type):
                    name = getattr(use, kind)
                    if name not in resources[kind]:
                        yield _unknown(ctx, path + (kind,), kind, name, resources[kind])
            if isinstance(use, UseBus) and use.bus not in buses:
                yield _unknown(ctx, path + ("bus",), "bus", use.bus, buses)
        for i, ev in enumerate(fn.events):
            path = base + ("events", i)
            if isinstance(ev, HttpEvent):
                if route_of(ev) is None:
                    continue  # not a route: families/api/checks.py reports it
                auth = ev.auth or "none"
                if auth not in ("none", "iam") and auth not in authorizers:
                    yield _unknown(ctx, path + ("auth",), "authorizer", auth, authorizers | {"none", "iam"})
            elif isinstance(ev, QueueEvent) and ev.queue not in bp.queues:
                yield _unknown(ctx, path + ("queue",), "queue", ev.queue, bp.queues)
            elif isinstance(ev, TopicEvent) and ev.topic not in bp.topics:
                yield _unknown(ctx, path + ("topic",), "topic", ev.topic, bp.topics)
            elif isinstance(ev, BucketEvent) and ev.bucket not in bp.buckets:
                yield _unknown(ctx, path + ("bucket",), "bucket", ev.bucket, bp.buckets)
            elif isinstance(ev, EventBridgeEvent) and ev.eventbridge.bus not in buses:
                yield _unknown(ctx, path + ("eventbridge", "bus"), "bus", ev.eventbridge.bus, buses)
            elif isinstance(ev, StreamEvent) and ev.stream not in bp.tables:
                yield _unknown(ctx, path + ("stream",), "table", ev.stream, bp.tables)
    for qname, q in bp.queues.items():
        for i, sub in enumerate(q.subscribe):
            path = ("queues", qname, "subscribe", i)
            topic = getattr(sub, "topic", None)
            if topic is not None and topic not in bp.topics:
                yield _unknown(ctx, path + ("topic",), "topic", topic, bp.topics)
            eb = getattr(sub, "eventbridge", None)
            if eb is not None and eb.bus not in buses:
                yield _unknown(ctx, path + ("eventbridge", "bus"), "bus", eb.bus, buses)
