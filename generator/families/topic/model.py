"""SNS topics; the `topic` event and use."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from generator.model.common import Name, PhysicalName, Strict, Tags, UseEntry
from generator.model.evolution import Keepable
from generator.model.existing import EXISTING_DOC, Existing

class TopicEvent(Strict):
    topic: Name = Field(description="topic name")
    filter: dict[str, Any] | None = Field(None, description="SNS filter policy (message attributes)")


class UseTopic(UseEntry):
    topic: Name
    access: Literal["publish"] = "publish"


class Topic(Keepable):
    name: PhysicalName | None = Field(None, description="physical topic name (default {service}-{stage}-<name>; .fifo added for FIFO topics)")
    tags: Tags = Field(default_factory=dict, description="tags of this topic, over the service's")
    fifo: bool = False
    content_based_deduplication: bool | None = None
    existing: Existing | None = Field(None, description=EXISTING_DOC)


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (dict[Name, Topic], Field(default_factory=dict))
USE = UseTopic
EVENT = TopicEvent
# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.topics": ("SNS topics by logical name", {"order-events": {}}),
    "Topic.name": (None, "order-events-{stage}"),
    "Topic.tags": (None, {"owner": "orders"}),
    "Topic.existing": (None, {"ssm": "/platform/alerts-topic-arn"}),
    "Topic.fifo": ("FIFO topic (name gets .fifo)", False),
    "Topic.content_based_deduplication": ("FIFO only: deduplicate by message body", True),
    "TopicEvent.topic": (None, "order-events"),
    "TopicEvent.filter": (None, {"type": ["created"]}),
    "UseTopic.topic": ("topic name", "order-events"),
    "UseTopic.access": ("publish", "publish"),
}
