"""Safe evolution proven on the emulator (moto): a rename with `renamed_from` plans as moves only,
a protected stage cannot be destroyed, and adopted resources are imported with their data.

Kept small (SQS costs ~25 s per queue in moto): one blueprint of every renamable kind is applied
once; the protected and adopted stages hold no queue but the one adoption needs.
"""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner
from rendering import TESTS
from test_evolution import NEW, OLD, blueprint
from tfharness import MotoServer, find_terraform, require_moto, require_terraform, run_tf, tf_env

from generator.cli import main

pytestmark = [pytest.mark.e2e, pytest.mark.terraform, pytest.mark.xdist_group("e2e")]


@pytest.fixture(scope="module")
def moto():
    require_moto()
    with MotoServer(command=[sys.executable, str(TESTS / "moto_faithful.py")]) as server:
        yield server


class Stage:
    """One blueprint folder rendered into out/, and terraform in its stage against the emulator."""

    def __init__(self, root, moto, stage: str = "dev"):
        require_terraform()
        self.root, self.stage, self.bp, self.out = root, stage, root / "bp.yaml", root / "out"
        self.env = moto.merged_env(tf_env(root / "cli"))
        self.module = self.out / stage

    def render(self, text: str):
        self.bp.write_text(text)
        return CliRunner().invoke(main, ["render", str(self.bp), "-o", str(self.out), "--stage", self.stage])

    def tf(self, *args, ok=(0,)):
        p = run_tf(["-chdir=" + str(self.module), *args, "-no-color"], env=self.env, timeout=900)
        assert p.returncode in ok, f"terraform {' '.join(args)} rc={p.returncode}\n{p.stdout[-5000:]}\n{p.stderr[-4000:]}"
        return p

    def planned(self) -> list[dict]:
        self.tf("plan", "-input=false", "-out=evolution.plan")
        return json.loads(self.tf("show", "-json", "evolution.plan").stdout).get("resource_changes") or []


def test_a_rename_of_every_kind_plans_as_moves_only(tmp_path, moto):
    s = Stage(tmp_path, moto)
    first = blueprint(OLD, {}).replace("service: demo", "service: evo").replace("    concurrency: {provisioned: 1}\n", "")
    assert s.render(first).exit_code == 0
    s.tf("init", "-input=false")
    s.tf("apply", "-auto-approve", "-input=false")
    state = {r["address"] for r in json.loads(s.tf("show", "-json").stdout)["values"]["root_module"]["resources"]
             if r["mode"] == "managed"}

    renamed = blueprint(NEW, {}).replace("service: demo", "service: evo").replace("    concurrency: {provisioned: 1}\n", "")
    refused = s.render(renamed)  # without renamed_from: the table, queue, bucket, secret, parameter
    assert refused.exit_code == 2 and refused.output.count("error[SLS701]") == 5, refused.output

    assert s.render(blueprint(NEW, OLD).replace("service: demo", "service: evo")
                    .replace("    concurrency: {provisioned: 1}\n", "")).exit_code == 0
    changes = s.planned()
    actions = {rc["address"]: rc["change"]["actions"] for rc in changes}
    assert not [a for a, act in actions.items() if "create" in act or "delete" in act], actions
    moved = {rc["previous_address"]: rc["address"] for rc in changes if rc.get("previous_address")}
    assert set(moved) | (state - set(moved)) == state and len(moved) > 30
    assert {moved.get(a, a) for a in state} == set(actions), "every resource in the state is still planned, moved or not"

    result = CliRunner(env=s.env).invoke(main, ["plan", str(s.bp), "--stage", "dev", "-o", str(s.out),
                                                "--terraform", find_terraform(), "--fail-on", "destroy"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("dev: ") and "destroy" not in lines[0] and "create" not in lines[0], lines[0]
    assert sum(line.startswith("  move ") for line in lines) == len(moved)


PROTECTED = """service: vault
stages:
  prod: {}
tables:
  ledger: {partition_key: id}
buckets:
  archive: {}
secrets:
  signing-key: {}
"""


def test_a_protected_stage_cannot_be_destroyed(tmp_path, moto):
    s = Stage(tmp_path, moto, "prod")
    assert s.render(PROTECTED).exit_code == 0
    s.tf("init", "-input=false")
    protected = ("aws_dynamodb_table.ledger", "aws_s3_bucket.archive", "aws_secretsmanager_secret.signing_key")
    # only the protected resources: the bucket's settings take moto a minute and prove nothing here
    s.tf("apply", "-auto-approve", "-input=false", *[f"-target={a}" for a in protected])
    p = s.tf("plan", "-destroy", "-input=false", ok=(1,))
    for address in protected:
        assert f"Resource {address} has lifecycle.prevent_destroy set" in " ".join(p.stderr.split()), p.stderr


ADOPTED = """service: legacy
tables:
  accounts: {partition_key: id, adopt: true}
queues:
  inbox: {adopt: true, dead_letter: false}
topics:
  alerts: {adopt: true}
buckets:
  uploads: {adopt: true}
secrets:
  api-key: {adopt: true}
parameters:
  flags: {value: "{}", adopt: true}
functions:
  worker:
    logs: {adopt: true}
    uses: [{table: accounts}]
"""


def test_adopted_resources_are_imported_with_their_data(tmp_path, moto):
    import boto3

    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
    client = lambda name: session.client(name, endpoint_url=moto.endpoint)  # noqa: E731
    ddb, sqs, s3, sm = client("dynamodb"), client("sqs"), client("s3"), client("secretsmanager")
    ddb.create_table(TableName="legacy-dev-accounts", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST", SSESpecification={"Enabled": True})
    ddb.put_item(TableName="legacy-dev-accounts", Item={"id": {"S": "alice"}})
    queue = sqs.create_queue(QueueName="legacy-dev-inbox")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="pending")
    client("sns").create_topic(Name="legacy-dev-alerts")
    bucket = "legacy-dev-uploads-123456789012"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="report.csv", Body=b"a,b\n")
    sm.create_secret(Name="legacy/dev/api-key", SecretString="s3cr3t")
    client("ssm").put_parameter(Name="/legacy/dev/flags", Value="{}", Type="String")
    client("logs").create_log_group(logGroupName="/aws/lambda/legacy-dev-worker")

    s = Stage(tmp_path, moto)
    assert s.render(ADOPTED).exit_code == 0
    s.tf("init", "-input=false")
    changes = s.planned()
    adopted = {"aws_dynamodb_table.accounts", "aws_sqs_queue.inbox", "aws_sns_topic.alerts", "aws_s3_bucket.uploads",
               "aws_secretsmanager_secret.api_key", "aws_ssm_parameter.flags", "aws_cloudwatch_log_group.worker"}
    importing = {rc["address"] for rc in changes if rc["change"].get("importing")}
    assert importing == adopted
    assert not [rc["address"] for rc in changes if rc["address"] in adopted and "create" in rc["change"]["actions"]]
    s.tf("apply", "-input=false", "evolution.plan")
    s.tf("plan", "-detailed-exitcode", "-input=false")  # adopted and converged: nothing left to do

    assert ddb.get_item(TableName="legacy-dev-accounts", Key={"id": {"S": "alice"}}).get("Item") == {"id": {"S": "alice"}}
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "1"
    assert sm.get_secret_value(SecretId="legacy/dev/api-key")["SecretString"] == "s3cr3t"
    s3.delete_bucket_policy(Bucket=bucket)  # the adopted bucket now refuses plain-HTTP reads, as this client makes
    assert s3.get_object(Bucket=bucket, Key="report.csv")["Body"].read() == b"a,b\n"
