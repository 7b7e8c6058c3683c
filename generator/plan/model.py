"""The plan: a resolved, frozen form of one stage, ready for the templates.

Everything a template needs is decided here (physical names, derived settings, IAM grants,
references as HCL expressions). Templates only loop and place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator.plan.access import Grant

if TYPE_CHECKING:
    from generator.plan.messaging import MessagingPlan

# Trigger kinds AWS invokes asynchronously: their functions get an on-failure queue and bounded retries.
ASYNC_TRIGGERS = frozenset({"topic", "eventbridge", "schedule", "bucket"})


def failures_tf(function_tf: str) -> str:
    """Terraform id of a function's on-failure queue (an address: never change it)."""
    return f"{function_tf}_failures"


@dataclass(frozen=True)
class Statement:
    sid: str
    actions: tuple[str, ...]
    resources: tuple[Any, ...]  # HCL expressions (Raw)
    effect: str = "Allow"


@dataclass(frozen=True)
class HttpRoute:
    tf: str
    route_key: str
    method: str
    path: str
    function: "FunctionPlan"
    auth: str  # "none" | "iam" | authorizer name
    authorizer_tf: str | None
    source_arn: Any  # HCL expression for the invoke permission
    cache: bool = True
    skips: tuple[tuple[str, str], ...] = ()  # checkov (check id, reason): plan/security.py


@dataclass(frozen=True)
class Authorizer:
    tf: str
    name: str
    issuer: str
    audience: tuple[str, ...]
    identity_source: str


@dataclass(frozen=True)
class ApiPlan:
    type: str  # http | rest
    tf: str
    name: str
    routes: tuple[HttpRoute, ...]
    authorizers: tuple[Authorizer, ...]
    cors: Any  # families.api.model.Cors | None
    throttling: Any  # Throttling | None
    cache: Any  # ApiCache | None
    integrations: tuple["FunctionPlan", ...]  # functions with at least one route
    log_group: str
    log_retention_days: int
    rest: Any = None  # plan.api.RestPlan when type == "rest"
    log_skips: tuple[tuple[str, str], ...] = ()  # checkov skips of the access log group


@dataclass(frozen=True)
class QueueTrigger:
    tf: str
    queue_tf: str
    batch_size: int
    batch_window: int
    max_concurrency: int | None
    fifo: bool


@dataclass(frozen=True)
class FailureQueue:
    """A queue that holds what failed (DLQ, stream or async on-failure): it gets a depth alarm."""

    tf: str  # name of its aws_sqs_queue resource
    physical: str
    purpose: str  # for the alarm description, e.g. "dead-letter queue of fulfilment"


