"""API plan (generator/families/api/plan.py, rest.py): what the rendered API grants and sends."""

from __future__ import annotations

import pytest
from rendering import render_text
from tf_audit import load_module, value


def _routes(n: int) -> str:
    return "".join(f"      - http: GET /items{i}/{{id}}\n" for i in range(n))


@pytest.mark.parametrize("api_type, execution_arn", [
    ("http", "aws_apigatewayv2_api.api.execution_arn"),
    ("rest", "aws_api_gateway_rest_api.api.execution_arn"),
])
def test_api_gateway_is_granted_once_per_function(tmp_path, api_type, execution_arn):
    """One invoke permission per function and API, scoped to the API's execution ARN with a wildcard
    for stage, method and path: one statement per route would outgrow Lambda's 20 KB resource-based
    policy at about 55 routes (PolicyLengthExceededException at apply)."""
    text = (
        f"service: shop\napi: {{type: {api_type}}}\nfunctions:\n"
        f"  catalog:\n    events:\n{_routes(60)}"
        "  orders:\n    events:\n      - http: POST /orders\n      - http: GET /orders/{id}\n"
    )
    result, out, _ = render_text(text, tmp_path)
    assert result.exit_code == 0, result.output
    perms = {a: b for a, b in load_module(out / "dev").items() if a.startswith("aws_lambda_permission.")}
    assert sorted(perms) == ["aws_lambda_permission.api_catalog", "aws_lambda_permission.api_orders"]
    for address, body in perms.items():
        assert value(body["statement_id"]) == "AllowApiGateway", address
        assert value(body["principal"]) == "apigateway.amazonaws.com"
        assert value(body["source_arn"]) == "${" + execution_arn + "}/*/*/*", address


def _module(tmp_path, text: str) -> dict:
    result, out, _ = render_text(text, tmp_path)
    assert result.exit_code == 0, result.output
    return load_module(out / "dev")


REST = "service: shop\napi:\n  type: rest\n{extra}functions:\n  a:\n    events:\n      - http: GET /x\n"


def _settings(module, name="aws_api_gateway_method_settings.all") -> dict:
    return module[name]["settings"][0]


def test_rest_execution_logging_is_off_by_default_and_access_logs_stay(tmp_path):
    """Execution logging needs the account's API Gateway CloudWatch role: off by default, no
    account-wide resource; access logs, metrics on; data trace off (docs/decisions/rest-api.md)."""
    module = _module(tmp_path, REST.format(extra=""))
    settings = _settings(module)
    assert value(settings["logging_level"]) == "OFF"
    assert value(settings["metrics_enabled"]) is True
    assert value(settings["data_trace_enabled"]) is False
    stage = module["aws_api_gateway_stage.api"]
    assert value(stage["access_log_settings"][0]["destination_arn"]) == "${aws_cloudwatch_log_group.api_access.arn}"
    assert "depends_on" not in stage
    assert not [a for a in module if a.startswith(("aws_api_gateway_account.", "aws_iam_role.api"))]


def test_rest_execution_logging_with_the_account_role_created(tmp_path):
    module = _module(tmp_path, REST.format(extra="  logging: {execution: info, account_role: create}\n"))
    assert value(_settings(module)["logging_level"]) == "INFO"
    account = module["aws_api_gateway_account.api"]
    assert value(account["cloudwatch_role_arn"]) == "${aws_iam_role.api_gateway_cloudwatch.arn}"
    role = module["aws_iam_role.api_gateway_cloudwatch"]
    assert value(role["name"]) == "shop-dev-api-gateway-logs"
    assert "apigateway.amazonaws.com" in value(role["assume_role_policy"])
    attachment = module["aws_iam_role_policy_attachment.api_gateway_cloudwatch"]
    assert value(attachment["policy_arn"]) == (
        "arn:${local.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
    )
    # the stage waits for the account setting: API Gateway checks it when logging is switched on
    assert module["aws_api_gateway_stage.api"]["depends_on"] == ["${aws_api_gateway_account.api}"]


