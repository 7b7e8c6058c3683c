"""`sls-gen events` and `sls-gen invoke` as a user meets them."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner
from rendering import BLUEPRINTS

from generator.cli import main


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


def orders_copy(tmp_path):
    shutil.copytree(BLUEPRINTS / "orders", tmp_path / "orders")
    return tmp_path / "orders" / "orders.yaml"


def test_events_writes_one_file_per_function_and_trigger(tmp_path):
    bp = orders_copy(tmp_path)
    result = run("events", bp, "-o", tmp_path / "ev")
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (tmp_path / "ev").iterdir())
    assert files == ["create-order.1.http.json", "fulfil-order.1.queue.json", "get-order.1.http.json"]
    get = json.loads((tmp_path / "ev" / "get-order.1.http.json").read_text())
    assert get["routeKey"] == "GET /orders/{id}" and get["pathParameters"] == {"id": "sample-id"}
    assert get["requestContext"]["authorizer"]["jwt"]["claims"]["iss"] == "https://auth.example.com/"
    queue = json.loads((tmp_path / "ev" / "fulfil-order.1.queue.json").read_text())
    assert [r["eventSourceARN"] for r in queue["Records"]] == ["arn:aws:sqs:eu-west-1:000000000000:orders-dev-fulfilment"]
    # prod stage: its own region and names, account from the environment
    result = run("events", bp, "-o", tmp_path / "prod", "--stage", "prod", env={"AWS_ACCOUNT_ID": "111122223333"})
    queue = json.loads((tmp_path / "prod" / "fulfil-order.1.queue.json").read_text())
    assert queue["Records"][0]["eventSourceARN"] == "arn:aws:sqs:eu-central-1:111122223333:orders-prod-fulfilment"
    assert run("events", bp, "--stage", "nope").exit_code == 2


def test_invoke_runs_the_handler_with_the_stage_environment(tmp_path):
    bp = orders_copy(tmp_path)
    code = tmp_path / "orders" / "src" / "get_order"
    (code / "handler.py").write_text(
        "import os\n"
        "def handler(event, context):\n"
        "    print('to stderr')\n"
        "    keys = ('ORDERS_TABLE_NAME', 'AWS_REGION', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_LOG_LEVEL')\n"
        "    return {'env': {k: os.environ[k] for k in keys}, 'id': event['pathParameters']['id'],\n"
        "            'fn': context.function_name}\n"
    )
    result = run("invoke", "get-order", bp, "--sample", "--stage", "prod")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out == {
        "env": {
            "ORDERS_TABLE_NAME": "orders-prod-orders",
            "AWS_REGION": "eu-central-1",
            "AWS_LAMBDA_FUNCTION_NAME": "orders-prod-get-order",
            "AWS_LAMBDA_LOG_LEVEL": "INFO",
        },
        "id": "sample-id",
        "fn": "orders-prod-get-order",
    }
    assert "to stderr" in result.stderr
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pathParameters": {"id": "42"}}))
    result = run("invoke", "get-order", bp, "--event", event)
    assert result.exit_code == 0 and json.loads(result.stdout)["id"] == "42"
    assert json.loads(result.stdout)["env"]["ORDERS_TABLE_NAME"] == "orders-dev-orders"


def test_invoke_exits_1_when_the_handler_raises_and_2_on_usage_errors(tmp_path):
    bp = orders_copy(tmp_path)
    (tmp_path / "orders" / "src" / "get_order" / "handler.py").write_text(
        "def handler(event, context):\n    raise ValueError('no such order')\n"
    )
    result = run("invoke", "get-order", bp, "--sample")
    assert result.exit_code == 1
    assert "ValueError: no such order" in result.stderr and "get-order failed" in result.stderr
    assert run("invoke", "nope", bp).exit_code == 2
    assert run("invoke", "get-order", bp, "--sample", "--event", bp).exit_code == 2


def test_invoke_without_code_says_so(tmp_path):
    bp = orders_copy(tmp_path)
    shutil.rmtree(tmp_path / "orders" / "src" / "get_order")
    result = run("invoke", "get-order", bp, "--sample")
    assert result.exit_code == 1 and "does not exist" in result.stderr and "internal error" not in result.stderr
