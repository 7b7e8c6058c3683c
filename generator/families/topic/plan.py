"""Plan SNS topics, the `topic` use, and subscriptions: `topic` events of functions (with the
function's on-failure queue as redrive) and `subscribe: [{topic: ...}]` entries of queues."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.emit.hcl import Raw, hcl
from generator.families.function.plan import async_failure, failures_tf
from generator.families.topic.model import TopicEvent
from generator.plan.access import expand
from generator.plan.context import Access, PlanContext
from generator.plan.evolution import Adopt, derive, follow
from generator.plan.existing import ExistingPlan, Shape, existing_nodes, existing_plans, name_template, quoted, reference
from generator.plan.model import Export, Named
from generator.plan.naming import Names, camel, env_prefix, tf_id
from generator.plan.placeholders import concat, hcl_value
from generator.plan.views import Edge, Node, Trigger, compact_json, node_id

ASYNC = True  # SNS invokes Lambda asynchronously
SNS_MANAGED_KEY = "alias/aws/sns"
SNS = "sns.amazonaws.com"
# How a topic's ARN holds its name (`existing:`, generator/plan/existing.py).
EXISTING = Shape("sns")
TOPIC_NAME_MAX = 256


@dataclass(frozen=True)
class TopicPlan:
    name: str
    tf: str
    physical: Any  # str, or an HCL template when `name:` holds {region}/{account}
    fifo: bool
    content_based_deduplication: bool
    kms_master_key_id: Any  # alias/aws/sns, or the blueprint's kms_key (an HCL expression)
    tags: tuple[tuple[str, str], ...] = ()
    retain: bool = False
    adopt: bool = False


@dataclass(frozen=True)
class Subscription:
    """One SNS subscription: a function (protocol lambda) or a queue (protocol sqs)."""

    tf: str
    topic_tf: str
    protocol: str  # lambda | sqs
    endpoint: Raw
    filter_policy: Raw | None  # jsonencode(...) of the blueprint's filter
    raw_message_delivery: bool
    redrive_arn: Raw | None  # SNS delivery failures (lambda endpoints: the function's failures queue)
    function: Any  # FunctionPlan for lambda subscriptions (the invoke permission), else None
    statement_id: str
    queue_ref: str  # the queue SNS delivers to (or redrives into): its policy admits the topic
    topic: str = ""  # logical names, for the README and `sls-gen graph`
    queue: str = ""  # sqs subscriptions: the subscribed queue
    filter: Any = None  # the filter policy as written
    event_path: tuple = ()  # lambda subscriptions: the `topic` event it comes from
    where: tuple = ()  # the `topic` event or `subscribe` entry in the blueprint
    topic_arn: Any = None  # HCL expression of the topic's ARN (an existing topic's as referenced)
    derived: tuple = ()  # what its address derives from (plan.evolution.derive)


@dataclass(frozen=True)
class TopicPart:
    topics: tuple[TopicPlan, ...] = ()
    subscriptions: tuple[Subscription, ...] = ()
    existing: tuple[ExistingPlan, ...] = ()  # topics another stack owns: referenced, never created

    def physicals(self) -> dict[tuple[str, str], str]:
        return {("aws_sns_topic", t.tf): t.physical for t in self.topics}

    def queue_sources(self) -> list[tuple[str, str, Raw]]:
        return [(s.queue_ref, SNS, Raw(s.topic_arn)) for s in self.subscriptions]

    def exports(self) -> list[Export]:
        return [Export("topic", t.name, attr, Raw(f"aws_sns_topic.{t.tf}.{attr}")) for t in self.topics for attr in ("name", "arn")]

    def named(self) -> list[Named]:
        out = [
            derive("aws_sns_topic", (("topic", t.name),), t.physical, ("topics", t.name), owner=("topic", t.name),
                   primary=True, retain=t.retain, adopt=Adopt(topic_arn(t.physical)) if t.adopt else None)
            for t in self.topics
        ]
        for s in self.subscriptions:
            owner = next(d for d in s.derived if isinstance(d, tuple))  # the subscriber: function or queue
            sub = derive("aws_sns_topic_subscription", s.derived, None, s.where, owner=owner)
            out.append(sub)
            if s.function:  # the statement id is unique within the function's resource policy
                out.append(follow(sub.address, "aws_lambda_permission", prefix="sns_", physical=s.statement_id,
                                  where=s.where, scope=s.function.physical, owner=owner))
        return out

    def terraform_files(self) -> list[tuple[str, str]]:
        return [("sns.tf", "sns.tf.j2")] if self.topics or self.subscriptions else []

    def graph(self, plan) -> tuple[list[Node], list[Edge]]:
        nodes = [
            Node(node_id("topic", t.name), "topic", "Topics", t.name, "FIFO" if t.fifo else "", shape="hexagon",
                 facts=(("type", "FIFO" if t.fifo else "standard"),))
            for t in self.topics
        ] + existing_nodes("topic", "topic", "Topics", self.existing, shape="hexagon")
        edges = [
            Edge(node_id("topic", s.topic), node_id("function", s.function.name) if s.function else node_id("queue", s.queue),
                 "async invoke" if s.function else "deliver")
            for s in self.subscriptions
        ]
        return nodes, edges

    def invocations(self, plan) -> list[Trigger]:
        return [
            Trigger(s.function.name, "topic", f"topic {s.topic}",
                    f"filter {compact_json(s.filter)}" if s.filter else "every message",
                    f"SNS redrives undeliverable messages to {s.function.failures_physical}; {async_failure(s.function)}", s.event_path)
            for s in self.subscriptions if s.function
        ]


def topic_name(names: Names, name: str, topic) -> str:
    """The topic's physical name as a template: `name:` (placeholders; `.fifo` added to a FIFO
    topic's name when it lacks it) or {service}-{stage}-<name>[.fifo]."""
    if topic is not None and topic.existing is not None:  # as referenced; the longest possible from SSM
        return name_template(names, topic.existing, EXISTING) or "x" * TOPIC_NAME_MAX
    fifo = bool(topic is not None and topic.fifo)
    if topic is not None and topic.name:
        text = names.template(topic.name)
        return text + ".fifo" if fifo and not text.endswith(".fifo") else text
    return names.physical(name, ".fifo" if fifo else "")


