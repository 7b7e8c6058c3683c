"""The bucket family: S3 buckets; the `bucket` event (notifications) and use."""

# Parts of the family checklist (docs/adding-a-family.md) that do not apply, and why.
WHY_NOT = {
    "alarms": "S3 invokes asynchronously: failed events land in the function's on-failure queue, which is alarmed",
}
