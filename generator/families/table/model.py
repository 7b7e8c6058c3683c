"""DynamoDB tables (indexes, TTL, replicas, streams); the `table` use and the `stream` event."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

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


class StreamEvent(Strict):
    stream: Name = Field(description="table name (its DynamoDB stream)")
    batch_size: Int | None = Field(None, ge=1, le=10000, description="records per invocation (default 100)")
    starting_position: Literal["latest", "trim_horizon"] | None = Field(None, description="default latest")
    filter: dict[str, Any] | list[dict[str, Any]] | None = Field(None, description="event filter pattern(s)")
    max_retries: Int | None = Field(None, ge=0, le=10000, description="retry attempts before the on-failure queue")
    batch_window: Int | None = Field(None, ge=0, le=300, description="maximum batching window in seconds")


class UseTable(Strict):
    table: Name
    access: Literal["read", "write", "read_write"] = "read"


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (dict[Name, Table], Field(default_factory=dict))
USE = UseTable
EVENT = StreamEvent
