"""A key set to null in a stage override removes it for that stage (JSON Merge Patch), instead of
leaving an empty function or table behind."""

from __future__ import annotations

from rendering import render_text

from generator.model.parse import deep_merge

BLUEPRINT = """\
service: rmx
region: us-east-1
stages:
  dev:
    overrides:
      tables: {t: null}
      observability: null
      functions: {a: {uses: []}, nightly: null}
  prod: {}
defaults: {runtime: python3.12}
observability: {alarms: {notify: [oncall@example.com]}}
tables:
  t: {partition_key: id}
functions:
  a:
    uses: [{table: t}]
  nightly:
    events: [{schedule: rate(1 hour)}]
"""


def test_null_removes_a_key_and_leaves_siblings():
    base = {"a": {"x": 1, "y": 2}, "b": [1], "c": 3}
    assert deep_merge(base, {"a": {"x": None}, "c": None, "d": None}) == {"a": {"y": 2}, "b": [1]}
    assert base == {"a": {"x": 1, "y": 2}, "b": [1], "c": 3}


def test_a_stage_drops_a_function_a_table_and_the_alarms(tmp_path):
    result, out, _ = render_text(BLUEPRINT, tmp_path)
    assert result.exit_code == 0, result.output
    dev, prod = out / "dev", out / "prod"
    assert 'resource "aws_lambda_function" "nightly"' not in (dev / "lambda.tf").read_text()
    assert not (dev / "schedules.tf").exists() and not (dev / "dynamodb.tf").exists() and not (dev / "alarms.tf").exists()
    assert 'resource "aws_lambda_function" "nightly"' in (prod / "lambda.tf").read_text()
    assert (prod / "schedules.tf").exists() and (prod / "dynamodb.tf").exists() and (prod / "alarms.tf").exists()


def test_a_removed_table_still_used_is_a_reference_error(tmp_path):
    result, _, _ = render_text(BLUEPRINT.replace("functions: {a: {uses: []}, nightly: null}", "functions: {nightly: null}"), tmp_path)
    assert result.exit_code == 2
    assert "SLS201" in result.output and "table 't' is removed (set to null) by a stage override" in result.output
