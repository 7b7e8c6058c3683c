"""Plan the data families: S3 buckets (and their notifications), secrets, DynamoDB stream consumers.

Kept apart from build.py: `plan_data` runs after the functions are planned (triggers route through
`FunctionPlan.target_arn`), and `event_grants` adds what a function's stream events need to its role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.emit.hcl import Raw
from generator.model.blueprint import Blueprint
from generator.families.bucket.model import BucketEvent
from generator.families.function.model import Function
from generator.families.table.model import StreamEvent
from generator.plan.access import Grant, expand
from generator.plan.model import FunctionPlan
from generator.plan.naming import Names, camel, tf_id
from generator.plan.security import KMS_ARN, bucket_skips, secret_skips

S3_EVENTS = {"created": "s3:ObjectCreated:*", "removed": "s3:ObjectRemoved:*"}
ACCOUNT_ID_LENGTH = 12  # the bucket suffix: known length, so the name length is known offline

STREAM_BATCH_SIZE = 100
STREAM_MAX_RETRIES = 3
# A failed batch is retried at most this long; then its pointer goes to the on-failure queue, while
# the records themselves stay readable in the stream (24 h retention) for a replay.
STREAM_MAX_RECORD_AGE = 21600
FAILURE_RETENTION_SECONDS = 14 * 86400


@dataclass(frozen=True)
class BucketNotification:
    """One lambda_function block of a bucket's (single) notification configuration."""

    id: str
    function: FunctionPlan
    events: tuple[str, ...]
    prefix: str | None
    suffix: str | None


@dataclass(frozen=True)
class BucketPermission:
    tf: str
    statement_id: str
    function: FunctionPlan


@dataclass(frozen=True)
class BucketPlan:
    name: str
    tf: str
    physical: Any  # HCL expression: the account id is only known at apply time
    versioning: bool
    notifications: tuple[BucketNotification, ...]
    permissions: tuple[BucketPermission, ...]
    kms_key_arn: Any = None  # HCL expression: SSE-KMS with the blueprint's kms_key, else SSE-S3
    skips: tuple[tuple[str, str], ...] = ()  # checkov (check id, reason): plan/security.py


@dataclass(frozen=True)
class SecretPlan:
    name: str
    tf: str
    physical: str
    description: str
    recovery_window_days: int
    kms_key_arn: Any = None  # HCL expression, or None for aws/secretsmanager
    skips: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ParameterPlan:
    """An existing SSM SecureString parameter: nothing is created, only its ARN is built."""

    name: str
    parameter: str  # the parameter name as written, e.g. /orders/db-password
    arn: Any  # HCL expression


@dataclass(frozen=True)
class StreamTrigger:
    tf: str
    function: FunctionPlan
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


@dataclass(frozen=True)
class DataPlan:
    buckets: tuple[BucketPlan, ...] = ()
    secrets: tuple[SecretPlan, ...] = ()
    parameters: tuple[ParameterPlan, ...] = ()
    streams: tuple[StreamTrigger, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.buckets or self.secrets or self.parameters or self.streams)


def bucket_physical(bucket_name: str | None, names: Names, name: str) -> Any:
    if bucket_name:
        return bucket_name
    return Raw(f'"${{local.prefix}}-{name}-${{local.account_id}}"')


def bucket_name_length(names: Names, name: str) -> int:
    """Length of the default physical bucket name `{service}-{stage}-{name}-{account id}`."""
    return len(names.physical(name)) + 1 + ACCOUNT_ID_LENGTH


def parameter_arn(parameter: str) -> Raw:
    # `/orders/db-password` -> `...:parameter/orders/db-password`; a name without the leading
    # slash gets exactly one slash too.
    path = parameter.lstrip("/")
    return Raw(f'"arn:${{local.partition}}:ssm:${{local.region}}:${{local.account_id}}:parameter/{path}"')


def secret_physical(names: Names, name: str) -> str:
    return f"{names.service}/{names.stage}/{name}"


def failure_queue_name(names: Names, function: str, table: str) -> str:
    return names.physical(f"{function}-{table}-stream-failures")


def stream_tf(function: str, table: str) -> str:
    # `_stream` keeps it apart from a queue trigger on a queue with the table's name.
    return tf_id(function, table, "stream")


