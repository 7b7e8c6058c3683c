"""The least-privilege audit used by the e2e test must actually catch what it claims to."""

import pytest
from requires import require_module

require_module("parliament", allow_module_level=True)

from iam_audit import audit_policy  # noqa: E402

TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders-dev-orders"


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": [dict(s, Sid=f"S{i}") for i, s in enumerate(statements)]}


def st(actions, resources, sid="S"):
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}


def test_clean_policy_passes():
    assert audit_policy(doc(
        st(["dynamodb:GetItem", "dynamodb:Query"], [TABLE]),
        st(["dynamodb:Query", "dynamodb:Scan"], [TABLE + "/index/*"]),
        st(["logs:CreateLogStream", "logs:PutLogEvents"], ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/f:*"]),
        st(["xray:PutTelemetryRecords", "xray:PutTraceSegments"], ["*"]),
        st(["s3:GetObject"], ["arn:aws:s3:::b-123/*"]),
        st(["s3:ListBucket"], ["arn:aws:s3:::b-123"]),
        # parliament lists no resource type for ListStreams; AWS's DynamoDB guide scopes it so
        st(["dynamodb:ListStreams"], [TABLE + "/stream/*"]),
    )) == []


@pytest.mark.parametrize("statement, needle", [
    (st(["dynamodb:*"], [TABLE]), "wildcard action"),
    (st(["dynamodb:Get*"], [TABLE]), "wildcard action"),
    (st(["dynamodb:GetItemz"], [TABLE]), "UNKNOWN_ACTION"),
    (st(["dynamodbx:GetItem"], [TABLE]), "UNKNOWN_PREFIX"),
    (st(["dynamodb:GetItem"], ["*"]), "'*' resource"),
    (st(["sqs:SendMessage"], [TABLE]), "does not act on"),
    (st(["dynamodb:GetItem"], [TABLE + "/index/*"]), "does not act on"),  # items live in tables, not indexes
    (st(["s3:ListBucket"], ["arn:aws:s3:::b-123/*"]), "does not act on"),  # objects, not the bucket
    (st(["s3:GetObject"], ["arn:aws:s3:::b-123"]), "does not act on"),
    (st(["dynamodb:ListStreams"], [TABLE]), "does not act on"),  # the documented scope is the table's streams
])
def test_violations_are_reported(statement, needle):
    problems = audit_policy(doc(statement))
    assert any(needle in p for p in problems), problems
