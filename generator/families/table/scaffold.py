"""Scaffold part of the table family: a `uses: table` binds a DynamoDB Table resource at init."""

from __future__ import annotations

ENV_SUFFIXES = ("_TABLE_NAME",)
PYTHON_ORDER = 0  # tables and queues share the first block of init lines
PYTHON_CLIENT = None  # each line builds its own Table resource
SECRET = False


def python_line(key: str) -> str | None:
    return f'{key.removesuffix("_NAME")} = boto3.resource("dynamodb").Table(os.environ["{key}"])'


def node_line(key: str) -> str | None:
    return f"const {key} = process.env.{key};"
