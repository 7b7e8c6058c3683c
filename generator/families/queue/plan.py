"""Plan SQS queues (dead-letter queues, derived visibility timeouts), `queue` events (an event source
mapping with partial batch responses) and uses, and each queue's one policy for what fans into it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.emit.hcl import Raw
from generator.families.function.settings import resolved
from generator.families.queue.model import QueueEvent
from generator.plan.access import expand
from generator.plan.context import Access, PlanContext
from generator.plan.evolution import Adopt, derive, follow
from generator.plan.existing import ExistingPlan, Shape, existing_nodes, existing_plans, name_template, quoted, reference
from generator.plan.model import Export, FailureQueue, Named
from generator.plan.naming import Names, camel, env_prefix, tf_id
from generator.plan.placeholders import concat, hcl_value, shown, without_prefix
from generator.plan.views import Edge, Node, Trigger, duration, node_id

SQS_DEFAULT_VISIBILITY = 30
# An event source mapping's scaling_config.maximum_concurrency: 2-1000 (Lambda ScalingConfig).
MAPPING_CONCURRENCY_MIN, MAPPING_CONCURRENCY_MAX = 2, 1000
# How a queue's ARN holds its name (`existing:`, generator/plan/existing.py).
EXISTING = Shape("sqs")
QUEUE_NAME_MAX = 80

# Resource types that hold data (generator/evolution/summary.py marks their destroys).
STATEFUL_TYPES = ("aws_sqs_queue",)


@dataclass(frozen=True)
class QueueTrigger:
    tf: str
    queue_tf: str
    batch_size: int
    batch_window: int
    max_concurrency: int | None
    fifo: bool
    where: tuple = ()  # the `queue` event in the blueprint
    queue: str = ""  # the logical queue
    queue_arn: Any = None  # HCL expression of its ARN (an existing queue's as referenced)
    function: str = ""  # logical names the mapping's address derives from

    def named(self, where: tuple) -> list[Named]:
        """The mapping's entry: the function lists it (it owns the mapping), `where` is the function."""
        o = ("function", self.function)
        return [derive("aws_lambda_event_source_mapping", (o, ("queue", self.queue)), None, self.where or where, owner=o)]


@dataclass(frozen=True)
class QueuePlan:
    name: str
    tf: str
    physical: Any  # str, or an HCL template when `name:` holds {region}/{account}
    fifo: bool
    content_based_deduplication: bool
    visibility_timeout: int
    retention_seconds: int
    delay_seconds: int
    dlq_tf: str | None
    dlq_physical: Any  # str | HCL template | None
    dlq_retention_seconds: int
    max_receives: int
    kms_key_arn: Any = None  # HCL expression, or None for SSE-SQS
    consumers: tuple[str, ...] = ()  # functions with a `queue` event on it
    tags: tuple[tuple[str, str], ...] = ()
    retain: bool = False
    adopt: bool = False


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
    where: tuple = ()  # the queue (or the function whose failure queue it is) in the blueprint
    owner: tuple[str, str] | None = None  # ("queue", name) when it is a blueprint queue's policy


