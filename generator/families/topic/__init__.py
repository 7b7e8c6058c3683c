"""The topic family: SNS topics; the `topic` event and use."""

# Parts of the family checklist (docs/adding-a-family.md) that do not apply, and why.
WHY_NOT = {
    "alarms": "a topic keeps no failures itself: undelivered messages go to the subscribed function's on-failure queue (redrive), which is alarmed",
}
