"""Sample `queue` event: an SQS batch of one JSON message and, when asked, a poison record."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from generator.families.queue import plan
from generator.plan.evolution import previous_name
from generator.samples import POISON_BODY, SAMPLE_EPOCH_MS, Stage, uid


def queue_name(st: Stage, name: str) -> str:
    return st.concrete(plan.queue_name(st.names, previous_name(st.bp, "queue", name), st.bp.queues.get(name)))


def _sqs_record(st: Stage, queue: str, message_id: str, body: str) -> dict:
    name = queue_name(st, queue)
    record = {
        "messageId": message_id,
        "receiptHandle": f"sample-receipt-{message_id}",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": str(SAMPLE_EPOCH_MS),
            "SenderId": "AIDASAMPLESENDER",
            "ApproximateFirstReceiveTimestamp": str(SAMPLE_EPOCH_MS),
        },
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),  # noqa: S324 - SQS's own checksum
        "eventSource": "aws:sqs",
        "eventSourceARN": st.arn("sqs", name),
        "awsRegion": st.region,
    }
    if name.endswith(".fifo"):
        record["attributes"].update(MessageGroupId="sample", MessageDeduplicationId=message_id, SequenceNumber="1")
    return record


def sample(st: Stage, fn: str, ev, i: int, poison: bool) -> tuple[Any, str | None]:
    """With `poison`, a second record whose body is not JSON: its id is what a partial-batch
    handler reports in `batchItemFailures`."""
    good = _sqs_record(st, ev.queue, uid(fn, i, "message", 1), json.dumps({"hello": "world"}))
    records = [good]
    poison_id = None
    if poison:
        poison_id = uid(fn, i, "message", 2)
        records.append(_sqs_record(st, ev.queue, poison_id, POISON_BODY))
    return {"Records": records}, poison_id