@dataclass(frozen=True)
class QueuePart:
    queues: tuple[QueuePlan, ...] = ()
    triggers: bool = False  # some function has a queue event (triggers.tf)
    policies: tuple[QueuePolicy, ...] = ()
    existing: tuple[ExistingPlan, ...] = ()  # queues another stack owns: referenced, never created

    def dead_letters(self) -> list[FailureQueue]:
        return [
            FailureQueue(q.dlq_tf, q.dlq_physical, f"dead-letter queue of {q.name}", q.consumers,
                         where=("queues", q.name)) for q in self.queues if q.dlq_tf
        ]

    def exports(self) -> list[Export]:
        return [Export("queue", q.name, attr, Raw(f"aws_sqs_queue.{q.tf}.{attr}"))
                for q in self.queues for attr in ("name", "arn", "url")]

    def named(self) -> list[Named]:
        out = []
        for q in self.queues:
            o = ("queue", q.name)
            out.append(derive("aws_sqs_queue", (o,), q.physical, ("queues", q.name), owner=o, primary=True, stateful=True,
                              retain=q.retain, adopt=Adopt(queue_url(q.physical)) if q.adopt else None))
            if q.dlq_tf:
                out.append(derive("aws_sqs_queue", (o, "dlq"), q.dlq_physical, ("queues", q.name, "dead_letter"), owner=o,
                                  stateful=True))
        out += [follow(p.queue_ref, "aws_sqs_queue_policy", where=p.where, owner=p.owner) for p in self.policies]
        return out  # the event source mappings: FunctionPart.named() (functions own them)

    def physicals(self) -> dict[tuple[str, str], str]:
        out = {("aws_sqs_queue", q.tf): q.physical for q in self.queues}
        out.update({("aws_sqs_queue", q.dlq_tf): q.dlq_physical for q in self.queues if q.dlq_tf})
        return out

    def work_queues(self) -> list[str]:
        """Terraform ids of the queues functions consume (dashboard depth widgets)."""
        return [q.tf for q in self.queues]

    def terraform_files(self) -> list[tuple[str, str]]:
        wanted = (("triggers.tf", self.triggers), ("sqs.tf", self.queues), ("sqs_policies.tf", self.policies))
        return [(f, f + ".j2") for f, present in wanted if present]

    def graph(self, plan) -> tuple[list[Node], list[Edge]]:
        nodes, edges = [], []
        for q in self.queues:
            qid = node_id("queue", q.name)
            nodes.append(Node(qid, "queue", "Queues", q.name, "FIFO" if q.fifo else "", shape="queue", facts=queue_facts(q)))
            if q.dlq_tf:
                did = node_id("failures", q.dlq_tf)
                nodes.append(Node(did, "dead-letter queue", "Failure queues", without_prefix(q.dlq_physical, plan.prefix),
                                  shape="queue", rank=4))
                edges.append(Edge(qid, did, f"after {q.max_receives} receives", failure=True))
        nodes += existing_nodes("queue", "queue", "Queues", self.existing, shape="queue")
        for fn, trig, path in self._mappings(plan):
            edges.append(Edge(node_id("queue", trig.queue), node_id("function", fn.name), "poll"))
        return nodes, edges

    def invocations(self, plan) -> list[Trigger]:
        out, by_tf = [], {q.tf: q for q in self.queues}
        for fn, trig, path in self._mappings(plan):
            q = by_tf.get(trig.queue_tf)
            settings = [f"batch {trig.batch_size}", f"window {trig.batch_window} s"]
            if trig.max_concurrency:
                settings.append(f"at most {trig.max_concurrency} concurrent")
            settings.append("reports partial batch failures")
            if q is None:  # existing: its owner sets its visibility timeout and redrive policy
                failure = "a failed message is visible again after the queue's visibility timeout; its owner's redrive policy decides the rest"
            else:
                failure = f"a failed message is visible again after {q.visibility_timeout} s; "
                failure += (f"after {q.max_receives} receives it goes to {shown(q.dlq_physical)}" if q.dlq_tf else
                            f"no dead-letter queue: retried until its {duration(q.retention_seconds)} retention ends")
            out.append(Trigger(fn.name, "queue", f"queue {trig.queue}", "; ".join(settings), failure, path))
        return out

    @staticmethod
    def _mappings(plan) -> list[tuple[Any, QueueTrigger, tuple]]:
        """(function, mapping, path of its `queue` event): a function's mappings are in event order."""
        out = []
        for fn in plan.functions:
            paths = [r.path for r in fn.reasons if r.what == "events" and r.access == "queue"]
            out += [(fn, m, path) for m, path in zip([m for m in fn.mappings if isinstance(m, QueueTrigger)], paths)]
        return out


def queue_facts(q: QueuePlan) -> tuple[tuple[str, str], ...]:
    facts = [("type", "FIFO" if q.fifo else "standard"), ("visibility timeout", f"{q.visibility_timeout} s"),
             ("retention", duration(q.retention_seconds))]
    if q.delay_seconds:
        facts.append(("delay", f"{q.delay_seconds} s"))
    facts.append(("dead-letter queue", f"after {q.max_receives} receives" if q.dlq_tf else "none"))
    return tuple(facts)


FIFO_SUFFIX = ".fifo"


def queue_name(names: Names, name: str, queue) -> str:
    """The queue's physical name as a template: `name:` (placeholders; `.fifo` added to a FIFO
    queue's name when it lacks it) or {service}-{stage}-<name>[.fifo]."""
    if queue is not None and queue.existing is not None:  # as referenced; the longest possible from SSM
        return name_template(names, queue.existing, EXISTING) or "x" * QUEUE_NAME_MAX
    fifo = bool(queue is not None and queue.fifo)
    if queue is not None and queue.name:
        text = names.template(queue.name)
        return text + FIFO_SUFFIX if fifo and not text.endswith(FIFO_SUFFIX) else text
    return names.queue(name, fifo)