@dataclass(frozen=True)
class FunctionPlan:
    name: str
    tf: str
    physical: str
    description: str
    runtime: str
    handler: str
    architecture: str
    memory: int
    timeout: int
    ephemeral_storage: int
    tracing: bool
    log_format: str
    log_level: str
    system_log_level: str
    retention_days: int
    log_group: str
    environment: tuple[tuple[str, Any], ...]  # sorted (key, HCL value)
    package: str  # path of the zip relative to the stage module
    code_dir: str  # relative to the blueprint
    language: str  # python | node | java | provided
    role_name: str
    statements: tuple[Statement, ...]
    queue_triggers: tuple[QueueTrigger, ...] = ()
    reserved: int | None = None
    provisioned: int | None = None
    snapstart: bool = False
    trigger_kinds: tuple[str, ...] = ()
    artifact: str | None = None  # java*/provided.al2023: the built zip or jar, relative to the blueprint
    build_command: str | None = None  # how to build it, for the plan-time error when it is missing
    failure_queues: tuple[FailureQueue, ...] = ()  # on-failure queues this function's triggers create
    kms_key_arn: Any = None  # HCL expression: the blueprint's kms_key encrypts the environment
    skips: tuple[tuple[str, str], ...] = ()  # checkov (check id, reason) on the function
    log_skips: tuple[tuple[str, str], ...] = ()  # ... and on its log group

    # Every trigger (API integration, event source mapping, subscription, rule or schedule target,
    # invoke permission) goes through these, so that provisioned concurrency and SnapStart can route
    # events to the `live` alias in one place.
    @property
    def alias(self) -> bool:
        return bool(self.provisioned) or self.snapstart

    @property
    def alias_tf(self) -> str:
        """Name of the `live` aws_lambda_alias (and of its provisioned concurrency config)."""
        return f"{self.tf}_live"

    @property
    def async_invoked(self) -> bool:
        return bool(ASYNC_TRIGGERS & set(self.trigger_kinds))

    @property
    def failures_arn(self) -> str:
        """ARN of the on-failure queue of an async-invoked function (plan/messaging.py plans it)."""
        return f"aws_sqs_queue.{failures_tf(self.tf)}.arn"

    @property
    def arn(self) -> str:
        """The unqualified function ARN (IAM resources, `uses: function`)."""
        return f"aws_lambda_function.{self.tf}.arn"

    @property
    def target_arn(self) -> str:
        """What triggers invoke: the `live` alias when there is one, else the function."""
        return f"aws_lambda_alias.{self.tf}_live.arn" if self.alias else self.arn

    @property
    def invoke_arn(self) -> str:
        """API Gateway integration URI."""
        return f"aws_lambda_alias.{self.tf}_live.invoke_arn" if self.alias else f"aws_lambda_function.{self.tf}.invoke_arn"

    @property
    def permission_qualifier(self) -> str | None:
        """`qualifier` for aws_lambda_permission when triggers go through the alias."""
        return f"aws_lambda_alias.{self.tf}_live.name" if self.alias else None


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
    physical: str
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
    kms_key_arn: Any = None  # HCL expression, or None for the AWS owned key
    skips: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class QueuePlan:
    name: str
    tf: str
    physical: str
    fifo: bool
    content_based_deduplication: bool
    visibility_timeout: int
    retention_seconds: int
    delay_seconds: int
    dlq_tf: str | None
    dlq_physical: str | None
    dlq_retention_seconds: int
    max_receives: int
    kms_key_arn: Any = None  # HCL expression, or None for SSE-SQS


@dataclass(frozen=True)
class StagePlan:
    service: str
    stage: str
    region: str
    prefix: str
    description: str
    blueprint_name: str  # file name only, for the header line
    tags: tuple[tuple[str, str], ...]
    kms_key: str | None  # as written in the blueprint; resolved to local.kms_key_arn in main.tf
    functions: tuple[FunctionPlan, ...]
    tables: tuple[TablePlan, ...]
    queues: tuple[QueuePlan, ...]
    api: ApiPlan | None
    data: Any = None  # plan.data.DataPlan: buckets, secrets, SSM parameters, stream consumers
    observability: Any = None  # plan.observability.ObservabilityPlan, filled in last

    @property
    def failure_queues(self) -> tuple[FailureQueue, ...]:
        """Every queue that collects failures: queue DLQs, stream on-failure queues, each function's own."""
        found = [FailureQueue(q.dlq_tf, q.dlq_physical, f"dead-letter queue of {q.name}") for q in self.queues if q.dlq_tf]
        for fn in self.functions:
            found += fn.failure_queues
        for stream in self.data.streams if self.data else ():
            found.append(FailureQueue(stream.failure_tf, stream.failure_physical, f"stream failures of {stream.function.name}"))
        for queue in self.messaging.failure_queues if self.messaging else ():
            found.append(FailureQueue(queue.tf, queue.physical, f"async invocation failures of {queue.function.name}"))
        return tuple(sorted({q.tf: q for q in found}.values(), key=lambda q: q.tf))
    messaging: "MessagingPlan | None" = None  # topics, buses, rules, schedules, failure queues

    @property
    def kms_arn(self) -> str | None:
        """HCL expression of the blueprint's kms_key ARN (log groups encrypt with it), else None."""
        from generator.plan.security import KMS_ARN

        return KMS_ARN if self.kms_key else None

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


__all__ = [
    "ApiPlan",
    "Authorizer",
    "FailureQueue",
    "FunctionPlan",
    "Grant",
    "HttpRoute",
    "IndexPlan",
    "QueuePlan",
    "QueueTrigger",
    "StagePlan",
    "Statement",
    "TablePlan",
]
