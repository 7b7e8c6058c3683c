"""`sls-gen invoke` as close to Lambda as a local run gets: the runtime's version is checked, a batch
handler's reported failures fail the run (the packaged dependencies: tests/test_deps.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main

LOCAL = f"python{sys.version_info.major}.{sys.version_info.minor}"
OTHER = "python3.13" if LOCAL != "python3.13" else "python3.12"


def _project(tmp_path: Path, handler: str, runtime: str) -> Path:
    code = tmp_path / "src" / "fn"
    code.mkdir(parents=True)
    (code / "handler.py").write_text(handler)
    bp = tmp_path / "blueprint.yaml"
    bp.write_text(f"service: demo\nfunctions:\n  fn:\n    runtime: {runtime}\n")
    return bp


def _invoke(bp: Path):
    return CliRunner().invoke(main, ["invoke", "fn", str(bp)])


def test_a_runtime_other_than_the_local_python_is_a_warning(tmp_path):
    bp = _project(tmp_path, "def handler(event, context):\n    return {'ok': True}\n", OTHER)
    result = _invoke(bp)
    assert result.exit_code == 0, result.output
    assert f"sls-gen: warning: fn runs on {OTHER} in Lambda, but is invoked here with Python " in result.output


def test_the_local_python_of_the_runtime_gives_no_warning(tmp_path):
    bp = _project(tmp_path, "def handler(event, context):\n    return {'ok': True}\n", LOCAL)
    result = _invoke(bp)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def test_reported_batch_item_failures_exit_non_zero(tmp_path):
    bp = _project(tmp_path, "def handler(event, context):\n"
                  "    return {'batchItemFailures': [{'itemIdentifier': 'm1'}, {'itemIdentifier': 'm2'}]}\n", LOCAL)
    result = _invoke(bp)
    assert result.exit_code == 1, result.output
    assert '"itemIdentifier": "m1"' in result.output
    assert "sls-gen: fn reported 2 batch item failure(s)" in result.output


def test_an_empty_batch_item_failures_list_is_success(tmp_path):
    bp = _project(tmp_path, "def handler(event, context):\n    return {'batchItemFailures': []}\n", LOCAL)
    assert _invoke(bp).exit_code == 0