def is_fifo(queue) -> bool:
    """A FIFO queue: `fifo: true`, or an existing queue whose name or ARN ends with .fifo (one read
    from SSM is taken as standard: its event's FIFO limits are then AWS's to enforce)."""
    if queue is None:
        return False
    if queue.existing is not None:
        written = queue.existing.name or queue.existing.arn or ""
        return written.endswith(FIFO_SUFFIX)
    return queue.fifo


def dlq_name(names: Names, name: str, queue) -> str:
    """Its dead-letter queue: the queue's name with `-dlq` before any `.fifo`."""
    fifo = bool(queue is not None and queue.fifo)
    base = queue_name(names, name, queue)
    return base.removesuffix(FIFO_SUFFIX) + ("-dlq.fifo" if fifo else "-dlq")


def attributes(bp, names: Names, name: str) -> dict[str, Raw]:
    """What `${queue:<name>.<attr>}` may read (generator/plan/refs.py), and what uses and queue
    events reference: the resource's attributes, or an existing queue's (its URL built from its ARN)."""
    q = bp.queues.get(name)
    if q is not None and q.existing is not None:
        ref = reference(names, q.existing, EXISTING)
        url = concat("https://sqs.", ref.region, ".", Raw("data.aws_partition.current.dns_suffix"), "/", ref.account,
                     "/", ref.name)
        return {"name": quoted(ref.name), "url": quoted(url), "arn": quoted(ref.arn)}
    ref = f"aws_sqs_queue.{tf_id(name)}"
    return {"name": Raw(f"{ref}.name"), "url": Raw(f"{ref}.url"), "arn": Raw(f"{ref}.arn")}


QUEUE_URL_PREFIX = Raw('"https://sqs.${local.region}.${data.aws_partition.current.dns_suffix}/${local.account_id}/"')


def queue_url(physical: Any) -> Raw:
    """The URL of a queue by name (its import ID), in any partition."""
    return concat(QUEUE_URL_PREFIX, physical)


def consumer_timeouts(bp) -> dict[str, tuple[int, int]]:
    """queue name -> (longest consumer timeout, longest batch window)."""
    out: dict[str, tuple[int, int]] = {}
    for fn in bp.functions.values():
        timeout = resolved(fn, bp, "timeout")
        for ev in fn.events:
            if isinstance(ev, QueueEvent):
                t, w = out.get(ev.queue, (0, 0))
                out[ev.queue] = (max(t, timeout), max(w, ev.batch_window or 0))
    return out


def queue_visibility(bp, name: str, timeouts: dict[str, tuple[int, int]] | None = None) -> int:
    """Pass ``timeouts`` (from ``consumer_timeouts``) when asking for many queues: computing it
    walks every function, so asking per queue without it is quadratic in the blueprint's size."""
    q = bp.queues[name]
    if q.visibility_timeout != "auto":
        return q.visibility_timeout
    if timeouts is None:
        timeouts = consumer_timeouts(bp)
    timeout, window = timeouts.get(name, (0, 0))
    return 6 * timeout + window if timeout else SQS_DEFAULT_VISIBILITY


def mapping_concurrency(fn) -> dict[int, int | None]:
    """Event index -> the maximum concurrency of that queue event's mapping (None: Lambda's default).

    A mapping does not see the function's reserved concurrency: it would invoke above it, the extra
    batches are throttled, return to the queue and climb into its DLQ without the function failing.
    So with `concurrency.reserved` R, an event that sets no `max_concurrency` gets what the events
    that set one leave of R, shared equally (at most Lambda's 1000). Below 2 for an event, or written
    values above R, the checks refuse the blueprint (queue/checks.py, SLS315).
    """
    events = [(i, ev) for i, ev in enumerate(fn.events) if isinstance(ev, QueueEvent)]
    out = {i: ev.max_concurrency for i, ev in events}
    reserved = fn.concurrency.reserved if fn.concurrency else None
    unset = [i for i, written in out.items() if written is None]
    if reserved is None or not unset:
        return out
    share = (reserved - sum(w for w in out.values() if w is not None)) // len(unset)
    for i in unset:
        out[i] = min(share, MAPPING_CONCURRENCY_MAX)
    return out


def use(entry, ctx: PlanContext, function: str) -> Access:
    attrs = attributes(ctx.bp, ctx.names, entry.queue)
    return Access(
        env={f"{env_prefix(entry.queue)}_QUEUE_URL": attrs["url"]},
        grants=[(camel("queue", entry.queue, entry.access), g) for g in expand("queue", entry.access, arn=attrs["arn"])],
        kms=_kms(ctx, entry.queue, ("queue", entry.access)),
    )


