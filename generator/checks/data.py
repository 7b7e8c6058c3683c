"""AWS rules for streams, global tables and FIFO queues that Terraform does not
catch before apply; each finding names the blueprint line."""

from __future__ import annotations

import re
from typing import Iterable

from generator.diagnostics import Diagnostic
from generator.model.blueprint import Blueprint
from generator.families.queue.model import QueueEvent
from generator.families.table.model import StreamEvent
from generator.families.table.plan import failure_queue_name
from generator.plan.naming import Names

QUEUE_NAME_MAX = 80
FIFO_BATCH_MAX = 10
STREAM_FILTERS_MAX = 5  # default Lambda quota: filters per event source mapping


def check(ctx) -> Iterable[Diagnostic]:
    for stage, bp in ctx.stages.items():
        names = Names(bp.service, stage)
        yield from _streams(ctx, bp, names)
        yield from _replicas(ctx, bp, stage)
        yield from _fifo(ctx, bp)


def _streams(ctx, bp: Blueprint, names: Names) -> Iterable[Diagnostic]:
    readers: dict[str, list[tuple]] = {}
    for fname, fn in sorted(bp.functions.items()):
        tables: set[str] = set()
        for i, ev in enumerate(fn.events):
            if not isinstance(ev, StreamEvent):
                continue
            path = ("functions", fname, "events", i, "stream")
            if ev.stream in tables:
                yield ctx.diag("SLS102", path, f"a second stream event on table '{ev.stream}' in the same function")
            tables.add(ev.stream)
            filters = ev.filter if isinstance(ev.filter, list) else [ev.filter] if ev.filter else []
            if len(filters) > STREAM_FILTERS_MAX:
                yield ctx.diag(
                    "SLS302",
                    ("functions", fname, "events", i, "filter"),
                    f"{len(filters)} filters; Lambda accepts {STREAM_FILTERS_MAX} per event source mapping "
                    "unless the account's quota was raised",
                    severity="warning",
                )
            readers.setdefault(ev.stream, []).append(path)
            queue = failure_queue_name(names, fname, ev.stream)
            if len(queue) > QUEUE_NAME_MAX:
                yield ctx.diag(
                    "SLS301",
                    path,
                    f"the stream's on-failure queue name '{queue}' is {len(queue)} characters (SQS allows 80)",
                    hint="shorten the function, table, service or stage name",
                )
    for table, paths in sorted(readers.items()):
        # DynamoDB throttles a shard read by more than two processes; a global table's replication
        # is one of them.
        limit = 1 if table in bp.tables and bp.tables[table].replicas else 2
        if len(paths) > limit:
            yield ctx.diag(
                "SLS507",
                paths[limit],
                f"{len(paths)} functions read the stream of table '{table}'; more than {limit} "
                "reader(s) per shard get throttled",
                hint="fan out from one consumer (e.g. to a topic or bus) instead",
                severity="warning",
            )


def _replicas(ctx, bp: Blueprint, stage: str) -> Iterable[Diagnostic]:
    stage_cfg = bp.stages.get(stage)
    region = (stage_cfg.region if stage_cfg else None) or bp.region
    for tname, t in bp.tables.items():
        if not t.replicas:
            continue
        base = ("tables", tname)
        if t.stream not in (None, "new_and_old_images"):
            yield ctx.diag(
                "SLS310",
                base + ("stream",),
                f"a global table needs stream new_and_old_images, not {t.stream}",
                hint="remove stream: (replicas turn it on) or set it to new_and_old_images",
            )
        if not isinstance(t.billing, str):
            yield ctx.diag(
                "SLS310",
                base + ("billing",),
                "a global table with provisioned capacity needs auto scaling, which sls-gen does not generate",
                hint="use billing: on_demand",
            )
        seen: set[str] = set()
        for i, replica in enumerate(t.replicas):
            path = base + ("replicas", i)
            if replica == region:
                yield ctx.diag(
                    "SLS310",
                    path,
                    f"replica region '{replica}' is the table's own region in stage '{stage}'",
                    hint="list only the other regions",
                )
            elif replica in seen:
                yield ctx.diag("SLS310", path, f"replica region '{replica}' is listed twice")
            elif not re.match(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$", replica):
                yield ctx.diag("SLS310", path, f"'{replica}' is not an AWS region", hint="e.g. us-east-1")
            seen.add(replica)


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
            if not isinstance(ev, QueueEvent) or ev.queue not in bp.queues or not bp.queues[ev.queue].fifo:
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
