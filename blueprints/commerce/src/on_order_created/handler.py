"""on-order-created: an OrderCreated event from the commerce bus becomes a fulfilment job."""

import json
import logging
import os

import boto3

logger = logging.getLogger()
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO"))

SQS = boto3.client("sqs")
FULFILMENT_QUEUE_URL = os.environ["FULFILMENT_QUEUE_URL"]


def handler(event, context):
    detail = event.get("detail") or {}
    if "order_id" not in detail:
        # The rule's pattern matched, but the event carries no order: nothing to fulfil, and a retry
        # would not change that. Log it for the producer's owner instead of failing.
        logger.warning("OrderCreated event without order_id", extra={"event_id": event.get("id")})
        return {"queued": None}
    SQS.send_message(QueueUrl=FULFILMENT_QUEUE_URL, MessageBody=json.dumps({"order_id": detail["order_id"]}))
    logger.info("fulfilment queued", extra={"order_id": detail["order_id"], "event_id": event.get("id")})
    return {"queued": detail["order_id"]}
