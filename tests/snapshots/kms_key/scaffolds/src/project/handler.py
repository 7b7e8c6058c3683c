"""project.

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

# Secrets are fetched on first use, never at import, and cached for a few minutes so a rotated value
# is picked up without a cold start.
SECRET_TTL_SECONDS = 300
_secret_cache = {}


def _fetch_secret(env_key, ref):
    if env_key.endswith("_SECRET_ARN"):
        return boto3.client("secretsmanager").get_secret_value(SecretId=ref)["SecretString"]
    return boto3.client("ssm").get_parameter(Name=ref, WithDecryption=True)["Parameter"]["Value"]


# get_secret(key) for BANK_TOKEN_SECRET_ARN: the environment holds only the ARN or parameter name.
def get_secret(env_key):
    """The secret value behind an environment key, fetched on first use and cached for SECRET_TTL_SECONDS."""
    value, fetched_at = _secret_cache.get(env_key, (None, 0.0))
    if value is None or time.monotonic() - fetched_at > SECRET_TTL_SECONDS:
        value = _fetch_secret(env_key, os.environ[env_key])
        _secret_cache[env_key] = (value, time.monotonic())
    return value


def process(record):
    """Handle one stream record (DynamoDB JSON); raise to retry the batch from this record."""
    change = record["dynamodb"]
    logger.info(
        "change",
        extra={"event_name": record["eventName"], "keys": change["Keys"], "new_image": change.get("NewImage")},
    )


def handler(event, context):
    """DynamoDB stream batch -> partial batch response.

    Records of a shard must stay in order: stop at the first failure and report its sequence number,
    so Lambda retries from there (bisecting, bounded retries, then the on-failure queue).
    """
    for record in event["Records"]:
        try:
            process(record)
        except Exception:
            logger.exception("record failed", extra={"sequence_number": record["dynamodb"]["SequenceNumber"]})
            return {"batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}]}
    return {"batchItemFailures": []}
