"""The IAM access table: every row expands without placeholders and stays least-privilege."""

import pytest

from generator.plan.access import ACCESS, UNSCOPED_ACTIONS, XRAY_ACTIONS, expand

REFS = {"arn": "aws_x.y.arn", "stream_arn": "aws_x.y.stream_arn", "name": "\"orders-dev-edge\""}


@pytest.mark.parametrize("kind,access", [(k, a) for k, levels in sorted(ACCESS.items()) for a in sorted(levels)])
def test_row_expands_without_placeholders_or_wildcards(kind, access):
    grants = expand(kind, access, **REFS)
    assert grants
    for grant in grants:
        assert list(grant.actions) == sorted(grant.actions)
        for action in grant.actions:
            service, _, name = action.partition(":")
            assert service and name and "*" not in action
        for resource in grant.resources:
            text = str(resource).replace("${", "")
            assert "{" not in text, f"placeholder survived in {resource}"
            # "*" only for actions IAM gives no resource type (tests/iam_audit.py checks that against parliament)
            assert str(resource) != '"*"' or set(grant.actions) <= set(UNSCOPED_ACTIONS), grant


def test_table_read_covers_indexes_but_write_does_not():
    read = expand("table", "read", arn="aws_dynamodb_table.t.arn")
    assert [str(r) for r in read[0].resources] == ["aws_dynamodb_table.t.arn"]
    # only Query and Scan have an index resource type in IAM
    assert [str(r) for r in read[1].resources] == ['"${aws_dynamodb_table.t.arn}/index/*"']
    assert read[1].actions == ("dynamodb:Query", "dynamodb:Scan")
    write = expand("table", "write", arn="aws_dynamodb_table.t.arn")
    assert [str(r) for r in write[0].resources] == ["aws_dynamodb_table.t.arn"]
    assert "dynamodb:PutItem" in write[0].actions and "dynamodb:PutItem" not in read[0].actions


def test_bucket_read_splits_objects_and_listing():
    grants = expand("bucket", "read", arn="aws_s3_bucket.b.arn")
    by_action = {a: [str(r) for r in g.resources] for g in grants for a in g.actions}
    assert by_action["s3:GetObject"] == ['"${aws_s3_bucket.b.arn}/*"']
    assert by_action["s3:ListBucket"] == ["aws_s3_bucket.b.arn"]


def test_xray_is_the_only_star():
    assert XRAY_ACTIONS == ("xray:PutTelemetryRecords", "xray:PutTraceSegments")


def test_unscoped_actions_have_no_iam_resource_type():
    from parliament import iam_definition

    types = {
        f"{s['prefix']}:{p['privilege']}": {r["resource_type"] for r in p["resource_types"]}
        for s in iam_definition for p in s["privileges"]
    }
    for action in UNSCOPED_ACTIONS:
        assert types[action] == {""}, action
    assert types["secretsmanager:PutSecretValue"] != {""}  # the check can tell a scoped action apart


def test_rotation_grants_scope_every_step_to_the_secret():
    scoped, unscoped = expand("secret", "rotate", arn="aws_secretsmanager_secret.s.arn")
    assert [str(r) for r in scoped.resources] == ["aws_secretsmanager_secret.s.arn"]
    assert "secretsmanager:PutSecretValue" in scoped.actions and "secretsmanager:UpdateSecretVersionStage" in scoped.actions
    assert unscoped.actions == ("secretsmanager:GetRandomPassword",) and str(unscoped.resources[0]) == '"*"'


def test_unknown_placeholder_is_refused():
    with pytest.raises(ValueError):
        expand("stream", "consume", arn="aws_x.y.arn")


def test_kms_rows_name_real_uses_and_levels():
    from generator.plan.access import KMS_ACCESS, kms_level

    for (kind, access), level in KMS_ACCESS.items():
        assert level in ACCESS["kms_key"]
        assert kind == "environment" or access in ACCESS[kind], (kind, access)
    assert kms_level(set()) is None
    assert kms_level({("parameter", "read"), ("function", "invoke")}) is None  # nothing on the blueprint's key
    assert kms_level({("table", "read"), ("queue", "consume")}) == "decrypt"
    assert kms_level({("table", "read"), ("queue", "send")}) == "encrypt"
    assert expand("kms_key", "encrypt", arn="k")[0].actions == ("kms:Decrypt", "kms:GenerateDataKey")


def test_an_access_level_needing_several_statements_names_each_by_its_scope():
    from generator.plan.access import expand
    from generator.plan.iam import merge_statements

    grants = [("TableOrdersRead", g) for g in expand("table", "read", arn="aws_dynamodb_table.orders.arn")]
    grants += [("BucketDocsReadWrite", g) for g in expand("bucket", "read_write", arn="aws_s3_bucket.docs.arn")]
    sids = [s.sid for s in merge_statements(grants)]
    assert sids == [
        "BucketDocsReadWrite", "BucketDocsReadWriteObjects", "TableOrdersRead", "TableOrdersReadIndexes"
    ]


def test_stream_consumers_may_list_the_tables_streams():
    """AWS's stream-processing policy (AWSLambdaDynamoDBExecutionRole) has dynamodb:ListStreams; the
    DynamoDB developer guide scopes it to the table's streams (`table/<name>/stream/*`)."""
    grants = expand("stream", "consume", arn="aws_dynamodb_table.t.arn", stream_arn="aws_dynamodb_table.t.stream_arn")
    by_action = {a: [str(r) for r in g.resources] for g in grants for a in g.actions}
    assert by_action["dynamodb:ListStreams"] == ['"${aws_dynamodb_table.t.arn}/stream/*"']
    assert by_action["dynamodb:GetRecords"] == ["aws_dynamodb_table.t.stream_arn"]
    assert [g.scope for g in grants] == ["", "Streams"]
