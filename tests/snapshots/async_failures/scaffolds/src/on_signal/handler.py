"""on-signal.

Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.
"""

import json
import logging
import os

# The log format (JSON) and level come from the function's logging config.
logger = logging.getLogger()
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO"))


def parse(record):
    """SNS record -> (message, attributes): JSON messages are decoded, other text is kept as is."""
    sns = record["Sns"]
    try:
        message = json.loads(sns["Message"])
    except ValueError:
        message = sns["Message"]
    attributes = {k: v.get("Value") for k, v in (sns.get("MessageAttributes") or {}).items()}
    return message, attributes


def process(message, attributes):
    """Handle one message; raise to have Lambda retry the event (then it goes to the failures queue)."""
    logger.info("message", extra={"body": message, "attributes": attributes})


def handler(event, context):
    """SNS notification (asynchronous invocation, one record per event)."""
    for record in event["Records"]:
        process(*parse(record))
    return {"processed": len(event["Records"])}
