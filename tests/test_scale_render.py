"""The bundled orders blueprint (the contract's example) renders prod with the live alias,
provisioned concurrency, alarms and the dashboard, and dev without the prod-only parts."""

from __future__ import annotations

import hcl2
import pytest
from rendering import BLUEPRINTS, render_copy


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    result, out, _ = render_copy(BLUEPRINTS / "orders", "orders.yaml", tmp_path_factory.mktemp("orders"))
    assert result.exit_code == 0, result.output
    return out


def resources(stage_dir) -> dict[str, dict]:
    """'type.name' -> attributes, over every .tf file of a stage."""
    found = {}
    for tf in sorted(stage_dir.glob("*.tf")):
        with tf.open() as fh:
            for block in hcl2.load(fh).get("resource", []):
                for rtype, named in block.items():
                    for name, body in named.items():
                        found[f"{rtype}.{name}"] = body
    return found


def test_prod_routes_create_order_through_the_provisioned_alias(modules):
    prod = resources(modules / "prod")
    assert prod["aws_lambda_function.create_order"]["publish"] is True
    assert prod["aws_lambda_function.create_order"]["reserved_concurrent_executions"] == 50
    assert prod["aws_lambda_alias.create_order_live"]["name"] == "live"
    pc = prod["aws_lambda_provisioned_concurrency_config.create_order_live"]
    assert pc["provisioned_concurrent_executions"] == 5
    assert "aws_lambda_alias.create_order_live" in pc["qualifier"]
    assert "aws_lambda_alias.create_order_live.invoke_arn" in prod["aws_apigatewayv2_integration.create_order"]["integration_uri"]
    assert "aws_lambda_alias.create_order_live.name" in prod["aws_lambda_permission.api_create_order"]["qualifier"]
    # functions without provisioned concurrency keep $LATEST
    assert "publish" not in prod["aws_lambda_function.get_order"]
    assert "aws_lambda_function.get_order.invoke_arn" in prod["aws_apigatewayv2_integration.get_order"]["integration_uri"]


def test_dev_has_no_alias(modules):
    dev = resources(modules / "dev")
    assert not any(k.startswith(("aws_lambda_alias", "aws_lambda_provisioned")) for k in dev)
    assert "publish" not in dev["aws_lambda_function.create_order"]


def test_prod_alarms_and_dashboard(modules):
    prod = resources(modules / "prod")
    alarms = {k: v for k, v in prod.items() if k.startswith("aws_cloudwatch_metric_alarm.")}
    assert set(alarms) >= {
        "aws_cloudwatch_metric_alarm.fn_create_order_errors",
        "aws_cloudwatch_metric_alarm.fn_fulfil_order_duration",
        "aws_cloudwatch_metric_alarm.fulfilment_dlq_depth",
        "aws_cloudwatch_metric_alarm.api_5xx",
        "aws_cloudwatch_metric_alarm.fn_create_order_spillover",
    }
    assert "aws_cloudwatch_metric_alarm.fn_get_order_spillover" not in alarms
    for name, alarm in alarms.items():
        assert alarm["treat_missing_data"] == "notBreaching", name
        assert alarm["alarm_actions"] == alarm["ok_actions"] == ["${aws_sns_topic.alarms.arn}"], name
    key = prod["aws_kms_key.alarms"]
    assert key["enable_key_rotation"] is True and "cloudwatch.amazonaws.com" in key["policy"]
    assert "aws_kms_key.alarms.arn" in prod["aws_sns_topic.alarms"]["kms_master_key_id"]
    assert prod["aws_sns_topic.alarms"]["name"] == "orders-prod-alarms"
    assert "aws:SourceAccount" in prod["aws_sns_topic_policy.alarms"]["policy"]
    assert prod["aws_cloudwatch_dashboard.stage"]["dashboard_name"] == "orders-prod"


def test_reserved_concurrency_only_when_asked_else_a_justified_checkov_skip(modules):
    text = (modules / "prod" / "lambda.tf").read_text()
    blocks = {b.split('"')[0]: b for b in text.split('resource "aws_lambda_function" "')[1:]}
    assert "reserved_concurrent_executions = 50" in blocks["create_order"]
    assert "checkov:skip=CKV_AWS_115" not in blocks["create_order"]
    assert "reserved_concurrent_executions" not in blocks["get_order"]
    assert "#checkov:skip=CKV_AWS_115:account concurrency quota unknown" in blocks["get_order"]
