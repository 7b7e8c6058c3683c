"""The observability family: alarms and the stage dashboard."""

# Parts of the family checklist (docs/adding-a-family.md) that do not apply, and why.
WHY_NOT = {
    "alarms": "observability plans the alarms of every other family; it has nothing to alarm on itself",
}
