"""fulfil-order: mark queued orders fulfilled; report failed records for a partial-batch retry."""

import json
import logging
import os

import boto3

logger = logging.getLogger()
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO"))

ORDERS = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE_NAME"])


def fulfil(message):
    order_id = message["order_id"]
    ORDERS.update_item(
        Key={"pk": f"ORDER#{order_id}", "sk": "ORDER"},
        UpdateExpression="SET #s = :done",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":done": "FULFILLED"},
    )
    logger.info("order fulfilled", extra={"order_id": order_id})


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            fulfil(json.loads(record["body"]))
        except Exception:
            logger.exception("fulfilment failed", extra={"message_id": record["messageId"]})
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
