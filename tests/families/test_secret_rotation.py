"""Secret rotation: the four-step scaffold (Python and Node.js) against moto's Secrets Manager, and
what the plan gives the rotation function (grants, environment, invoke permission, alarm rule)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from requires import require_module, require_node

from generator.emit.scaffold import scaffold_files
from generator.loader import load_file
from generator.model import parse_blueprint, stage_blueprints
from generator.plan.build import build_plan

moto = require_module("moto", allow_module_level=True)
boto3 = require_module("boto3", allow_module_level=True)

BLUEPRINT = """\
service: vault
region: us-east-1
secrets:
  db:
    generate: {length: 24, exclude_punctuation: true, template: {username: admin}}
    rotation: {days: 30, function: rotate}
  token:
    rotation: {schedule: "rate(10 hours)", function: rotate}
observability:
  alarms: {}
functions:
  rotate: {runtime: RUNTIME}
"""
STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")


def plan_for(tmp_path: Path, runtime: str):
    path = tmp_path / "blueprint.yaml"
    path.write_text(BLUEPRINT.replace("RUNTIME", runtime))
    loaded = load_file(path)
    bp = stage_blueprints(loaded, parse_blueprint(loaded))["dev"]
    return build_plan(bp, "dev", "blueprint.yaml")


def write_scaffold(tmp_path: Path, plan) -> Path:
    fn = next(f for f in plan.functions if f.name == "rotate")
    code = tmp_path / "code"
    for name, text in scaffold_files(fn, "blueprint.yaml").items():
        (code / name).parent.mkdir(parents=True, exist_ok=True)
        (code / name).write_text(text)
    return code


def test_plan_gives_the_rotation_function_its_grants_environment_and_trigger(tmp_path):
    plan = plan_for(tmp_path, "python3.13")
    fn = next(f for f in plan.functions if f.name == "rotate")
    assert fn.trigger_kinds == ("rotation",)
    env = dict(fn.environment)
    assert str(env["DB_SECRET_ARN"]) == "aws_secretsmanager_secret.db.arn"
    assert json.loads(env["DB_ROTATION"]) == {
        "key": "password", "template": {"username": "admin"},
        "password": {"PasswordLength": 24, "ExcludePunctuation": True},
    }
    assert json.loads(env["TOKEN_ROTATION"]) == {"password": {"PasswordLength": 32}}
    by_resource = {}
    for st in fn.statements:
        for r in st.resources:
            by_resource.setdefault(str(r), set()).update(st.actions)
    assert by_resource["aws_secretsmanager_secret.db.arn"] == {
        "secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
        "secretsmanager:UpdateSecretVersionStage",
    }
    assert by_resource['"*"'] >= {"secretsmanager:GetRandomPassword"}
    assert by_resource['"*"'] - {"secretsmanager:GetRandomPassword"} <= {"xray:PutTelemetryRecords", "xray:PutTraceSegments"}
    part = plan.parts.secret
    rules = {e.tf: e for e in part.event_alarms()}
    assert set(rules) == {"secret_db_rotation_failed", "secret_token_rotation_failed"}
    detail = rules["secret_db_rotation_failed"].pattern["detail"]
    assert detail["eventName"] == ["RotationFailed"] and str(detail["additionalEventData"]["SecretId"][0]) == "aws_secretsmanager_secret.db.arn"
    assert plan.parts.observability.event_alarms == tuple(part.event_alarms())
    assert part.requires() is None  # rotation writes every value: no write-only floor


def test_generate_without_rotation_raises_the_version_floors(tmp_path):
    path = tmp_path / "blueprint.yaml"
    path.write_text("service: svc\nregion: eu-west-1\nsecrets:\n  k: {generate: {length: 20}}\n")
    loaded = load_file(path)
    bp = stage_blueprints(loaded, parse_blueprint(loaded))["dev"]
    plan = build_plan(bp, "dev", "blueprint.yaml")
    assert plan.terraform.required_version == ">= 1.11"
    assert plan.terraform.provider_version == ">= 5.88, < 7"


def _moto_secret(sm, name: str, value: str | None) -> str:
    """A secret with rotation on. moto's RotateSecret without a Lambda it can run completes the
    rotation itself, so rotation is turned on while the secret has no version yet, then the value
    is put; each test rotation then runs with a new version id, as the first rotation on apply does."""
    arn = sm.create_secret(Name=name)["ARN"]
    sm.rotate_secret(SecretId=arn, RotationRules={"AutomaticallyAfterDays": 30})
    if value is not None:
        sm.put_secret_value(SecretId=arn, SecretString=value)
    return arn


def _pending_token(sm, arn: str) -> str:
    stages = sm.describe_secret(SecretId=arn).get("VersionIdsToStages", {})  # none for a secret without a value
    return next((v for v, s in stages.items() if "AWSPENDING" in s), str(uuid.uuid4()))


def test_python_rotation_scaffold_rotates_against_moto(tmp_path, monkeypatch):
    code = write_scaffold(tmp_path, plan_for(tmp_path, "python3.13"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.syspath_prepend(str(code))
    sys.modules.pop("handler", None)
    with moto.mock_aws():
        sm = boto3.client("secretsmanager")
        db = _moto_secret(sm, "vault/dev/db", json.dumps({"username": "admin", "host": "db.internal", "password": "old"}))
        token_arn = _moto_secret(sm, "vault/dev/token", None)  # no value yet: the first rotation makes it
        monkeypatch.setenv("DB_SECRET_ARN", db)
        monkeypatch.setenv("DB_ROTATION", json.dumps({"key": "password", "template": {"username": "admin"},
                                                      "password": {"PasswordLength": 24, "ExcludePunctuation": True}}))
        monkeypatch.setenv("TOKEN_SECRET_ARN", token_arn)
        monkeypatch.setenv("TOKEN_ROTATION", json.dumps({"password": {"PasswordLength": 32}}))
        handler = importlib.import_module("handler")
        for arn in (db, token_arn):
            token = _pending_token(sm, arn)
            for step in STEPS:
                handler.handler({"SecretId": arn, "ClientRequestToken": token, "Step": step}, None)
            # AWSPENDING stays too: Secrets Manager itself drops it once finishSecret returned
            stages = sm.describe_secret(SecretId=arn)["VersionIdsToStages"]
            assert "AWSCURRENT" in stages[token]
            assert [v for v, s in stages.items() if "AWSCURRENT" in s] == [token]
            # a repeated step of a finished rotation changes nothing
            handler.handler({"SecretId": arn, "ClientRequestToken": token, "Step": "finishSecret"}, None)
            assert sm.describe_secret(SecretId=arn)["VersionIdsToStages"] == stages
        # By stage: moto's UpdateSecretVersionStage leaves its default version (what a read without a
        # stage returns) behind, where AWS reads AWSCURRENT.
        new = json.loads(sm.get_secret_value(SecretId=db, VersionStage="AWSCURRENT")["SecretString"])
        assert new["host"] == "db.internal" and new["username"] == "admin"  # the other keys stay
        assert new["password"] != "old" and len(new["password"]) == 24 and new["password"].isalnum()
        assert len(sm.get_secret_value(SecretId=token_arn, VersionStage="AWSCURRENT")["SecretString"]) == 32
        previous = sm.get_secret_value(SecretId=db, VersionStage="AWSPREVIOUS")["SecretString"]
        assert json.loads(previous)["password"] == "old"
        with pytest.raises(ValueError, match="does not rotate"):
            other = sm.create_secret(Name="other", SecretString="x")["ARN"]
            handler.handler({"SecretId": other, "ClientRequestToken": "t", "Step": "createSecret"}, None)
    sys.modules.pop("handler", None)


# The Node.js scaffold's one door to Secrets Manager (`secretsManager.send`) replaced by plain
# JSON-protocol calls to a moto server (moto does not check signatures, only reads the region).
NODE_DRIVER = """
import { secretsManager, handler } from "./index.mjs";
const endpoint = process.env.MOTO_ENDPOINT;
secretsManager.send = async (command, input) => {
  const res = await fetch(endpoint + "/", { method: "POST", body: JSON.stringify(input), headers: {
    "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": `secretsmanager.${command}`,
    Authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0" } });
  const body = await res.json();
  if (!res.ok) throw Object.assign(new Error(body.message ?? body.Message), { name: (body.__type ?? "").split("#").pop() });
  return body;
};
const [arn, token] = process.argv.slice(2);
for (const Step of ["createSecret", "setSecret", "testSecret", "finishSecret"]) await handler({ SecretId: arn, ClientRequestToken: token, Step });
"""


def test_node_rotation_scaffold_rotates_against_moto(tmp_path):
    node = require_node()
    from tfharness import MotoServer

    code = write_scaffold(tmp_path, plan_for(tmp_path, "nodejs22.x"))
    (code / "drive.mjs").write_text(NODE_DRIVER)
    with MotoServer() as server:
        sm = boto3.client("secretsmanager", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
        db = _moto_secret(sm, "vault/dev/db", json.dumps({"username": "admin", "password": "old"}))
        token_arn = _moto_secret(sm, "vault/dev/token", None)
        env = {"PATH": "/usr/bin:/bin", "MOTO_ENDPOINT": server.endpoint, "DB_SECRET_ARN": db, "TOKEN_SECRET_ARN": token_arn,
               "DB_ROTATION": json.dumps({"key": "password", "template": {"username": "admin"},
                                          "password": {"PasswordLength": 24, "ExcludePunctuation": True}}),
               "TOKEN_ROTATION": json.dumps({"password": {"PasswordLength": 32}})}
        for arn in (db, token_arn):
            token = _pending_token(sm, arn)
            proc = subprocess.run([node, "drive.mjs", arn, token], cwd=code, env=env, capture_output=True, text=True, timeout=60)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            assert "AWSCURRENT" in sm.describe_secret(SecretId=arn)["VersionIdsToStages"][token]
        new = json.loads(sm.get_secret_value(SecretId=db, VersionStage="AWSCURRENT")["SecretString"])
        assert new["username"] == "admin" and new["password"] != "old" and len(new["password"]) == 24
        assert len(sm.get_secret_value(SecretId=token_arn, VersionStage="AWSCURRENT")["SecretString"]) == 32


@pytest.mark.parametrize("runtime", ["python3.13", "nodejs22.x"])
def test_rotation_scaffold_own_unit_test_passes(runtime, tmp_path):
    code = write_scaffold(tmp_path, plan_for(tmp_path, runtime))
    if runtime.startswith("python"):
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(code)]
    else:
        cmd = [require_node(), "--test", *sorted(p.name for p in code.glob("*.test.mjs"))]
    proc = subprocess.run(cmd, cwd=code, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
