"""Alarms and the stage dashboard."""

from __future__ import annotations

from pydantic import Field

from generator.model.common import Int, Strict

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
    delivery_failures: bool = Field(
        True,
        description="alarm on deliveries AWS gives up on silently: dead letters and destinations a function could not "
        "write, rule targets EventBridge could not invoke, work queues whose oldest message keeps ageing",
    )
    oldest_message_seconds: Int = Field(
        3600, ge=60, description="age of a work queue's oldest message that raises the alarm (delivery_failures)"
    )


class Observability(Strict):
    alarms: AlarmSettings | None = None
    dashboard: bool = False
    insights: bool = Field(False, description="Lambda Insights: the extension layer and its policy on every function")
    queries: bool = Field(False, description="saved Logs Insights queries per function and for the service")


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (Observability, Field(default_factory=Observability))
# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.observability": ("alarms and dashboard", {"dashboard": True}),
    "AlarmSettings.notify": (None, ["oncall@example.com"]),
    "AlarmSettings.errors": (None, 1),
    "AlarmSettings.throttles": ("throttles per 5 minutes that raise the alarm", 1),
    "AlarmSettings.duration_pct": (None, 80),
    "AlarmSettings.dead_letter_messages": ("messages in a dead-letter queue that raise the alarm", 1),
    "AlarmSettings.iterator_age_seconds": ("stream iterator age (seconds) that raises the alarm", 60),
    "AlarmSettings.provisioned_spillover": (None, 1),
    "AlarmSettings.api_5xx": ("API 5xx responses per 5 minutes that raise the alarm", 1),
    "AlarmSettings.delivery_failures": (None, True),
    "AlarmSettings.oldest_message_seconds": (None, 3600),
    "Observability.alarms": ("CloudWatch alarms for functions, queues and the API", {"notify": ["oncall@example.com"]}),
    "Observability.insights": (None, True),
    "Observability.queries": (None, True),
    "Observability.dashboard": ("a CloudWatch dashboard per stage", True),
}
