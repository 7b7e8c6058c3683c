"""Handlers exercised: bundled examples' handler code and every scaffold template, run in-process
against moto (`mock_aws`) with the sample event of their trigger kind (generator/events.py).

The environment is the one the function gets in AWS (generator/invoke.py + plan/resolve.py);
the stage's tables and queues are created in the mock from the plan first.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rendering import bundled_blueprints
from requires import require_module, require_node

from generator.emit.scaffold import SCAFFOLD_KINDS, scaffold_files
from generator.events import sample_event
from generator.invoke import prepare, run
from generator.loader import load_file
from generator.model import parse_blueprint, stage_blueprints
from generator.model.blueprint import EVENT_KINDS
from generator.pipeline import validate
from generator.plan.build import build_plan
from generator.plan.resolve import resolve_value

moto = require_module("moto", allow_module_level=True)

MOTO_ACCOUNT = "123456789012"  # moto's default account: ARNs and queue URLs must name it
_counter = itertools.count()


@pytest.fixture
def aws(monkeypatch):
    """A fresh in-process AWS mock with test credentials and no real endpoint or profile."""
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    with moto.mock_aws():
        yield


def create_stage_resources(plan) -> None:
    """The plan's tables and queues, as Terraform would create them (keys, indexes, redrive)."""
    import boto3

    ddb = boto3.client("dynamodb", region_name=plan.region)
    for t in (plan.parts.table.tables if plan.parts.table else ()):
        kwargs = {}
        if t.indexes:
            kwargs["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": i.name,
                    "KeySchema": [{"AttributeName": i.hash_key, "KeyType": "HASH"}]
                    + ([{"AttributeName": i.range_key, "KeyType": "RANGE"}] if i.range_key else []),
                    "Projection": {"ProjectionType": i.projection},
                }
                for i in t.indexes
            ]
        if t.stream_view_type:
            kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": t.stream_view_type}
        ddb.create_table(
            TableName=t.physical,
            KeySchema=[{"AttributeName": t.hash_key, "KeyType": "HASH"}]
            + ([{"AttributeName": t.range_key, "KeyType": "RANGE"}] if t.range_key else []),
            AttributeDefinitions=[{"AttributeName": a, "AttributeType": typ} for a, typ in t.attributes],
            BillingMode="PAY_PER_REQUEST",
            **kwargs,
        )
    sqs = boto3.client("sqs", region_name=plan.region)
    for q in (plan.parts.queue.queues if plan.parts.queue else ()):
        if q.dlq_physical:
            sqs.create_queue(QueueName=q.dlq_physical)
        sqs.create_queue(QueueName=q.physical, Attributes={"VisibilityTimeout": str(q.visibility_timeout)})
    # The other families, named as the stage names them (resolve.py is what `invoke` uses too).
    parts = plan.parts
    for topic in parts.topic.topics if parts.topic else ():
        boto3.client("sns", region_name=plan.region).create_topic(Name=topic.physical)
    for bus in parts.bus.buses if parts.bus else ():
        boto3.client("events", region_name=plan.region).create_event_bus(Name=bus.physical)
    for bucket in parts.bucket.buckets if parts.bucket else ():
        name = resolve_value(bucket.physical, plan, MOTO_ACCOUNT)
        config = {} if plan.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": plan.region}}
        boto3.client("s3", region_name=plan.region).create_bucket(Bucket=name, **config)
    for secret in parts.secret.secrets if parts.secret else ():
        boto3.client("secretsmanager", region_name=plan.region).create_secret(Name=secret.physical, SecretString="test")


