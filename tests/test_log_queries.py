"""`observability.queries`: saved Logs Insights queries per function and for the service, reading
the fields Lambda's JSON log format writes."""

from __future__ import annotations

import yaml

from generator.families.observability.plan import QUERIES, REQUEST
from generator.loader import load_file
from generator.model import parse_blueprint, stage_blueprints
from generator.plan.build import build_plan


def plan_of(tmp_path, doc):
    path = tmp_path / "bp.yaml"
    path.write_text(yaml.safe_dump(doc))
    loaded = load_file(path)
    return build_plan(stage_blueprints(loaded, parse_blueprint(loaded))["dev"], "dev", "bp.yaml")


def test_queries_per_function_and_for_the_service(tmp_path):
    plan = plan_of(tmp_path, {"service": "shop", "region": "eu-west-1", "observability": {"queries": True},
                              "functions": {"a": {}, "b-c": {"runtime": "nodejs22.x"}}})
    obs = plan.parts.observability
    by_name = {q.name: q for q in obs.queries}
    assert set(by_name) == {f"shop-dev/{k}" for k in (*QUERIES, "request")} | {
        f"shop-dev/{f}/{k}" for f in ("a", "b-c") for k in QUERIES}
    assert [str(g) for g in by_name["shop-dev/request"].log_groups] == [
        "aws_cloudwatch_log_group.a.name", "aws_cloudwatch_log_group.b_c.name"]
    assert [str(g) for g in by_name["shop-dev/b-c/slowest"].log_groups] == ["aws_cloudwatch_log_group.b_c.name"]
    assert "record.metrics.initDurationMs" in by_name["shop-dev/a/cold-starts"].query
    assert 'record.status != "success"' in by_name["shop-dev/a/errors"].query
    assert "correlationId" in REQUEST[1] and obs.topic is None and obs.dashboard is None
    assert ("queries.tf", "queries.tf.j2") in obs.terraform_files()


def test_no_queries_unless_asked(tmp_path):
    plan = plan_of(tmp_path, {"service": "shop", "region": "eu-west-1", "functions": {"a": {}}})
    assert plan.parts.observability is None


def _scaffold(tmp_path, runtime: str):
    from generator.emit.scaffold import scaffold_files

    plan = plan_of(tmp_path, {"service": "shop", "region": "eu-west-1", "observability": {"queries": True},
                              "functions": {"api": {"runtime": runtime, "events": [{"http": "POST /orders"}]}}})
    code = tmp_path / "code"
    for name, text in scaffold_files(plan.functions[0], "bp.yaml", "POST /orders").items():
        (code / name).parent.mkdir(parents=True, exist_ok=True)
        (code / name).write_text(text)
    return code


def test_python_scaffold_logs_cold_start_and_correlation_id(tmp_path, monkeypatch, caplog):
    import importlib
    import logging
    import sys
    from types import SimpleNamespace

    code = _scaffold(tmp_path, "python3.13")
    monkeypatch.syspath_prepend(str(code))
    sys.modules.pop("handler", None)
    handler = importlib.import_module("handler")
    event = {"routeKey": "POST /orders", "body": "{}", "headers": {"X-Correlation-Id": "corr-1"}, "requestContext": {"requestId": "r1"}}
    with caplog.at_level(logging.INFO):
        handler.handler(event, SimpleNamespace(aws_request_id="req-1"))
        handler.handler({**event, "headers": {}}, SimpleNamespace(aws_request_id="req-2"))
    first, second = [r for r in caplog.records if r.getMessage() == "request"]
    assert (first.coldStart, first.correlationId) == (True, "corr-1")
    assert (second.coldStart, second.correlationId) == (False, "req-2")
    sys.modules.pop("handler", None)


