"""Plan EventBridge buses, the `bus` use, and rules: `eventbridge` events of functions and
`subscribe: [{eventbridge: ...}]` entries of queues, each rule with its single target."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.emit.hcl import Raw
from generator.families.bus.model import EventBridgeEvent
from generator.families.function.plan import async_failure, failures_tf
from generator.families.queue.plan import queue_name
from generator.families.topic.plan import json_value
from generator.plan.access import expand
from generator.plan.context import Access, PlanContext
from generator.plan.evolution import Adopt, derive, follow
from generator.plan.existing import ExistingPlan, Shape, existing_nodes, existing_plans, name_template, quoted, reference
from generator.plan.model import DeliveryMetric, Export, FailureQueue, Named
from generator.plan.naming import Names, camel, env_prefix, tf_id
from generator.plan.placeholders import concat, hcl_value
from generator.plan.views import Edge, Node, Trigger, clip, compact_json, duration, node_id

ASYNC = True  # EventBridge invokes Lambda asynchronously
DEFAULT_BUS_ARN = "local.default_bus_arn"
EVENTS = "events.amazonaws.com"
# EventBridge retries *delivery* (throttling, a deleted function); bounded, then the DLQ.
TARGET_RETRIES = 10
TARGET_MAX_AGE = 3600
DEAD_LETTER_RETENTION = 14 * 86400
# How a bus's ARN holds its name (`existing:`, generator/plan/existing.py).
EXISTING = Shape("events", "event-bus/")
BUS_NAME_MAX = 256


@dataclass(frozen=True)
class RuleDeadLetterQueue:
    """Where EventBridge puts the events it could not deliver into a queue (retries exhausted, the
    queue policy or key refusing it): one per queue that rules fan into. Always a standard queue."""

    tf: str
    physical: str
    queue: str  # the logical queue the rules target
    kms_key_arn: object = None  # HCL expression, or None for SSE-SQS
    retention_seconds: int = DEAD_LETTER_RETENTION


def rule_dlq_names(names: Names, queue: str) -> tuple[str, str]:
    """(terraform id, physical name) of the dead-letter queue of the rules that target `queue`."""
    return tf_id(queue, "events_dlq"), names.physical(queue, "-events-dlq")


@dataclass(frozen=True)
class BusPlan:
    name: str
    tf: str
    physical: Any  # str, or an HCL template when `name:` holds {region}/{account}
    description: str
    tags: tuple[tuple[str, str], ...] = ()
    discover: bool = False  # a schema discoverer on the bus (`schemas: {discover: true}`)
    retain: bool = False
    adopt: bool = False
    registry: str | None = None  # the schema registry's name, when the bus declares schema files
    schemas: tuple["SchemaPlan", ...] = ()


@dataclass(frozen=True)
class SchemaPlan:
    """A declared schema file: copied into the output as read (`asset`), its type read from that copy."""

    tf: str
    name: str  # in the registry: the file's name without its extension
    source: str  # relative to the blueprint
    asset: str  # relative to the output root: dist/schemas/<bus>/<name>.json


@dataclass(frozen=True)
class Rule:
    """One EventBridge rule and its single target: a function or a queue."""

    tf: str
    physical: str
    description: Any  # str, or an HCL template naming a function or queue with a plan-time name
    bus: Raw  # event_bus_name expression
    pattern: Raw  # jsonencode(...)
    target_arn: Raw
    input_path: str | None
    message_group_id: str | None  # FIFO queue targets
    dead_letter_arn: Raw | None
    function: object  # FunctionPlan for function targets, else None
    statement_id: str
    queue_ref: str  # the queue the rule sends to (or dead-letters into): its policy admits the rule
    maximum_event_age_in_seconds: int = TARGET_MAX_AGE
    maximum_retry_attempts: int = TARGET_RETRIES
    bus_name: str = "default"  # the logical bus: README and graph; metrics on a custom bus carry EventBusName
    queue: str = ""  # queue targets: the queue
    pattern_doc: Any = None
    event_path: tuple = ()  # function rules: the `eventbridge` event it comes from
    dead_letter_ref: str | None = None  # a queue target's own DLQ, whose policy admits the rule too
    where: tuple = ()  # the `eventbridge` event or `subscribe` entry in the blueprint
    derived: tuple = ()  # what its address derives from (plan.evolution.derive)


@dataclass(frozen=True)
class BusPart:
    buses: tuple[BusPlan, ...] = ()
    rules: tuple[Rule, ...] = ()
    default_bus: bool = False  # local.default_bus_arn is referenced
    dead_letter_queues: tuple[RuleDeadLetterQueue, ...] = ()
    existing: tuple[ExistingPlan, ...] = ()  # buses another stack owns: referenced, never created

    def assets(self) -> list[tuple[str, str]]:
        """Schema files the Terraform reads as they are (generator/package/stage.py copies them)."""
        return [(s.asset, s.source) for b in self.buses for s in b.schemas]

    def physicals(self) -> dict[tuple[str, str], str]:
        out = {("aws_cloudwatch_event_bus", b.tf): b.physical for b in self.buses}
        out.update({("aws_sqs_queue", q.tf): q.physical for q in self.dead_letter_queues})
        return out

    def queue_sources(self) -> list[tuple[str, str, Raw]]:
        sources = [(r.queue_ref, EVENTS, Raw(f"aws_cloudwatch_event_rule.{r.tf}.arn")) for r in self.rules]
        sources += [
            (r.dead_letter_ref, EVENTS, Raw(f"aws_cloudwatch_event_rule.{r.tf}.arn")) for r in self.rules if r.dead_letter_ref
        ]
        return sources

    def dead_letters(self) -> list[FailureQueue]:
        return [FailureQueue(q.tf, q.physical, f"events the rules could not deliver into {q.queue}", where=("queues", q.queue))
                for q in self.dead_letter_queues]

    def delivery_metrics(self) -> list[DeliveryMetric]:
        """Per rule: events whose target could not be invoked after the retries, and events that could
        not even be written to the rule's dead-letter queue. Metrics of a custom bus's rules carry
        EventBusName and RuleName, of the default bus's RuleName only (AWS/Events)."""
        out = []
        for r in self.rules:
            dims = (("RuleName", Raw(f"aws_cloudwatch_event_rule.{r.tf}.name")),)
            if r.bus_name != "default":
                dims = (("EventBusName", r.bus),) + dims
            out += [
                DeliveryMetric(
                    f"rule_{r.tf}_failed_invocations", f"{r.physical}-failed-invocations",
                    f"rule {r.physical}: events its target could not take after the retries",
                    "AWS/Events", "FailedInvocations", dims, r.where,
                    (f"aws_cloudwatch_event_rule.{r.tf}", "rule_", "_failed_invocations"),
                ),
                DeliveryMetric(
                    f"rule_{r.tf}_dlq_failures", f"{r.physical}-dlq-failures",
                    f"rule {r.physical}: undelivered events that could not be written to its dead-letter queue (lost)",
                    "AWS/Events", "InvocationsFailedToBeSentToDlq", dims, r.where,
                    (f"aws_cloudwatch_event_rule.{r.tf}", "rule_", "_dlq_failures"),
                ),
            ]
        return out

    def exports(self) -> list[Export]:
        return [Export("bus", b.name, attr, Raw(f"aws_cloudwatch_event_bus.{b.tf}.{attr}"))
                for b in self.buses for attr in ("name", "arn")]

    def named(self) -> list[Named]:
        out = [
            derive("aws_cloudwatch_event_bus", (("bus", b.name),), b.physical, ("buses", b.name), owner=("bus", b.name),
                   primary=True, retain=b.retain, adopt=Adopt(b.physical) if b.adopt else None)
            for b in self.buses
        ]
        # named after their bus: a rename moves them with it
        out += [follow(f"aws_cloudwatch_event_bus.{b.tf}", "aws_schemas_discoverer", where=("buses", b.name, "schemas"),
                       owner=("bus", b.name)) for b in self.buses if b.discover]
        out += [follow(f"aws_cloudwatch_event_bus.{b.tf}", "aws_schemas_registry", physical=b.registry,
                       where=("buses", b.name, "schemas"), owner=("bus", b.name)) for b in self.buses if b.registry]
        out += [Named(f"aws_schemas_schema.{s.tf}", s.name, ("buses", b.name, "schemas", "files", i), b.registry)
                for b in self.buses for i, s in enumerate(b.schemas)]
        out += [derive("aws_sqs_queue", (("queue", q.queue), "events_dlq"), q.physical, ("queues", q.queue),
                       owner=("queue", q.queue)) for q in self.dead_letter_queues]
        buses = {str(bus_ref(b.name)[0]): b.physical for b in self.buses}
        for r in self.rules:
            owner = next(d for d in r.derived if isinstance(d, tuple))  # the function or queue it delivers to
            rule = derive("aws_cloudwatch_event_rule", r.derived, r.physical, r.where,  # unique on its bus
                          scope=buses.get(str(r.bus), str(r.bus)), owner=owner)
            out += [rule, derive("aws_cloudwatch_event_target", r.derived, None, r.where, owner=owner)]
            if r.function:
                out.append(follow(rule.address, "aws_lambda_permission", prefix="events_", physical=r.statement_id,
                                  where=r.where, scope=r.function.physical, owner=owner))
        return out

    def terraform_files(self) -> list[tuple[str, str]]:
        return [("events.tf", "events.tf.j2")] if self.buses or self.rules or self.default_bus or self.dead_letter_queues else []

    def graph(self, plan) -> tuple[list[Node], list[Edge]]:
        nodes = [Node(node_id("bus", b.name), "event bus", "Event buses", b.name, shape="hexagon") for b in self.buses]
        nodes += existing_nodes("bus", "event bus", "Event buses", self.existing, shape="hexagon")
        if self.default_bus:
            nodes.append(Node(node_id("bus", "default"), "event bus", "Event buses", "default", "the account's bus", shape="hexagon"))
        edges = []
        for r in self.rules:
            rid = node_id("rule", r.tf)
            nodes.append(Node(rid, "rule", "Rules", r.physical[len(plan.prefix) + 1:], clip(compact_json(r.pattern_doc)), rank=1,
                              facts=(("pattern", compact_json(r.pattern_doc)),)))
            edges.append(Edge(node_id("bus", r.bus_name), rid, "matches"))
            if r.function:
                edges.append(Edge(rid, node_id("function", r.function.name), "async invoke"))
            else:
                edges.append(Edge(rid, node_id("queue", r.queue), "deliver"))
        return nodes, edges

    def invocations(self, plan) -> list[Trigger]:
        out = []
        for r in self.rules:
            if not r.function:
                continue
            settings = f"bus {r.bus_name}; pattern {compact_json(r.pattern_doc)}"
            if r.input_path:
                settings += f"; input path {r.input_path}"
            failure = (f"EventBridge retries delivery {r.maximum_retry_attempts} times within "
                       f"{duration(r.maximum_event_age_in_seconds)}, then sends the event to {r.function.failures_physical}; "
                       f"{async_failure(r.function)}")
            out.append(Trigger(r.function.name, "eventbridge", f"rule {r.physical[len(plan.prefix) + 1:]}", settings, failure, r.event_path))
        return out


