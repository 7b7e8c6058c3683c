"""project.

Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.
"""

import json
import logging
import os

# The log format (JSON) and level come from the function's logging config.
logger = logging.getLogger()
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO"))


def process(record):
    """Handle one stream record (DynamoDB JSON); raise to retry the batch from this record."""
    change = record["dynamodb"]
    logger.info(
        "change",
        extra={"event_name": record["eventName"], "keys": change["Keys"], "new_image": change.get("NewImage")},
    )


def handler(event, context):
    """DynamoDB stream batch -> partial batch response.

    Records of a shard must stay in order: stop at the first failure and report its sequence number,
    so Lambda retries from there (bisecting, bounded retries, then the on-failure queue).
    """
    for record in event["Records"]:
        try:
            process(record)
        except Exception:
            logger.exception("record failed", extra={"sequence_number": record["dynamodb"]["SequenceNumber"]})
            return {"batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}]}
    return {"batchItemFailures": []}
