"""resolve-link.

Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.
"""

import json
import logging
import os
import time

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
SHORT_LINKS_TABLE = boto3.resource("dynamodb").Table(os.environ["SHORT_LINKS_TABLE_NAME"])
VISITS_QUEUE_URL = os.environ["VISITS_QUEUE_URL"]
SQS = boto3.client("sqs")

# Secrets are fetched on first use, never at import, and cached for a few minutes so a rotated value
# is picked up without a cold start.
SECRET_TTL_SECONDS = 300
_secret_cache = {}


def _fetch_secret(env_key, ref):
    if env_key.endswith("_SECRET_ARN"):
        return boto3.client("secretsmanager").get_secret_value(SecretId=ref)["SecretString"]
    return boto3.client("ssm").get_parameter(Name=ref, WithDecryption=True)["Parameter"]["Value"]


# get_secret(key) for SIGNING_KEY_SECRET_ARN: the environment holds only the ARN or parameter name.
def get_secret(env_key):
    """The secret value behind an environment key, fetched on first use and cached for SECRET_TTL_SECONDS."""
    value, fetched_at = _secret_cache.get(env_key, (None, 0.0))
    if value is None or time.monotonic() - fetched_at > SECRET_TTL_SECONDS:
        value = _fetch_secret(env_key, os.environ[env_key])
        _secret_cache[env_key] = (value, time.monotonic())
    return value


def handler(event, context):
    """HTTP API (payload v2) request -> response."""
    begin(event, context)
    logger.info("request", extra={"route": event.get("routeKey"), "request_id": event.get("requestContext", {}).get("requestId")})
    body = json.loads(event["body"]) if event.get("body") else None
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"ok": True, "received": body}),
    }
