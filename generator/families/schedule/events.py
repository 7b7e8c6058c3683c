"""Sample `schedule` event: EventBridge's scheduled event, or the schedule's constant input."""

from __future__ import annotations

from typing import Any

from generator.samples import SAMPLE_TIME, Stage, uid


def sample(st: Stage, fn: str, ev, i: int, poison: bool) -> tuple[Any, str | None]:
    if ev.input is not None:
        return ev.input, None  # a constant input replaces the event
    return {
        "version": "0",
        "id": uid(fn, i, "schedule"),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": st.account,
        "time": SAMPLE_TIME,
        "region": st.region,
        "resources": [st.arn("events", f"rule/{st.names.physical(fn)}-{i}")],
        "detail": {},
    }, None
