"""Service boundaries on the emulator (issue 17): `existing:` and `exports:`.

The test plays the platform team first: it creates a table (with a stream), a queue, a topic, a
bus, a bucket, a secret and a parameter with boto3, and publishes the ARNs of some in SSM. Then a
service uses every one of them through `existing:` (by name, by ARN, by an SSM parameter holding
the ARN) in uses, queue/stream/topic/eventbridge events, a queue's `subscribe` and references, and
exports what it owns under an SSM prefix. The dev stage is applied on moto (tests/test_e2e.py
mechanics): the second plan is empty, every policy in the state passes the IAM audit, the state
holds no resource for an existing object, the function's environment and event sources point at
the platform's objects, and the exports read back with `ssm get_parameter` equal the outputs.
After destroy the platform's objects are still there.
"""

from __future__ import annotations

import json
import sys

import pytest
from iam_audit import audit_policy, policies_in_state
from rendering import TESTS, render_text
from tfharness import MotoServer, require_moto, require_terraform, run_tf, tf_env

pytestmark = [pytest.mark.e2e, pytest.mark.terraform, pytest.mark.xdist_group("e2e")]

ACCOUNT = "123456789012"
REGION = "eu-west-1"

BLUEPRINT = """\
service: ledger
region: eu-west-1
tables:
  users:
    existing:
      name: platform-users
      stream_arn: {stream_arn}
  accounts:
    existing: {{arn: "arn:aws:dynamodb:{region}:{account}:table/platform-accounts"}}
  entries: {{partition_key: id}}
queues:
  jobs:
    existing: {{name: platform-jobs}}
  billing:
    existing: {{ssm: /platform/billing-queue-arn}}
  audit:
    subscribe:
      - topic: alerts
topics:
  alerts:
    existing: {{ssm: /platform/alerts-topic-arn}}
buses:
  shared:
    existing: {{arn: "arn:aws:events:{region}:{account}:event-bus/platform-bus"}}
buckets:
  assets:
    existing: {{name: platform-assets}}
secrets:
  db-password:
    existing: {{name: platform/db-password}}
parameters:
  api-host:
    existing: {{name: /platform/api-host}}
exports:
  ssm_prefix: "/acme/{{service}}/{{stage}}"
  ssm:
    /acme/ledger-entries-table: ${{table:entries.arn}}
functions:
  post:
    runtime: python3.12
    events:
      - queue: jobs
      - stream: users
      - topic: alerts
      - eventbridge: {{bus: shared, pattern: {{source: [billing]}}}}
    uses:
      - {{table: users, access: read_write}}
      - table: accounts
      - {{table: entries, access: write}}
      - queue: billing
      - bus: shared
      - {{bucket: assets, access: read_write}}
      - secret: db-password
      - parameter: api-host
    environment:
      USERS_ARN: ${{table:users.arn}}
"""


@pytest.fixture(scope="module")
def moto():
    require_moto()
    with MotoServer(command=[sys.executable, str(TESTS / "moto_faithful.py")]) as server:
        yield server


def _client(server, name):
    import boto3

    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION)
    return session.client(name, endpoint_url=server.endpoint)


