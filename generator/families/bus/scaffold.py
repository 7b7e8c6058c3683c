"""Scaffold part of the bus family: a `uses: bus` reads the bus name; one EventBridge client puts to all."""

from __future__ import annotations

ENV_SUFFIXES = ("_BUS_NAME",)
PYTHON_ORDER = 2
PYTHON_CLIENT = 'EVENTS = boto3.client("events")'
SECRET = False


def python_line(key: str) -> str | None:
    return f'{key} = os.environ["{key}"]'


def node_line(key: str) -> str | None:
    return f"const {key} = process.env.{key};"
