"""The plan: a resolved, frozen form of one stage, ready for the templates.

Everything a template needs is decided here (physical names, derived settings, IAM grants,
references as HCL expressions). Templates only loop and place. The stage holds the functions and
one part per family (`plan.parts.<family>`), planned by that family (generator/families/*/plan.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Statement:
    sid: str
    actions: tuple[str, ...]
    resources: tuple[Any, ...]  # HCL expressions (Raw)
    effect: str = "Allow"
    conditions: tuple[tuple[str, str, Any], ...] = ()  # (operator, key, HCL value), sorted

    @property
    def condition(self) -> dict[str, dict[str, Any]]:
        """The IAM Condition block: {operator: {key: value}}."""
        out: dict[str, dict[str, Any]] = {}
        for operator, key, value in self.conditions:
            out.setdefault(operator, {})[key] = value
        return out


def condition_triples(conditions, resolve=lambda v: v) -> tuple[tuple[str, str, Any], ...]:
    """A blueprint `conditions:` mapping as Statement/Grant conditions: sorted (operator, key, value)
    triples, each value its plan value (`resolve`: references, placeholders), several as a tuple."""
    if not conditions:
        return ()

    def one(values):
        return tuple(resolve(v) for v in values) if isinstance(values, list) else resolve(values)

    return tuple(sorted(((op, key, one(values)) for op, block in conditions.items() for key, values in block.items()),
                        key=lambda t: (t[0], t[1])))


@dataclass(frozen=True)
class Reason:
    """Why a function holds some grants or environment variables: one `uses`, `events` or `iam`
    entry of the blueprint (`path`), or something sls-gen adds itself (`path` is empty). It is what
    `sls-gen explain` and the stage README show; the role's statements are built from the same grants."""

    what: str  # uses | events | iam | logs | tracing | kms | failures
    path: tuple = ()  # blueprint path of the entry, e.g. ("functions", "get-order", "uses", 0)
    family: str = ""  # the family of the resource it refers to (a registry name), if any
    target: str | None = None  # that resource's logical name, if any
    access: str = ""  # access level, e.g. read, read_write, send, consume
    grants: tuple[tuple[str, Any], ...] = ()  # (Sid stem, plan.access.Grant)
    env: tuple[str, ...] = ()  # environment variables it adds


@dataclass(frozen=True)
class FailureQueue:
    """A queue that holds what failed (DLQ, stream or async on-failure): it gets a depth alarm."""

    tf: str  # name of its aws_sqs_queue resource
    physical: str
    purpose: str  # for the alarm description, e.g. "dead-letter queue of fulfilment"
    functions: tuple[str, ...] = ()  # the functions whose failures it holds (the alarm concerns them)
    where: tuple = ()  # blueprint path of what it belongs to (its queue, function or event)


@dataclass(frozen=True)
class Named:
    """One resource a part emits: each part lists them all in `named()`. The one list serves the
    uniqueness check (generator/checks/unique.py: two blueprint objects never meet at one Terraform
    address or one AWS name unnoticed) and evolution (generator/evolution: what a rename moves, what
    holds data, what is protected, retained or adopted).

    `physical` is the name AWS keeps unique, exactly as the part's field holds it (a string, or an
    HCL template such as a bucket's "${local.prefix}-x-${local.account_id}"); None when AWS names
    the resource itself or the name is fixed. `scope` narrows where that name must be unique below
    its resource type: the bus of a rule, the function whose policy holds a permission's statement id.

    An address that embeds a logical name says how it is made, so a rename can make it again with
    the previous name: built with `derive` (tf_id `parts`, where `(kind, name)` is a blueprint
    object) or `follow` (the address whose resource name it embeds), generator/plan/evolution.py.
    An address built from neither names no blueprint object (`aws_apigatewayv2_api.api`).
    """

    address: str  # "aws_sqs_queue.orders_dlq"
    physical: Any = None
    where: tuple = ()  # blueprint path of the object that asks for it: ("queues", "orders")
    scope: str = ""
    parts: tuple = ()  # derive: tf_id parts, a literal string or (kind, logical name)
    follows: str | None = None  # follow: the address whose resource name this one's embeds ...
    prefix: str = ""  # ... after this prefix
    suffix: str = ""  # ... and before this suffix
    owner: tuple[str, str] | None = None  # (kind, logical name) of the blueprint object it belongs to
    primary: bool = False  # the resource that *is* that object (the table, not its stream mapping)
    stateful: bool = False  # holds data that a destroy loses (a table, a queue's messages, ...)
    protect: bool = False  # primary: deletion protection and prevent_destroy in this render
    retain: bool = False  # primary: `retain: true`
    adopt: Any = None  # `adopt: true`: how to import it (plan.evolution.Adopt)