def test_rest_logging_with_an_existing_account_role_and_options(tmp_path):
    module = _module(tmp_path, REST.format(
        extra="  logging: {execution: error, account_role: existing, metrics: false, data_trace: true}\n"
    ))
    settings = _settings(module)
    assert value(settings["logging_level"]) == "ERROR"
    assert value(settings["metrics_enabled"]) is False
    assert value(settings["data_trace_enabled"]) is True
    assert "aws_api_gateway_account.api" not in module


@pytest.mark.parametrize("api_type, stage", [("rest", "aws_api_gateway_stage.api"), ("http", "aws_apigatewayv2_stage.default")])
def test_access_logs_can_be_turned_off(tmp_path, api_type, stage):
    module = _module(tmp_path, REST.replace("type: rest", f"type: {api_type}").format(extra="  logging: {access: false}\n"))
    assert "access_log_settings" not in module[stage]
    assert "aws_cloudwatch_log_group.api_access" not in module


def test_http_api_metrics_follow_logging_metrics(tmp_path):
    module = _module(tmp_path, REST.replace("type: rest", "type: http").format(extra="  logging: {metrics: false}\n"))
    route_settings = module["aws_apigatewayv2_stage.default"]["default_route_settings"][0]
    assert value(route_settings["detailed_metrics_enabled"]) is False


CORS = (
    "service: shop\napi:\n  type: {type}\n"
    "  cors: {{origins: ['https://shop.example.com'], methods: [GET, POST], allow_credentials: true, max_age: 600}}\n"
    "functions:\n  a:\n    events:\n      - http: GET /x\n      - http: POST /x/{{id}}\n"
)


def test_rest_cors_reaches_handlers_error_responses_and_the_preflight(tmp_path):
    """A Lambda proxy answers every REST request itself: its response must carry
    Access-Control-Allow-Origin (the handler reads it from CORS_ALLOW_ORIGIN), API Gateway's own
    4xx/5xx answers carry the CORS headers (gateway responses), and the preflight sends
    allow_credentials and max_age (accepted and dropped before)."""
    module = _module(tmp_path, CORS.format(type="rest"))
    env = module["aws_lambda_function.a"]["environment"][0]["variables"]
    assert value(env) == {"CORS_ALLOW_ORIGIN": "https://shop.example.com", "CORS_ALLOW_CREDENTIALS": "true"}
    origin = "'https://shop.example.com'"
    for kind in ("4xx", "5xx"):
        response = module[f"aws_api_gateway_gateway_response.cors_default_{kind}"]
        assert value(response["response_type"]) == f"DEFAULT_{kind.upper()}"
        assert value(response["response_parameters"]) == {
            "gatewayresponse.header.Access-Control-Allow-Origin": origin,
            "gatewayresponse.header.Access-Control-Allow-Headers": "'content-type,authorization'",
            "gatewayresponse.header.Access-Control-Allow-Methods": "'GET,OPTIONS,POST'",
            "gatewayresponse.header.Access-Control-Allow-Credentials": "'true'",
        }
    redeploy = value(module["aws_api_gateway_deployment.api"]["triggers"])["redeployment"]
    assert "aws_api_gateway_gateway_response.cors_default_4xx" in redeploy
    for preflight in ("cors_x", "cors_x_id"):
        params = value(module[f"aws_api_gateway_integration_response.{preflight}"]["response_parameters"])
        assert params["method.response.header.Access-Control-Max-Age"] == "'600'"
        assert params["method.response.header.Access-Control-Allow-Credentials"] == "'true'"
        assert params["method.response.header.Access-Control-Allow-Origin"] == origin
        declared = value(module[f"aws_api_gateway_method_response.{preflight}"]["response_parameters"])
        assert set(declared) == set(params)


def test_http_api_cors_needs_nothing_from_the_handler(tmp_path):
    """HTTP APIs add the CORS headers to every response themselves (cors_configuration)."""
    module = _module(tmp_path, CORS.format(type="http"))
    assert "environment" not in module["aws_lambda_function.a"]
    assert not [a for a in module if a.startswith("aws_api_gateway_gateway_response.")]


def test_rest_without_cors_sets_no_cors_variable(tmp_path):
    module = _module(tmp_path, REST.format(extra=""))
    assert "environment" not in module["aws_lambda_function.a"]
    assert not [a for a in module if a.startswith("aws_api_gateway_gateway_response.")]
