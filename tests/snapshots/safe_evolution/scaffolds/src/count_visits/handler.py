"""count-visits.

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
CLICKS_TABLE = boto3.resource("dynamodb").Table(os.environ["CLICKS_TABLE_NAME"])
CURSOR_PARAM_NAME = os.environ["CURSOR_PARAM_NAME"]
SSM = boto3.client("ssm")


def process(message):
    """Handle one message; raise to have it retried (and dead-lettered after max receives)."""
    logger.info("message", extra={"body": message})  # "message" is reserved by logging.LogRecord


def handler(event, context):
    """SQS batch -> partial batch response: only failed records are retried."""
    failures = []
    for record in event["Records"]:
        try:
            process(json.loads(record["body"]))
        except Exception:
            logger.exception("record failed", extra={"message_id": record["messageId"]})
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
