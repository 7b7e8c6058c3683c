"""on-order-placed.

Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.
"""

import json
import logging
import os

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


def process(source, detail_type, detail):
    """Handle one event; raise to have Lambda retry it (then it goes to the failures queue)."""
    logger.info("event", extra={"source": source, "detail_type": detail_type, "detail": detail})


def handler(event, context):
    """EventBridge event (asynchronous invocation). With `input_path` only that part arrives."""
    begin(event, context)
    if "detail-type" not in event:  # input_path passed a fragment, e.g. $.detail
        process(None, None, event)
        return {"ok": True}
    process(event["source"], event["detail-type"], event.get("detail", {}))
    return {"ok": True, "id": event.get("id")}
