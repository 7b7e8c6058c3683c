"""EventBridge Scheduler schedules: the `schedule` event."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from generator.model.common import PhysicalName, Strict

class ScheduleEvent(Strict):
    schedule: str = Field(description="rate(...) or cron(...)", examples=["rate(5 minutes)", "cron(0 2 * * ? *)"])
    timezone: str | None = Field(None, description="IANA time zone for cron schedules", examples=["Europe/Dublin"])
    input: Any = Field(None, description="constant JSON input passed to the function")
    name: PhysicalName | None = Field(None, description="schedule name (default {service}-{stage}-<function>-schedule[-n])")


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
EVENT = ScheduleEvent
# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "ScheduleEvent.input": (None, {"job": "nightly"}),
    "ScheduleEvent.name": (None, "{service}-{stage}-nightly"),
    "ScheduleEvent.schedule": (None, "rate(5 minutes)"),
    "ScheduleEvent.timezone": (None, "Europe/Dublin"),
}
