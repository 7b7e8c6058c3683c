"""Scaffold part of the secret family: a `uses: secret` puts the secret's ARN (Secrets Manager) or
parameter name (SSM) in the environment, never its value; the scaffold's get_secret(key) fetches
it on first use and caches it."""

from __future__ import annotations

ENV_SUFFIXES = ("_SECRET_ARN", "_PARAMETER_NAME")
PYTHON_ORDER = 3
PYTHON_CLIENT = None  # get_secret creates its client when first called
SECRET = True


def python_line(key: str) -> str | None:
    return None


def node_line(key: str) -> str | None:
    return f"const {key} = process.env.{key};" if key.endswith("_SECRET_ARN") else None
