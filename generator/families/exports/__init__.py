"""The exports family: names, ARNs and URLs of what a stage owns, published as SSM String parameters
(`exports:`) for other stacks. Every part offers them (`exports()`, plan.model.Export); outputs.tf
lists them whether or not `exports:` is set."""

# Parts of the family checklist (docs/adding-a-family.md) that do not apply, and why.
WHY_NOT = {
    "alarms": "an SSM parameter written by Terraform holds nothing that can fail at run time",
}