def _kms(ctx: PlanContext, queue: str, need: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    """The blueprint's kms_key encrypts the queues it creates, never an existing one."""
    q = ctx.bp.queues.get(queue)
    return () if q is not None and q.existing is not None else (need,)


def event(ev, ctx: PlanContext, function: str) -> Access:
    qtf = tf_id(ev.queue)
    fn = ctx.bp.functions[function]
    index = next(i for i, e in enumerate(fn.events) if e is ev)
    trigger = QueueTrigger(
        tf=tf_id(function, ev.queue),
        queue_tf=qtf,
        batch_size=ev.batch_size or 10,
        batch_window=ev.batch_window or 0,
        max_concurrency=mapping_concurrency(fn)[index],
        fifo=is_fifo(ctx.bp.queues[ev.queue]),
        where=ctx.event_where(function, ev),
        queue=ev.queue,
        queue_arn=attributes(ctx.bp, ctx.names, ev.queue)["arn"],
        function=function,
    )
    grants = [(camel("queue", ev.queue, "consume"), g) for g in expand("queue", "consume", arn=trigger.queue_arn)]
    return Access(grants=grants, kms=_kms(ctx, ev.queue, ("queue", "consume")), mapping=trigger)


def plan(ctx: PlanContext) -> QueuePart | None:
    bp, names = ctx.bp, ctx.names
    plans = []
    timeouts = consumer_timeouts(bp)
    consumers: dict[str, list[str]] = {}
    for fname in sorted(bp.functions):
        for ev in bp.functions[fname].events:
            if isinstance(ev, QueueEvent) and fname not in consumers.setdefault(ev.queue, []):
                consumers[ev.queue].append(fname)
    for name in sorted(bp.queues):
        q = bp.queues[name]
        if q.existing is not None:
            continue
        dlq = q.dead_letter
        plans.append(
            QueuePlan(
                name=name,
                tf=tf_id(name),
                physical=hcl_value(queue_name(names, ctx.origin("queue", name), q)),
                fifo=q.fifo,
                content_based_deduplication=bool(q.content_based_deduplication) and q.fifo,
                visibility_timeout=queue_visibility(bp, name, timeouts),
                retention_seconds=q.retention_days * 86400,
                delay_seconds=q.delay_seconds,
                dlq_tf=tf_id(name, "dlq") if dlq else None,
                dlq_physical=hcl_value(dlq_name(names, ctx.origin("queue", name), q)) if dlq else None,
                dlq_retention_seconds=(dlq.retention_days * 86400) if dlq else 0,
                max_receives=dlq.max_receives if dlq else 0,
                kms_key_arn=ctx.kms,
                consumers=tuple(consumers.get(name, ())),
                tags=tuple(sorted(q.tags.items())),
                retain=q.retain,
                adopt=q.adopt,
            )
        )
    triggers = any(fn.mappings for fn in ctx.functions.values())
    existing = existing_plans(ctx, "queues", EXISTING)
    return QueuePart(tuple(plans), triggers, existing=existing) if plans or triggers or existing else None


def finish(ctx: PlanContext, stage) -> QueuePart | None:
    """Once every family is planned: one policy per queue admitting exactly the topics and rules that
    send to it (parts offer them as `queue_sources()`: (queue ref, service principal, source ARN))."""
    part = ctx.parts.get("queue")
    owned = {f"aws_sqs_queue.{q.tf}": ("queue", q.name) for q in (part.queues if part else ())}
    sources: dict[str, dict[str, list[Raw]]] = {}
    for other in ctx.parts.values():
        for queue_ref, service, arn in other.queue_sources() if hasattr(other, "queue_sources") else ():
            arns = sources.setdefault(queue_ref, {}).setdefault(service, [])
            if arn not in arns:
                arns.append(arn)
    owners = {f"aws_sqs_queue.{tf_id(name)}": ("queues", name) for name in ctx.bp.queues}
    owners.update({f"aws_sqs_queue.{q.tf}": q.where for other in ctx.parts.values() if hasattr(other, "dead_letters")
                   for q in other.dead_letters()})
    policies = tuple(
        QueuePolicy(
            tf=qref.split(".", 1)[1],
            queue_ref=qref,
            where=owners.get(qref, ()),
            sources=tuple(
                PolicySource(
                    sid="FromSns" if service.startswith("sns") else "FromEventBridge",
                    service=service,
                    source_arns=tuple(sorted(by_service[service])),
                )
                for service in sorted(by_service)
            ),
            owner=owned.get(qref),
        )
        for qref, by_service in sorted(sources.items())
    )
    if not policies:
        return part
    return QueuePart(*(part.queues, part.triggers) if part else (), policies=policies,
                     existing=part.existing if part else ())