def rule_names(names: Names, owner: str, bus: str, ordinal: int, queue: bool = False) -> tuple[str, str]:
    """(terraform id, physical name) of the `ordinal`-th rule (1-based) of a function or queue on a bus.

    Counting per (owner, bus) keeps an address stable when rules on other buses come and go.
    """
    n = "" if ordinal == 1 else str(ordinal)
    if queue:
        return tf_id("queue", owner, bus, n), names.physical(owner, f"-{bus}-sqs" + (f"-{n}" if n else ""))
    return tf_id(owner, bus, n), names.physical(owner, f"-{bus}" + (f"-{n}" if n else ""))


def bus_name(names: Names, name: str, bus) -> str:
    """The bus's physical name as a template (`name:` with placeholders, else {service}-{stage}-<name>;
    an existing bus's as referenced, the longest possible when read from SSM)."""
    if bus is not None and bus.existing is not None:
        return name_template(names, bus.existing, EXISTING) or "x" * BUS_NAME_MAX
    return names.template(bus.name) if bus is not None and bus.name else names.physical(name)


DEFAULT_BUS_ARN_TEMPLATE = Raw('"arn:${local.partition}:events:${local.region}:${local.account_id}:event-bus/default"')


def attributes(bp, names: Names, name: str) -> dict[str, Raw]:
    """What `${bus:<name>.<attr>}` may read (generator/plan/refs.py); `default` is the account's bus."""
    if name == "default":
        return {"name": Raw('"default"'), "arn": DEFAULT_BUS_ARN_TEMPLATE}
    b = bp.buses.get(name)
    if b is not None and b.existing is not None:
        ref = reference(names, b.existing, EXISTING)
        return {"name": quoted(ref.name), "arn": quoted(ref.arn)}
    ref = f"aws_cloudwatch_event_bus.{tf_id(name)}"
    return {"name": Raw(f"{ref}.name"), "arn": Raw(f"{ref}.arn")}
