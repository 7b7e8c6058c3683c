"""create-order: accept a new order, store it, and queue it for fulfilment."""

import json
import logging
import os
import time
import uuid

import boto3

logger = logging.getLogger()
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO"))

# Init phase: created once per execution environment.
ORDERS = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE_NAME"])
SQS = boto3.client("sqs")
FULFILMENT_QUEUE_URL = os.environ["FULFILMENT_QUEUE_URL"]


def _response(status, body):
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def handler(event, context):
    try:
        order = json.loads(event.get("body") or "{}")
    except json.JSONDecodeError:
        return _response(400, {"error": "body must be JSON"})
    customer = (event.get("requestContext", {}).get("authorizer", {}).get("jwt", {}).get("claims", {}).get("sub")
                or order.get("customer_id"))
    if not customer or not isinstance(order.get("items"), list) or not order["items"]:
        return _response(400, {"error": "customer and a non-empty items list are required"})
    order_id = str(uuid.uuid4())
    now = int(time.time())
    item = {
        "pk": f"ORDER#{order_id}",
        "sk": "ORDER",
        "customer_id": customer,
        "created_at": now,
        "status": "NEW",
        "items": order["items"],
    }
    ORDERS.put_item(Item=item)
    SQS.send_message(QueueUrl=FULFILMENT_QUEUE_URL, MessageBody=json.dumps({"order_id": order_id}))
    logger.info("order created", extra={"order_id": order_id})
    return _response(201, {"order_id": order_id, "status": "NEW"})
