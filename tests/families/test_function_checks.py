"""Function checks (generator/families/function/checks.py): concurrency and SnapStart, `iam:`
statements, compiled artifacts. Each error names its code and the blueprint line that set the value
(the override line when a stage override set it)."""

from __future__ import annotations

import textwrap

import pytest
from findings import cli_validate as validate

from generator.diagnostics import BlueprintError
from generator.pipeline import validate as validate_blueprint


def problems(tmp_path, text: str) -> list[tuple[str, int, str]]:
    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent(text).lstrip())
    with pytest.raises(BlueprintError) as info:
        validate_blueprint(bp)
    return [(d.code, d.line, d.message) for d in info.value.diagnostics]


def ok(tmp_path, text: str):
    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent(text).lstrip())
    return validate_blueprint(bp)


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


# ---------------------------------------------------------------- SLS401 iam statements, artifacts
IAM_BLUEPRINT = """\
service: demo
functions:
  a:
    iam:
      - actions: ["*"]
        resources: ["arn:aws:s3:::b/*"]
      - actions: [s3:GetObject, "s3:Get*"]
        resources: ["*"]
      - actions: [s3:GetObject]
        resources: ["*"]
        allow_wildcard: "legacy reader, reviewed in SEC-12"
      - actions: [cloudwatch:PutMetricData, xray:PutTraceSegments]
        resources: ["*"]
      - effect: Deny
        actions: ["s3:*"]
        resources: ["*"]
"""


def test_iam_wildcards_are_errors_at_their_line(tmp_path):
    bp, result = validate(tmp_path, IAM_BLUEPRINT)
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if "error[" in line]
    assert errors == [
        f"{bp}:5:19: error[SLS401] functions.a.iam[0].actions[0]: wildcard action '*': every action of every "
        'service, privilege escalation included (scope it, or add allow_wildcard: "<reason>" to the statement)',
        f"{bp}:7:33: error[SLS401] functions.a.iam[1].actions[1]: wildcard action 's3:Get*' "
        '(scope it, or add allow_wildcard: "<reason>" to the statement)',
        f"{bp}:8:21: error[SLS401] functions.a.iam[1].resources[0]: resource '*' for s3:GetObject, "
        'which AWS lets you scope to ARNs (scope it, or add allow_wildcard: "<reason>" to the statement)',
    ]


def test_duplicate_sid_is_an_error(tmp_path):
    bp, result = validate(
        tmp_path,
        "service: demo\nfunctions:\n  a:\n    iam:\n"
        "      - {sid: Mail, actions: [ses:SendEmail], resources: ['arn:aws:ses:eu-west-1:1:identity/x']}\n"
        "      - {sid: Mail, actions: [ses:SendRawEmail], resources: ['arn:aws:ses:eu-west-1:1:identity/x']}\n",
    )
    assert result.exit_code == 2
    assert f"{bp}:6:10: error[SLS102] functions.a.iam[1].sid: duplicate sid 'Mail'" in result.output


def test_artifact_on_an_interpreted_runtime_is_an_error(tmp_path):
    bp, result = validate(tmp_path, "service: demo\nfunctions:\n  a:\n    artifact: build/a.zip\n")
    assert result.exit_code == 2
    assert f"{bp}:4:5: error[SLS102] functions.a.artifact:" in result.output


def test_absolute_artifact_path_is_an_error(tmp_path):
    bp, result = validate(tmp_path, "service: demo\nfunctions:\n  a:\n    runtime: java21\n    artifact: /home/me/a.jar\n")
    assert result.exit_code == 2
    assert f"{bp}:5:5: error[SLS313] functions.a.artifact: artifact must be relative to the blueprint" in result.output


# ---------------------------------------------------------------- SLS316 resource-based policy
def test_resource_policy_counts_every_trigger_and_stops_at_20_kb(tmp_path):
    """Each rule, topic subscription and bucket adds a statement to the function's resource-based
    policy (API Gateway one per API, whatever its routes): above Lambda's 20 KB, AddPermission fails
    at apply (PolicyLengthExceededException). The error is at the function's line."""
    rules = "".join(
        f"      - eventbridge: {{bus: commerce, pattern: {{source: [shop], detail-type: [Event{i}]}}}}\n"
        for i in range(60)
    )
    routes = "".join(f"      - http: GET /items{i}\n" for i in range(100))
    found = problems(
        tmp_path,
        "service: demo\n"
        "buses:\n  commerce: {}\n"
        "functions:\n"
        "  routed:\n    events:\n" + routes
        + "  listener:\n    events:\n" + rules,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS316", 107)]
    message = found[0][2]
    assert message.startswith("function 'listener' gets 60 invoke permissions from its triggers (60 EventBridge rules): about ")
    assert message.endswith(" bytes of resource-based policy; Lambda allows 20480 (20 KB) and refuses the rest at apply")


def test_resource_policy_of_a_function_within_the_limit_passes(tmp_path):
    rules = "".join(
        f"      - eventbridge: {{bus: commerce, pattern: {{source: [shop], detail-type: [Event{i}]}}}}\n"
        for i in range(30)
    )
    topics = "".join(f"      - topic: t{i}\n" for i in range(10))
    ok(tmp_path, "service: demo\nbuses:\n  commerce: {}\ntopics:\n"
       + "".join(f"  t{i}: {{}}\n" for i in range(10))
       + "functions:\n  listener:\n    events:\n" + rules + topics)


def test_resource_policy_estimate_matches_the_statement_lambda_stores():
    """The estimate is the compact JSON policy document AddPermission builds (GetPolicy returns it):
    one statement per permission inside {"Version", "Id", "Statement"}."""
    import json

    from generator.families.function.checks import policy_bytes

    statement = {
        "Sid": "AllowApiGateway",
        "Effect": "Allow",
        "Principal": {"Service": "apigateway.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:demo-dev-a",
        "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:eu-west-1:123456789012:abcdefghij/*/*/*"}},
    }
    expected = len(json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": [statement]}, separators=(",", ":")))
    perm = ("AllowApiGateway", "apigateway.amazonaws.com",
            "arn:aws:execute-api:eu-west-1:123456789012:abcdefghij/*/*/*", False)
    assert policy_bytes("arn:aws:lambda:eu-west-1:123456789012:function:demo-dev-a", [perm]) == expected
