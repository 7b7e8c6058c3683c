"""post.

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

# Init phase: clients and resource names are set up once per execution environment, not per event.
ACCOUNTS_TABLE = boto3.resource("dynamodb").Table(os.environ["ACCOUNTS_TABLE_NAME"])
BILLING_QUEUE_URL = os.environ["BILLING_QUEUE_URL"]
ENTRIES_TABLE = boto3.resource("dynamodb").Table(os.environ["ENTRIES_TABLE_NAME"])
USERS_TABLE = boto3.resource("dynamodb").Table(os.environ["USERS_TABLE_NAME"])
SQS = boto3.client("sqs")
ALERTS_TOPIC_ARN = os.environ["ALERTS_TOPIC_ARN"]
SNS = boto3.client("sns")
PARTNER_BUS_NAME = os.environ["PARTNER_BUS_NAME"]
SHARED_BUS_NAME = os.environ["SHARED_BUS_NAME"]
EVENTS = boto3.client("events")
API_HOST_PARAM_NAME = os.environ["API_HOST_PARAM_NAME"]
SSM = boto3.client("ssm")

# Secrets are fetched on first use, never at import, and cached for a few minutes so a rotated value
# is picked up without a cold start.
SECRET_TTL_SECONDS = 300
_secret_cache = {}


def _fetch_secret(env_key, ref):
    if env_key.endswith("_SECRET_ARN"):
        return boto3.client("secretsmanager").get_secret_value(SecretId=ref)["SecretString"]
    return boto3.client("ssm").get_parameter(Name=ref, WithDecryption=True)["Parameter"]["Value"]


# get_secret(key) for DB_PASSWORD_SECRET_ARN, PARTNER_KEY_SECRET_ARN: the environment holds only the ARN or parameter name.
def get_secret(env_key):
    """The secret value behind an environment key, fetched on first use and cached for SECRET_TTL_SECONDS."""
    value, fetched_at = _secret_cache.get(env_key, (None, 0.0))
    if value is None or time.monotonic() - fetched_at > SECRET_TTL_SECONDS:
        value = _fetch_secret(env_key, os.environ[env_key])
        _secret_cache[env_key] = (value, time.monotonic())
    return value


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
