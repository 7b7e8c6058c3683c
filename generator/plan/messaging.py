"""Plan the messaging family: SNS topics and subscriptions, EventBridge buses and rules, Scheduler
schedules, queue fan-in policies and the per-function on-failure queue of async-invoked functions.

Called by plan/build.py once the functions are planned; returns one frozen MessagingPlan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.emit.hcl import Raw, hcl
from generator.model.blueprint import Blueprint
from generator.families.bus.model import EventBridgeEvent
from generator.families.schedule.model import ScheduleEvent
from generator.families.topic.model import TopicEvent
from generator.plan.access import KMS_ACCESS, Grant, expand
from generator.plan.model import ASYNC_TRIGGERS, FunctionPlan, Statement, failures_tf
from generator.plan.naming import Names, camel, tf_id
from generator.plan.security import KMS_ARN, schedule_skips

SNS_MANAGED_KEY = "alias/aws/sns"
DEFAULT_BUS_ARN = "local.default_bus_arn"
# Lambda's own retries of an async invocation that returned an error (0-2) and how long an event may
# wait in the async queue (60-21600 s) before it goes to the on-failure queue.
ASYNC_RETRIES = 2
ASYNC_MAX_AGE = 3600
FAILURES_RETENTION = 14 * 86400
# EventBridge and Scheduler retry *delivery* (throttling, a deleted function); bounded, then the DLQ.
TARGET_RETRIES = 10
TARGET_MAX_AGE = 3600


@dataclass(frozen=True)
class TopicPlan:
    name: str
    tf: str
    physical: str
    fifo: bool
    content_based_deduplication: bool
    kms_master_key_id: Any  # alias/aws/sns, or the blueprint's kms_key (an HCL expression)


@dataclass(frozen=True)
class BusPlan:
    name: str
    tf: str
    physical: str
    description: str


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
    function: FunctionPlan | None  # set for lambda subscriptions: the invoke permission
    statement_id: str


@dataclass(frozen=True)
class Rule:
    """One EventBridge rule and its single target: a function or a queue."""

    tf: str
    physical: str
    description: str
    bus: Raw  # event_bus_name expression
    pattern: Raw  # jsonencode(...)
    target_arn: Raw
    input_path: str | None
    message_group_id: str | None  # FIFO queue targets
    dead_letter_arn: Raw | None
    function: FunctionPlan | None
    statement_id: str
    maximum_event_age_in_seconds: int = TARGET_MAX_AGE
    maximum_retry_attempts: int = TARGET_RETRIES


@dataclass(frozen=True)
class Schedule:
    tf: str
    physical: str
    description: str
    expression: str
    timezone: str | None
    input: Raw | None
    function: FunctionPlan
    role_tf: str
    maximum_event_age_in_seconds: int = TARGET_MAX_AGE
    maximum_retry_attempts: int = TARGET_RETRIES
    kms_key_arn: Any = None  # HCL expression, or None for the AWS owned key
    skips: tuple[tuple[str, str], ...] = ()  # checkov (check id, reason): plan/security.py


@dataclass(frozen=True)
class SchedulerRole:
    tf: str
    name: str
    function: FunctionPlan
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class PolicySource:
    sid: str
    service: str  # sns.amazonaws.com | events.amazonaws.com
    source_arns: tuple[Raw, ...]

    @property
    def condition(self) -> dict:
        # aws:SourceArn pins each service principal to exactly the topics / rules that feed the queue.
        return {"ArnEquals": {"aws:SourceArn": list(self.source_arns)}}


@dataclass(frozen=True)
class QueuePolicy:
    """The one aws_sqs_queue_policy of a queue: sqs:SendMessage for exactly these sources."""

    tf: str
    queue_ref: str  # aws_sqs_queue.<tf>
    sources: tuple[PolicySource, ...]


@dataclass(frozen=True)
class FailureQueue:
    """On-failure destination (and DLQ) of one async-invoked function."""

    tf: str
    physical: str
    function: FunctionPlan
    retention_seconds: int
    maximum_retry_attempts: int
    maximum_event_age_in_seconds: int
    kms_key_arn: Any = None  # HCL expression, or None for SSE-SQS


@dataclass(frozen=True)
class MessagingPlan:
    topics: tuple[TopicPlan, ...] = ()
    buses: tuple[BusPlan, ...] = ()
    subscriptions: tuple[Subscription, ...] = ()
    rules: tuple[Rule, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    scheduler_roles: tuple[SchedulerRole, ...] = ()
    queue_policies: tuple[QueuePolicy, ...] = ()
    failure_queues: tuple[FailureQueue, ...] = ()
    default_bus: bool = False  # local.default_bus_arn is referenced

    @property
    def events(self) -> bool:
        return bool(self.buses or self.rules or self.default_bus)


# ---------------------------------------------------------------- names (one place)
def failure_grants(function_tf: str, trigger_kinds) -> list[tuple[str, Grant]]:
    """The function role's grant on its own failures queue (async destination and DLQ)."""
    if not ASYNC_TRIGGERS & set(trigger_kinds):
        return []
    arn = f"aws_sqs_queue.{failures_tf(function_tf)}.arn"
    return [("FailureQueue", g) for g in expand("dead_letter", "send", arn=arn)]


