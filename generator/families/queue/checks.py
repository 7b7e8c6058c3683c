"""Queue checks SQS and Lambda enforce only at apply: queue and dead-letter queue names, visibility
timeouts (a range, and above the consumer's timeout; below AWS's 6 x guidance is a warning), queue
event batching, and the rules of FIFO queues (content-based deduplication, consumer batches)."""

from __future__ import annotations

import re
from typing import Collection, Iterable

from generator.checks.context import per_stage
from generator.checks.names import ACCOUNT, REGION_MAX, NameRule, name_problems
from generator.checks.references import Reference
from generator.diagnostics import Diagnostic
from generator.families import by_event, event_kinds, kind_of
from generator.families.queue.model import QueueEvent, UseQueue
from generator.families.queue.plan import (
    FIFO_SUFFIX,
    MAPPING_CONCURRENCY_MIN,
    consumer_timeouts,
    dlq_name,
    is_fifo,
    mapping_concurrency,
    queue_name,
)
from generator.model.blueprint import Blueprint
from generator.plan.evolution import previous_name
from generator.plan.naming import Names, env_prefix
from generator.plan.placeholders import max_length

QUEUE_MAX = 80
# `.fifo` ends a FIFO queue's name (and counts toward the 80); nothing else may hold a '.'.
DLQ_NAME = NameRule("dead-letter queue", re.compile(r"[A-Za-z0-9_-]+(\.fifo)?"), "letters, digits, '_' and '-' (plus .fifo)", QUEUE_MAX)
QUEUE_NAME = NameRule("queue", re.compile(r"[A-Za-z0-9_-]+(\.fifo)?"), "letters, digits, '_' and '-' (plus .fifo)", QUEUE_MAX)
VISIBILITY_MAX = 43200
SQS_BATCH_MAX, FIFO_BATCH_MAX, WINDOW_MAX = 10000, 10, 300


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, _names, _events, _visibility, _concurrency)
    for bp in ctx.stages.values():
        yield from _fifo(ctx, bp)


