"""Plan DynamoDB tables, the `table` use, and `stream` events (an event source mapping per function
and table, with its own on-failure queue)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.emit.hcl import Raw
from generator.families.table.model import StreamEvent
from generator.plan.access import expand
from generator.plan.context import Access, PlanContext
from generator.plan.evolution import Adopt, derive, protect
from generator.plan.existing import ExistingPlan, Shape, existing_nodes, existing_plans, name_template, quoted, reference
from generator.plan.model import Export, FailureQueue, Named
from generator.plan.naming import Names, camel, env_prefix, tf_id
from generator.plan.placeholders import hcl_value
from generator.plan.security import table_skips
from generator.plan.views import Edge, Node, Trigger, compact_json, duration, node_id

STREAM_BATCH_SIZE = 100
STREAM_MAX_RETRIES = 3
# A failed batch is retried at most this long; then its pointer goes to the on-failure queue, while
# the records themselves stay readable in the stream (24 h retention) for a replay.
STREAM_MAX_RECORD_AGE = 21600
# How a table's ARN holds its name (`existing:`, generator/plan/existing.py).
EXISTING = Shape("dynamodb", "table/")
TABLE_NAME_MAX = 255

# Resource types that hold data (generator/evolution/summary.py marks their destroys).
STATEFUL_TYPES = ("aws_dynamodb_table",)


@dataclass(frozen=True)
class IndexPlan:
    name: str
    hash_key: str
    range_key: str | None
    projection: str
    non_key_attributes: tuple[str, ...]


@dataclass(frozen=True)
class TablePlan:
    name: str
    tf: str
    physical: Any  # str, or an HCL template when `name:` holds {region}/{account}
    hash_key: str
    range_key: str | None
    attributes: tuple[tuple[str, str], ...]  # sorted (name, type)
    billing_mode: str
    read_capacity: int | None
    write_capacity: int | None
    ttl: str | None
    stream_view_type: str | None
    pitr: bool
    deletion_protection: bool
    indexes: tuple[IndexPlan, ...]
    replicas: tuple[str, ...]
    kms_key_arn: Any = None  # HCL expression, or None for the AWS managed key aws/dynamodb
    skips: tuple[tuple[str, str], ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    protect: bool = False  # deletion protection + prevent_destroy (generator/plan/evolution.py)
    retain: bool = False
    adopt: bool = False


@dataclass(frozen=True)
class StreamTrigger:
    tf: str
    function: Any  # FunctionPlan
    table: str
    table_tf: str
    batch_size: int
    batch_window: int
    starting_position: str
    filters: tuple[Any, ...]  # one event pattern (a dict) per filter
    max_retries: int
    max_record_age: int
    failure_tf: str
    failure_physical: str
    kms_key_arn: Any = None  # the failure queue's key (None: SSE-SQS)
    event_path: tuple = ()  # the `stream` event it comes from
    stream_arn: Any = None  # HCL expression of the table's stream ARN (an existing table's as written)


@dataclass(frozen=True)
class TablePart:
    tables: tuple[TablePlan, ...] = ()
    streams: tuple[StreamTrigger, ...] = ()
    existing: tuple[ExistingPlan, ...] = ()  # tables another stack owns: referenced, never created

    def dead_letters(self) -> list[FailureQueue]:
        return [
            FailureQueue(s.failure_tf, s.failure_physical, f"stream failures of {s.function.name}", (s.function.name,),
                         where=s.event_path)
            for s in self.streams
        ]

    def exports(self) -> list[Export]:
        out = []
        for t in self.tables:
            ref = f"aws_dynamodb_table.{t.tf}"
            out += [Export("table", t.name, "name", Raw(f"{ref}.name")), Export("table", t.name, "arn", Raw(f"{ref}.arn"))]
            if t.stream_view_type:
                out.append(Export("table", t.name, "stream_arn", Raw(f"{ref}.stream_arn")))
        return out

    def named(self) -> list[Named]:
        out = [
            derive("aws_dynamodb_table", (("table", t.name),), t.physical, ("tables", t.name), owner=("table", t.name),
                   primary=True, stateful=True, protect=t.protect, retain=t.retain,
                   adopt=Adopt(t.physical) if t.adopt else None)
            for t in self.tables
        ]
        for s in self.streams:  # the function's trigger: its mapping and on-failure queue
            o = ("function", s.function.name)
            base = (o, ("table", s.table), "stream")
            out += [
                derive("aws_sqs_queue", base + ("failures",), s.failure_physical, s.event_path, owner=o),
                derive("aws_lambda_event_source_mapping", base, None, s.event_path, owner=o),
            ]
        return out

    def physicals(self) -> dict[tuple[str, str], str]:
        out = {("aws_dynamodb_table", t.tf): t.physical for t in self.tables}
        out.update({("aws_sqs_queue", s.failure_tf): s.failure_physical for s in self.streams})
        return out

    def terraform_files(self) -> list[tuple[str, str]]:
        return [(f, f + ".j2") for f, present in (("dynamodb.tf", self.tables), ("streams.tf", self.streams)) if present]

    def graph(self, plan) -> tuple[list[Node], list[Edge]]:
        nodes = [
            Node(node_id("table", t.name), "table", "Tables", t.name, shape="cylinder", facts=table_facts(t)) for t in self.tables
        ] + existing_nodes("table", "table", "Tables", self.existing, shape="cylinder")
        edges = []
        for s in self.streams:
            fid, qid = node_id("function", s.function.name), node_id("failures", s.failure_tf)
            nodes.append(Node(qid, "failure queue", "Failure queues", s.failure_physical[len(plan.prefix) + 1:], shape="queue", rank=4))
            edges += [Edge(node_id("table", s.table), fid, "stream poll"), Edge(fid, qid, "on failure", failure=True)]
        return nodes, edges

    def invocations(self, plan) -> list[Trigger]:
        out = []
        for s in self.streams:
            settings = [f"batch {s.batch_size}", f"window {s.batch_window} s", f"from {s.starting_position}",
                        "reports partial batch failures, bisects a failing batch"]
            settings += [f"filter {compact_json(f)}" for f in s.filters]
            failure = (f"{s.max_retries} retries, records older than {duration(s.max_record_age)} are skipped; "
                       f"the failed batch's position goes to {s.failure_physical}")
            out.append(Trigger(s.function.name, "stream", f"stream of table {s.table}", "; ".join(settings), failure, s.event_path))
        return out


def table_facts(t: TablePlan) -> tuple[tuple[str, str], ...]:
    keys = t.hash_key + (f" / {t.range_key}" if t.range_key else "")
    facts = [("keys", keys)]
    facts.append(("billing", "on demand" if t.billing_mode == "PAY_PER_REQUEST" else
                  f"provisioned {t.read_capacity} read / {t.write_capacity} write"))
    if t.stream_view_type:
        facts.append(("stream", t.stream_view_type.lower()))
    if t.ttl:
        facts.append(("ttl", t.ttl))
    if t.indexes:
        facts.append(("indexes", ", ".join(i.name for i in t.indexes)))
    facts.append(("point-in-time recovery", "on" if t.pitr else "off"))
    if t.replicas:
        facts.append(("replicas", ", ".join(t.replicas)))
    return tuple(facts)


def table_name(names: Names, name: str, table) -> str:
    """The table's physical name as a template (`name:` with placeholders, else {service}-{stage}-<name>;
    an existing table's as its `existing:` gives it, the longest possible when read from SSM)."""
    if table is not None and table.existing is not None:
        return name_template(names, table.existing, EXISTING) or "x" * TABLE_NAME_MAX
    return names.template(table.name) if table is not None and table.name else names.physical(name)


