"""Scaffold part of the bucket family: Node.js scaffolds read a `uses: bucket`'s name at init; Python
scaffolds leave the bucket to the handler code."""

from __future__ import annotations

ENV_SUFFIXES = ("_BUCKET_NAME",)
PYTHON_ORDER = 3
PYTHON_CLIENT = None
SECRET = False


def python_line(key: str) -> str | None:
    return None


def node_line(key: str) -> str | None:
    return f"const {key} = process.env.{key};"
