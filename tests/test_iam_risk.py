"""The IAM escape hatch (issue 14): every risk of an `iam:` statement is classified by one function
a guardrail can call (generator/checks/iam_risk.py); a risk is an error (SLS401) or, with
allow_wildcard, a warning that never goes away (SLS403) and fails --strict."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from generator.checks.iam_risk import KINDS, amounts_to_star, statement_risks, unrestricted
from generator.cli import main


@pytest.mark.parametrize("resource", [
    "*", " * ", "*:*", "*/*", "arn:*", "arn:aws:*", "arn:aws:*:*:*:*", "arn:aws:s3:::*", "arn:aws:s3:::*/*",
    "arn:aws:sqs:*:*:*", "arn:aws:dynamodb:us-east-1:123456789012:*", "arn:aws:*:us-east-1:123456789012:table/x",
    "arn:aws-cn:s3:::*",
])
def test_resources_that_amount_to_star(resource):
    assert amounts_to_star(resource)
    assert [r.kind for r in statement_risks(["s3:GetObject"], [resource])] == ["all-resources"]


@pytest.mark.parametrize("resource", [
    "arn:aws:s3:::reports/*", "arn:aws:s3:::reports", "arn:aws:sqs:us-east-1:123456789012:orders",
    "arn:aws:dynamodb:*:*:table/orders", "arn:aws:ses:eu-west-1:*:identity/example.com",
    "arn:aws:s3:::mailer-templates/${aws:username}/*",
])
def test_scoped_resources_are_not_star(resource):
    assert not amounts_to_star(resource)
    assert statement_risks(["s3:GetObject"], [resource]) == []


@pytest.mark.parametrize("actions", [
    ["iam:AttachRolePolicy"], ["iam:AttachUserPolicy"], ["iam:AttachGroupPolicy"], ["iam:PutRolePolicy"],
    ["iam:PutUserPolicy"], ["iam:CreateAccessKey"], ["iam:CreatePolicyVersion"], ["iam:SetDefaultPolicyVersion"],
    ["iam:CreateLoginProfile"], ["iam:UpdateAssumeRolePolicy"], ["IAM:createaccesskey"],
])
def test_escalation_actions_are_risks_on_any_resource(actions):
    risks = statement_risks(actions, ["arn:aws:iam::123456789012:role/orders-worker"])
    assert [(r.kind, r.where) for r in risks] == [("escalation", ("actions", 0))]


@pytest.mark.parametrize("action", ["iam:PassRole", "sts:AssumeRole", "lambda:UpdateFunctionCode", "Iam:passRole"])
@pytest.mark.parametrize("resource, risky", [
    ("*", True), ("arn:aws:iam::*:role/*", True), ("arn:aws:iam::123456789012:role/*", True),
    ("arn:aws:lambda:*:*:function:*", True),
    ("arn:aws:iam::123456789012:role/orders-worker", False),
    ("arn:aws:lambda:us-east-1:123456789012:function:orders-dev-worker", False),
])
def test_pass_and_assume_role_need_a_resource_restriction(action, resource, risky):
    kinds = {r.kind for r in statement_risks([action], [resource])}
    assert ("escalation" in kinds) is risky
    assert unrestricted(resource) is risky


@pytest.mark.parametrize("action", ["iam:*", "iam:Put*", "iam:Attach*Policy", "sts:Assume*", "*", "iam:?assRole"])
def test_wildcards_that_cover_escalation_say_so(action):
    (risk,) = [r for r in statement_risks([action], ["arn:aws:iam::123456789012:role/x"]) if r.where == ("actions", 0)]
    assert risk.kind == "wildcard-action"
    assert "escalation" in risk.message


def test_deny_carries_no_risk_and_unscoped_actions_may_use_star():
    assert statement_risks(["*"], ["*"], effect="Deny") == []
    assert statement_risks(["xray:PutTraceSegments", "cloudwatch:PutMetricData"], ["*"]) == []
    assert {r.kind for r in statement_risks(["*"], ["*"])} <= set(KINDS)


BLUEPRINT = """\
service: demo
functions:
  a:
    iam:
      - actions: [iam:PassRole]
        resources: ["*"]
        allow_wildcard: "hands its role to Step Functions"
"""


def test_allow_wildcard_turns_the_error_into_a_warning_that_strict_refuses(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text(BLUEPRINT.replace("        allow_wildcard: \"hands its role to Step Functions\"\n", ""))
    result = CliRunner().invoke(main, ["validate", str(bp)])
    assert result.exit_code == 2 and "error[SLS401] functions.a.iam[0].actions[0]" in result.output
    bp.write_text(BLUEPRINT)
    result = CliRunner().invoke(main, ["validate", str(bp)])
    assert result.exit_code == 0, result.output
    assert "warning[SLS403] functions.a.iam[0].actions[0]: 'iam:PassRole' on an unrestricted resource" in result.output
    assert "warning[SLS403] functions.a.iam[0].resources[0]" in result.output
    result = CliRunner().invoke(main, ["validate", "--strict", str(bp)])
    assert result.exit_code == 2 and "2 warning(s) treated as errors" in result.output
