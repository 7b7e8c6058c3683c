"""get-order: read one order by id."""

import json
import logging
import os
from decimal import Decimal

import boto3

logger = logging.getLogger()
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO"))

ORDERS = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE_NAME"])


def _json(value):
    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    raise TypeError(type(value).__name__)


def handler(event, context):
    order_id = (event.get("pathParameters") or {}).get("id")
    if not order_id:
        return {"statusCode": 400, "body": json.dumps({"error": "missing id"})}
    item = ORDERS.get_item(Key={"pk": f"ORDER#{order_id}", "sk": "ORDER"}).get("Item")
    if item is None:
        return {"statusCode": 404, "headers": {"content-type": "application/json"}, "body": json.dumps({"error": "not found"})}
    body = {"order_id": order_id, "status": item["status"], "items": item["items"], "created_at": item["created_at"]}
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(body, default=_json)}
