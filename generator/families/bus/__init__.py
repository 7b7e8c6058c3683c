"""The bus family: EventBridge buses; the `eventbridge` event (a rule) and the `bus` use."""

# Parts of the family checklist (docs/adding-a-family.md) that do not apply, and why.
WHY_NOT = {
    "alarms": "rules dead-letter into the target function's on-failure queue, which is alarmed",
}