def rule_names(names: Names, owner: str, bus: str, ordinal: int, queue: bool = False) -> tuple[str, str]:
    """(terraform id, physical name) of the `ordinal`-th rule (1-based) of a function or queue on a bus.

    Counting per (owner, bus) keeps an address stable when rules on other buses come and go.
    """
    n = "" if ordinal == 1 else str(ordinal)
    if queue:
        return tf_id("queue", owner, bus, n), names.physical(owner, f"-{bus}-sqs" + (f"-{n}" if n else ""))
    return tf_id(owner, bus, n), names.physical(owner, f"-{bus}" + (f"-{n}" if n else ""))


def schedule_names(names: Names, function: str, ordinal: int) -> tuple[str, str]:
    n = "" if ordinal == 1 else str(ordinal)
    return tf_id(function, "schedule", n), names.physical(function, "-schedule" + (f"-{n}" if n else ""))


def scheduler_role_name(names: Names, function: str) -> str:
    return names.physical(function, "-scheduler")


def failures_name(names: Names, function: str) -> str:
    return names.physical(function, "-failures")


def topic_name(names: Names, topic: str, fifo: bool) -> str:
    return names.physical(topic, ".fifo" if fifo else "")


def _json(value: Any) -> Raw:
    return Raw(f"jsonencode({hcl(value)})")


