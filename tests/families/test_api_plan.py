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
