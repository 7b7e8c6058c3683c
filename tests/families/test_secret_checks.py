"""Secret checks (generator/families/secret/checks.py): SSM parameter names and settings."""

from __future__ import annotations

from findings import codes_at, problems


def test_secret_rules(tmp_path):
    found = problems(
        tmp_path,
        """\
        service: pay
        secrets:
          a: {ssm: /aws/reserved}
          b: {ssm: "no/leading/slash"}
          c: {ssm: /ok/param, recovery_window_days: 7}
          d: {ssm: /ok/param}
        """,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS301", 3), ("SLS301", 4), ("SLS102", 5)]
    assert "must not begin with 'aws'" in found[0][2] and "must start with '/'" in found[1][2]
    assert codes_at(problems(tmp_path, "service: pay\nsecrets:\n  d: {recovery_window_days: 3}\n"), "SLS102")[0][0] == 3
