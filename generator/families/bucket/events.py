"""Sample `bucket` event: an S3 notification for an object the trigger's prefix and suffix match."""

from __future__ import annotations

from typing import Any

from generator.families.bucket.plan import bucket_template
from generator.plan.evolution import previous_name
from generator.samples import SAMPLE_TIME, Stage


def bucket_name(st: Stage, name: str) -> str:
    return st.concrete(bucket_template(st.names, previous_name(st.bp, "bucket", name), st.bp.buckets.get(name)))


def sample(st: Stage, fn: str, ev, i: int, poison: bool) -> tuple[Any, str | None]:
    name = bucket_name(st, ev.bucket)
    created = "created" in ev.on
    key = f"{ev.prefix or ''}sample{ev.suffix or '.json'}"
    obj: dict[str, Any] = {"key": key, "sequencer": "0065A1B2C3D4E5F6A7"}
    if created:
        obj.update(size=1024, eTag="d41d8cd98f00b204e9800998ecf8427e")
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": st.region,
                "eventTime": SAMPLE_TIME.replace("Z", ".000Z"),
                "eventName": "ObjectCreated:Put" if created else "ObjectRemoved:Delete",
                "userIdentity": {"principalId": "AWS:AIDASAMPLE"},
                "requestParameters": {"sourceIPAddress": "203.0.113.10"},
                "responseElements": {"x-amz-request-id": "SAMPLE", "x-amz-id-2": "SAMPLE"},
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": f"{st.names.physical(fn)}-{i}",
                    "bucket": {
                        "name": name,
                        "ownerIdentity": {"principalId": "SAMPLEOWNER"},
                        "arn": f"arn:aws:s3:::{name}",
                    },
                    "object": obj,
                },
            }
        ]
    }, None
