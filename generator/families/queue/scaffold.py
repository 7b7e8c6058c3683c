"""Scaffold part of the queue family: a `uses: queue` reads the queue URL; one SQS client sends to all."""

from __future__ import annotations

ENV_SUFFIXES = ("_QUEUE_URL",)
PYTHON_ORDER = 0  # tables and queues share the first block of init lines
PYTHON_CLIENT = 'SQS = boto3.client("sqs")'
SECRET = False


def python_line(key: str) -> str | None:
    return f'{key} = os.environ["{key}"]'


def node_line(key: str) -> str | None:
    return f"const {key} = process.env.{key};"