def test_node_scaffold_logs_cold_start_and_correlation_id(tmp_path):
    import json
    import subprocess

    from requires import require_node

    node = require_node()
    code = _scaffold(tmp_path, "nodejs22.x")
    (code / "drive.mjs").write_text(
        'import { handler } from "./index.mjs";\n'
        'const event = { routeKey: "POST /orders", body: "{}", headers: { "X-Correlation-Id": "corr-1" }, requestContext: { requestId: "r1" } };\n'
        'await handler(event, { awsRequestId: "req-1" });\n'
        'await handler({ ...event, headers: {} }, { awsRequestId: "req-2" });\n')
    proc = subprocess.run([node, "drive.mjs"], cwd=code, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("message") == "request"]
    assert [(r["coldStart"], r["correlationId"]) for r in requests] == [(True, "corr-1"), (False, "req-2")]


# What Lambda's Node.js runtime does with console in the JSON log format (its LogPatch.js,
# aws-lambda-nodejs-runtime-interface-client): each console method writes one JSON record
# {timestamp, level, requestId, message}, and one argument is kept as `message` as it is.
RUNTIME_JSON_CONSOLE = """\
process.env.AWS_LAMBDA_LOG_FORMAT = "JSON";
for (const [method, level] of [["debug", "DEBUG"], ["info", "INFO"], ["log", "INFO"], ["warn", "WARN"], ["error", "ERROR"]]) {
  console[method] = (...params) => process.stdout.write(JSON.stringify({
    timestamp: "t", level, requestId: "r", message: params.length === 1 ? params[0] : params.join(" ") }) + "\\n");
}
"""


def test_node_records_in_lambdas_json_format_carry_the_fields_the_queries_read(tmp_path):
    """With the JSON log format the runtime wraps every console call: a JSON string would be an opaque
    `message` string; the scaffold logs an object, so `message.correlationId` and `message.coldStart`
    are fields Logs Insights discovers, and an ERROR record is the runtime's ERROR level."""
    import json
    import subprocess

    from requires import require_node

    node = require_node()
    code = _scaffold(tmp_path, "nodejs22.x")
    (code / "drive.mjs").write_text(
        RUNTIME_JSON_CONSOLE
        + 'const { handler } = await import("./index.mjs");\n'
        'const event = { routeKey: "POST /orders", body: "{}", headers: { "X-Correlation-Id": "corr-1" }, requestContext: { requestId: "r1" } };\n'
        'await handler(event, { awsRequestId: "req-1" });\n'
        'await handler({ ...event, headers: {} }, { awsRequestId: "req-2" });\n')
    proc = subprocess.run([node, "drive.mjs"], cwd=code, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    requests = [r for r in records if isinstance(r["message"], dict) and r["message"].get("message") == "request"]
    assert [(r["level"], r["message"]["coldStart"], r["message"]["correlationId"]) for r in requests] == [
        ("INFO", True, "corr-1"), ("INFO", False, "req-2")]
    assert "message.correlationId = \"REQUEST_ID\"" in REQUEST[1] and "correlationId = \"REQUEST_ID\"" in REQUEST[1]


def test_invoke_writes_a_node_functions_logs_as_lambdas_json_format_does(tmp_path):
    """`sls-gen invoke` runs a Node.js handler with the console Lambda gives it: in the JSON log
    format one record per call on stderr, the scaffold's object as its `message`."""
    import json
    import subprocess
    import sys

    from requires import require_node

    require_node()
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: shop\nregion: eu-west-1\nfunctions:\n  hello: {runtime: nodejs22.x}\n")
    cli = [sys.executable, "-m", "generator"]
    assert subprocess.run([*cli, "render", str(bp), "-o", str(tmp_path / "out")], capture_output=True).returncode == 0
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"headers": {"x-correlation-id": "corr-9"}}))
    proc = subprocess.run([*cli, "invoke", "hello", str(bp), "--event", str(event)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    assert records and all(set(r) == {"timestamp", "level", "requestId", "message"} for r in records), proc.stderr
    first = records[0]
    assert (first["level"], first["message"]["correlationId"], first["message"]["coldStart"]) == ("INFO", "corr-9", True)
