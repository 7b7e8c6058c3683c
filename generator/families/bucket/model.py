"""S3 buckets; the `bucket` event (notifications) and use."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.model.common import Name, Strict

class BucketEvent(Strict):
    bucket: Name = Field(description="bucket name")
    on: list[Literal["created", "removed"]] = Field(["created"], description="object events", min_length=1)
    prefix: str | None = Field(None, description="object key prefix filter")
    suffix: str | None = Field(None, description="object key suffix filter")


class UseBucket(Strict):
    bucket: Name
    access: Literal["read", "write", "read_write"] = "read"


class Bucket(Strict):
    versioning: bool = True
    bucket_name: str | None = Field(None, description="physical name override (default {service}-{stage}-{name}-{account})")


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (dict[Name, Bucket], Field(default_factory=dict))
USE = UseBucket
EVENT = BucketEvent
# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.buckets": ("S3 buckets by logical name", {"uploads": {}}),
    "Bucket.versioning": ("object versioning (default true)", True),
    "Bucket.bucket_name": (None, "acme-orders-uploads"),
    "BucketEvent.bucket": (None, "uploads"),
    "BucketEvent.on": (None, ["created"]),
    "BucketEvent.prefix": (None, "incoming/"),
    "BucketEvent.suffix": (None, ".csv"),
    "UseBucket.bucket": ("bucket name", "uploads"),
    "UseBucket.access": ("read, write or read_write", "read"),
}
