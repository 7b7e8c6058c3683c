"""Table checks DynamoDB and Lambda enforce only at apply: table, index and key attribute names,
indexes per table, stream events (the table has a stream, batch size, filters, readers per shard,
the on-failure queue's name), global table replicas, and point-in-time recovery in production."""

from __future__ import annotations

import re
from typing import Collection, Iterable

from generator.checks.context import per_stage
from generator.checks.names import NameRule, name_problems
from generator.checks.patterns import pattern_problems
from generator.checks.references import Reference
from generator.diagnostics import Diagnostic
from generator.families.table.model import StreamEvent, UseTable
from generator.families.table.plan import failure_queue_name, table_name
from generator.model.blueprint import Blueprint
from generator.plan.evolution import previous_name
from generator.plan.naming import Names, env_prefix
from generator.plan.placeholders import max_length

TABLE_MIN, TABLE_MAX = 3, 255
TABLE_NAME = NameRule("table", re.compile(r"[A-Za-z0-9_.-]+"), "letters, digits, '_', '.' and '-'", TABLE_MAX, TABLE_MIN)
KEY_ATTR_MAX = 255
GSI_MAX = 20
STREAM_BATCH_MAX = 10000
STREAM_FILTERS_MAX = 5  # default Lambda quota: filters per event source mapping
QUEUE_NAME_MAX = 80
PROD_STAGES = ("prod", "production", "prd")


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, _names, _tables, _stream_events, _filters, _recovery, _protection)
    for stage, bp in ctx.stages.items():
        yield from _streams(ctx, bp, Names(bp.service, stage))
        yield from _replicas(ctx, bp, stage)
        yield from _kms_replicas(ctx, bp)