def _platform(moto) -> dict[str, str]:
    """What another stack owns, made before the service deploys; returns the ARNs."""
    ddb, sqs, sns, events, s3, sm, ssm = (_client(moto, n) for n in
                                          ("dynamodb", "sqs", "sns", "events", "s3", "secretsmanager", "ssm"))
    users = ddb.create_table(
        TableName="platform-users", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]
    ddb.create_table(
        TableName="platform-accounts", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )
    sqs.create_queue(QueueName="platform-jobs")
    billing = sqs.create_queue(QueueName="platform-billing")["QueueUrl"]
    billing_arn = sqs.get_queue_attributes(QueueUrl=billing, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = sns.create_topic(Name="platform-alerts")["TopicArn"]
    bus = events.create_event_bus(Name="platform-bus")["EventBusArn"]
    s3.create_bucket(Bucket="platform-assets", CreateBucketConfiguration={"LocationConstraint": REGION})
    secret = sm.create_secret(Name="platform/db-password", SecretString="s3cr3t")["ARN"]
    ssm.put_parameter(Name="/platform/api-host", Value="api.example.com", Type="String", Overwrite=True)
    ssm.put_parameter(Name="/platform/billing-queue-arn", Value=billing_arn, Type="String", Overwrite=True)
    ssm.put_parameter(Name="/platform/alerts-topic-arn", Value=topic, Type="String", Overwrite=True)
    return {"stream": users["LatestStreamArn"], "billing": billing_arn, "billing_url": billing, "topic": topic,
            "bus": bus, "secret": secret}


def test_a_service_uses_what_another_stack_owns_and_exports_what_it_owns(tmp_path, moto):
    require_terraform()
    owned = _platform(moto)
    text = BLUEPRINT.format(stream_arn=json.dumps(owned["stream"]), region=REGION, account=ACCOUNT)
    result, out, _src = render_text(text, tmp_path / "w", "--stage", "dev")
    assert result.exit_code == 0, result.output
    module = out / "dev"
    env = moto.merged_env(tf_env(tmp_path / "cli"))

    def tf(*args):
        p = run_tf(["-chdir=" + str(module), *args, "-no-color"], env=env, timeout=900)
        assert p.returncode == 0, f"terraform {' '.join(args)}\n{p.stdout[-6000:]}\n{p.stderr[-4000:]}\n{moto.log_tail()}"
        return p

    tf("init", "-input=false")
    applied = False
    try:
        tf("apply", "-auto-approve", "-input=false")
        applied = True
        second = run_tf(["-chdir=" + str(module), "plan", "-detailed-exitcode", "-input=false", "-no-color"],
                        env=env, timeout=900)
        assert second.returncode == 0, f"perpetual diff after apply:\n{second.stdout}\n{second.stderr}"

        state = json.loads(tf("show", "-json").stdout)
        problems = []
        for address, doc in policies_in_state(state).items():
            problems += audit_policy(doc, address)
        assert problems == [], "\n".join(problems)
        _nothing_existing_is_managed(state)
        _function_points_at_the_platform(moto, owned)
        _exports_read_back(moto, json.loads(tf("output", "-json").stdout))
    finally:
        if applied:
            tf("destroy", "-auto-approve", "-input=false")
    # destroy removed what the service owned, never what it only referenced
    ddb = _client(moto, "dynamodb")
    assert {"platform-users", "platform-accounts"} <= set(ddb.list_tables()["TableNames"])
    assert "ledger-dev-entries" not in ddb.list_tables()["TableNames"]
    _client(moto, "sqs").get_queue_url(QueueName="platform-jobs")
    _client(moto, "secretsmanager").describe_secret(SecretId="platform/db-password")


def _managed(state) -> list[dict]:
    return [r for r in state["values"]["root_module"]["resources"] if r["mode"] == "managed"]


def _nothing_existing_is_managed(state) -> None:
    names = {r["values"].get("name") or r["values"].get("bucket") for r in _managed(state)}
    for theirs in ("platform-users", "platform-accounts", "platform-jobs", "platform-billing", "platform-alerts",
                   "platform-bus", "platform-assets", "platform/db-password", "/platform/api-host"):
        assert theirs not in names, f"{theirs} is managed by the service's state"
    types = {r["type"] for r in _managed(state)}
    assert "aws_sns_topic" not in types and "aws_cloudwatch_event_bus" not in types and "aws_s3_bucket" not in types
    assert "aws_secretsmanager_secret" not in types


def _function_points_at_the_platform(moto, owned) -> None:
    lam = _client(moto, "lambda")
    variables = lam.get_function_configuration(FunctionName="ledger-dev-post")["Environment"]["Variables"]
    assert variables["USERS_TABLE_NAME"] == "platform-users"
    assert variables["USERS_ARN"] == f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/platform-users"
    assert variables["ACCOUNTS_TABLE_NAME"] == "platform-accounts"
    assert variables["ENTRIES_TABLE_NAME"] == "ledger-dev-entries"
    assert variables["BILLING_QUEUE_URL"].endswith(f"/{ACCOUNT}/platform-billing")
    assert variables["SHARED_BUS_NAME"] == owned["bus"]  # given by ARN: PutEvents takes the ARN
    assert variables["ASSETS_BUCKET_NAME"] == "platform-assets"
    assert variables["DB_PASSWORD_SECRET_ARN"] == owned["secret"]  # looked up: AWS appended characters
    assert variables["API_HOST_PARAM_NAME"] == "/platform/api-host"
    sources = {m["EventSourceArn"] for m in lam.list_event_source_mappings()["EventSourceMappings"]
               if m["FunctionArn"].endswith(":function:ledger-dev-post")}
    assert sources == {f"arn:aws:sqs:{REGION}:{ACCOUNT}:platform-jobs", owned["stream"]}
    subs = _client(moto, "sns").list_subscriptions_by_topic(TopicArn=owned["topic"])["Subscriptions"]
    assert sorted(s["Protocol"] for s in subs) == ["lambda", "sqs"]
    rules = _client(moto, "events").list_rules(EventBusName="platform-bus")["Rules"]
    assert [r["Name"] for r in rules] == ["ledger-dev-post-shared"]


def _exports_read_back(moto, outputs: dict) -> None:
    ssm = _client(moto, "ssm")

    def value(path: str) -> str:
        return ssm.get_parameter(Name=path)["Parameter"]["Value"]

    assert value("/acme/ledger/dev/table/entries/name") == "ledger-dev-entries" == outputs["table_entries_name"]["value"]
    assert value("/acme/ledger/dev/table/entries/arn") == outputs["table_entries_arn"]["value"]
    assert value("/acme/ledger/dev/queue/audit/url") == outputs["queue_audit_url"]["value"]
    assert value("/acme/ledger/dev/queue/audit/arn") == f"arn:aws:sqs:{REGION}:{ACCOUNT}:ledger-dev-audit"
    assert value("/acme/ledger/dev/function/post/arn") == outputs["function_post_arn"]["value"]
    assert value("/acme/ledger-entries-table") == outputs["table_entries_arn"]["value"]
    exported = {p["Name"] for p in ssm.get_parameters_by_path(Path="/acme/ledger/dev", Recursive=True)["Parameters"]}
    assert not any("users" in p or "jobs" in p or "alerts" in p for p in exported)  # existing objects: not theirs to export
    assert "table_users_arn" not in outputs and "queue_jobs_url" not in outputs
