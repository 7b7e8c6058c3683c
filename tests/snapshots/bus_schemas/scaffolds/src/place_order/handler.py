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

# Every record carries coldStart (the first event of this execution environment) and correlationId
# (the caller's, else the request id): the stage's saved Logs Insights queries read both.
_invocation = {"coldStart": None, "correlationId": None}


class _InvocationFields(logging.Filter):
    def filter(self, record):
        record.coldStart, record.correlationId = _invocation["coldStart"], _invocation["correlationId"]
        return True


logger.addFilter(_InvocationFields())


def begin(event, context=None):
    """Start of an invocation: note a cold start and the correlation id (an x-correlation-id header,
    a correlationId message attribute or field, else the Lambda request id)."""
    _invocation["coldStart"] = _invocation["coldStart"] is None
    found = None
    if isinstance(event, dict):
        headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
        detail = event.get("detail") if isinstance(event.get("detail"), dict) else {}
        record = (event.get("Records") or [{}])[0] if isinstance(event.get("Records"), list) else {}
        attributes = record.get("messageAttributes") or (record.get("Sns") or {}).get("MessageAttributes") or {}
        attribute = attributes.get("correlationId") or {}
        found = (headers.get("x-correlation-id") or attribute.get("stringValue") or attribute.get("Value")
                 or detail.get("correlationId") or event.get("correlationId"))
    _invocation["correlationId"] = str(found) if found else getattr(context, "aws_request_id", None)
    return _invocation["correlationId"]

# Init phase: clients and resource names are set up once per execution environment, not per event.
ORDERS_BUS_NAME = os.environ["ORDERS_BUS_NAME"]
EVENTS = boto3.client("events")


def handler(event, context):
    """Invoked directly (or by a trigger added later)."""
    begin(event, context)
    logger.info("event", extra={"event": event})
    return {"ok": True}
