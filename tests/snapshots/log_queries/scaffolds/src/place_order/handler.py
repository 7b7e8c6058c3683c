"""place-order.

Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.
"""

import json
import logging
import os

import boto3

# The log format (JSON) and level come from the function's logging config.
logger = logging.getLogger()
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO"))

# Init phase: clients and resource names are set up once per execution environment, not per event.
ORDERS_QUEUE_URL = os.environ["ORDERS_QUEUE_URL"]
SQS = boto3.client("sqs")


def handler(event, context):
    """HTTP API (payload v2) request -> response."""
    logger.info("request", extra={"route": event.get("routeKey"), "request_id": event.get("requestContext", {}).get("requestId")})
    body = json.loads(event["body"]) if event.get("body") else None
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"ok": True, "received": body}),
    }
