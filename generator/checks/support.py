"""Keys of the v1 language that this version accepts but cannot render yet fail loudly here.

Nothing in a blueprint is ever silently dropped: every feature not rendered is listed below,
and each entry is removed when its family lands.
"""

from __future__ import annotations

from typing import Iterable

from generator.diagnostics import Diagnostic
from generator.model.blueprint import EVENT_KINDS


def _unsupported(ctx, path: tuple, what: str) -> Diagnostic:
    return ctx.diag("SLS105", path, f"not yet supported: {what}")


RENDERED_EVENTS = {"http", "queue", "bucket", "stream", "topic", "eventbridge", "schedule"}
RENDERED_SECTIONS: set[str] = {"buckets", "secrets", "topics", "buses"}  # families beyond functions/tables/queues/api


def check(ctx) -> Iterable[Diagnostic]:
    data = ctx.doc.data
    for section in ("topics", "buses", "buckets", "secrets"):
        if section not in RENDERED_SECTIONS and data.get(section):
            yield _unsupported(ctx, (section,), section)
    for bp in ctx.stages.values():
        for fname, fn in bp.functions.items():
            base = ("functions", fname)
            for i, ev in enumerate(fn.events):
                kind = next(k for k in EVENT_KINDS if hasattr(ev, k))
                if kind not in RENDERED_EVENTS:
                    yield _unsupported(ctx, base + ("events", i, kind), f"'{kind}' events")
