"""EventBridge buses; the `eventbridge` event (a rule) and the `bus` use."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from generator.model.common import Name, PhysicalName, Strict, Tags, UseEntry
from generator.model.evolution import Keepable
from generator.model.existing import EXISTING_DOC, Existing

class EventBridgeSpec(Strict):
    bus: str = Field("default", description="a bus name or `default`")
    pattern: dict[str, Any] = Field(description="EventBridge event pattern")


class EventBridgeEvent(Strict):
    eventbridge: EventBridgeSpec
    input_path: str | None = Field(None, description="JSONPath of the part of the event passed to the function")


class UseBus(UseEntry):
    bus: str = Field(description="a bus name or `default`")
    access: Literal["publish"] = "publish"


class BusSchemas(Strict):
    discover: bool = Field(
        False, description="an EventBridge schema discoverer on this bus: the shapes of the events it carries appear "
        "as schemas in the account's discovered-schemas registry",
    )
    files: list[Annotated[str, Field(min_length=1, max_length=1024)]] | None = Field(
        None, min_length=1,
        description="event schema files (JSON: OpenAPI 3 or JSON Schema draft 4), relative to the blueprint: each "
        "becomes a schema of the bus's registry {service}-{stage}-<bus>, named after the file; rule patterns on the "
        "bus and sample events follow them",
    )


class Bus(Keepable):
    name: PhysicalName | None = Field(None, description="physical bus name (default {service}-{stage}-<name>)")
    tags: Tags = Field(default_factory=dict, description="tags of this bus, over the service's")
    description: str | None = None
    existing: Existing | None = Field(None, description=EXISTING_DOC)
    schemas: BusSchemas | None = Field(None, description="EventBridge schema registry features for this bus")


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (dict[Name, Bus], Field(default_factory=dict))
USE = UseBus
EVENT = EventBridgeEvent
# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.buses": ("custom EventBridge buses by logical name", {"orders": {}}),
    "Bus.name": (None, "commerce-{stage}"),
    "Bus.tags": (None, {"owner": "commerce"}),
    "Bus.existing": (None, {"ssm": "/platform/bus-arn"}),
    "Bus.description": ("free text", "Order domain events"),
    "Bus.schemas": (None, {"discover": True}),
    "BusSchemas.discover": (None, True),
    "BusSchemas.files": (None, ["schemas/order-placed.json"]),
    "EventBridgeEvent.eventbridge": ("the bus and the event pattern to match", {"bus": "orders", "pattern": {"source": ["orders"]}}),
    "EventBridgeEvent.input_path": (None, "$.detail"),
    "EventBridgeSpec.bus": (None, "default"),
    "EventBridgeSpec.pattern": (None, {"source": ["orders"], "detail-type": ["OrderPlaced"]}),
    "UseBus.bus": (None, "orders"),
    "UseBus.access": ("publish", "publish"),
}
