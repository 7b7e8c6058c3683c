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


def test_a_parameter_key_is_checked_like_the_top_level_kms_key(tmp_path):
    found = problems(
        tmp_path,
        """\
        service: pay
        region: eu-west-1
        secrets:
          manager: {kms_key: alias/pay}
          typo: {ssm: /pay/db, kms_key: my key}
          elsewhere: {ssm: /pay/db, kms_key: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
          ok: {ssm: /pay/db, kms_key: alias/pay-params}
        """,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS102", 4), ("SLS102", 5), ("SLS314", 6)]
    assert found[0][2] == (
        "kms_key on a secret names the key of an existing SSM parameter (ssm:); Secrets Manager secrets use the "
        "top-level kms_key"
    )
    assert found[1][2] == "kms_key 'my key' is not a KMS key alias, id or ARN"