def attributes(bp, names: Names, name: str) -> dict[str, Raw]:
    """What `${table:<name>.<attr>}` may read (generator/plan/refs.py), and what uses and stream
    events reference: the resource's attributes, or an existing table's name and ARN."""
    t = bp.tables.get(name)
    if t is not None and t.existing is not None:
        ref = reference(names, t.existing, EXISTING)
        out = {"name": quoted(ref.name), "arn": quoted(ref.arn)}
        if t.existing.stream_arn:
            out["stream_arn"] = quoted(hcl_value(names.template(t.existing.stream_arn)))
        return out
    ref = f"aws_dynamodb_table.{tf_id(name)}"
    out = {"name": Raw(f"{ref}.name"), "arn": Raw(f"{ref}.arn")}
    if t is not None and (t.stream or t.replicas):
        out["stream_arn"] = Raw(f"{ref}.stream_arn")
    return out


def failure_queue_name(names: Names, function: str, table: str) -> str:
    return names.physical(f"{function}-{table}-stream-failures")


def stream_tf(function: str, table: str) -> str:
    # `_stream` keeps it apart from a queue trigger on a queue with the table's name.
    return tf_id(function, table, "stream")


def use(entry, ctx: PlanContext, function: str) -> Access:
    attrs = attributes(ctx.bp, ctx.names, entry.table)
    return Access(
        env={f"{env_prefix(entry.table)}_TABLE_NAME": attrs["name"]},
        grants=[(camel("table", entry.table, entry.access), g) for g in expand("table", entry.access, arn=attrs["arn"])],
        kms=_kms(ctx, entry.table, ("table", entry.access)),
    )