@dataclass(frozen=True)
class DeliveryMetric:
    """A count of deliveries AWS gave up on while no function failed (a dead letter or destination
    that could not be written, a rule target that could not be invoked): observability alarms on
    it when `observability.alarms.delivery_failures` is on. Parts offer them as `delivery_metrics()`."""

    tf: str  # the alarm's Terraform id
    name: Any  # the alarm's name (an HCL template when the function's name holds {region}/{account})
    description: str
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, Any], ...]  # (name, HCL value)
    where: tuple = ()  # blueprint path of what it watches
    follows: tuple[str, str, str] | None = None  # (address it watches, prefix, suffix) its `tf` is made of


@dataclass(frozen=True)
class Export:
    """One name, ARN or URL of something the stage owns, for other stacks: an output
    `<kind>_<name>_<attr>` in outputs.tf, and with `exports.ssm_prefix` an SSM parameter
    `<prefix>/<kind>/<name>/<attr>`. Parts offer them as `exports()`; existing objects have none."""

    kind: str  # the family name: table, queue, ..., api
    name: str | None  # the logical name (None: the API, which has none)
    attr: str  # name, arn, url, id, execution_arn, stream_arn
    value: Any  # HCL expression
    new_output: bool = True  # False: a v1 output already carries it (api_url)

    @property
    def output(self) -> str:
        from generator.plan.naming import tf_id

        return tf_id(self.kind, self.name or "", self.attr)

    @property
    def path(self) -> str:
        """Below the prefix: `/<kind>/<name>/<attr>` (`/api/<attr>`)."""
        return "/" + "/".join(p for p in (self.kind, self.name, self.attr) if p)

    @property
    def where(self) -> tuple:
        """The blueprint path of what it publishes."""
        from generator.families import family

        section = family(self.kind).section
        return (section, self.name) if self.name else (section,)

    @property
    def description(self) -> str:
        words = {"name": "Name", "arn": "ARN", "url": "URL", "id": "ID", "execution_arn": "Execution ARN",
                 "stream_arn": "Stream ARN", "domain_name": "Domain name", "distribution_id": "Distribution ID"}
        singles = {"api": "the API", "edge": "the CloudFront distribution"}
        what = f"{self.kind} {self.name}" if self.name else singles.get(self.kind, f"the {self.kind}")
        return f"{words.get(self.attr, self.attr)} of {what}."


def exports_of(part) -> list[Export]:
    return part.exports() if hasattr(part, "exports") else []


@dataclass(frozen=True)
class EventAlarm:
    """A failure AWS reports as an event, not as a metric (a secret's rotation failed): observability
    sends the events an EventBridge rule matches to the alarm topic when alarms are on. Parts offer
    them as `event_alarms()`."""

    tf: str  # the rule's Terraform id (aws_cloudwatch_event_rule.<tf>, on the default bus)
    name: Any  # the rule's name
    description: str
    pattern: dict  # the event pattern (values may be HCL expressions: emit.hcl.Raw)
    where: tuple = ()  # blueprint path of what it watches
    concerns: tuple[str, ...] = ()  # the functions it is about