def load_handler(code_dir: Path, handler: str, env: dict[str, str], monkeypatch):
    """Import a Python handler from its code dir (unique module name) with the function's env set."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    module, _, attr = handler.rpartition(".")
    monkeypatch.syspath_prepend(str(code_dir))
    spec = importlib.util.spec_from_file_location(f"_handler_{next(_counter)}", code_dir / f"{module}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return getattr(mod, attr)


def stage_of(blueprint: Path):
    _doc, _base, stages, _w = validate(blueprint)
    stage = "dev" if "dev" in stages else next(iter(stages))
    return stages[stage], build_plan(stages[stage], stage, blueprint.name), stage


def check_response(kind: str, sample, result) -> None:
    """What every handler of this trigger kind must return for its sample event."""
    if kind == "http":
        assert isinstance(result, dict) and isinstance(result.get("statusCode"), int), result
        assert result["statusCode"] < 500, result
    if sample.poison_id is not None:  # a batch with one record that cannot be processed
        assert {"itemIdentifier": sample.poison_id} in result["batchItemFailures"], result


# ------------------------------------------------------------------ bundled examples
BUNDLED = [
    (bp, fn.name)
    for bp in bundled_blueprints()
    for fn in stage_of(bp)[1].functions
    if fn.language == "python"
]


@pytest.mark.parametrize("blueprint, function", BUNDLED, ids=[f"{b.parent.name}-{f}" for b, f in BUNDLED])
def test_bundled_handler_runs_against_its_sample_events(blueprint, function, aws, monkeypatch):
    bp, plan, stage = stage_of(blueprint)
    create_stage_resources(plan)
    inv = prepare(plan, function, blueprint.parent, account=MOTO_ACCOUNT)
    handler = load_handler(inv.code_dir, inv.function.handler, inv.env, monkeypatch)
    events = bp.functions[function].events
    assert events, f"{function} has no trigger to sample"
    for index in range(1, len(events) + 1):
        sample = sample_event(bp, stage, function, index, region=plan.region, account=MOTO_ACCOUNT, poison=True)
        if sample.kind == "bucket":
            put_announced_objects(sample.event, plan.region)
        check_response(sample.kind, sample, handler(sample.event, None))


def put_announced_objects(event: dict, region: str) -> None:
    """An ObjectCreated notification means the object exists: make it so in the emulator."""
    import urllib.parse

    import boto3

    s3 = boto3.client("s3", region_name=region)
    for record in event["Records"]:
        if record["eventName"].startswith("ObjectCreated"):
            key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
            s3.put_object(Bucket=record["s3"]["bucket"]["name"], Key=key, Body=b"%PDF-1.7 sample")


ORDERS = Path(__file__).resolve().parent.parent / "blueprints" / "orders" / "orders.yaml"


@pytest.mark.skipif(not ORDERS.is_file(), reason="orders example not bundled")
def test_orders_flow_create_queue_fulfil_read(aws, monkeypatch):
    """create-order stores and queues an order; the queued message, fed to fulfil-order as an SQS
    batch, fulfils it; get-order reads it back. Every event is the sample with a real payload."""
    import boto3

    bp, plan, stage = stage_of(ORDERS)
    create_stage_resources(plan)
    handlers = {}
    for name in ("create-order", "fulfil-order", "get-order"):
        inv = prepare(plan, name, ORDERS.parent, account=MOTO_ACCOUNT)
        handlers[name] = load_handler(inv.code_dir, inv.function.handler, inv.env, monkeypatch)

    def sample(name, poison=False):
        return sample_event(bp, stage, name, 1, region=plan.region, account=MOTO_ACCOUNT, poison=poison)

    create = sample("create-order").event
    create["body"] = json.dumps({"items": [{"sku": "SKU-1", "quantity": 2}]})
    created = handlers["create-order"](create, None)
    assert created["statusCode"] == 201, created
    order_id = json.loads(created["body"])["order_id"]

    sqs = boto3.client("sqs", region_name=plan.region)
    url = sqs.get_queue_url(QueueName=f"{plan.prefix}-fulfilment")["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"]) for m in messages] == [{"order_id": order_id}]

    batch = sample("fulfil-order", poison=True)
    batch.event["Records"][0]["body"] = messages[0]["Body"]
    assert handlers["fulfil-order"](batch.event, None) == {"batchItemFailures": [{"itemIdentifier": batch.poison_id}]}

    get = sample("get-order").event
    get["pathParameters"] = {"id": order_id}
    found = handlers["get-order"](get, None)
    assert found["statusCode"] == 200 and json.loads(found["body"])["status"] == "FULFILLED"
    get["pathParameters"] = {"id": "missing"}
    assert handlers["get-order"](get, None)["statusCode"] == 404


# ------------------------------------------------------------------ scaffolds
TRIGGERS = {
    "http": {"events": [{"http": "POST /items/{id}"}]},
    "queue": {"events": [{"queue": "jobs", "batch_size": 5}]},
    "topic": {"events": [{"topic": "news", "filter": {"kind": ["created"]}}]},
    "eventbridge": {
        "events": [{"eventbridge": {"bus": "commerce", "pattern": {"source": ["shop"], "detail-type": ["OrderCreated"]}}}]
    },
    "schedule": {"events": [{"schedule": "rate(5 minutes)"}]},
    "bucket": {"events": [{"bucket": "uploads", "prefix": "in/", "suffix": ".csv"}]},
    "stream": {"events": [{"stream": "items", "batch_size": 50}]},
}


def scaffold_blueprint(tmp_path: Path, kind: str, runtime: str, api: dict | None = None):
    """A blueprint with one function triggered by `kind` that uses a table (so clients are set up)."""
    doc = {
        "service": "scaf",
        "region": "eu-west-1",
        "tables": {"items": {"partition_key": "id:N", "sort_key": "sk", "stream": "new_and_old_images"}},
        "queues": {"jobs": {}},
        "topics": {"news": {}},
        "buses": {"commerce": {}},
        "buckets": {"uploads": {}},
        "functions": {"worker": {"runtime": runtime, "uses": [{"table": "items", "access": "read_write"}], **TRIGGERS[kind]}},
    }
    if api is not None:
        doc["api"] = api
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "scaf.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    loaded = load_file(path)
    bp = stage_blueprints(loaded, parse_blueprint(loaded))["dev"]
    # support checks are skipped on purpose: the scaffold of every kind must work even before the
    # kind's Terraform lands, and a kind without its own scaffold gets the generic one.
    return bp, build_plan(bp, "dev", path.name)


def write_scaffold(tmp_path: Path, bp, plan, kind: str) -> Path:
    fn = plan.functions[0]
    route = bp.functions["worker"].events[0].http if kind == "http" else ""
    code_dir = tmp_path / fn.code_dir
    code_dir.mkdir(parents=True)
    hints = dict(plan.api.scaffold_hints()).get(fn.tf) if plan.api else None
    for name, text in scaffold_files(fn, "scaf.yaml", route, hints).items():
        (code_dir / name).write_text(text)
    return code_dir


@pytest.mark.parametrize("kind", EVENT_KINDS)
def test_python_scaffold_handles_its_sample_event(kind, tmp_path, aws, monkeypatch):
    bp, plan = scaffold_blueprint(tmp_path, kind, "python3.13")
    create_stage_resources(plan)
    write_scaffold(tmp_path, bp, plan, kind)
    inv = prepare(plan, "worker", tmp_path, account=MOTO_ACCOUNT)
    handler = load_handler(inv.code_dir, inv.function.handler, inv.env, monkeypatch)
    sample = sample_event(bp, "dev", "worker", 1, region=plan.region, account=MOTO_ACCOUNT, poison=True)
    assert sample.kind == kind
    result = handler(sample.event, None)
    check_response(kind, sample, result)
    if kind == "queue":
        assert result == {"batchItemFailures": [{"itemIdentifier": sample.poison_id}]}
    if kind == "http":
        assert result["statusCode"] == 200 and json.loads(result["body"])["received"] == {"hello": "world"}
    if kind not in SCAFFOLD_KINDS:  # generic scaffold until the kind gets its own
        assert result is not None


@pytest.mark.parametrize("kind", EVENT_KINDS)
def test_python_scaffold_own_unit_test_passes(kind, tmp_path):
    """The unit test shipped with each scaffold passes as generated, run the way a user runs it."""
    bp, plan = scaffold_blueprint(tmp_path, kind, "python3.13")
    code_dir = write_scaffold(tmp_path, bp, plan, kind)
    tests = sorted(p.name for p in code_dir.glob("test_*.py"))
    assert tests
    env = {"PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": plan.region}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
                          cwd=code_dir, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("kind", EVENT_KINDS)
def test_node_scaffold_handles_its_sample_event(kind, tmp_path):
    """Node.js scaffolds run through `sls-gen invoke`'s runner (a node child process)."""
    require_node()
    bp, plan = scaffold_blueprint(tmp_path, kind, "nodejs22.x")
    write_scaffold(tmp_path, bp, plan, kind)
    inv = prepare(plan, "worker", tmp_path, account=MOTO_ACCOUNT)
    sample = sample_event(bp, "dev", "worker", 1, region=plan.region, account=MOTO_ACCOUNT, poison=True)
    outcome = run(inv, sample.event, base_env={"PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "test",
                                                "AWS_SECRET_ACCESS_KEY": "test"})
    assert outcome.ok, outcome.stderr
    check_response(kind, sample, outcome.result)
    if kind == "queue":
        assert outcome.result == {"batchItemFailures": [{"itemIdentifier": sample.poison_id}]}