def _filters(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


def event_grants(name: str, fn: Function) -> list[tuple[str, Grant]]:
    """Role grants for a function's stream events: read the stream, report to its failure queue."""
    grants: list[tuple[str, Grant]] = []
    for ev in fn.events:
        if isinstance(ev, StreamEvent):
            table = f"aws_dynamodb_table.{tf_id(ev.stream)}"
            grants += [
                (camel("stream", ev.stream, "consume"), g)
                for g in expand("stream", "consume", stream_arn=f"{table}.stream_arn")
            ]
            queue = f"aws_sqs_queue.{stream_tf(name, ev.stream)}_failures"
            grants += [
                (camel("stream", ev.stream, "failures"), g) for g in expand("queue", "on_failure", arn=f"{queue}.arn")
            ]
    return grants


def plan_data(bp: Blueprint, names: Names, functions: dict[str, FunctionPlan]) -> DataPlan:
    kms = Raw(KMS_ARN) if bp.kms_key else None
    return DataPlan(
        buckets=_buckets(bp, names, functions, kms),
        secrets=tuple(
            SecretPlan(
                name=n,
                tf=tf_id(n),
                physical=secret_physical(names, n),
                description=s.description or f"{n} of {names.prefix} (value set out of band)",
                recovery_window_days=s.recovery_window_days,
                kms_key_arn=kms,
                skips=secret_skips(kms=bool(kms)),
            )
            for n, s in sorted(bp.secrets.items())
            if not s.ssm
        ),
        parameters=tuple(
            ParameterPlan(name=n, parameter=s.ssm, arn=parameter_arn(s.ssm))
            for n, s in sorted(bp.secrets.items())
            if s.ssm
        ),
        streams=_streams(bp, names, functions, kms),
    )


def _buckets(bp: Blueprint, names: Names, functions: dict[str, FunctionPlan], kms) -> tuple[BucketPlan, ...]:
    notes: dict[str, list[BucketNotification]] = {}
    perms: dict[str, dict[str, BucketPermission]] = {}
    for fname in sorted(bp.functions):
        fn = functions[fname]
        for i, ev in enumerate(bp.functions[fname].events):
            if not isinstance(ev, BucketEvent):
                continue
            notes.setdefault(ev.bucket, []).append(
                BucketNotification(
                    id=f"{fname}-{i}",
                    function=fn,
                    events=tuple(S3_EVENTS[k] for k in sorted(set(ev.on))),
                    prefix=ev.prefix,
                    suffix=ev.suffix,
                )
            )
            perms.setdefault(ev.bucket, {}).setdefault(
                fname,
                BucketPermission(
                    tf=tf_id("bucket", ev.bucket, fname),
                    statement_id=f"AllowS3-{ev.bucket}"[:100],
                    function=fn,
                ),
            )
    return tuple(
        BucketPlan(
            name=n,
            tf=tf_id(n),
            physical=bucket_physical(b.bucket_name, names, n),
            versioning=b.versioning,
            notifications=tuple(notes.get(n, ())),
            permissions=tuple(perms.get(n, {}).values()),
            kms_key_arn=kms,
            skips=bucket_skips(kms=bool(kms), versioning=b.versioning, notified=n in notes),
        )
        for n, b in sorted(bp.buckets.items())
    )


def _streams(bp: Blueprint, names: Names, functions: dict[str, FunctionPlan], kms) -> tuple[StreamTrigger, ...]:
    out = []
    for fname in sorted(bp.functions):
        for ev in bp.functions[fname].events:
            if not isinstance(ev, StreamEvent):
                continue
            tf = stream_tf(fname, ev.stream)
            out.append(
                StreamTrigger(
                    tf=tf,
                    function=functions[fname],
                    table=ev.stream,
                    table_tf=tf_id(ev.stream),
                    batch_size=ev.batch_size or STREAM_BATCH_SIZE,
                    batch_window=ev.batch_window or 0,
                    starting_position=(ev.starting_position or "latest").upper(),
                    filters=_filters(ev.filter),
                    max_retries=STREAM_MAX_RETRIES if ev.max_retries is None else ev.max_retries,
                    max_record_age=STREAM_MAX_RECORD_AGE,
                    failure_tf=f"{tf}_failures",
                    failure_physical=failure_queue_name(names, fname, ev.stream),
                    kms_key_arn=kms,
                )
            )
    return tuple(out)