def _kms(ctx: PlanContext, table: str, need: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    """The blueprint's kms_key encrypts the tables it creates, never an existing one."""
    t = ctx.bp.tables.get(table)
    return () if t is not None and t.existing is not None else (need,)


def event(ev, ctx: PlanContext, function: str) -> Access:
    """Role grants for a stream event: read the stream, report to its failure queue."""
    attrs = _stream_attributes(ctx, ev.stream)
    queue = f"aws_sqs_queue.{stream_tf(function, ev.stream)}_failures"
    grants = [
        (camel("stream", ev.stream, "consume"), g)
        for g in expand("stream", "consume", arn=attrs["arn"], stream_arn=attrs["stream_arn"])
    ]
    grants += [(camel("stream", ev.stream, "failures"), g) for g in expand("queue", "on_failure", arn=f"{queue}.arn")]
    return Access(grants=grants, kms=_kms(ctx, ev.stream, ("stream", "consume")) + (("queue", "on_failure"),))


def _stream_attributes(ctx: PlanContext, table: str) -> dict[str, Raw]:
    attrs = attributes(ctx.bp, ctx.names, table)
    if "stream_arn" not in attrs:  # an owned table without a stream: the checks refuse the event (SLS203)
        attrs["stream_arn"] = Raw(f"aws_dynamodb_table.{tf_id(table)}.stream_arn")
    return attrs


def _tables(ctx: PlanContext) -> tuple[TablePlan, ...]:
    plans = []
    for name in sorted(ctx.bp.tables):
        t = ctx.bp.tables[name]
        if t.existing is not None:
            continue
        attrs: dict[str, str] = {}

        def key(spec: str | None) -> str | None:
            if spec is None:
                return None
            attr, _, typ = spec.partition(":")
            attrs[attr] = typ or "S"
            return attr

        hash_key, range_key = key(t.partition_key), key(t.sort_key)
        indexes = []
        for iname in sorted(t.indexes):
            idx = t.indexes[iname]
            proj = idx.projection
            indexes.append(
                IndexPlan(
                    name=iname,
                    hash_key=key(idx.partition_key),
                    range_key=key(idx.sort_key),
                    projection="INCLUDE" if isinstance(proj, list) else proj.upper(),
                    non_key_attributes=tuple(sorted(proj)) if isinstance(proj, list) else (),
                )
            )
        provisioned = not isinstance(t.billing, str)
        stream = t.stream or ("new_and_old_images" if t.replicas else None)
        protected = protect(t, ctx.protected)
        plans.append(
            TablePlan(
                name=name,
                tf=tf_id(name),
                physical=hcl_value(table_name(ctx.names, ctx.origin("table", name), t)),
                hash_key=hash_key,
                range_key=range_key,
                attributes=tuple(sorted(attrs.items())),
                billing_mode="PROVISIONED" if provisioned else "PAY_PER_REQUEST",
                read_capacity=t.billing.read if provisioned else None,
                write_capacity=t.billing.write if provisioned else None,
                ttl=t.ttl,
                stream_view_type=stream.upper() if stream else None,
                pitr=t.point_in_time_recovery,
                deletion_protection=protected,
                indexes=tuple(indexes),
                replicas=tuple(t.replicas),
                kms_key_arn=ctx.kms,
                skips=table_skips(kms=bool(ctx.kms), pitr=t.point_in_time_recovery, provisioned=provisioned),
                tags=tuple(sorted(t.tags.items())),
                protect=protected,
                retain=t.retain,
                adopt=t.adopt,
            )
        )
    return tuple(plans)


def _filters(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


def _streams(ctx: PlanContext) -> tuple[StreamTrigger, ...]:
    out = []
    bp = ctx.bp
    for fname in sorted(bp.functions):
        for i, ev in enumerate(bp.functions[fname].events):
            if not isinstance(ev, StreamEvent):
                continue
            tf = stream_tf(fname, ev.stream)
            out.append(
                StreamTrigger(
                    tf=tf,
                    function=ctx.functions[fname],
                    table=ev.stream,
                    table_tf=tf_id(ev.stream),
                    batch_size=ev.batch_size or STREAM_BATCH_SIZE,
                    batch_window=ev.batch_window or 0,
                    starting_position=(ev.starting_position or "latest").upper(),
                    filters=_filters(ev.filter),
                    max_retries=STREAM_MAX_RETRIES if ev.max_retries is None else ev.max_retries,
                    max_record_age=STREAM_MAX_RECORD_AGE,
                    failure_tf=f"{tf}_failures",
                    failure_physical=failure_queue_name(
                        ctx.names, ctx.origin("function", fname), ctx.origin("table", ev.stream)
                    ),
                    kms_key_arn=ctx.kms,
                    event_path=("functions", fname, "events", i),
                    stream_arn=_stream_attributes(ctx, ev.stream)["stream_arn"],
                )
            )
    return tuple(out)


def plan(ctx: PlanContext) -> TablePart | None:
    part = TablePart(_tables(ctx), _streams(ctx), existing_plans(ctx, "tables", EXISTING))
    return part if part.tables or part.streams or part.existing else None
