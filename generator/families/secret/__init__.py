"""The secret family: Secrets Manager secrets and existing SSM SecureString parameters; the `secret` use."""

# Parts of the family checklist (docs/adding-a-family.md) that do not apply, and why.
WHY_NOT = {
    "alarms": "nothing runs in a secret: it cannot fail silently (rotation alarms come with rotation)",
}
