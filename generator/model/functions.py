"""Functions, their events (one key each) and their `uses` access grants."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, field_validator

from generator.model.common import Int, Name, Str, Strict

RUNTIMES = (
    "python3.11",
    "python3.12",
    "python3.13",
    "nodejs20.x",
    "nodejs22.x",
    "java17",
    "java21",
    "provided.al2023",
)
Runtime = Literal[
    "python3.11", "python3.12", "python3.13", "nodejs20.x", "nodejs22.x", "java17", "java21", "provided.al2023"
]
LogLevel = Literal["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]


class Logs(Strict):
    format: Literal["json", "text"] | None = Field(None, description="Lambda log format (default json)")
    level: LogLevel | None = Field(None, description="application and system log level (json format only)")
    retention_days: Int | None = Field(None, description="CloudWatch log retention in days", examples=[30])


class Concurrency(Strict):
    reserved: Int | None = Field(None, ge=0, description="reserved concurrent executions")
    provisioned: Int | None = Field(None, ge=1, description="provisioned concurrency on the `live` alias")


# ---------------------------------------------------------------- events
class HttpEvent(Strict):
    http: str = Field(description='"METHOD /path" (ANY allowed)', examples=["POST /orders"])
    auth: str | None = Field(None, description="an authorizer name, `iam`, or `none` (default none)")
    cache: bool | None = Field(None, description="REST APIs with api.cache: `false` opts this GET route out")


class QueueEvent(Strict):
    queue: Name = Field(description="queue name")
    batch_size: Int | None = Field(None, ge=1, description="records per invocation (default 10)")
    batch_window: Int | None = Field(None, ge=0, description="maximum batching window in seconds")
    max_concurrency: Int | None = Field(None, ge=2, le=1000, description="maximum concurrent invocations")


class TopicEvent(Strict):
    topic: Name = Field(description="topic name")
    filter: dict[str, Any] | None = Field(None, description="SNS filter policy (message attributes)")


class EventBridgeSpec(Strict):
    bus: str = Field("default", description="a bus name or `default`")
    pattern: dict[str, Any] = Field(description="EventBridge event pattern")


class EventBridgeEvent(Strict):
    eventbridge: EventBridgeSpec
    input_path: str | None = Field(None, description="JSONPath of the part of the event passed to the function")


class ScheduleEvent(Strict):
    schedule: str = Field(description="rate(...) or cron(...)", examples=["rate(5 minutes)", "cron(0 2 * * ? *)"])
    timezone: str | None = Field(None, description="IANA time zone for cron schedules", examples=["Europe/Dublin"])
    input: Any = Field(None, description="constant JSON input passed to the function")


class BucketEvent(Strict):
    bucket: Name = Field(description="bucket name")
    on: list[Literal["created", "removed"]] = Field(["created"], description="object events", min_length=1)
    prefix: str | None = Field(None, description="object key prefix filter")
    suffix: str | None = Field(None, description="object key suffix filter")


class StreamEvent(Strict):
    stream: Name = Field(description="table name (its DynamoDB stream)")
    batch_size: Int | None = Field(None, ge=1, le=10000, description="records per invocation (default 100)")
    starting_position: Literal["latest", "trim_horizon"] | None = Field(None, description="default latest")
    filter: dict[str, Any] | list[dict[str, Any]] | None = Field(None, description="event filter pattern(s)")
    max_retries: Int | None = Field(None, ge=0, le=10000, description="retry attempts before the on-failure queue")
    batch_window: Int | None = Field(None, ge=0, le=300, description="maximum batching window in seconds")


EVENT_KINDS = ("http", "queue", "topic", "eventbridge", "schedule", "bucket", "stream")
USE_KINDS = ("table", "queue", "topic", "bus", "bucket", "secret", "function")


def _kind_of(kinds: tuple[str, ...], suffix: str):
    def pick(value: Any) -> str | None:
        if isinstance(value, dict):
            found = [k for k in kinds if k in value]
        else:
            found = [k for k in kinds if hasattr(value, k)]
        if len(found) == 1:
            return found[0] + suffix
        return "__many__" if found else None

    return pick


Event = Annotated[
    Union[
        Annotated[HttpEvent, Tag("http~event")],
        Annotated[QueueEvent, Tag("queue~event")],
        Annotated[TopicEvent, Tag("topic~event")],
        Annotated[EventBridgeEvent, Tag("eventbridge~event")],
        Annotated[ScheduleEvent, Tag("schedule~event")],
        Annotated[BucketEvent, Tag("bucket~event")],
        Annotated[StreamEvent, Tag("stream~event")],
    ],
    Discriminator(_kind_of(EVENT_KINDS, "~event")),
]


# ---------------------------------------------------------------- uses
class UseTable(Strict):
    table: Name
    access: Literal["read", "write", "read_write"] = "read"


class UseQueue(Strict):
    queue: Name
    access: Literal["send", "consume"] = "send"


class UseTopic(Strict):
    topic: Name
    access: Literal["publish"] = "publish"


class UseBus(Strict):
    bus: str = Field(description="a bus name or `default`")
    access: Literal["publish"] = "publish"


class UseBucket(Strict):
    bucket: Name
    access: Literal["read", "write", "read_write"] = "read"


class UseSecret(Strict):
    secret: Name
    access: Literal["read"] = "read"


class UseFunction(Strict):
    function: Name
    access: Literal["invoke"] = "invoke"


Use = Annotated[
    Union[
        Annotated[UseTable, Tag("table~use")],
        Annotated[UseQueue, Tag("queue~use")],
        Annotated[UseTopic, Tag("topic~use")],
        Annotated[UseBus, Tag("bus~use")],
        Annotated[UseBucket, Tag("bucket~use")],
        Annotated[UseSecret, Tag("secret~use")],
        Annotated[UseFunction, Tag("function~use")],
    ],
    Discriminator(_kind_of(USE_KINDS, "~use")),
]


class IamStatement(Strict):
    sid: str | None = Field(None, pattern=r"^[A-Za-z0-9]+$")
    effect: Literal["Allow", "Deny"] = "Allow"
    actions: list[str] = Field(min_length=1, description="IAM actions, e.g. ses:SendEmail")
    resources: list[str] = Field(min_length=1, description="resource ARNs")
    allow_wildcard: str | None = Field(None, description="the reason a wildcard is acceptable here")


# ---------------------------------------------------------------- functions
class FunctionSettings(Strict):
    """Settings a function inherits from `defaults` and may override."""

    runtime: Runtime | None = Field(None, description="Lambda runtime (default python3.13)")
    architecture: Literal["arm64", "x86_64"] | None = Field(None, description="default arm64")
    memory: Int | None = Field(None, description="MB, 128-10240 (default 512)")
    timeout: Int | None = Field(None, description="seconds, 1-900 (default 10)")
    ephemeral_storage: Int | None = Field(None, description="/tmp size in MB, 512-10240 (default 512)")
    tracing: bool | None = Field(None, description="X-Ray active tracing (default true)")
    logs: Logs | None = None
    environment: dict[str, Str] | None = Field(None, description="environment variables (maps merge)")

    @field_validator("environment", mode="before")
    @classmethod
    def _env_scalars(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: ("true" if v is True else "false" if v is False else v) for k, v in value.items()}
        return value


class Function(FunctionSettings):
    description: str | None = None
    code: str | None = Field(None, description="code dir relative to the blueprint (default src/<name>)")
    handler: str | None = Field(None, description="handler entry (default handler.handler / index.handler)")
    artifact: str | None = Field(None, description="built zip or jar for java*/provided.al2023")
    events: list[Event] = Field(default_factory=list)
    uses: list[Use] = Field(default_factory=list)
    iam: list[IamStatement] = Field(default_factory=list, description="extra statements, still linted")
    concurrency: Concurrency | None = None
    snapstart: bool | None = Field(None, description="SnapStart (Java, Python 3.12+)")

    @field_validator("events", "uses", "iam", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value
