"""Existing code runs unchanged, proven on the emulator (issue 19).

tests/apps/legacy_orders is a service moved onto sls-gen as it was: its table, FIFO queue, bus and
function keep their physical names (`name:`, placeholders), its handler reads TABLE_NAME and
QUEUE_URL (`env:`), and it reads a sibling service's host from SSM at plan time. The test puts
those parameters first, applies the dev stage on moto (tests/test_e2e.py mechanics: empty second
plan, IAM audit of every policy in the state, conditions included), checks the emulator holds the
names and values the plan says, then runs the unchanged handler through `sls-gen invoke` against
the emulator and finds its item in the table and its message in the queue.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from iam_audit import audit_policy, policies_in_state
from rendering import TESTS, render_copy
from tfharness import MotoServer, require_moto, require_terraform, run_tf, tf_env

from generator.pipeline import validate
from generator.plan.build import build_plan
from generator.plan.resolve import resolve_value

pytestmark = [pytest.mark.e2e, pytest.mark.terraform, pytest.mark.xdist_group("e2e")]

APP = TESTS / "apps" / "legacy_orders"
ACCOUNT = "123456789012"
REGION = "eu-west-1"
SSM_VALUES = {"/legacy/dev/partner-host": "partner.example.com", "/legacy/feature-flags": '{"beta": true}'}


@pytest.fixture(scope="module")
def moto():
    require_moto()
    with MotoServer(command=[sys.executable, str(TESTS / "moto_faithful.py")]) as server:
        yield server


def _client(server, name):
    import boto3

    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION)
    return session.client(name, endpoint_url=server.endpoint)


def test_a_migrated_service_keeps_its_names_values_and_code(tmp_path, moto):
    require_terraform()
    result, out, src = render_copy(APP, "blueprint.yaml", tmp_path / "w", "--stage", "dev")
    assert result.exit_code == 0, result.output
    assert "create  src/" not in result.output  # the service's own handler is never replaced
    module = out / "dev"
    env = moto.merged_env(tf_env(tmp_path / "cli"))
    ssm = _client(moto, "ssm")
    for name, value in SSM_VALUES.items():  # what the platform team publishes before this service deploys
        ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)

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
        policies = policies_in_state(state)
        for address, doc in policies.items():
            problems += audit_policy(doc, address)
        assert problems == [], "\n".join(problems)
        role_policy = policies["aws_iam_role_policy.create_order"]
        conditions = {st["Sid"]: st.get("Condition") for st in role_policy["Statement"]}
        assert conditions["TableOrdersWrite"] == {
            "ForAllValues:StringEquals": {"dynamodb:Attributes": ["orderId", "customerId", "status"]}
        }
        assert conditions["BusCommercePublish"] == {"StringEquals": {"events:source": ["legacy.orders"]}}
        assert conditions["ReadOwnRegionOrders"] == {"StringEquals": {"aws:RequestedRegion": REGION}}

        _doc, _base, stages, _w = validate(src / "blueprint.yaml")
        plan = build_plan(stages["dev"], "dev", "blueprint.yaml")
        _check_names_and_environment(moto, plan)
        _invoke_the_unchanged_handler(moto, src, plan)
    finally:
        if applied:
            tf("destroy", "-auto-approve", "-input=false")


def _check_names_and_environment(moto, plan) -> None:
    ddb, sqs, lam, iam = (_client(moto, n) for n in ("dynamodb", "sqs", "lambda", "iam"))
    table = ddb.describe_table(TableName="LegacyOrders-dev")["Table"]
    assert [g["IndexName"] for g in table["GlobalSecondaryIndexes"]] == ["orderId-new"]
    url = sqs.get_queue_url(QueueName="ServerlessLandSQS.fifo")["QueueUrl"]
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["FifoQueue"])["Attributes"]["FifoQueue"] == "true"
    sqs.get_queue_url(QueueName="ServerlessLandSQS-dlq.fifo")
    assert _client(moto, "events").describe_event_bus(Name="legacy-commerce-dev")["Name"] == "legacy-commerce-dev"

    cfg = lam.get_function_configuration(FunctionName="LegacyCreateOrder-dev")
    assert cfg["Role"] == f"arn:aws:iam::{ACCOUNT}:role/legacy-dev-create-order-role"
    assert cfg["LoggingConfig"]["LogGroup"] == "/aws/lambda/LegacyCreateOrder-dev"
    deployed = cfg["Environment"]["Variables"]
    assert deployed == {
        "TABLE_NAME": "LegacyOrders-dev",
        "QUEUE_URL": url,
        "EVENT_BUS_NAME": "legacy-commerce-dev",
        "ORDERS_TABLE_ARN": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/LegacyOrders-dev",
        "BUS_ARN": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/legacy-commerce-dev",
        "PARTNER_URL": "https://partner.example.com/api",  # read from SSM when Terraform planned
        "FEATURE_FLAGS": '{"beta": true}',
        "GREETING": "hello",  # the variable's default
    }
    # what `sls-gen invoke` computes offline agrees with what was deployed (SSM values aside)
    fn = next(f for f in plan.functions if f.name == "create-order")
    for key, value in fn.environment:
        if key not in ("PARTNER_URL", "FEATURE_FLAGS", "QUEUE_URL"):
            assert resolve_value(value, plan, ACCOUNT) == deployed[key], key
    assert resolve_value(fn.physical, plan, ACCOUNT) == cfg["FunctionName"]
    assert iam.get_role(RoleName="legacy-dev-create-order-role")["Role"]["RoleName"] == "legacy-dev-create-order-role"


def _invoke_the_unchanged_handler(moto, src, plan) -> None:
    event = src / "event.json"
    event.write_text(json.dumps({"orderId": "o-1", "customerId": "c-7"}))
    env = moto.merged_env()
    env["AWS_ACCOUNT_ID"] = ACCOUNT
    env["AWS_DEFAULT_REGION"] = REGION
    # values read from SSM when Terraform plans: invoke cannot read them offline, the user passes them
    proc = subprocess.run(
        [sys.executable, "-m", "generator.cli", "invoke", "create-order", str(src / "blueprint.yaml"),
         "--event", str(event), "--env", "PARTNER_URL=https://partner.example.com/api",
         "--env", "FEATURE_FLAGS={}"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["orderId"] == "o-1" and result["greeting"] == "hello"
    assert result["partner"] == "https://partner.example.com/api"

    item = _client(moto, "dynamodb").get_item(TableName="LegacyOrders-dev", Key={"orderId": {"S": "o-1"}})["Item"]
    assert item == {"orderId": {"S": "o-1"}, "customerId": {"S": "c-7"}, "status": {"S": "NEW"}}
    sqs = _client(moto, "sqs")
    url = sqs.get_queue_url(QueueName="ServerlessLandSQS.fifo")["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    assert [json.loads(m["Body"]) for m in messages] == [{"orderId": "o-1", "customerId": "c-7", "status": "NEW"}]
    assert messages[0]["MessageId"] == result["messageId"]
