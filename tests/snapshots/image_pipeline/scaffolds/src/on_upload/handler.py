"""on-upload.

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
IMAGE_READY_TOPIC_ARN = os.environ["IMAGE_READY_TOPIC_ARN"]
SNS = boto3.client("sns")
from urllib.parse import unquote_plus


def process(bucket, key, record):
    """Handle one object event; raise to fail the invocation (S3 invokes asynchronously and retries)."""
    logger.info("object", extra={"bucket": bucket, "key": key, "event_name": record["eventName"]})


def handler(event, context):
    """S3 event notification -> one call per object. Keys arrive URL-encoded ('+' for spaces)."""
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        process(bucket, key, record)
    return {"processed": len(event["Records"])}