def _ordinal(n: int) -> str:
    return "" if n == 1 else str(n)


def bus_ref(bus: str, bp=None, names: Names | None = None) -> tuple[Raw, Raw]:
    """(event_bus_name, bus ARN) expressions; an existing bus's (`bp` and `names` given) as referenced."""
    if bus == "default":
        return Raw('"default"'), Raw(DEFAULT_BUS_ARN)
    if bp is not None and bus in bp.buses and bp.buses[bus].existing is not None:
        attrs = attributes(bp, names, bus)
        return attrs["name"], attrs["arn"]
    ref = f"aws_cloudwatch_event_bus.{tf_id(bus)}"
    return Raw(f"{ref}.name"), Raw(f"{ref}.arn")


def use(entry, ctx: PlanContext, function: str) -> Access:
    name_expr, arn = bus_ref(entry.bus, ctx.bp, ctx.names)
    b = ctx.bp.buses.get(entry.bus)
    if b is not None and b.existing is not None and b.existing.how != "name":
        name_expr = arn  # PutEvents takes the ARN as EventBusName: the bus may be another account's
    return Access(
        env={f"{env_prefix(entry.bus)}_BUS_NAME": name_expr},
        grants=[(camel("bus", entry.bus, "publish"), g) for g in expand("bus", "publish", arn=str(arn))],
        kms=(("bus", entry.access),),
    )


