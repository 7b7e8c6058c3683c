"""Observability checks (generator/families/observability/checks.py): log retention and levels,
alarm settings; each error names its code and the blueprint line that set the value (the override
line when a stage override set it)."""

from __future__ import annotations

import textwrap

import pytest

from generator.diagnostics import BlueprintError
from generator.pipeline import validate


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
