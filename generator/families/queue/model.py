"""SQS queues, their dead-letter queues and `subscribe` fan-in; the `queue` event and use."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, field_validator

from generator.model.common import Int, Name, PhysicalName, Strict, Tags, UseEntry
from generator.model.evolution import Keepable
from generator.model.existing import EXISTING_DOC, Existing

class QueueEvent(Strict):
    queue: Name = Field(description="queue name")
    batch_size: Int | None = Field(None, ge=1, description="records per invocation (default 10)")
    batch_window: Int | None = Field(None, ge=0, description="maximum batching window in seconds")
    max_concurrency: Int | None = Field(None, ge=2, le=1000, description="maximum concurrent invocations")


class UseQueue(UseEntry):
    queue: Name
    access: Literal["send", "consume"] = "send"


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


class Queue(Keepable):
    name: PhysicalName | None = Field(None, description="physical queue name (default {service}-{stage}-<name>; .fifo added for FIFO queues)")
    tags: Tags = Field(default_factory=dict, description="tags of this queue (and its DLQ), over the service's")
    visibility_timeout: Literal["auto"] | Int = Field("auto", description="seconds, or auto (6 x consumer timeout + window)")
    retention_days: Int = Field(4, ge=1, le=14)
    delay_seconds: Int = Field(0, ge=0, le=900)
    fifo: bool = False
    content_based_deduplication: bool | None = None
    dead_letter: DeadLetter | Literal[False] = Field(default_factory=DeadLetter)
    subscribe: list[Subscription] = Field(default_factory=list)
    existing: Existing | None = Field(None, description=EXISTING_DOC)

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


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (dict[Name, Queue], Field(default_factory=dict))
USE = UseQueue
EVENT = QueueEvent
# Fields that also accept null (the JSON Schema says so for editors).
NULLABLE = {"Queue": ("subscribe", "dead_letter")}
# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.queues": ("SQS queues by logical name", {"fulfilment": {}}),
    "DeadLetter.max_receives": (None, 5),
    "DeadLetter.retention_days": ("days the DLQ keeps messages (1-14)", 14),
    "EventBridgeSubscription.eventbridge": ("the bus and the event pattern to deliver to the queue", {"pattern": {"source": ["orders"]}}),
    "Spec.bus": ("a bus name or `default`", "default"),
    "Spec.pattern": ("EventBridge event pattern", {"source": ["orders"]}),
    "Queue.name": (None, "ServerlessLandSQS.fifo"),
    "Queue.tags": (None, {"owner": "fulfilment"}),
    "Queue.visibility_timeout": (None, "auto"),
    "Queue.retention_days": ("days a message is kept (1-14)", 4),
    "Queue.delay_seconds": ("delivery delay in seconds (0-900)", 0),
    "Queue.fifo": ("FIFO queue (name gets .fifo)", False),
    "Queue.content_based_deduplication": ("FIFO only: deduplicate by message body", True),
    "Queue.dead_letter": ("dead-letter queue settings, or false for none", {"max_receives": 5}),
    "Queue.existing": (None, {"arn": "arn:aws:sqs:eu-west-1:111111111111:jobs"}),
    "Queue.subscribe": ("topics or EventBridge patterns delivered to this queue", [{"topic": "order-events"}]),
    "QueueEvent.queue": (None, "fulfilment"),
    "QueueEvent.batch_size": (None, 10),
    "QueueEvent.batch_window": (None, 5),
    "QueueEvent.max_concurrency": (None, 10),
    "TopicSubscription.topic": ("topic name", "order-events"),
    "TopicSubscription.filter": ("SNS filter policy (message attributes)", {"type": ["created"]}),
    "TopicSubscription.raw": (None, True),
    "UseQueue.queue": ("queue name", "fulfilment"),
    "UseQueue.access": ("send or consume", "send"),
}
