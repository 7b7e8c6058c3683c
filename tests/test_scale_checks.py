"""Concurrency, SnapStart, logs and alarm checks: each error names its code and the blueprint line
that set the value (the override line when a stage override set it)."""

from __future__ import annotations

import textwrap

import pytest

from generator.package.size import ZIP_WARN_BYTES
from generator.diagnostics import BlueprintError
from generator.pipeline import render, validate


def problems(tmp_path, text: str) -> list[tuple[str, int, str]]:
    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent(text).lstrip())
    with pytest.raises(BlueprintError) as info:
        validate(bp)
    return [(d.code, d.line, d.message) for d in info.value.diagnostics]


def ok(tmp_path, text: str):
    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent(text).lstrip())
    return validate(bp)


# ---------------------------------------------------------------- SLS308 budget
def test_budget_names_the_function_that_tips_it_over(tmp_path):
    found = problems(
        tmp_path,
        """
        service: demo
        account: {concurrency_quota: 400}
        functions:
          a:
            concurrency: {reserved: 200}
          b:
            concurrency: {reserved: 100}
          c:
            concurrency: {reserved: 1}
        """,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS308", 9)]  # c: 200 + 100 + 1 > 400 - 100
    assert "to 301, above 300" in found[0][2] and "(400)" in found[0][2]


def test_budget_uses_default_quota_of_1000(tmp_path):
    ok(tmp_path, "service: demo\nfunctions:\n  a:\n    concurrency: {reserved: 900}\n")
    found = problems(tmp_path, "service: demo\nfunctions:\n  a:\n    concurrency: {reserved: 901}\n")
    assert [(c, line) for c, line, _ in found] == [("SLS308", 4)]


def test_budget_points_at_the_stage_override_line(tmp_path):
    found = problems(
        tmp_path,
        """
        service: demo
        stages:
          dev: {}
          prod:
            overrides:
              functions:
                b:
                  concurrency: {reserved: 500}
        functions:
          a:
            concurrency: {reserved: 450}
          b: {}
        """,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS308", 8)]
    assert found[0][2].startswith("stage prod: ")


def test_provisioned_without_reservation_counts_against_the_budget(tmp_path):
    found = problems(
        tmp_path,
        """
        service: demo
        account: {concurrency_quota: 150}
        functions:
          a:
            concurrency: {provisioned: 60}
        """,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS308", 5)]


# ---------------------------------------------------------------- SLS309 SnapStart / provisioned
def test_snapstart_on_an_unsupported_runtime(tmp_path):
    found = problems(
        tmp_path,
        """
        service: demo
        functions:
          old:
            runtime: python3.11
            snapstart: true
          node:
            runtime: nodejs22.x
            snapstart: true
          new:
            runtime: python3.12
            snapstart: true
        """,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS309", 5), ("SLS309", 8)]
    assert "python3.11" in found[0][2] and "nodejs22.x" in found[1][2]


def test_snapstart_with_provisioned_concurrency_in_a_stage(tmp_path):
    found = problems(
        tmp_path,
        """
        service: demo
        stages:
          dev: {}
          prod:
            overrides:
              functions:
                a: {concurrency: {provisioned: 2}}
        functions:
          a:
            snapstart: true
        """,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS309", 7)]
    assert "SnapStart" in found[0][2] and found[0][2].startswith("stage prod: ")


def test_snapstart_with_large_ephemeral_storage(tmp_path):
    found = problems(
        tmp_path,
        """
        service: demo
        defaults:
          ephemeral_storage: 1024
        functions:
          a:
            snapstart: true
        """,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS309", 3)]


def test_provisioned_above_reserved(tmp_path):
    found = problems(tmp_path, "service: demo\nfunctions:\n  a:\n    concurrency: {reserved: 2, provisioned: 3}\n")
    assert [(c, line) for c, line, _ in found] == [("SLS309", 4)]


# ---------------------------------------------------------------- SLS302 log retention and levels
def test_retention_must_be_a_cloudwatch_value(tmp_path):
    found = problems(
        tmp_path,
        """
        service: demo
        defaults:
          logs:
            retention_days: 10
        functions:
          a:
            logs: {retention_days: 365}
          b:
            logs:
              retention_days: 366
        """,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS302", 4), ("SLS302", 10)]
    assert "retention_days 10" in found[0][2]


def test_retention_in_a_stage_override(tmp_path):
    found = problems(
        tmp_path,
        """
        service: demo
        stages:
          prod:
            overrides:
              defaults:
                logs: {retention_days: 700}
        functions:
          a: {}
        """,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS302", 6)]


def test_retention_zero_means_never_expire(tmp_path):
    ok(tmp_path, "service: demo\ndefaults:\n  logs: {retention_days: 0}\nfunctions:\n  a: {}\n")


def test_level_with_text_format_is_refused(tmp_path):
    found = problems(tmp_path, "service: demo\nfunctions:\n  a:\n    logs:\n      format: text\n      level: INFO\n")
    assert [(c, line) for c, line, _ in found] == [("SLS102", 6)]


# ---------------------------------------------------------------- alarms
def test_alarm_notify_must_be_email_addresses(tmp_path):
    found = problems(
        tmp_path,
        """
        service: demo
        observability:
          alarms:
            notify:
              - ok@example.com
              - not-an-address
        functions:
          a: {}
        """,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS102", 6)]


def test_topic_named_alarms_clashes_with_the_alarm_topic(tmp_path):
    found = problems(
        tmp_path, "service: demo\nobservability:\n  alarms: {}\ntopics:\n  alarms: {}\nfunctions:\n  a: {}\n"
    )
    assert ("SLS301", 5) in [(c, line) for c, line, _ in found]


# ---------------------------------------------------------------- SLS504 package size
def test_large_zip_is_a_warning_and_strict_refuses_it(tmp_path):
    import os

    code = tmp_path / "src" / "big"
    code.mkdir(parents=True)
    (code / "handler.py").write_text("def handler(event, context):\n    return None\n")
    (code / "blob.bin").write_bytes(os.urandom(ZIP_WARN_BYTES + 1024))  # random bytes do not compress
    (code / "small.py").write_text("x = 1\n")
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  big: {}\n")
    rendered = render(bp)
    assert [(w.code, w.line, w.severity) for w in rendered.warnings] == [("SLS504", 3, "warning")]
    with pytest.raises(BlueprintError) as info:
        render(bp, strict=True)
    assert [d.code for d in info.value.diagnostics] == ["SLS504"]


def test_small_zip_is_quiet(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  small: {}\n")
    assert render(bp).warnings == []
