"""Bucket checks S3 enforces only at apply: bucket names (valid, at most 63 characters, unique across
stages) and bucket events (no overlapping notifications; a warning when a function writes to the
bucket whose new objects invoke it)."""

from __future__ import annotations

import re
from typing import Collection, Iterable

from generator.checks.references import Reference
from generator.diagnostics import Diagnostic
from generator.families.bucket.model import BucketEvent, UseBucket
from generator.families.bucket.plan import bucket_name_length, bucket_template, written_name
from generator.model.blueprint import Blueprint
from generator.plan.evolution import previous_name
from generator.plan.naming import Names, env_prefix
from generator.plan.placeholders import max_length, sample

BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", "--x-s3", ".mrap")
IP_LIKE = re.compile(r"\d+\.\d+\.\d+\.\d+")


def check(ctx) -> Iterable[Diagnostic]:
    overrides: dict[str, list[tuple[str, str, str]]] = {}
    for stage, bp in ctx.stages.items():
        yield from _buckets(ctx, bp, Names(bp.service, stage))
        yield from _bucket_events(ctx, bp)
        for bname, b in bp.buckets.items():
            if b.existing is None and written_name(b) and not (b.name and b.bucket_name):
                key = "name" if b.name else "bucket_name"
                # {account} differs per account: two stages may share a template only if it holds one.
                text = bucket_template(Names(bp.service, stage), bname, b)
                if "{account}" not in text:
                    overrides.setdefault(sample(text, region=ctx.region(stage)), []).append((stage, bname, key))
    for physical, users in sorted(overrides.items()):
        if len(users) > 1:
            stage, bname, key = users[0]
            where = ", ".join(f"{s}:{b}" for s, b, _ in users)
            yield ctx.diag(
                "SLS301",
                ("buckets", bname, key),
                f"bucket name '{physical}' is used more than once ({where}); S3 bucket names are global",
                hint=f"give each stage its own name (e.g. with {{stage}}), or drop {key}",
            )


def _bucket_name_problem(name: str) -> str | None:
    if not BUCKET_NAME.fullmatch(name):
        return "must be 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit"
    if ".." in name or ".-" in name or "-." in name:
        return "must not contain '..', '.-' or '-.'"
    if IP_LIKE.fullmatch(name):
        return "must not look like an IP address"
    if name.startswith(BUCKET_RESERVED_PREFIXES) or name.endswith(BUCKET_RESERVED_SUFFIXES):
        return "uses a prefix or suffix AWS reserves"
    return None


def _buckets(ctx, bp: Blueprint, names: Names) -> Iterable[Diagnostic]:
    for bname, b in bp.buckets.items():
        if b.existing is not None:
            text = names.template(b.existing.name) if b.existing.name else None
            problem = _bucket_name_problem(sample(text)) if text else None
            if problem:
                yield ctx.diag("SLS301", ("buckets", bname, "existing", "name"), f"bucket name '{text}' {problem}")
            continue
        if b.name and b.bucket_name:
            yield ctx.diag("SLS102", ("buckets", bname, "bucket_name"),
                           "bucket_name is the v1 spelling of name: set one of them", hint="keep name")
            continue
        if written_name(b):
            key = "name" if b.name else "bucket_name"
            text = bucket_template(names, bname, b)
            problem = _bucket_name_problem(sample(text))
            if problem is None and max_length(text) > 63:
                problem = f"can be {max_length(text)} characters once {{region}}/{{account}} are known (S3 allows 63)"
            if problem:
                yield ctx.diag("SLS301", ("buckets", bname, key), f"bucket name '{text}' {problem}")
            continue
        origin = previous_name(bp, "bucket", bname)  # a renamed bucket keeps its AWS name
        length = bucket_name_length(names, origin)
        if length > 63:
            yield ctx.diag(
                "SLS301",
                ("buckets", bname),
                f"bucket name '{names.physical(origin)}-<12-digit account id>' is {length} characters (S3 allows 63)",
                hint="shorten the bucket, service or stage name, or set bucket_name",
            )