# ---------------------------------------------------------------- planner
class MessagingPlanner:
    def __init__(self, bp: Blueprint, names: Names, functions: tuple[FunctionPlan, ...]):
        self.bp = bp
        self.names = names
        self.functions = {f.name: f for f in functions}
        self.default_bus = False
        self.sources: dict[str, dict[str, list[Raw]]] = {}  # queue ref -> service -> source ARNs
        self.kms = Raw(KMS_ARN) if bp.kms_key else None

    def bus_ref(self, bus: str) -> tuple[Raw, Raw]:
        """(event_bus_name, bus ARN) expressions."""
        if bus == "default":
            self.default_bus = True
            return Raw('"default"'), Raw(DEFAULT_BUS_ARN)
        ref = f"aws_cloudwatch_event_bus.{tf_id(bus)}"
        return Raw(f"{ref}.name"), Raw(f"{ref}.arn")

    def admit(self, queue_ref: str, service: str, source_arn: Raw) -> None:
        arns = self.sources.setdefault(queue_ref, {}).setdefault(service, [])
        if source_arn not in arns:
            arns.append(source_arn)

    def topics(self) -> tuple[TopicPlan, ...]:
        out = []
        for name in sorted(self.bp.topics):
            t = self.bp.topics[name]
            out.append(
                TopicPlan(
                    name=name,
                    tf=tf_id(name),
                    physical=topic_name(self.names, name, t.fifo),
                    fifo=t.fifo,
                    content_based_deduplication=bool(t.content_based_deduplication) and t.fifo,
                    kms_master_key_id=self.kms or SNS_MANAGED_KEY,
                )
            )
        return tuple(out)

    def buses(self) -> tuple[BusPlan, ...]:
        return tuple(
            BusPlan(name=n, tf=tf_id(n), physical=self.names.physical(n), description=self.bp.buses[n].description or "")
            for n in sorted(self.bp.buses)
        )

    def function_triggers(self, subs: list, rules: list, schedules: list, roles: list) -> None:
        for fname in sorted(self.bp.functions):
            fn = self.functions[fname]
            failures = Raw(fn.failures_arn)
            failures_ref = f"aws_sqs_queue.{failures_tf(fn.tf)}"
            per_bus: dict[str, int] = {}
            n_schedules = 0
            for ev in self.bp.functions[fname].events:
                if isinstance(ev, TopicEvent):
                    topic_arn = Raw(f"aws_sns_topic.{tf_id(ev.topic)}.arn")
                    self.admit(failures_ref, "sns.amazonaws.com", topic_arn)
                    subs.append(
                        Subscription(
                            tf=tf_id(fname, ev.topic),
                            topic_tf=tf_id(ev.topic),
                            protocol="lambda",
                            endpoint=Raw(fn.target_arn),
                            filter_policy=_json(ev.filter) if ev.filter else None,
                            raw_message_delivery=False,
                            redrive_arn=failures,
                            function=fn,
                            statement_id=f"AllowSns{camel(ev.topic)}",
                        )
                    )
                elif isinstance(ev, EventBridgeEvent):
                    bus = ev.eventbridge.bus
                    per_bus[bus] = per_bus.get(bus, 0) + 1
                    tf, physical = rule_names(self.names, fname, bus, per_bus[bus])
                    bus_name, _ = self.bus_ref(bus)
                    self.admit(failures_ref, "events.amazonaws.com", Raw(f"aws_cloudwatch_event_rule.{tf}.arn"))
                    rules.append(
                        Rule(
                            tf=tf,
                            physical=physical,
                            description=f"Routes {bus} bus events to {fn.physical}",
                            bus=bus_name,
                            pattern=_json(ev.eventbridge.pattern),
                            target_arn=Raw(fn.target_arn),
                            input_path=ev.input_path,
                            message_group_id=None,
                            dead_letter_arn=failures,
                            function=fn,
                            statement_id=f"AllowEvents{camel(tf)}",
                        )
                    )
                elif isinstance(ev, ScheduleEvent):
                    n_schedules += 1
                    tf, physical = schedule_names(self.names, fname, n_schedules)
                    schedules.append(
                        Schedule(
                            tf=tf,
                            physical=physical,
                            description=f"Invokes {fn.physical} on {ev.schedule.strip()}",
                            expression=ev.schedule.strip(),
                            timezone=ev.timezone,
                            input=_json(ev.input) if ev.input is not None else None,
                            function=fn,
                            role_tf=tf_id(fname, "scheduler"),
                            kms_key_arn=self.kms,
                            skips=schedule_skips(kms=bool(self.kms)),
                        )
                    )
            if n_schedules:
                roles.append(self.scheduler_role(fn))

    def scheduler_role(self, fn: FunctionPlan) -> SchedulerRole:
        from generator.plan.build import merge_statements

        targets = [fn.arn] + ([fn.target_arn] if fn.target_arn != fn.arn else [])
        grants = [("InvokeFunction", g) for arn in targets for g in expand("function", "invoke", arn=arn)]
        grants += [("DeadLetter", g) for g in expand("dead_letter", "send", arn=fn.failures_arn)]
        if self.kms:  # the dead-letter queue is encrypted with the blueprint's key
            grants += [("KmsKey", g) for g in expand("kms_key", KMS_ACCESS[("dead_letter", "send")], arn=KMS_ARN)]
        return SchedulerRole(
            tf=tf_id(fn.name, "scheduler"),
            name=scheduler_role_name(self.names, fn.name),
            function=fn,
            statements=merge_statements(grants),
        )

    def queue_subscriptions(self, subs: list, rules: list) -> None:
        for qname in sorted(self.bp.queues):
            q = self.bp.queues[qname]
            qtf = tf_id(qname)
            qref = f"aws_sqs_queue.{qtf}"
            per_bus: dict[str, int] = {}
            for entry in q.subscribe:
                topic = getattr(entry, "topic", None)
                if topic is not None:
                    topic_arn = Raw(f"aws_sns_topic.{tf_id(topic)}.arn")
                    self.admit(qref, "sns.amazonaws.com", topic_arn)
                    subs.append(
                        Subscription(
                            tf=tf_id("queue", qname, topic),
                            topic_tf=tf_id(topic),
                            protocol="sqs",
                            endpoint=Raw(f"{qref}.arn"),
                            filter_policy=_json(entry.filter) if entry.filter else None,
                            raw_message_delivery=entry.raw,
                            redrive_arn=None,
                            function=None,
                            statement_id="",
                        )
                    )
                    continue
                spec = entry.eventbridge
                per_bus[spec.bus] = per_bus.get(spec.bus, 0) + 1
                tf, physical = rule_names(self.names, qname, spec.bus, per_bus[spec.bus], queue=True)
                bus_name, _ = self.bus_ref(spec.bus)
                self.admit(qref, "events.amazonaws.com", Raw(f"aws_cloudwatch_event_rule.{tf}.arn"))
                rules.append(
                    Rule(
                        tf=tf,
                        physical=physical,
                        description=f"Routes {spec.bus} bus events into {self.names.queue(qname, q.fifo)}",
                        bus=bus_name,
                        pattern=_json(spec.pattern),
                        target_arn=Raw(f"{qref}.arn"),
                        input_path=None,
                        message_group_id=physical if q.fifo else None,
                        dead_letter_arn=None,
                        function=None,
                        statement_id="",
                    )
                )

    def failure_queues(self) -> tuple[FailureQueue, ...]:
        return tuple(
            FailureQueue(
                tf=failures_tf(fn.tf),
                physical=failures_name(self.names, fn.name),
                function=fn,
                retention_seconds=FAILURES_RETENTION,
                maximum_retry_attempts=ASYNC_RETRIES,
                maximum_event_age_in_seconds=ASYNC_MAX_AGE,
                kms_key_arn=self.kms,
            )
            for fn in sorted(self.functions.values(), key=lambda f: f.name)
            if fn.async_invoked
        )

    def queue_policies(self) -> tuple[QueuePolicy, ...]:
        out = []
        for qref in sorted(self.sources):
            by_service = self.sources[qref]
            sources = tuple(
                PolicySource(
                    sid="FromSns" if service.startswith("sns") else "FromEventBridge",
                    service=service,
                    source_arns=tuple(sorted(by_service[service])),
                )
                for service in sorted(by_service)
            )
            out.append(QueuePolicy(tf=qref.split(".", 1)[1], queue_ref=qref, sources=sources))
        return tuple(out)

    def build(self) -> MessagingPlan:
        subs: list[Subscription] = []
        rules: list[Rule] = []
        schedules: list[Schedule] = []
        roles: list[SchedulerRole] = []
        self.function_triggers(subs, rules, schedules, roles)
        self.queue_subscriptions(subs, rules)
        # `uses: {bus: default}` grants events:PutEvents on local.default_bus_arn (plan/build.py).
        if any(str(r) == DEFAULT_BUS_ARN for fn in self.functions.values() for st in fn.statements for r in st.resources):
            self.default_bus = True
        return MessagingPlan(
            topics=self.topics(),
            buses=self.buses(),
            subscriptions=tuple(sorted(subs, key=lambda s: s.tf)),
            rules=tuple(sorted(rules, key=lambda r: r.tf)),
            schedules=tuple(sorted(schedules, key=lambda s: s.tf)),
            scheduler_roles=tuple(roles),
            queue_policies=self.queue_policies(),
            failure_queues=self.failure_queues(),
            default_bus=self.default_bus,
        )


def build_messaging(bp: Blueprint, names: Names, functions: tuple[FunctionPlan, ...]) -> MessagingPlan:
    return MessagingPlanner(bp, names, functions).build()


__all__ = ["MessagingPlan", "build_messaging", "failure_grants"]
