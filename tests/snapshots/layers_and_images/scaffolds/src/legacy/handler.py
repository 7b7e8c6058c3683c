"""legacy.

Scaffolded once by sls-gen from blueprint.yaml; this file is yours to edit and is never overwritten.
"""

import json
import logging
import os

# The log format (JSON) and level come from the function's logging config.
logger = logging.getLogger()
logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO"))


def handler(event, context):
    """Invoked directly (or by a trigger added later)."""
    logger.info("event", extra={"event": event})
    return {"ok": True}
