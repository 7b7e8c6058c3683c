"""ship-order.

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
SAGA_STATE_TABLE = boto3.resource("dynamodb").Table(os.environ["SAGA_STATE_TABLE_NAME"])
AUDIT_BUS_NAME = os.environ["AUDIT_BUS_NAME"]
EVENTS = boto3.client("events")


def process(source, detail_type, detail):
    """Handle one event; raise to have Lambda retry it (then it goes to the failures queue)."""
    logger.info("event", extra={"source": source, "detail_type": detail_type, "detail": detail})


def handler(event, context):
    """EventBridge event (asynchronous invocation). With `input_path` only that part arrives."""
    if "detail-type" not in event:  # input_path passed a fragment, e.g. $.detail
        process(None, None, event)
        return {"ok": True}
    process(event["source"], event["detail-type"], event.get("detail", {}))
    return {"ok": True, "id": event.get("id")}
