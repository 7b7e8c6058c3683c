"""The parameter family: SSM String parameters this service owns, and the `parameter` use.

The worked example of docs/adding-a-family.md: everything about the kind lives in this folder.
"""

# Parts of the family checklist (docs/adding-a-family.md) that do not apply, and why.
WHY_NOT = {
    "alarms": "nothing runs in a parameter: it cannot fail silently",
}
