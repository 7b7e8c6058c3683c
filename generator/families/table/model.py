"""DynamoDB tables (indexes, TTL, replicas, streams); the `table` use and the `stream` event."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from generator.model.common import Int, Name, PhysicalName, Strict, Tags, UseEntry
from generator.model.evolution import Protectable
from generator.model.existing import EXISTING_DOC, ExistingTable

KEY_PATTERN = r"^[A-Za-z0-9_.-]+(:[SNB])?$"
# DynamoDB index names are used as written: letters of either case, digits, `_`, `.` and `-` (3-255, checked).
INDEX_NAME_PATTERN = r"^[A-Za-z0-9_.-]+$"
IndexName = Annotated[str, StringConstraints(pattern=INDEX_NAME_PATTERN)]


class Capacity(Strict):
    read: Int = Field(ge=1)
    write: Int = Field(ge=1)


class Index(Strict):
    partition_key: str = Field(pattern=KEY_PATTERN, description='"name" (S) or "name:N" / "name:B"')
    sort_key: str | None = Field(None, pattern=KEY_PATTERN)
    projection: Literal["all", "keys_only"] | list[str] = Field("all", description="all, keys_only or attributes")


class Table(Protectable):
    name: PhysicalName | None = Field(None, description="physical table name (default {service}-{stage}-<name>)")
    tags: Tags = Field(default_factory=dict, description="tags of this table, over the service's")
    partition_key: str | None = Field(None, pattern=KEY_PATTERN, description='"pk" (S) or "pk:N" / "pk:B" (required unless existing)')
    sort_key: str | None = Field(None, pattern=KEY_PATTERN)
    billing: Literal["on_demand"] | Capacity = Field("on_demand", description="on_demand or {read, write}")
    ttl: str | None = Field(None, description="TTL attribute name")
    stream: Literal["keys_only", "new_image", "old_image", "new_and_old_images"] | None = None
    point_in_time_recovery: bool = True
    deletion_protection: bool | None = Field(
        None, description="v1 name of `protect` (DynamoDB deletion protection); both set and different is an error"
    )
    indexes: dict[IndexName, Index] = Field(default_factory=dict)
    replicas: list[str] = Field(default_factory=list, description="global table replica regions")
    existing: ExistingTable | None = Field(None, description=EXISTING_DOC)

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


class UseTable(UseEntry):
    table: Name
    access: Literal["read", "write", "read_write"] = "read"


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (dict[Name, Table], Field(default_factory=dict))
USE = UseTable
EVENT = StreamEvent
# Fields that also accept null (the JSON Schema says so for editors).
NULLABLE = {"Table": ("indexes", "replicas")}
# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.tables": ("DynamoDB tables by logical name", {"orders": {"partition_key": "id"}}),
    "Capacity.read": ("provisioned read capacity units", 5),
    "Capacity.write": ("provisioned write capacity units", 5),
    "Index.partition_key": (None, "customer_id"),
    "Index.sort_key": ("index sort key, same syntax as partition_key", "created_at:N"),
    "Index.projection": (None, "all"),
    "StreamEvent.stream": (None, "orders"),
    "StreamEvent.batch_size": (None, 100),
    "StreamEvent.starting_position": (None, "latest"),
    "StreamEvent.filter": (None, {"eventName": ["INSERT"]}),
    "StreamEvent.max_retries": (None, 3),
    "StreamEvent.batch_window": (None, 0),
    "Table.name": (None, "orders-{stage}"),
    "Table.tags": (None, {"data-class": "pii"}),
    "Table.partition_key": (None, "id"),
    "Table.sort_key": ("sort key, same syntax as partition_key", "created_at:N"),
    "Table.billing": (None, "on_demand"),
    "Table.ttl": (None, "expires_at"),
    "Table.stream": ("DynamoDB stream view type; needed by stream events", "new_and_old_images"),
    "Table.point_in_time_recovery": ("continuous backups (default true)", True),
    "Table.deletion_protection": (None, True),
    "Table.indexes": ("global secondary indexes by name (3-255 characters)", {"by-customer": {"partition_key": "customer_id"}}),
    "Table.replicas": (None, ["us-east-1"]),
    "Table.existing": (None, {"name": "users-{stage}"}),
    "UseTable.table": ("table name", "orders"),
    "UseTable.access": ("read, write or read_write", "read_write"),
}
