"""Scaffold part of the parameter family: a `uses: parameter` puts the parameter's name in the
environment; the handler reads (or writes) the value with the SSM client it creates at init."""

from __future__ import annotations

ENV_SUFFIXES = ("_PARAM_NAME",)
PYTHON_ORDER = 5  # after the messaging clients
PYTHON_CLIENT = 'SSM = boto3.client("ssm")'
SECRET = False


def python_line(key: str) -> str | None:
    return f'{key} = os.environ["{key}"]'


def node_line(key: str) -> str | None:
    return f"const {key} = process.env.{key};"