def attributes(bp, names: Names, name: str) -> dict[str, Raw]:
    """What `${topic:<name>.<attr>}` may read (generator/plan/refs.py), and what uses, topic events
    and subscriptions reference: the resource's attributes, or an existing topic's name and ARN."""
    t = bp.topics.get(name)
    if t is not None and t.existing is not None:
        ref = reference(names, t.existing, EXISTING)
        return {"name": quoted(ref.name), "arn": quoted(ref.arn)}
    ref = f"aws_sns_topic.{tf_id(name)}"
    return {"name": Raw(f"{ref}.name"), "arn": Raw(f"{ref}.arn")}


TOPIC_ARN_PREFIX = Raw('"arn:${local.partition}:sns:${local.region}:${local.account_id}:"')


def topic_arn(physical: Any) -> Raw:
    """A topic's ARN by name (its import ID)."""
    return concat(TOPIC_ARN_PREFIX, physical)


def json_value(value: Any) -> Raw:
    return Raw(f"jsonencode({hcl(value)})")


def use(entry, ctx: PlanContext, function: str) -> Access:
    arn = attributes(ctx.bp, ctx.names, entry.topic)["arn"]
    topic = ctx.bp.topics.get(entry.topic)
    return Access(
        env={f"{env_prefix(entry.topic)}_TOPIC_ARN": arn},
        grants=[(camel("topic", entry.topic, "publish"), g) for g in expand("topic", "publish", arn=arn)],
        # the blueprint's kms_key encrypts the topics it creates, never an existing one
        kms=() if topic is not None and topic.existing is not None else (("topic", entry.access),),
    )


def plan(ctx: PlanContext) -> TopicPart | None:
    bp = ctx.bp
    topics = tuple(
        TopicPlan(
            name=name,
            tf=tf_id(name),
            physical=hcl_value(topic_name(ctx.names, ctx.origin("topic", name), t)),
            fifo=t.fifo,
            content_based_deduplication=bool(t.content_based_deduplication) and t.fifo,
            kms_master_key_id=ctx.kms or SNS_MANAGED_KEY,
            tags=tuple(sorted(t.tags.items())),
            retain=t.retain,
            adopt=t.adopt,
        )
        for name, t in sorted(bp.topics.items())
        if t.existing is None
    )
    subs = []
    for fname in sorted(bp.functions):
        fn = ctx.functions[fname]
        for i, ev in enumerate(bp.functions[fname].events):
            if isinstance(ev, TopicEvent):
                subs.append(
                    Subscription(
                        tf=tf_id(fname, ev.topic),
                        topic_tf=tf_id(ev.topic),
                        protocol="lambda",
                        endpoint=Raw(fn.target_arn),
                        filter_policy=json_value(ev.filter) if ev.filter else None,
                        raw_message_delivery=False,
                        redrive_arn=Raw(fn.failures_arn),
                        function=fn,
                        statement_id=f"AllowSns{camel(ctx.origin('topic', ev.topic))}",
                        queue_ref=f"aws_sqs_queue.{failures_tf(fn.tf)}",
                        topic=ev.topic,
                        filter=ev.filter,
                        event_path=("functions", fname, "events", i),
                        where=("functions", fname, "events", i),
                        topic_arn=attributes(bp, ctx.names, ev.topic)["arn"],
                        derived=(("function", fname), ("topic", ev.topic)),
                    )
                )
    for qname in sorted(bp.queues):
        qref = f"aws_sqs_queue.{tf_id(qname)}"
        for j, entry in enumerate(bp.queues[qname].subscribe):
            topic = getattr(entry, "topic", None)
            if topic is not None:
                subs.append(
                    Subscription(
                        tf=tf_id("queue", qname, topic),
                        topic_tf=tf_id(topic),
                        protocol="sqs",
                        endpoint=Raw(f"{qref}.arn"),
                        filter_policy=json_value(entry.filter) if entry.filter else None,
                        raw_message_delivery=entry.raw,
                        redrive_arn=None,
                        function=None,
                        statement_id="",
                        queue_ref=qref,
                        topic=topic,
                        queue=qname,
                        filter=entry.filter,
                        where=("queues", qname, "subscribe", j),
                        topic_arn=attributes(bp, ctx.names, topic)["arn"],
                        derived=("queue", ("queue", qname), ("topic", topic)),
                    )
                )
    existing = existing_plans(ctx, "topics", EXISTING)
    if not topics and not subs and not existing:
        return None
    return TopicPart(topics, tuple(sorted(subs, key=lambda s: s.tf)), existing)
