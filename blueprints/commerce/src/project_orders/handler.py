"""project-orders: follow the orders table's stream; report failed records by sequence number."""

import logging
import os

logger = logging.getLogger()
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO"))


def project(record):
    image = record["dynamodb"].get("NewImage") or {}
    keys = record["dynamodb"]["Keys"]
    logger.info(
        "order changed",
        extra={"event": record["eventName"], "pk": keys["pk"]["S"], "status": image.get("status", {}).get("S")},
    )


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            project(record)
        except Exception:
            logger.exception("projection failed")
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
    return {"batchItemFailures": failures}