@lru_cache(maxsize=None)
def async_kinds() -> frozenset[str]:
    """Event kinds AWS invokes asynchronously (a family's plan says `ASYNC = True`): their
    functions get an on-failure queue and bounded retries."""
    from generator.families import families

    return frozenset(f.event for f in families() if f.event and getattr(f.part("plan"), "ASYNC", False))


class Parts:
    """The families' parts of a stage by family name; a family with nothing planned reads None."""

    def __init__(self, parts: dict[str, Any] | None = None):
        self._parts = {k: v for k, v in (parts or {}).items() if v is not None}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._parts.get(name)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._parts.values())

    def items(self):
        return self._parts.items()

    def replace(self, name: str, part: Any) -> "Parts":
        return Parts({**self._parts, name: part})


@dataclass(frozen=True)
class Variable:
    """A `variables:` entry: a Terraform input variable of the stage (variables.tf)."""

    name: str
    type: str
    default: Any  # None: no default, Terraform asks for a value
    description: str
    sensitive: bool


@dataclass(frozen=True)
class StagePlan:
    service: str
    stage: str
    region: str
    prefix: str
    description: str
    blueprint_name: str  # file name only, for the header line
    tags: tuple[tuple[str, str], ...]
    kms_key: str | None  # as written (placeholders: {service}/{stage} substituted); local.kms_key_arn in main.tf
    functions: tuple[Any, ...]  # families.function.plan.FunctionPlan, sorted by name
    parts: Parts = Parts()
    terraform: Any = None  # generator.platform.terraform.TerraformPlan: remote state, account guard; None: neither
    ssm_parameters: tuple[tuple[str, Any], ...] = ()  # (data source id, parameter name) read at plan time
    variables: tuple[Variable, ...] = ()
    evolution: Any = None  # generator.evolution.Evolution: moved, removed and import blocks, or None

    @property
    def required_version(self) -> str:
        """The blueprint's `terraform.required_version`, else >= 1.6 (import blocks with expressions),
        or >= 1.7 when the stage has `removed` blocks."""
        if self.terraform is not None and self.terraform.required_version:
            return self.terraform.required_version
        return ">= 1.7" if self.evolution is not None and self.evolution.removed else ">= 1.6"

    @property
    def api(self):
        """The API part (families.api.plan.ApiPlan) or None: what most consumers of a plan ask for."""
        return self.parts.api

    @property
    def exports(self) -> tuple[Export, ...]:
        """What every part publishes (`exports()`), in registry order; outputs.tf lists them."""
        return tuple(e for part in self.parts for e in exports_of(part))

    @property
    def failure_queues(self) -> tuple[FailureQueue, ...]:
        """Every queue that collects failures, from each part that has some (`dead_letters()`)."""
        found = [q for part in self.parts if hasattr(part, "dead_letters") for q in part.dead_letters()]
        return tuple(sorted({q.tf: q for q in found}.values(), key=lambda q: q.tf))

    @property
    def kms_arn(self) -> str | None:
        """HCL expression of the blueprint's kms_key ARN (log groups encrypt with it), else None."""
        from generator.plan.security import KMS_ARN

        return KMS_ARN if self.kms_key else None

    @property
    def kms_key_value(self):
        """The kms_key as an HCL value (a template when it holds {region}/{account})."""
        from generator.plan.placeholders import hcl_value

        return hcl_value(self.kms_key) if self.kms_key else None

    @property
    def kms_lookup(self) -> bool:
        """True when main.tf resolves the kms_key alias with data "aws_kms_key" "custom"."""
        from generator.plan.security import kms_key_arn

        return bool(self.kms_key) and kms_key_arn(self.kms_key)[0]

    @property
    def kms_key_arn_expr(self):
        """Raw HCL expression that main.tf's local.kms_key_arn holds, or None without a kms_key."""
        from generator.emit.hcl import Raw
        from generator.plan.security import kms_key_arn

        return Raw(kms_key_arn(self.kms_key)[1]) if self.kms_key else None
