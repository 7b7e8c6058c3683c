"""Tables, queues, topics, buses, buckets, secrets, the API, observability."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, field_validator

from generator.model.common import Int, Name, Strict

KEY_PATTERN = r"^[A-Za-z0-9_.-]+(:[SNB])?$"


class Capacity(Strict):
    read: Int = Field(ge=1)
    write: Int = Field(ge=1)


class Index(Strict):
    partition_key: str = Field(pattern=KEY_PATTERN, description='"name" (S) or "name:N" / "name:B"')
    sort_key: str | None = Field(None, pattern=KEY_PATTERN)
    projection: Literal["all", "keys_only"] | list[str] = Field("all", description="all, keys_only or attributes")


class Table(Strict):
    partition_key: str = Field(pattern=KEY_PATTERN, description='"pk" (S) or "pk:N" / "pk:B"')
    sort_key: str | None = Field(None, pattern=KEY_PATTERN)
    billing: Literal["on_demand"] | Capacity = Field("on_demand", description="on_demand or {read, write}")
    ttl: str | None = Field(None, description="TTL attribute name")
    stream: Literal["keys_only", "new_image", "old_image", "new_and_old_images"] | None = None
    point_in_time_recovery: bool = True
    deletion_protection: bool = Field(False, description="refuse table deletion (sls-gen extension)")
    indexes: dict[Name, Index] = Field(default_factory=dict)
    replicas: list[str] = Field(default_factory=list, description="global table replica regions")

    @field_validator("indexes", mode="before")
    @classmethod
    def _no_indexes(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("replicas", mode="before")
    @classmethod
    def _no_replicas(cls, value: Any) -> Any:
        return [] if value is None else value


class DeadLetter(Strict):
    max_receives: Int = Field(5, ge=1, le=1000, description="receives before a message moves to the DLQ")
    retention_days: Int = Field(14, ge=1, le=14)


class TopicSubscription(Strict):
    topic: Name
    filter: dict[str, Any] | None = None
    raw: bool = Field(True, description="raw message delivery")


class EventBridgeSubscription(Strict):
    class Spec(Strict):
        bus: str = "default"
        pattern: dict[str, Any]

    eventbridge: Spec


def _subscription_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        return "topic~sub" if "topic" in value else "eventbridge~sub" if "eventbridge" in value else None
    return "topic~sub" if hasattr(value, "topic") else "eventbridge~sub"


Subscription = Annotated[
    Union[
        Annotated[TopicSubscription, Tag("topic~sub")],
        Annotated[EventBridgeSubscription, Tag("eventbridge~sub")],
    ],
    Discriminator(_subscription_kind),
]


class Queue(Strict):
    visibility_timeout: Literal["auto"] | Int = Field("auto", description="seconds, or auto (6 x consumer timeout + window)")
    retention_days: Int = Field(4, ge=1, le=14)
    delay_seconds: Int = Field(0, ge=0, le=900)
    fifo: bool = False
    content_based_deduplication: bool | None = None
    dead_letter: DeadLetter | Literal[False] = Field(default_factory=DeadLetter)
    subscribe: list[Subscription] = Field(default_factory=list)

    @field_validator("dead_letter", mode="before")
    @classmethod
    def _dlq(cls, value: Any) -> Any:
        if value is True or value is None:
            return DeadLetter()
        return value

    @field_validator("subscribe", mode="before")
    @classmethod
    def _subs(cls, value: Any) -> Any:
        return [] if value is None else value


class Topic(Strict):
    fifo: bool = False
    content_based_deduplication: bool | None = None


class Bus(Strict):
    description: str | None = None


class Bucket(Strict):
    versioning: bool = True
    bucket_name: str | None = Field(None, description="physical name override (default {service}-{stage}-{name}-{account})")


class Secret(Strict):
    ssm: str | None = Field(None, description="existing SSM SecureString parameter name")
    description: str | None = None
    recovery_window_days: Int = Field(
        30, ge=7, le=30, description="days a deleted secret stays recoverable (Secrets Manager only)"
    )


class Cors(Strict):
    origins: list[str] = Field(default_factory=lambda: ["*"], min_length=1)
    methods: list[str] = Field(default_factory=lambda: ["*"])
    headers: list[str] = Field(default_factory=lambda: ["content-type", "authorization"])
    allow_credentials: bool = False
    max_age: Int = Field(300, ge=0, le=86400)


class Throttling(Strict):
    rate: float = Field(gt=0, description="steady-state requests per second")
    burst: Int = Field(ge=0, description="burst capacity")


class Authorizer(Strict):
    type: Literal["jwt"] = "jwt"
    issuer: str
    audience: list[str] = Field(min_length=1)
    identity_source: str = "$request.header.Authorization"


class ApiCache(Strict):
    size_gb: Literal[0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237] = Field(0.5, description="cache cluster size")
    ttl: Int = Field(300, ge=0, le=3600, description="seconds")


class Api(Strict):
    type: Literal["http", "rest"] = "http"
    cors: Cors | None = None
    throttling: Throttling | None = None
    authorizers: dict[Name, Authorizer] = Field(default_factory=dict)
    cache: ApiCache | None = None


class AlarmSettings(Strict):
    notify: list[str] = Field(default_factory=list, description="e-mail addresses")
    errors: Int = Field(1, ge=1, description="errors per 5 minutes that raise the alarm")
    throttles: Int = Field(1, ge=1)
    duration_pct: Int = Field(80, ge=1, le=100, description="p99 duration as % of timeout")
    dead_letter_messages: Int = Field(1, ge=1)
    iterator_age_seconds: Int = Field(60, ge=1)
    api_5xx: Int = Field(1, ge=1)
    provisioned_spillover: Int = Field(
        1, ge=1, description="invocations per 5 minutes served beyond provisioned concurrency (on-demand cold starts)"
    )


class Observability(Strict):
    alarms: AlarmSettings | None = None
    dashboard: bool = False


class Account(Strict):
    concurrency_quota: Int = Field(1000, ge=1)
