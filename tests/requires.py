"""The one rule for tests that need something outside the Python package: a tool (terraform, node)
or a test extra (moto, parliament, jsonschema).

Where it is missing the test is skipped, with the reason in the `-ra` summary; under `CI=true` it
fails instead, so a CI machine without the tool cannot turn a suite into a green run that checked
nothing. Every such test goes through this module (tfharness.require_terraform included).
"""

from __future__ import annotations

import importlib
import os
import shutil

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def skip_or_fail(msg: str, *, allow_module_level: bool = False):
    """pytest.skip(msg), or pytest.fail under CI=true. Never returns."""
    if in_ci():
        pytest.fail(f"{msg} (CI=true: refusing to skip)", pytrace=False)
    pytest.skip(msg, allow_module_level=allow_module_level)


def require_tool(name: str, env_var: str | None = None) -> str:
    """Path of executable `name` (`$env_var` first, if given and set), else skip or fail (see above)."""
    explicit = os.environ.get(env_var) if env_var else None
    exe = shutil.which(explicit or name)
    if exe is None:
        where = f"${env_var} / PATH" if env_var else "PATH"
        skip_or_fail(f"{explicit or name} not found on {where}")
    return exe


def require_node() -> str:
    """The Node.js binary, for Node handlers and scaffolds (`node --test`)."""
    return require_tool("node")


def require_module(name: str, *, allow_module_level: bool = False):
    """Import a test extra (`pip install -e '.[test]'`), else skip or fail (see above)."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        skip_or_fail(f"{name} cannot be imported ({exc}); pip install -e '.[test]'", allow_module_level=allow_module_level)


def optional_tool(name: str, env_var: str | None = None, *, covered_by: str) -> str:
    """Path of executable `name` (`$env_var` first), else skip, also under CI=true.

    Only for a test that cross-checks with an outside tool what another test checks without it, in
    CI too (`covered_by` names that test, for the skip reason): Graphviz's `dot` and mermaid-cli
    re-check the diagrams that the subset parsers of tests/test_graph.py check everywhere, so CI does
    not have to install a layout engine or a headless browser, and a missing one leaves nothing
    unchecked.
    """
    explicit = os.environ.get(env_var) if env_var else None
    exe = shutil.which(explicit or name)
    if exe is None:
        pytest.skip(f"{explicit or name} not found (optional: {covered_by} checks the same without it)")
    return exe
