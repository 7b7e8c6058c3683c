"""Scaffold part of the topic family: a `uses: topic` reads the topic ARN; one SNS client publishes to all."""

from __future__ import annotations

ENV_SUFFIXES = ("_TOPIC_ARN",)
PYTHON_ORDER = 1
PYTHON_CLIENT = 'SNS = boto3.client("sns")'
SECRET = False


def python_line(key: str) -> str | None:
    return f'{key} = os.environ["{key}"]'


def node_line(key: str) -> str | None:
    return f"const {key} = process.env.{key};"