def _names(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    for qname, q in bp.queues.items():
        if q.existing is not None:
            if q.existing.name:
                yield from name_problems(ctx, stage, ("queues", qname, "existing", "name"), QUEUE_NAME,
                                         names.template(q.existing.name))
            continue
        path = ("queues", qname, "name") if q.name else ("queues", qname)
        origin = previous_name(bp, "queue", qname)  # a renamed queue keeps its AWS name
        text = queue_name(names, origin, q)
        found = list(name_problems(ctx, stage, path, QUEUE_NAME, text,
                                   hint=None if q.name else "shorten the logical name, the service or the stage name"))
        if not q.fifo and text.endswith(FIFO_SUFFIX):
            found.append(ctx.stage_diag(stage, "SLS306", path, f"queue name '{text}' ends with .fifo, but the queue is not FIFO",
                                        hint="add fifo: true, or drop .fifo from the name"))
        yield from found
        if not found and q.dead_letter:
            yield from name_problems(ctx, stage, path, DLQ_NAME, dlq_name(names, origin, q),
                                     hint="the DLQ adds '-dlq' to the queue name: shorten the queue name")


def _events(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    for fname, fn in bp.functions.items():
        for i, ev in enumerate(fn.events):
            if isinstance(ev, QueueEvent):
                yield from _queue_event(ctx, stage, bp, ("functions", fname, "events", i), ev)


def _queue_event(ctx, stage, bp, path, ev: QueueEvent) -> Iterable[Diagnostic]:
    queue = bp.queues.get(ev.queue)
    if queue is None:
        return  # checks/references.py reports it
    window = ev.batch_window or 0
    if is_fifo(queue):
        return  # FIFO consumer limits: _fifo below
    if ev.batch_size and ev.batch_size > SQS_BATCH_MAX:
        yield ctx.stage_diag(stage, "SLS302", path + ("batch_size",), f"batch_size must be at most {SQS_BATCH_MAX}")
    elif ev.batch_size and ev.batch_size > 10 and not window:
        yield ctx.stage_diag(stage, "SLS302", path + ("batch_size",),
                             f"batch_size {ev.batch_size} > 10 needs a batching window",
                             hint="add batch_window: 1 (seconds) or more")
    if window > WINDOW_MAX:
        yield ctx.stage_diag(stage, "SLS302", path + ("batch_window",), f"batch_window must be at most {WINDOW_MAX} seconds")


def _visibility(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    consumers = consumer_timeouts(bp)
    for qname, q in bp.queues.items():
        path = ("queues", qname)
        vis = q.visibility_timeout
        if isinstance(vis, int):
            if not 0 <= vis <= VISIBILITY_MAX:
                yield ctx.stage_diag(stage, "SLS302", path + ("visibility_timeout",),
                                     f"visibility_timeout must be 0-{VISIBILITY_MAX} seconds")
            elif qname in consumers:
                timeout, window = consumers[qname]
                if vis < timeout + window:
                    yield ctx.stage_diag(
                        stage, "SLS305", path + ("visibility_timeout",),
                        f"visibility_timeout {vis} s is below the consumer timeout {timeout} s"
                        + (f" + batch window {window} s" if window else ""),
                        hint=f"use visibility_timeout: auto ({6 * timeout + window} s) or at least {timeout + window}",
                    )
                elif vis < 6 * timeout + window:
                    wanted = 6 * timeout + window
                    yield ctx.stage_diag(
                        stage, "SLS508", path + ("visibility_timeout",),
                        f"visibility_timeout {vis} s is below 6 x the consumer timeout {timeout} s"
                        + (f" + batch window {window} s" if window else "")
                        + f" ({wanted} s): a message whose batch is retried can reappear while a consumer "
                        "still works on it",
                        hint=f"use visibility_timeout: auto ({wanted} s), as AWS recommends for Lambda consumers",
                        severity="warning",
                    )


def _concurrency(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    """Queue mappings of a function with reserved concurrency stay within it (see mapping_concurrency)."""
    for fname, fn in bp.functions.items():
        reserved = fn.concurrency.reserved if fn.concurrency else None
        queue_events = [(i, ev) for i, ev in enumerate(fn.events) if isinstance(ev, QueueEvent)]
        if reserved is None or not queue_events:
            continue
        base = ("functions", fname)
        written = [(i, ev.max_concurrency) for i, ev in queue_events if ev.max_concurrency is not None]
        over = [(i, w) for i, w in written if w > reserved]
        for i, w in over:
            yield ctx.stage_diag(
                stage, "SLS315", base + ("events", i, "max_concurrency"),
                f"max_concurrency {w} is above the function's reserved concurrency {reserved}: the queue's event "
                "source mapping would invoke more than the function may run, and throttled batches go back to "
                "the queue until they reach its dead-letter queue",
                hint=f"lower max_concurrency to at most {reserved}, or raise concurrency.reserved",
            )
        total = sum(w for _, w in written)
        if not over and total > reserved:
            yield ctx.stage_diag(
                stage, "SLS315", base + ("concurrency", "reserved"),
                f"the queue events of function '{fname}' may invoke {total} at once (max_concurrency "
                f"{' + '.join(str(w) for _, w in written)}), above its reserved concurrency {reserved}",
                hint=f"raise concurrency.reserved to at least {total}, or lower the events' max_concurrency",
            )
        if over or total > reserved:
            continue
        derived = mapping_concurrency(fn)
        unset = [i for i, ev in queue_events if ev.max_concurrency is None]
        for i in unset:
            if derived[i] < MAPPING_CONCURRENCY_MIN:
                others = f" after max_concurrency {total} of the others" if written else ""
                yield ctx.stage_diag(
                    stage, "SLS315", base + ("events", i),
                    f"reserved concurrency {reserved} leaves {max(derived[i], 0)} for this queue event{others}; "
                    f"its event source mapping needs a maximum concurrency of at least {MAPPING_CONCURRENCY_MIN}",
                    hint=f"raise concurrency.reserved to at least {total + MAPPING_CONCURRENCY_MIN * len(unset)}, "
                    "or remove the reservation",
                )


def _fifo(ctx, bp: Blueprint) -> Iterable[Diagnostic]:
    for qname, q in bp.queues.items():
        if q.content_based_deduplication is not None and not q.fifo:
            yield ctx.diag(
                "SLS306",
                ("queues", qname, "content_based_deduplication"),
                "content-based deduplication exists only on FIFO queues",
                hint="add fifo: true or remove content_based_deduplication",
            )
    for fname, fn in bp.functions.items():
        for i, ev in enumerate(fn.events):
            if not isinstance(ev, QueueEvent) or not is_fifo(bp.queues.get(ev.queue)):
                continue
            path = ("functions", fname, "events", i)
            if ev.batch_size is not None and ev.batch_size > FIFO_BATCH_MAX:
                yield ctx.diag(
                    "SLS306",
                    path + ("batch_size",),
                    f"batch_size {ev.batch_size} on FIFO queue '{ev.queue}' (Lambda allows at most 10)",
                )
            if ev.batch_window:
                yield ctx.diag(
                    "SLS306",
                    path + ("batch_window",),
                    f"FIFO queue '{ev.queue}' takes no batch_window",
                    hint="remove batch_window",
                )


def env_lengths(bp, names: Names, use: UseQueue) -> dict[str, int]:
    """The variables a `uses` entry of this kind adds, with the longest value each can resolve to
    (mirrors the plan; counted in the function's 4 KB environment, SLS303)."""
    url = f"https://sqs.{'x' * REGION_MAX}.amazonaws.com/{ACCOUNT}/"
    return {f"{env_prefix(use.queue)}_QUEUE_URL": len(url) + max_length(queue_name(names, use.queue, bp.queues.get(use.queue)))}



def declared(bp) -> Collection[str]:
    """The names a reference to a queue may take (checks/references.py)."""
    return bp.queues


def event_refs(bp, ev: QueueEvent) -> Iterable[Reference]:
    yield ("queue",), "queue", ev.queue, bp.queues


def references(bp) -> Iterable[Reference]:
    """A `subscribe` entry refers to what the event of the same key refers to (a topic, a bus)."""
    kinds = event_kinds()
    for qname, q in bp.queues.items():
        for i, sub in enumerate(q.subscribe):
            for below, kind, name, known in by_event(kind_of(sub, kinds)).part("checks").event_refs(bp, sub):
                yield ("queues", qname, "subscribe", i) + below, kind, name, known
