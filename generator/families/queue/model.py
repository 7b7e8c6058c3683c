"""SQS queues, their dead-letter queues and `subscribe` fan-in; the `queue` event and use."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, field_validator

from generator.model.common import Int, Name, Strict

class QueueEvent(Strict):
    queue: Name = Field(description="queue name")
    batch_size: Int | None = Field(None, ge=1, description="records per invocation (default 10)")
    batch_window: Int | None = Field(None, ge=0, description="maximum batching window in seconds")
    max_concurrency: Int | None = Field(None, ge=2, le=1000, description="maximum concurrent invocations")


class UseQueue(Strict):
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


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (dict[Name, Queue], Field(default_factory=dict))
USE = UseQueue
EVENT = QueueEvent
