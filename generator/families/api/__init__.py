"""The api family: the API (HTTP or REST) and the `http` event that adds a route."""

# Parts of the family checklist (docs/adding-a-family.md) that do not apply, and why.
WHY_NOT = {
    "alarms": "the API has no failure queue: its 5xx alarm is planned by observability from the API part",
}
