"""list-products.

Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.
"""

import json
import logging
import os

# The log format (JSON) and level come from the function's logging config.
logger = logging.getLogger()
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO"))

# A REST API (Lambda proxy) sends the function's response as it is: with api.cors, the allowed origin
# comes from the environment (sls-gen sets it from the blueprint).
CORS_VARIABLES = {
    "Access-Control-Allow-Origin": "CORS_ALLOW_ORIGIN",
    "Access-Control-Allow-Credentials": "CORS_ALLOW_CREDENTIALS",
}
CORS_HEADERS = {header: os.environ[var] for header, var in CORS_VARIABLES.items() if os.environ.get(var)}


def handler(event, context):
    """REST API (Lambda proxy, payload 1.0) request -> response."""
    logger.info("request", extra={"method": event.get("httpMethod"), "resource": event.get("resource"),
                                  "request_id": event.get("requestContext", {}).get("requestId")})
    body = json.loads(event["body"]) if event.get("body") else None
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json", **CORS_HEADERS},
        "body": json.dumps({"ok": True, "received": body}),
    }
