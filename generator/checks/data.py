"""AWS rules for FIFO queues that Terraform does not catch before apply; each finding names the
blueprint line."""

from __future__ import annotations

from typing import Iterable

from generator.diagnostics import Diagnostic
from generator.model.blueprint import Blueprint
from generator.families.queue.model import QueueEvent

FIFO_BATCH_MAX = 10


def check(ctx) -> Iterable[Diagnostic]:
    for bp in ctx.stages.values():
        yield from _fifo(ctx, bp)


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
