"""Prove it deploys: every bundled example's dev stage is applied against a local AWS emulator (moto).

apply -> a second `plan -detailed-exitcode` must be empty (a perpetual diff is a bug) ->
the emulator holds exactly what the plan says (boto3) -> least-privilege audit of every policy
in the state -> destroy. One moto server for the session; every test here shares the
`e2e` xdist group so the server is started once and the slow applies don't fight for CPU.
"""

from __future__ import annotations

import json
import re
import sys

import pytest
from iam_audit import audit_policy, policies_in_state
from rendering import TESTS, bundled_blueprints, render_copy
from tfharness import MotoServer, require_moto, require_terraform, run_tf, tf_env

from generator.pipeline import validate
from generator.plan.build import build_plan
from generator.plan.resolve import resolve_value

pytestmark = [pytest.mark.e2e, pytest.mark.terraform, pytest.mark.xdist_group("e2e")]

MOTO_ACCOUNT = "123456789012"


@pytest.fixture(scope="session")
def moto_server():
    require_moto()
    # moto corrected where it answers unlike AWS (see tests/moto_faithful.py for each point)
    with MotoServer(command=[sys.executable, str(TESTS / "moto_faithful.py")]) as server:
        yield server


def _stage(blueprint) -> str:
    _doc, _base, stages, _w = validate(blueprint)
    return "dev" if "dev" in stages else next(iter(stages))


def _clients(server, region):
    import boto3

    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=region)
    return lambda name: session.client(name, endpoint_url=server.endpoint)


@pytest.mark.parametrize("blueprint", bundled_blueprints(), ids=lambda p: p.parent.name)
def test_apply_is_stable_least_privilege_and_matches_the_plan(blueprint, tmp_path, moto_server):
    require_terraform()
    stage = _stage(blueprint)
    result, out, src = render_copy(blueprint.parent, blueprint.name, tmp_path / "w", "--stage", stage)
    assert result.exit_code == 0, result.output
    module = out / stage
    env = moto_server.merged_env(tf_env(tmp_path / "cli"))

    def tf(*args, ok=(0,)):
        p = run_tf(["-chdir=" + str(module), *args, "-no-color"], env=env, timeout=900)
        assert p.returncode in ok, (
            f"terraform {' '.join(args)} rc={p.returncode}\n{p.stdout[-6000:]}\n{p.stderr[-4000:]}"
            f"\n--- moto log\n{moto_server.log_tail()}"
        )
        return p

    tf("init", "-input=false")
    applied = False
    try:
        tf("apply", "-auto-approve", "-input=false")
        applied = True
        second = run_tf(["-chdir=" + str(module), "plan", "-detailed-exitcode", "-input=false", "-no-color"],
                        env=env, timeout=900)
        assert second.returncode == 0, f"perpetual diff after apply (rc={second.returncode}):\n{second.stdout}\n{second.stderr}"

        state = json.loads(tf("show", "-json").stdout)
        problems = []
        for address, doc in policies_in_state(state).items():
            problems += audit_policy(doc, address)
        assert problems == [], "\n".join(problems)

        _doc, _base, stages, _w = validate(src / blueprint.name)
        plan = build_plan(stages[stage], stage, blueprint.name)
        clients = _clients(moto_server, plan.region)
        check_emulator(plan, clients)
        check_api(plan, clients)
    finally:
        if applied:
            tf("destroy", "-auto-approve", "-input=false")
    state = json.loads(tf("show", "-json").stdout or "{}")
    assert not (state.get("values") or {}).get("root_module", {}).get("resources")


# ------------------------------------------------------------------ what the emulator must hold
def check_emulator(plan, client) -> None:
    account = client("sts").get_caller_identity()["Account"]
    assert account == MOTO_ACCOUNT
    sqs, ddb, lam, iam = client("sqs"), client("dynamodb"), client("lambda"), client("iam")
    queue_urls = {}
    for q in (plan.parts.queue.queues if plan.parts.queue else ()):
        url = sqs.get_queue_url(QueueName=q.physical)["QueueUrl"]
        queue_urls[q.physical] = url
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert int(attrs["VisibilityTimeout"]) == q.visibility_timeout, q.name
        assert int(attrs["MessageRetentionPeriod"]) == q.retention_seconds, q.name
        assert attrs.get("SqsManagedSseEnabled") == "true", q.name
        if q.dlq_physical:
            redrive = json.loads(attrs["RedrivePolicy"])
            assert redrive == {
                "deadLetterTargetArn": f"arn:aws:sqs:{plan.region}:{account}:{q.dlq_physical}",
                "maxReceiveCount": q.max_receives,
            }
            dlq = sqs.get_queue_attributes(QueueUrl=sqs.get_queue_url(QueueName=q.dlq_physical)["QueueUrl"],
                                           AttributeNames=["MessageRetentionPeriod"])["Attributes"]
            assert int(dlq["MessageRetentionPeriod"]) == q.dlq_retention_seconds
        else:
            assert "RedrivePolicy" not in attrs

    for t in (plan.parts.table.tables if plan.parts.table else ()):
        desc = ddb.describe_table(TableName=t.physical)["Table"]
        keys = {k["KeyType"]: k["AttributeName"] for k in desc["KeySchema"]}
        assert keys == {"HASH": t.hash_key, **({"RANGE": t.range_key} if t.range_key else {})}, t.name
        assert sorted((a["AttributeName"], a["AttributeType"]) for a in desc["AttributeDefinitions"]) == list(t.attributes)
        assert desc.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED") == t.billing_mode
        indexes = {
            g["IndexName"]: (
                {k["KeyType"]: k["AttributeName"] for k in g["KeySchema"]},
                g["Projection"]["ProjectionType"],
            )
            for g in desc.get("GlobalSecondaryIndexes", [])
        }
        assert indexes == {
            i.name: ({"HASH": i.hash_key, **({"RANGE": i.range_key} if i.range_key else {})}, i.projection)
            for i in t.indexes
        }, t.name
        ttl = ddb.describe_time_to_live(TableName=t.physical)["TimeToLiveDescription"]
        if t.ttl:
            assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": t.ttl}
        else:
            assert ttl.get("TimeToLiveStatus") in (None, "DISABLED")
        stream = desc.get("StreamSpecification") or {}
        if t.stream_view_type:
            assert stream == {"StreamEnabled": True, "StreamViewType": t.stream_view_type}
        else:
            assert not stream.get("StreamEnabled")
        pitr = ddb.describe_continuous_backups(TableName=t.physical)["ContinuousBackupsDescription"]
        status = pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
        assert status == ("ENABLED" if t.pitr else "DISABLED"), t.name

    for fn in plan.functions:
        cfg = lam.get_function_configuration(FunctionName=fn.physical)
        assert (cfg["Runtime"], cfg["Handler"], cfg["Architectures"]) == (fn.runtime, fn.handler, [fn.architecture])
        assert (cfg["MemorySize"], cfg["Timeout"]) == (fn.memory, fn.timeout)
        assert cfg["EphemeralStorage"]["Size"] == fn.ephemeral_storage
        assert cfg["TracingConfig"]["Mode"] == ("Active" if fn.tracing else "PassThrough")
        assert cfg["Role"] == f"arn:aws:iam::{account}:role/{fn.role_name}"
        logging = cfg["LoggingConfig"]
        assert logging["LogGroup"] == fn.log_group
        assert logging["LogFormat"] == ("JSON" if fn.log_format == "json" else "Text")
        if fn.log_format == "json":
            assert (logging["ApplicationLogLevel"], logging["SystemLogLevel"]) == (fn.log_level, fn.system_log_level)
        # the physical values `sls-gen invoke` computes are the ones the deployed function gets
        # (queue URLs: the emulator's endpoint replaces https://sqs.<region>.amazonaws.com)
        expected_env = {}
        for key, value in fn.environment:
            resolved = resolve_value(value, plan, account)
            if key.endswith("_QUEUE_URL"):
                resolved = queue_urls[resolved.rsplit("/", 1)[1]]
            expected_env[key] = resolved
        deployed_env = dict(cfg.get("Environment", {}).get("Variables", {}))
        for key in [k for k in expected_env if k.endswith("_SECRET_ARN")]:
            # AWS appends "-" and 6 random characters to a secret's ARN; only the rest is predictable.
            assert re.fullmatch(re.escape(expected_env[key]) + r"-[A-Za-z0-9]{6}", deployed_env.get(key, "")), key
            deployed_env[key] = expected_env[key]
        assert deployed_env == expected_env, fn.name
        if fn.reserved is not None:
            assert lam.get_function_concurrency(FunctionName=fn.physical).get("ReservedConcurrentExecutions") == fn.reserved

        # triggers invoke fn.target_arn: the `live` alias when there is one (moto filters
        # FunctionName literally, so match on FunctionArn here)
        target = f"arn:aws:lambda:{plan.region}:{account}:function:{fn.physical}" + (":live" if fn.alias else "")
        mappings = [m for m in lam.list_event_source_mappings()["EventSourceMappings"] if m["FunctionArn"] == target]
        sqs_mappings = {m["EventSourceArn"]: m for m in mappings if ":sqs:" in m["EventSourceArn"]}
        queues = {q.tf: q for q in (plan.parts.queue.queues if plan.parts.queue else ())}
        assert len(sqs_mappings) == len(fn.mappings), fn.name
        for trig in fn.mappings:
            m = sqs_mappings[f"arn:aws:sqs:{plan.region}:{account}:{queues[trig.queue_tf].physical}"]
            assert m["BatchSize"] == trig.batch_size
            assert m["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
            assert m.get("MaximumBatchingWindowInSeconds", 0) == trig.batch_window
            if trig.max_concurrency:
                assert m["ScalingConfig"] == {"MaximumConcurrency": trig.max_concurrency}

        # the role's only policy holds exactly the plan's statements, resolved to ARNs
        assert iam.list_role_policies(RoleName=fn.role_name)["PolicyNames"] == ["least-privilege"]
        assert iam.list_attached_role_policies(RoleName=fn.role_name)["AttachedPolicies"] == []
        doc = iam.get_role_policy(RoleName=fn.role_name, PolicyName="least-privilege")["PolicyDocument"]
        if isinstance(doc, str):
            doc = json.loads(doc)
        actual = {
            st["Sid"]: (st["Effect"], sorted(_list(st["Action"])), sorted(_unsuffixed(r) for r in _list(st["Resource"])))
            for st in doc["Statement"]
        }
        expected = {
            st.sid: (st.effect, sorted(st.actions), sorted(_resolve(r, plan, account, ddb) for r in st.resources))
            for st in fn.statements
        }
        assert actual == expected, fn.name


def _resolve(value, plan, account, ddb) -> str:
    """resolve_value, plus stream ARNs: their label is a creation timestamp, so ask the emulator."""
    m = re.fullmatch(r"aws_dynamodb_table\.([a-z0-9_]+)\.stream_arn", str(value))
    if m:
        table = next(t for t in plan.parts.table.tables if t.tf == m.group(1))
        return ddb.describe_table(TableName=table.physical)["Table"]["LatestStreamArn"]
    return resolve_value(value, plan, account)


def _unsuffixed(arn: str) -> str:
    """A secret's ARN without the "-XXXXXX" AWS appends (the part a plan can predict)."""
    return re.sub(r"(:secretsmanager:[^:]+:[0-9]+:secret:.+)-[A-Za-z0-9]{6}$", r"\1", arn)


def check_api(plan, client) -> None:
    """HTTP API: one route per plan route, with its authorizer, integrated as payload v2."""
    if plan.api is None or plan.api.type != "http":
        return
    gw = client("apigatewayv2")
    apis = [a for a in gw.get_apis()["Items"] if a["Name"] == plan.api.name]
    assert len(apis) == 1, plan.api.name
    api_id = apis[0]["ApiId"]
    plan_authorizers = {a.name: a for a in plan.api.authorizers}
    integrations = {i["IntegrationId"]: i for i in gw.get_integrations(ApiId=api_id)["Items"]}
    routes = {r["RouteKey"]: r for r in gw.get_routes(ApiId=api_id)["Items"]}
    assert sorted(routes) == sorted(r.route_key for r in plan.api.routes)
    for r in plan.api.routes:
        route = routes[r.route_key]
        integration = integrations[route["Target"].removeprefix("integrations/")]
        assert integration["PayloadFormatVersion"] == "2.0" and integration["IntegrationType"] == "AWS_PROXY"
        assert r.function.physical in integration["IntegrationUri"]
        if r.authorizer_tf:
            assert route["AuthorizationType"] == "JWT"
            authorizer = gw.get_authorizer(ApiId=api_id, AuthorizerId=route["AuthorizerId"])  # moto: no GetAuthorizers
            expected = plan_authorizers[r.auth]
            assert authorizer["Name"] == r.auth and authorizer["AuthorizerType"] == "JWT"
            assert authorizer["JwtConfiguration"] == {"Issuer": expected.issuer, "Audience": list(expected.audience)}
        else:
            assert route.get("AuthorizationType", "NONE") == ("AWS_IAM" if r.auth == "iam" else "NONE")


def _list(value):
    return value if isinstance(value, list) else [value]
