"""Plan EventBridge Scheduler schedules (`schedule` events) and the role each scheduled function's
schedules assume: invoke the function, dead-letter into its on-failure queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.emit.hcl import Raw
from generator.families.bus.plan import TARGET_MAX_AGE, TARGET_RETRIES
from generator.families.function.plan import async_failure
from generator.families.schedule.model import ScheduleEvent
from generator.families.topic.plan import json_value
from generator.plan.access import KMS_ACCESS, expand
from generator.plan.context import PlanContext
from generator.plan.evolution import derive
from generator.plan.iam import merge_statements
from generator.plan.model import Named, Statement
from generator.plan.naming import Names, tf_id
from generator.plan.placeholders import concat, hcl_value, without_prefix
from generator.plan.security import KMS_ARN, schedule_skips
from generator.plan.views import Edge, Node, Trigger, compact_json, duration, node_id

ASYNC = True  # Scheduler invokes Lambda asynchronously


@dataclass(frozen=True)
class Schedule:
    tf: str
    physical: Any  # str, or an HCL template when `name:` holds {region}/{account}
    description: Any  # str, or an HCL template naming a function with a plan-time name
    expression: str
    timezone: str | None
    input: Raw | None
    function: Any  # FunctionPlan
    role_tf: str
    maximum_event_age_in_seconds: int = TARGET_MAX_AGE
    maximum_retry_attempts: int = TARGET_RETRIES
    kms_key_arn: Any = None  # HCL expression, or None for the AWS owned key
    skips: tuple[tuple[str, str], ...] = ()  # checkov (check id, reason): plan/security.py
    input_doc: Any = None  # the input as written, for the README
    event_path: tuple = ()  # the `schedule` event it comes from
    ordinal: str = ""  # "" for a function's first schedule, "2", "3", ... (its address derives from it)


@dataclass(frozen=True)
class SchedulerRole:
    tf: str
    name: str
    function: Any  # FunctionPlan
    statements: tuple[Statement, ...]
    where: tuple = ()  # the function's first `schedule` event


@dataclass(frozen=True)
class SchedulePart:
    schedules: tuple[Schedule, ...] = ()
    scheduler_roles: tuple[SchedulerRole, ...] = ()

    def physicals(self) -> dict[tuple[str, str], str]:
        return {("aws_iam_role", r.tf): r.name for r in self.scheduler_roles}

    def named(self) -> list[Named]:
        out = []
        for r in self.scheduler_roles:
            o = ("function", r.function.name)
            out += [derive("aws_iam_role", (o, "scheduler"), r.name, r.where, owner=o),
                    derive("aws_iam_role_policy", (o, "scheduler"), None, r.where, owner=o)]
        # schedules go to Scheduler's default group, where a name is unique
        out += [derive("aws_scheduler_schedule", (("function", s.function.name), "schedule", s.ordinal), s.physical,
                       s.event_path, owner=("function", s.function.name)) for s in self.schedules]
        return out

    def terraform_files(self) -> list[tuple[str, str]]:
        return [("schedules.tf", "schedules.tf.j2")]

    def graph(self, plan) -> tuple[list[Node], list[Edge]]:
        nodes, edges = [], []
        for s in self.schedules:
            sid = node_id("schedule", s.tf)
            nodes.append(Node(sid, "schedule", "Schedules", s.expression, s.timezone or "UTC", shape="stadium", rank=0))
            edges.append(Edge(sid, node_id("function", s.function.name), "async invoke"))
        return nodes, edges

    def invocations(self, plan) -> list[Trigger]:
        out = []
        for s in self.schedules:
            settings = f"{s.expression} ({s.timezone or 'UTC'})"
            if s.input_doc is not None:
                settings += f"; input {compact_json(s.input_doc)}"
            failure = (f"Scheduler retries {s.maximum_retry_attempts} times within {duration(s.maximum_event_age_in_seconds)}, "
                       f"then sends the event to {s.function.failures_physical}; {async_failure(s.function)}")
            out.append(Trigger(s.function.name, "schedule", f"schedule {without_prefix(s.physical, plan.prefix)}", settings, failure, s.event_path))
        return out


def schedule_names(names: Names, function: str, ordinal: int, event=None) -> tuple[str, str]:
    """(terraform id, physical name template) of a function's `ordinal`-th schedule (1-based); the
    event's `name:` (placeholders apply) names it in AWS, the address stays derived."""
    n = "" if ordinal == 1 else str(ordinal)
    tf = tf_id(function, "schedule", n)
    if event is not None and event.name:
        return tf, names.template(event.name)
    return tf, names.physical(function, "-schedule" + (f"-{n}" if n else ""))


def scheduler_role_name(names: Names, function: str) -> str:
    return names.physical(function, "-scheduler")


def scheduler_role(ctx: PlanContext, fn, where: tuple = ()) -> SchedulerRole:
    targets = [fn.arn] + ([fn.target_arn] if fn.target_arn != fn.arn else [])
    grants = [("InvokeFunction", g) for arn in targets for g in expand("function", "invoke", arn=arn)]
    grants += [("DeadLetter", g) for g in expand("dead_letter", "send", arn=fn.failures_arn)]
    if ctx.kms:  # the dead-letter queue is encrypted with the blueprint's key
        grants += [("KmsKey", g) for g in expand("kms_key", KMS_ACCESS[("dead_letter", "send")], arn=KMS_ARN)]
    return SchedulerRole(
        tf=tf_id(fn.name, "scheduler"),
        name=scheduler_role_name(ctx.names, ctx.origin("function", fn.name)),
        function=fn,
        statements=merge_statements(grants),
        where=where,
    )


def plan(ctx: PlanContext) -> SchedulePart | None:
    schedules, roles = [], []
    for fname in sorted(ctx.bp.functions):
        fn = ctx.functions[fname]
        n, first = 0, ()
        for i, ev in enumerate(ctx.bp.functions[fname].events):
            if not isinstance(ev, ScheduleEvent):
                continue
            n += 1
            first = first or ("functions", fname, "events", i)
            tf, _ = schedule_names(ctx.names, fname, n, ev)
            _, physical = schedule_names(ctx.names, ctx.origin("function", fname), n, ev)  # a renamed function keeps it
            schedules.append(
                Schedule(
                    tf=tf,
                    physical=hcl_value(physical),
                    description=concat("Invokes ", fn.physical, f" on {ev.schedule.strip()}"),
                    expression=ev.schedule.strip(),
                    timezone=ev.timezone,
                    input=json_value(ev.input) if ev.input is not None else None,
                    function=fn,
                    role_tf=tf_id(fname, "scheduler"),
                    kms_key_arn=ctx.kms,
                    skips=schedule_skips(kms=bool(ctx.kms)),
                    input_doc=ev.input,
                    event_path=("functions", fname, "events", i),
                    ordinal="" if n == 1 else str(n),
                )
            )
        if n:
            roles.append(scheduler_role(ctx, fn, first))
    if not schedules:
        return None
    return SchedulePart(tuple(sorted(schedules, key=lambda s: s.tf)), tuple(roles))
