"""create-order: validate and store a new order, then announce it on the commerce bus."""

import json
import logging
import os
import time
import uuid

import boto3

logger = logging.getLogger()
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO"))

# Init phase: clients and names are set up once per execution environment.
ORDERS = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE_NAME"])
EVENTS = boto3.client("events")
SECRETS = boto3.client("secretsmanager")
BUS_NAME = os.environ["COMMERCE_BUS_NAME"]
STRIPE_KEY_ARN = os.environ["STRIPE_KEY_SECRET_ARN"]
_secret_cache = {}


def stripe_key():
    """Fetched on first use and cached for five minutes: the value never sits in the environment."""
    cached = _secret_cache.get("value")
    if cached and cached[1] > time.time():
        return cached[0]
    value = SECRETS.get_secret_value(SecretId=STRIPE_KEY_ARN)["SecretString"]
    _secret_cache["value"] = (value, time.time() + 300)
    return value


def _response(status, body):
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def handler(event, context):
    try:
        order = json.loads(event.get("body") or "{}")
    except json.JSONDecodeError:
        return _response(400, {"error": "body must be JSON"})
    claims = event.get("requestContext", {}).get("authorizer", {}).get("jwt", {}).get("claims", {})
    customer = claims.get("sub") or order.get("customer_id")
    if not customer or not isinstance(order.get("items"), list) or not order["items"]:
        return _response(400, {"error": "customer and a non-empty items list are required"})
    if order.get("payment_token"):
        stripe_key()  # a real integration would charge the card here
    order_id = str(uuid.uuid4())
    ORDERS.put_item(Item={
        "pk": f"ORDER#{order_id}",
        "sk": "ORDER",
        "customer_id": customer,
        "created_at": int(time.time()),
        "status": "NEW",
        "items": order["items"],
    })
    EVENTS.put_events(Entries=[{
        "EventBusName": BUS_NAME,
        "Source": "orders",
        "DetailType": "OrderCreated",
        "Detail": json.dumps({"order_id": order_id, "customer_id": customer}),
    }])
    logger.info("order created", extra={"order_id": order_id})
    return _response(201, {"order_id": order_id})
