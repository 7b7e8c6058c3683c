"""fulfil-order: mark queued orders fulfilled and publish an order event; partial batch failures."""

import json
import logging
import os

import boto3

logger = logging.getLogger()
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO"))

ORDERS = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE_NAME"])
SNS = boto3.client("sns")
ORDER_EVENTS_TOPIC_ARN = os.environ["ORDER_EVENTS_TOPIC_ARN"]


def fulfil(message):
    order_id = message["order_id"]
    ORDERS.update_item(
        Key={"pk": f"ORDER#{order_id}", "sk": "ORDER"},
        UpdateExpression="SET #s = :done",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":done": "FULFILLED"},
    )
    SNS.publish(
        TopicArn=ORDER_EVENTS_TOPIC_ARN,
        Message=json.dumps({"order_id": order_id, "kind": "fulfilled"}),
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "fulfilled"}},
    )


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            fulfil(json.loads(record["body"]))
        except Exception:
            logger.exception("fulfilment failed", extra={"message_id": record["messageId"]})
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