def _names(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    for tname, t in bp.tables.items():
        if t.existing is not None:
            if t.existing.name:
                yield from name_problems(ctx, stage, ("tables", tname, "existing", "name"), TABLE_NAME,
                                         names.template(t.existing.name))
            continue
        path = ("tables", tname, "name") if t.name else ("tables", tname)
        yield from name_problems(ctx, stage, path, TABLE_NAME, table_name(names, previous_name(bp, "table", tname), t),
                                 hint=None if t.name else "shorten the logical name, the service or the stage name")
        for iname in t.indexes:
            if not TABLE_MIN <= len(iname) <= TABLE_MAX:
                yield ctx.stage_diag(stage, "SLS301", ("tables", tname, "indexes", iname),
                                     f"index name '{iname}' must be {TABLE_MIN}-{TABLE_MAX} characters",
                                     hint="DynamoDB index names are used as written: pick a longer name")


def _tables(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    for tname, t in bp.tables.items():
        path = ("tables", tname)
        if t.existing is None and t.partition_key is None:
            yield ctx.stage_diag(stage, "SLS103", path + ("partition_key",), "missing required key 'partition_key'",
                                 hint="or existing: {name: ...} to use a table another stack owns")
        if len(t.indexes) > GSI_MAX:
            yield ctx.stage_diag(stage, "SLS307", path + ("indexes",),
                                 f"{len(t.indexes)} indexes; DynamoDB allows {GSI_MAX} global secondary indexes per table")
        keys = [(path + ("partition_key",), t.partition_key), (path + ("sort_key",), t.sort_key)]
        for iname, idx in t.indexes.items():
            keys += [(path + ("indexes", iname, "partition_key"), idx.partition_key),
                     (path + ("indexes", iname, "sort_key"), idx.sort_key)]
        for kpath, spec in keys:
            if spec and len(spec.partition(":")[0]) > KEY_ATTR_MAX:
                yield ctx.stage_diag(stage, "SLS307", kpath, f"key attribute names are at most {KEY_ATTR_MAX} characters")


def _stream_events(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    for fname, fn in bp.functions.items():
        for i, ev in enumerate(fn.events):
            path = ("functions", fname, "events", i)
            if isinstance(ev, StreamEvent):
                table = bp.tables.get(ev.stream)
                if table is not None and table.existing is not None:
                    if not table.existing.stream_arn:
                        yield ctx.diag(
                            "SLS213", path + ("stream",),
                            f"table '{ev.stream}' is existing: its stream's ARN cannot be derived from its name "
                            "(only its owner turns the stream on, and AWS labels it)",
                            hint=f"add its stream ARN to tables.{ev.stream}.existing: {{..., stream_arn: "
                            "arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>} (aws dynamodb "
                            "describe-table --table-name <name> prints it as LatestStreamArn)",
                        )
                elif ev.stream in bp.tables and bp.tables[ev.stream].stream is None and not bp.tables[ev.stream].replicas:
                    yield ctx.diag(
                        "SLS203",
                        path + ("stream",),
                        f"table '{ev.stream}' has no stream",
                        hint=f"add stream: new_and_old_images to table '{ev.stream}'",
                    )
                if ev.batch_size and ev.batch_size > STREAM_BATCH_MAX:
                    yield ctx.stage_diag(stage, "SLS302", path + ("batch_size",),
                                         f"stream batch_size must be at most {STREAM_BATCH_MAX}")


def _filters(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    """Lambda event filters of stream events: the shape of each pattern (checks/patterns.py)."""
    for fname, fn in bp.functions.items():
        for i, ev in enumerate(fn.events):
            if not isinstance(ev, StreamEvent) or ev.filter is None:
                continue
            base = ("functions", fname, "events", i)
            if isinstance(ev.filter, list):
                for j, one in enumerate(ev.filter):
                    yield from pattern_problems(ctx, stage, base + ("filter", j), one, nested=True)
            else:
                yield from pattern_problems(ctx, stage, base + ("filter",), ev.filter, nested=True)


def _recovery(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    """A best practice AWS accepts (a warning; --strict refuses it): production tables keep backups."""
    if stage.lower() in PROD_STAGES:
        for tname, t in bp.tables.items():
            if not t.point_in_time_recovery:
                yield ctx.stage_diag(
                    stage, "SLS503", ("tables", tname, "point_in_time_recovery"),
                    f"table '{tname}' has no point-in-time recovery in stage '{stage}'", severity="warning",
                    hint="remove point_in_time_recovery: false (or set it true in this stage's overrides)",
                )


def _protection(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    """`protect` supersedes v1 `deletion_protection`: both may be set only to the same value."""
    for tname, t in bp.tables.items():
        if t.protect is not None and t.deletion_protection is not None and t.protect != t.deletion_protection:
            yield ctx.stage_diag(
                stage, "SLS705", ("tables", tname, "deletion_protection"),
                f"table '{tname}' sets protect: {str(t.protect).lower()} and deletion_protection: "
                f"{str(t.deletion_protection).lower()}",
                hint="protect supersedes deletion_protection: remove deletion_protection",
            )


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
            queue = failure_queue_name(names, previous_name(bp, "function", fname), previous_name(bp, "table", ev.stream))
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
            elif not re.fullmatch(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d", replica):
                yield ctx.diag("SLS310", path, f"'{replica}' is not an AWS region", hint="e.g. us-east-1")
            seen.add(replica)


def _kms_replicas(ctx, bp: Blueprint) -> Iterable[Diagnostic]:
    if bp.kms_key:
        for tname, t in bp.tables.items():
            if t.replicas:  # each replica region needs its own key; one key ARN cannot serve them
                yield ctx.diag(
                    "SLS105",
                    ("tables", tname, "replicas"),
                    "not yet supported: global table replicas with kms_key (each replica region needs its own key)",
                )


def env_lengths(bp, names: Names, use: UseTable) -> dict[str, int]:
    """The variables a `uses` entry of this kind adds, with the longest value each can resolve to
    (mirrors the plan; counted in the function's 4 KB environment, SLS303)."""
    return {f"{env_prefix(use.table)}_TABLE_NAME": max_length(table_name(names, use.table, bp.tables.get(use.table)))}



def declared(bp) -> Collection[str]:
    """The names a reference to a table may take (checks/references.py)."""
    return bp.tables


def event_refs(bp, ev: StreamEvent) -> Iterable[Reference]:
    """A stream event reads the stream of a table."""
    yield ("stream",), "table", ev.stream, bp.tables