def _function_rules(ctx: PlanContext) -> list[Rule]:
    rules = []
    for fname in sorted(ctx.bp.functions):
        fn = ctx.functions[fname]
        per_bus: dict[str, int] = {}
        for i, ev in enumerate(ctx.bp.functions[fname].events):
            if not isinstance(ev, EventBridgeEvent):
                continue
            bus = ev.eventbridge.bus
            per_bus[bus] = per_bus.get(bus, 0) + 1
            tf, _ = rule_names(ctx.names, fname, bus, per_bus[bus])
            # AWS names (and the permission's statement id) keep the names the rule was created with
            first_tf, physical = rule_names(ctx.names, ctx.origin("function", fname), ctx.origin("bus", bus), per_bus[bus])
            rules.append(
                Rule(
                    tf=tf,
                    physical=physical,
                    description=concat(f"Routes {bus} bus events to ", fn.physical),
                    bus=bus_ref(bus, ctx.bp, ctx.names)[0],
                    pattern=json_value(ev.eventbridge.pattern),
                    target_arn=Raw(fn.target_arn),
                    input_path=ev.input_path,
                    message_group_id=None,
                    dead_letter_arn=Raw(fn.failures_arn),
                    function=fn,
                    statement_id=f"AllowEvents{camel(first_tf)}",
                    queue_ref=f"aws_sqs_queue.{failures_tf(fn.tf)}",
                    bus_name=bus,
                    pattern_doc=ev.eventbridge.pattern,
                    event_path=("functions", fname, "events", i),
                    where=("functions", fname, "events", i),
                    derived=(("function", fname), ("bus", bus), _ordinal(per_bus[bus])),
                )
            )
    return rules