def _overlap(a: BucketEvent, b: BucketEvent) -> bool:
    """S3 refuses two configurations whose event types and key filters can match the same object."""
    if not set(a.on) & set(b.on):
        return False
    pa, pb = a.prefix or "", b.prefix or ""
    sa, sb = a.suffix or "", b.suffix or ""
    return (pa.startswith(pb) or pb.startswith(pa)) and (sa.endswith(sb) or sb.endswith(sa))


def _bucket_events(ctx, bp: Blueprint) -> Iterable[Diagnostic]:
    seen: dict[str, list[tuple[tuple, BucketEvent, str]]] = {}
    for fname, fn in sorted(bp.functions.items()):
        writes = {u.bucket for u in fn.uses if isinstance(u, UseBucket) and u.access != "read"}
        for i, ev in enumerate(fn.events):
            if not isinstance(ev, BucketEvent) or ev.bucket not in bp.buckets:
                continue
            path = ("functions", fname, "events", i)
            if bp.buckets[ev.bucket].existing is not None:
                yield ctx.diag(
                    "SLS214", path + ("bucket",),
                    f"bucket '{ev.bucket}' is existing: S3 keeps one notification configuration per bucket, and "
                    "writing it here would replace its owner's",
                    hint="have the bucket's owner send its events to EventBridge or a topic, and subscribe this "
                    "function to that (events: [{eventbridge: ...}] or [{topic: ...}])",
                )
                continue
            if ev.bucket in writes and "created" in ev.on:
                yield ctx.diag(
                    "SLS506",
                    path + ("bucket",),
                    f"'{fname}' writes to bucket '{ev.bucket}' whose new objects invoke it: each write can "
                    "invoke it again",
                    hint="write under keys the event's prefix/suffix excludes, or to another bucket",
                    severity="warning",
                )
            for other_path, other, other_fn in seen.get(ev.bucket, []):
                if _overlap(ev, other):
                    yield ctx.diag(
                        "SLS320",
                        path + ("bucket",),
                        f"these events on bucket '{ev.bucket}' overlap those of {other_fn} "
                        f"(events[{other_path[-1]}]); S3 refuses overlapping notifications",
                        hint="make the prefixes or suffixes disjoint, or the 'on' lists",
                    )
                    break
            seen.setdefault(ev.bucket, []).append((path, ev, fname))


def env_lengths(bp, names: Names, use: UseBucket) -> dict[str, int]:
    """The variables a `uses` entry of this kind adds, with the longest value each can resolve to
    (mirrors the plan; counted in the function's 4 KB environment, SLS303)."""
    b = bp.buckets.get(use.bucket)
    return {f"{env_prefix(use.bucket)}_BUCKET_NAME": max_length(bucket_template(names, use.bucket, b)) if written_name(b) else 63}



def declared(bp) -> Collection[str]:
    """The names a reference to a bucket may take (checks/references.py)."""
    return bp.buckets


def event_refs(bp, ev: BucketEvent) -> Iterable[Reference]:
    yield ("bucket",), "bucket", ev.bucket, bp.buckets


def invoke_permissions(bp, names: Names, region: str, fname: str, fn):
    """One statement per bucket whose events invoke the function (families/bucket/plan.py); S3
    permissions also pin the account."""
    from generator.checks.names import ACCOUNT, partition
    from generator.families.function.checks import Permission

    for ev in fn.events:
        if isinstance(ev, BucketEvent):
            b = bp.buckets.get(ev.bucket)
            physical = b.bucket_name if b and b.bucket_name else f"{names.physical(ev.bucket)}-{ACCOUNT}"
            yield Permission(f"AllowS3-{ev.bucket}"[:100], "s3.amazonaws.com",
                             f"arn:{partition(region)}:s3:::{physical}", True, "bucket")
