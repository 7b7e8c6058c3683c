"""Topic checks SNS enforces only at apply: topic names, FIFO topic rules (content-based
deduplication, FIFO topics deliver to FIFO queues only, never to a function), one subscription per
topic and endpoint, and the shape of filter policies."""

from __future__ import annotations

import re
from typing import Collection, Iterable

from generator.checks.context import per_stage
from generator.checks.names import ARN_PREFIX_MAX, NameRule, name_problems
from generator.checks.patterns import pattern_problems
from generator.checks.references import Reference
from generator.diagnostics import Diagnostic
from generator.families.topic.model import TopicEvent, UseTopic
from generator.model.blueprint import Blueprint
from generator.families.topic.plan import topic_name
from generator.plan.evolution import previous_name
from generator.plan.naming import Names, env_prefix
from generator.plan.placeholders import max_length

TOPIC_MAX = 256
TOPIC_NAME = NameRule("topic", re.compile(r"[A-Za-z0-9_-]+(\.fifo)?"), "letters, digits, '_' and '-' (plus .fifo)", TOPIC_MAX)


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, _names, _fifo_topics, _filters)
    for bp in ctx.stages.values():
        yield from _subscriptions(ctx, bp)


def _names(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    for tname, t in bp.topics.items():
        if t.existing is not None:
            if t.existing.name:
                yield from name_problems(ctx, stage, ("topics", tname, "existing", "name"), TOPIC_NAME,
                                         names.template(t.existing.name))
            continue
        path = ("topics", tname, "name") if t.name else ("topics", tname)
        text = topic_name(names, previous_name(bp, "topic", tname), t)
        yield from name_problems(ctx, stage, path, TOPIC_NAME, text,
                                 hint=None if t.name else "shorten the logical name, the service or the stage name")
        if not t.fifo and text.endswith(".fifo"):
            yield ctx.stage_diag(stage, "SLS306", path, f"topic name '{text}' ends with .fifo, but the topic is not FIFO",
                                 hint="add fifo: true, or drop .fifo from the name")
    for tname, t in bp.topics.items():
        if t.content_based_deduplication and not t.fifo:
            yield ctx.stage_diag(stage, "SLS306", ("topics", tname, "content_based_deduplication"),
                                 "content_based_deduplication needs a FIFO topic", hint="add fifo: true or remove it")


def _fifo_topics(ctx, stage, bp) -> Iterable[Diagnostic]:
    for qname, q in bp.queues.items():
        for i, sub in enumerate(q.subscribe):
            topic = bp.topics.get(getattr(sub, "topic", None) or "")
            if topic is None or topic.existing is not None or topic.fifo == q.fifo:
                continue
            kind = "FIFO" if topic.fifo else "standard"
            yield ctx.stage_diag(
                stage, "SLS306", ("queues", qname, "subscribe", i, "topic"),
                f"{kind} topic '{sub.topic}' cannot deliver to {'a standard' if topic.fifo else 'a FIFO'} queue",
                hint="make the queue and the topic both FIFO or both standard",
            )
    # A FIFO topic with a function subscriber is refused by _subscriptions below.


def _subscriptions(ctx, bp: Blueprint) -> Iterable[Diagnostic]:
    for fname, fn in bp.functions.items():
        seen: set[str] = set()
        for i, ev in enumerate(fn.events):
            if not isinstance(ev, TopicEvent) or ev.topic not in bp.topics:
                continue
            path = ("functions", fname, "events", i, "topic")
            if bp.topics[ev.topic].fifo:
                yield ctx.diag(
                    "SLS306",
                    path,
                    f"FIFO topic '{ev.topic}' cannot invoke a function (SNS FIFO topics deliver only to SQS)",
                    hint=f"subscribe a FIFO queue to '{ev.topic}' and consume that queue",
                )
            if ev.topic in seen:
                yield ctx.diag(
                    "SLS205",
                    path,
                    f"function '{fname}' subscribes to topic '{ev.topic}' twice (SNS keeps one subscription per endpoint)",
                    hint="merge the filters into one event",
                )
            seen.add(ev.topic)
    for qname, q in bp.queues.items():
        seen = set()
        for i, sub in enumerate(q.subscribe):
            topic = getattr(sub, "topic", None)
            if topic is None or topic not in bp.topics:
                continue
            path = ("queues", qname, "subscribe", i, "topic")
            # FIFO/standard mismatches between topics and queues: _fifo_topics above.
            if topic in seen:
                yield ctx.diag(
                    "SLS205",
                    path,
                    f"queue '{qname}' subscribes to topic '{topic}' twice (SNS keeps one subscription per endpoint)",
                    hint="merge the filters into one entry",
                )
            seen.add(topic)


def _filters(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    """Filter policies of topic events and queue subscriptions match message attributes: flat keys only."""
    for fname, fn in bp.functions.items():
        for i, ev in enumerate(fn.events):
            if isinstance(ev, TopicEvent) and ev.filter:  # an empty policy is no policy
                yield from pattern_problems(ctx, stage, ("functions", fname, "events", i, "filter"), ev.filter, nested=False)
    for qname, q in bp.queues.items():
        for i, sub in enumerate(q.subscribe):
            if getattr(sub, "topic", None) is not None and sub.filter:
                yield from pattern_problems(ctx, stage, ("queues", qname, "subscribe", i, "filter"), sub.filter, nested=False)


def env_lengths(bp, names: Names, use: UseTopic) -> dict[str, int]:
    """The variables a `uses` entry of this kind adds, with the longest value each can resolve to
    (mirrors the plan; counted in the function's 4 KB environment, SLS303)."""
    topic = bp.topics.get(use.topic)
    longest = max_length(topic_name(names, use.topic, topic)) + (0 if topic else len(".fifo"))
    return {f"{env_prefix(use.topic)}_TOPIC_ARN": ARN_PREFIX_MAX + longest}



def declared(bp) -> Collection[str]:
    """The names a reference to a topic may take (checks/references.py)."""
    return bp.topics


def event_refs(bp, entry) -> Iterable[Reference]:
    """A topic event, or a queue's topic subscription, subscribes to a topic."""
    yield ("topic",), "topic", entry.topic, bp.topics


def invoke_permissions(bp, names: Names, region: str, fname: str, fn):
    """One statement per topic the function subscribes to (families/topic/plan.py)."""
    from generator.checks.names import arn
    from generator.families.function.checks import Permission
    from generator.plan.naming import camel

    for ev in fn.events:
        if isinstance(ev, TopicEvent):
            fifo = ev.topic in bp.topics and bp.topics[ev.topic].fifo
            yield Permission(f"AllowSns{camel(ev.topic)}", "sns.amazonaws.com",
                             arn("sns", region, names.physical(ev.topic, ".fifo" if fifo else "")), False, "SNS topic")