def _queue_rules(ctx: PlanContext) -> list[Rule]:
    rules = []
    for qname in sorted(ctx.bp.queues):
        q = ctx.bp.queues[qname]
        qref = f"aws_sqs_queue.{tf_id(qname)}"
        per_bus: dict[str, int] = {}
        for j, entry in enumerate(q.subscribe):
            spec = getattr(entry, "eventbridge", None)
            if spec is None:
                continue
            per_bus[spec.bus] = per_bus.get(spec.bus, 0) + 1
            dlq_ref = f"aws_sqs_queue.{rule_dlq_names(ctx.names, qname)[0]}"
            tf, _ = rule_names(ctx.names, qname, spec.bus, per_bus[spec.bus], queue=True)
            _, physical = rule_names(
                ctx.names, ctx.origin("queue", qname), ctx.origin("bus", spec.bus), per_bus[spec.bus], queue=True
            )
            rules.append(
                Rule(
                    tf=tf,
                    physical=physical,
                    description=concat(f"Routes {spec.bus} bus events into ",
                                       hcl_value(queue_name(ctx.names, ctx.origin("queue", qname), q))),
                    bus=bus_ref(spec.bus, ctx.bp, ctx.names)[0],
                    pattern=json_value(spec.pattern),
                    target_arn=Raw(f"{qref}.arn"),
                    input_path=None,
                    message_group_id=physical if q.fifo else None,
                    dead_letter_arn=Raw(f"{dlq_ref}.arn"),
                    function=None,
                    statement_id="",
                    queue_ref=qref,
                    bus_name=spec.bus,
                    queue=qname,
                    pattern_doc=spec.pattern,
                    dead_letter_ref=dlq_ref,
                    where=("queues", qname, "subscribe", j),
                    derived=("queue", ("queue", qname), ("bus", spec.bus), _ordinal(per_bus[spec.bus])),
                )
            )
    return rules


def _schemas(bus: str, b) -> tuple[SchemaPlan, ...]:
    from generator.families.bus.schemas import schema_name

    files = (b.schemas.files if b.schemas else None) or []
    return tuple(SchemaPlan(tf_id(bus, schema_name(rel)), schema_name(rel), rel,
                            f"dist/schemas/{bus}/{schema_name(rel)}.json") for rel in files)


def plan(ctx: PlanContext) -> BusPart | None:
    buses = tuple(
        BusPlan(
            name=n,
            tf=tf_id(n),
            physical=hcl_value(bus_name(ctx.names, ctx.origin("bus", n), b)),
            description=b.description or "",
            tags=tuple(sorted(b.tags.items())),
            discover=bool(b.schemas and b.schemas.discover),
            retain=b.retain,
            adopt=b.adopt,
            registry=ctx.names.physical(n) if b.schemas and b.schemas.files else None,
            schemas=_schemas(n, b),
        )
        for n, b in sorted(ctx.bp.buses.items())
        if b.existing is None
    )
    rules = _function_rules(ctx) + _queue_rules(ctx)
    # A rule on the default bus, or `uses: {bus: default}` (events:PutEvents on local.default_bus_arn).
    default_bus = any(str(r.bus) == '"default"' for r in rules) or any(
        str(res) == DEFAULT_BUS_ARN for fn in ctx.functions.values() for st in fn.statements for res in st.resources
    )
    existing = existing_plans(ctx, "buses", EXISTING)
    if not (buses or rules or default_bus or existing):
        return None
    targets = sorted({q for q in ctx.bp.queues if any(getattr(s, "eventbridge", None) for s in ctx.bp.queues[q].subscribe)})
    dlqs = tuple(RuleDeadLetterQueue(tf_id(q, "events_dlq"), rule_dlq_names(ctx.names, ctx.origin("queue", q))[1], queue=q,
                                     kms_key_arn=ctx.kms) for q in targets)
    return BusPart(buses, tuple(sorted(rules, key=lambda r: r.tf)), default_bus, dlqs, existing)
