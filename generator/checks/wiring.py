"""Cross-resource wiring rules AWS only enforces at apply: FIFO topic delivery, S3 notification
overlaps, API Gateway per-API quotas."""

from __future__ import annotations

from typing import Iterable

from generator.diagnostics import Diagnostic
from generator.model.functions import BucketEvent, HttpEvent, TopicEvent

HTTP_ROUTES_MAX = 300  # routes per HTTP API / resources per REST API (rules 27, 28)
AUTHORIZERS_MAX = 10


def check(ctx) -> Iterable[Diagnostic]:
    for stage, bp in ctx.stages.items():
        yield from _fifo_topics(ctx, stage, bp)
        yield from _bucket_overlaps(ctx, stage, bp)
        yield from _api_quotas(ctx, stage, bp)


def _fifo_topics(ctx, stage, bp) -> Iterable[Diagnostic]:
    for qname, q in bp.queues.items():
        for i, sub in enumerate(q.subscribe):
            topic = bp.topics.get(getattr(sub, "topic", None) or "")
            if topic is None or topic.fifo == q.fifo:
                continue
            kind = "FIFO" if topic.fifo else "standard"
            yield ctx.stage_diag(
                stage, "SLS306", ("queues", qname, "subscribe", i, "topic"),
                f"{kind} topic '{sub.topic}' cannot deliver to {'a standard' if topic.fifo else 'a FIFO'} queue",
                hint="make the queue and the topic both FIFO or both standard",
            )
    for fname, fn in bp.functions.items():
        for i, ev in enumerate(fn.events):
            if isinstance(ev, TopicEvent) and ev.topic in bp.topics and bp.topics[ev.topic].fifo:
                yield ctx.stage_diag(
                    stage, "SLS306", ("functions", fname, "events", i, "topic"),
                    f"FIFO topic '{ev.topic}' delivers only to SQS FIFO queues, not to Lambda",
                    hint="subscribe a FIFO queue to the topic and consume the queue",
                )


def _overlap(a: BucketEvent, b: BucketEvent) -> bool:
    if not set(a.on) & set(b.on):
        return False
    pa, pb = a.prefix or "", b.prefix or ""
    sa, sb = a.suffix or "", b.suffix or ""
    return (pa.startswith(pb) or pb.startswith(pa)) and (sa.endswith(sb) or sb.endswith(sa))


def _bucket_overlaps(ctx, stage, bp) -> Iterable[Diagnostic]:
    seen: dict[str, list[tuple[str, int, BucketEvent]]] = {}
    for fname, fn in bp.functions.items():
        for i, ev in enumerate(fn.events):
            if not isinstance(ev, BucketEvent):
                continue
            for other_fn, _j, other in seen.get(ev.bucket, []):
                if _overlap(ev, other):
                    yield ctx.stage_diag(
                        stage, "SLS320", ("functions", fname, "events", i, "bucket"),
                        f"this notification on bucket '{ev.bucket}' overlaps one of function '{other_fn}'",
                        hint="S3 refuses overlapping prefix/suffix filters for the same event: make them disjoint",
                    )
                    break
            seen.setdefault(ev.bucket, []).append((fname, i, ev))


def _api_quotas(ctx, stage, bp) -> Iterable[Diagnostic]:
    routes = [(f, i) for f, fn in bp.functions.items() for i, ev in enumerate(fn.events) if isinstance(ev, HttpEvent)]
    if len(routes) > HTTP_ROUTES_MAX:
        fname, i = routes[HTTP_ROUTES_MAX]
        yield ctx.stage_diag(stage, "SLS311", ("functions", fname, "events", i, "http"),
                             f"{len(routes)} routes; an API Gateway API allows {HTTP_ROUTES_MAX}",
                             hint="split the service")
    if bp.api and len(bp.api.authorizers) > AUTHORIZERS_MAX:
        yield ctx.stage_diag(stage, "SLS311", ("api", "authorizers"),
                             f"{len(bp.api.authorizers)} authorizers; an API allows {AUTHORIZERS_MAX}")
