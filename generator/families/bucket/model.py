"""S3 buckets; the `bucket` event (notifications) and use."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.model.common import Name, PhysicalName, Strict, Tags, UseEntry
from generator.model.evolution import Protectable
from generator.model.existing import EXISTING_DOC, Existing

class BucketEvent(Strict):
    bucket: Name = Field(description="bucket name")
    on: list[Literal["created", "removed"]] = Field(["created"], description="object events", min_length=1)
    prefix: str | None = Field(None, description="object key prefix filter")
    suffix: str | None = Field(None, description="object key suffix filter")


class UseBucket(UseEntry):
    bucket: Name
    access: Literal["read", "write", "read_write"] = "read"


class Bucket(Protectable):
    versioning: bool = True
    name: PhysicalName | None = Field(None, description="physical bucket name (default {service}-{stage}-<name>-{account})")
    bucket_name: PhysicalName | None = Field(None, description="v1 spelling of name")
    tags: Tags = Field(default_factory=dict, description="tags of this bucket, over the service's")
    existing: Existing | None = Field(None, description=EXISTING_DOC)


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (dict[Name, Bucket], Field(default_factory=dict))
USE = UseBucket
EVENT = BucketEvent
# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.buckets": ("S3 buckets by logical name", {"uploads": {}}),
    "Bucket.versioning": ("object versioning (default true)", True),
    "Bucket.name": (None, "acme-{stage}-uploads-{account}-{region}"),
    "Bucket.bucket_name": (None, "acme-orders-uploads"),
    "Bucket.existing": (None, {"name": "acme-shared-assets"}),
    "Bucket.tags": (None, {"data-class": "public"}),
    "BucketEvent.bucket": (None, "uploads"),
    "BucketEvent.on": (None, ["created"]),
    "BucketEvent.prefix": (None, "incoming/"),
    "BucketEvent.suffix": (None, ".csv"),
    "UseBucket.bucket": ("bucket name", "uploads"),
    "UseBucket.access": ("read, write or read_write", "read"),
}
