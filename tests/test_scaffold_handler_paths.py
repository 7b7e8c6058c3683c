"""Scaffolds follow the blueprint's `handler`: a module in a sub-folder (app/main or app.main for
Python, lib/fn for Node.js) and an entry function other than `handler`."""

from __future__ import annotations

import subprocess
import sys

import pytest
from rendering import render_text
from requires import require_node

BLUEPRINT = """\
service: hnd
region: us-east-1
functions:
  p1: {runtime: python3.12, handler: app/main.handler}
  p2: {runtime: python3.12, handler: app.main.run}
  n1: {runtime: nodejs22.x, handler: lib/fn.handler}
  n2: {runtime: nodejs22.x, handler: index.main}
"""


@pytest.fixture(scope="module")
def src(tmp_path_factory):
    result, _, src = render_text(BLUEPRINT, tmp_path_factory.mktemp("hnd"))
    assert result.exit_code == 0, result.output
    return src / "src"


def test_python_modules_live_where_lambda_imports_them(src):
    for fn in ("p1", "p2"):
        assert sorted(p.relative_to(src / fn).as_posix() for p in (src / fn).rglob("*.py")) == ["app/main.py", f"test_{fn}.py"]
    assert (src / "p2" / "app" / "main.py").read_text().endswith("\nrun = handler\n")
    assert "\nrun = handler" not in (src / "p1" / "app" / "main.py").read_text()


@pytest.mark.parametrize("fn, entry", [("p1", "handler"), ("p2", "run")])
def test_python_scaffold_imports_and_its_test_passes(src, fn, entry):
    code = f"import importlib; assert callable(importlib.import_module('app.main').{entry})"
    subprocess.run([sys.executable, "-c", code], cwd=src / fn, check=True)
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=src / fn, check=True, capture_output=True)


@pytest.mark.parametrize("fn, module, entry", [("n1", "lib/fn.mjs", "handler"), ("n2", "index.mjs", "main")])
def test_node_scaffold_exports_the_entry_and_its_test_passes(src, fn, module, entry):
    node = require_node()
    check = f"import('./{module}').then(m => {{ if (typeof m.{entry} !== 'function') process.exit(1); }})"
    subprocess.run([node, "-e", check], cwd=src / fn, check=True)
    subprocess.run([node, "--test"], cwd=src / fn, check=True, capture_output=True)


def test_invoke_runs_a_handler_written_with_a_slash(src):
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, ["invoke", "p1", str(src.parent / "blueprint.yaml")])
    assert result.exit_code == 0, result.output
