"""The schedule family: EventBridge Scheduler schedules: the `schedule` event."""

# Parts of the family checklist (docs/adding-a-family.md) that do not apply, and why.
WHY_NOT = {
    "alarms": "schedules dead-letter into the target function's on-failure queue, which is alarmed",
}
