"""SNS topics; the `topic` event and use."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from generator.model.common import Name, Strict

class TopicEvent(Strict):
    topic: Name = Field(description="topic name")
    filter: dict[str, Any] | None = Field(None, description="SNS filter policy (message attributes)")


class UseTopic(Strict):
    topic: Name
    access: Literal["publish"] = "publish"


class Topic(Strict):
    fifo: bool = False
    content_based_deduplication: bool | None = None


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (dict[Name, Topic], Field(default_factory=dict))
USE = UseTopic
EVENT = TopicEvent
# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.topics": ("SNS topics by logical name", {"order-events": {}}),
    "Topic.fifo": ("FIFO topic (name gets .fifo)", False),
    "Topic.content_based_deduplication": ("FIFO only: deduplicate by message body", True),
    "TopicEvent.topic": (None, "order-events"),
    "TopicEvent.filter": (None, {"type": ["created"]}),
    "UseTopic.topic": ("topic name", "order-events"),
    "UseTopic.access": ("publish", "publish"),
}
