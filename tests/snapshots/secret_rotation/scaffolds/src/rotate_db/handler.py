"""rotate-db.

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

# Secrets are fetched on first use, never at import, and cached for a few minutes so a rotated value
# is picked up without a cold start.
SECRET_TTL_SECONDS = 300
_secret_cache = {}


def _fetch_secret(env_key, ref):
    if env_key.endswith("_SECRET_ARN"):
        return boto3.client("secretsmanager").get_secret_value(SecretId=ref)["SecretString"]
    return boto3.client("ssm").get_parameter(Name=ref, WithDecryption=True)["Parameter"]["Value"]


# get_secret(key) for DB_CREDENTIALS_SECRET_ARN: the environment holds only the ARN or parameter name.
def get_secret(env_key):
    """The secret value behind an environment key, fetched on first use and cached for SECRET_TTL_SECONDS."""
    value, fetched_at = _secret_cache.get(env_key, (None, 0.0))
    if value is None or time.monotonic() - fetched_at > SECRET_TTL_SECONDS:
        value = _fetch_secret(env_key, os.environ[env_key])
        _secret_cache[env_key] = (value, time.monotonic())
    return value
from botocore.exceptions import ClientError

# Secrets Manager invokes this function four times per rotation, once per step, with the secret's
# ARN and the new version's id (ClientRequestToken). Each step must be safe to run again.
_client = None


def secrets_manager():
    global _client
    if _client is None:
        _client = boto3.client("secretsmanager")
    return _client


def rules_for(arn):
    """The generation rules sls-gen passes for the secret `arn` (<NAME>_SECRET_ARN and <NAME>_ROTATION)."""
    for key, value in os.environ.items():
        if key.endswith("_SECRET_ARN") and value == arn:
            rules = os.environ.get(key[: -len("_SECRET_ARN")] + "_ROTATION")
            if rules:
                return json.loads(rules)
    raise ValueError(f"this function does not rotate {arn}")


def value_of(sm, arn, stage, token=None):
    """The secret's value at `stage` (and version `token`), or None when there is none yet."""
    args = {"SecretId": arn, "VersionStage": stage}
    if token:
        args["VersionId"] = token
    try:
        return sm.get_secret_value(**args)["SecretString"]
    except ClientError as err:
        if err.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise


def new_value(sm, arn, rules):
    """A new password by the rules; JSON values keep their other keys (the current value's, else the template)."""
    password = sm.get_random_password(**rules["password"])["RandomPassword"]
    current = value_of(sm, arn, "AWSCURRENT")
    try:
        doc = json.loads(current) if current else None
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        doc = dict(rules["template"]) if "template" in rules else None
    if doc is None:
        return password
    doc[rules.get("key", "password")] = password
    return json.dumps(doc)


def create_secret(sm, arn, token, rules):
    """Step 1: store a new value as the AWSPENDING version `token` (once: a retry keeps it)."""
    if value_of(sm, arn, "AWSPENDING", token) is not None:
        return
    sm.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=new_value(sm, arn, rules),
                        VersionStages=["AWSPENDING"])
    logger.info("created the pending value", extra={"secret": arn, "version": token})


def set_secret(sm, arn, token, rules):
    """Step 2: give the pending value to the system the secret opens (e.g. ALTER USER ... PASSWORD).

    Nothing to do for a secret only this service reads; replace this for a database or an API key."""
    logger.info("set step: nothing to change outside Secrets Manager", extra={"secret": arn, "version": token})


def test_secret(sm, arn, token, rules):
    """Step 3: prove the pending value works (log in with it). Here: it exists and has the password key."""
    value = value_of(sm, arn, "AWSPENDING", token)
    if value is None:
        raise ValueError(f"version {token} of {arn} has no pending value")
    if "template" in rules and rules.get("key", "password") not in json.loads(value):
        raise ValueError(f"version {token} of {arn} lacks its password key")


def finish_secret(sm, arn, token, rules):
    """Step 4: make the pending version current (the old one becomes AWSPREVIOUS)."""
    stages = sm.describe_secret(SecretId=arn).get("VersionIdsToStages", {})
    current = next((v for v, s in stages.items() if "AWSCURRENT" in s), None)
    if current == token:
        return
    args = {"SecretId": arn, "VersionStage": "AWSCURRENT", "MoveToVersionId": token}
    if current:
        args["RemoveFromVersionId"] = current
    sm.update_secret_version_stage(**args)
    logger.info("rotated", extra={"secret": arn, "version": token})


STEPS = {"createSecret": create_secret, "setSecret": set_secret, "testSecret": test_secret, "finishSecret": finish_secret}


def handler(event, context):
    """One rotation step: {"SecretId": ARN, "ClientRequestToken": version id, "Step": createSecret|...}."""
    begin(event, context)
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    if step not in STEPS:
        raise ValueError(f"unknown rotation step {step!r}")
    rules = rules_for(arn)
    sm = secrets_manager()
    meta = sm.describe_secret(SecretId=arn)
    if not meta.get("RotationEnabled"):
        raise ValueError(f"rotation is not enabled on {arn}")
    stages = meta.get("VersionIdsToStages", {})
    if token in stages and "AWSCURRENT" in stages[token]:
        logger.info("version is already current", extra={"secret": arn, "version": token})
        return
    # The first rotation of a secret without a value has no staged version yet: createSecret makes it.
    if step != "createSecret" and "AWSPENDING" not in stages.get(token, ()):
        raise ValueError(f"version {token} of {arn} is not pending rotation")
    STEPS[step](sm, arn, token, rules)