@pytest.mark.parametrize("kind", ["http", "queue", "schedule"])
def test_node_scaffold_own_unit_test_passes(kind, tmp_path):
    node = require_node()
    bp, plan = scaffold_blueprint(tmp_path, kind, "nodejs22.x")
    code_dir = write_scaffold(tmp_path, bp, plan, kind)
    tests = sorted(p.name for p in code_dir.glob("*.test.mjs"))
    assert tests
    proc = subprocess.run([node, "--test", *tests], cwd=code_dir, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_invocation_failure_is_reported(tmp_path):
    """A handler that raises: the runner exits non-zero and the traceback is on stderr."""
    bp, plan = scaffold_blueprint(tmp_path, "schedule", "python3.13")
    code_dir = write_scaffold(tmp_path, bp, plan, "schedule")
    (code_dir / "handler.py").write_text("def handler(event, context):\n    raise RuntimeError('boom')\n")
    outcome = run(prepare(plan, "worker", tmp_path), {}, base_env={"PATH": "/usr/bin:/bin"})
    assert not outcome.ok and outcome.returncode == 1 and "RuntimeError: boom" in outcome.stderr


# ------------------------------------------------------------------ REST scaffolds: payload 1.0 and CORS
REST_API = {"type": "rest", "cors": {"origins": ["https://app.example.com"], "allow_credentials": True}}


def test_rest_python_scaffold_speaks_payload_v1_and_answers_with_the_cors_origin(tmp_path, aws, monkeypatch):
    """A REST API (Lambda proxy) passes the handler's response through: the scaffold reads the v1
    request (no routeKey) and sets the CORS headers from the environment sls-gen gives it."""
    bp, plan = scaffold_blueprint(tmp_path, "http", "python3.13", api=REST_API)
    create_stage_resources(plan)
    code_dir = write_scaffold(tmp_path, bp, plan, "http")
    assert "routeKey" not in (code_dir / "handler.py").read_text()
    inv = prepare(plan, "worker", tmp_path, account=MOTO_ACCOUNT)
    handler = load_handler(inv.code_dir, inv.function.handler, inv.env, monkeypatch)
    sample = sample_event(bp, "dev", "worker", 1, region=plan.region, account=MOTO_ACCOUNT)
    assert "routeKey" not in sample.event and sample.event["httpMethod"] == "POST"
    result = handler(sample.event, None)
    assert result["statusCode"] == 200 and json.loads(result["body"])["received"] == {"hello": "world"}
    assert result["headers"]["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert result["headers"]["Access-Control-Allow-Credentials"] == "true"


def test_rest_python_scaffold_own_unit_test_passes(tmp_path):
    bp, plan = scaffold_blueprint(tmp_path, "http", "python3.13", api=REST_API)
    code_dir = write_scaffold(tmp_path, bp, plan, "http")
    env = {"PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": plan.region}
    (test_file,) = [p.name for p in code_dir.glob("test_*.py")]  # named after the function
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test_file],
                          cwd=code_dir, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_rest_node_scaffold_speaks_payload_v1_and_answers_with_the_cors_origin(tmp_path):
    node = require_node()
    bp, plan = scaffold_blueprint(tmp_path, "http", "nodejs22.x", api=REST_API)
    code_dir = write_scaffold(tmp_path, bp, plan, "http")
    assert "routeKey" not in (code_dir / "index.mjs").read_text()
    inv = prepare(plan, "worker", tmp_path, account=MOTO_ACCOUNT)
    sample = sample_event(bp, "dev", "worker", 1, region=plan.region, account=MOTO_ACCOUNT)
    outcome = run(inv, sample.event, base_env={"PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "test",
                                                "AWS_SECRET_ACCESS_KEY": "test"})
    assert outcome.ok, outcome.stderr
    assert outcome.result["headers"]["Access-Control-Allow-Origin"] == "https://app.example.com"
    proc = subprocess.run([node, "--test", "index.test.mjs"], cwd=code_dir, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr

