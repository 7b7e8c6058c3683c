"""publisher.

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
SESSIONS_TABLE = boto3.resource("dynamodb").Table(os.environ["SESSIONS_TABLE_NAME"])
COMMERCE_BUS_NAME = os.environ["COMMERCE_BUS_NAME"]
EVENTS = boto3.client("events")


def handler(event, context):
    """Invoked directly (or by a trigger added later)."""
    logger.info("event", extra={"event": event})
    return {"ok": True}
