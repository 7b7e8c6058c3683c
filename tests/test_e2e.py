"""Prove it deploys: every blueprint tests/e2e_sets.py lists is applied against a local AWS emulator
(moto, corrected where it answers unlike AWS: tests/moto_faithful.py).

Per group of blueprints (one moto server, one `terraform apply` of a root module holding each
member's stage module as `module.<member>`): apply -> a second `plan -detailed-exitcode` ->
`show -json` -> destroy at the end (the state must then be empty). Per member, three tests:
the second plan changes nothing of it (a perpetual diff is a bug), every IAM policy of it passes
the least-privilege audit, and the emulator holds what the plan says, family by family (boto3).
A group's tests share its xdist group, so one worker applies it once.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import traceback
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from e2e_sets import AUDIT_ACCEPTED, GROUPS, SSM_VALUES, VARIABLES, Member, members
from iam_audit import audit_policy, policies_in_state
from rendering import TESTS, render_copy
from tfharness import MotoServer, require_moto, require_terraform, run_tf, tf_env

from generator.emit.hcl import Raw
from generator.families import families
from generator.pipeline import validate
from generator.plan.build import build_plan
from generator.plan.resolve import resolve_value

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

MOTO_ACCOUNT = "123456789012"
PARALLELISM = 40  # most of an apply is the provider waiting; waits overlap across modules


# ------------------------------------------------------------------ applying a group
@dataclass
class Group:
    name: str
    root: Path
    server: MotoServer
    env: dict[str, str]
    plans: dict[str, Any] = field(default_factory=dict)  # member.module -> StagePlan
    error: str | None = None  # why the group could not be applied (every member test fails with it)
    second_plan: dict = field(default_factory=dict)  # `terraform show -json` of the second plan
    second_text: str = ""
    state: dict = field(default_factory=dict)  # `terraform show -json` after apply
    applied: bool = False

    def tf(self, *args: str, ok=(0,)):
        p = run_tf(["-chdir=" + str(self.root), *args, "-no-color"], env=self.env, timeout=1800)
        with (self.root / "terraform.log").open("a", encoding="utf-8") as log:  # for whoever debugs a failure
            out = "" if args[0] == "show" else p.stdout
            log.write(f"$ terraform {' '.join(args)}  (rc={p.returncode})\n{out}\n{p.stderr}\n")
        if p.returncode not in ok:
            raise AssertionError(
                f"terraform {' '.join(args)} rc={p.returncode}\n{p.stdout[-8000:]}\n{p.stderr[-6000:]}"
                f"\n--- moto log (first answers other than 2xx)\n{self.moto_errors()}"
            )
        return p

    def moto_errors(self, n: int = 40) -> str:
        """moto's answers other than 2xx, less the provider's reads of S3 bucket settings never set
        (`GET /<bucket>?cors=` and the like: 404 on AWS too)."""
        lines = self.server.log_tail(1000000).splitlines()
        ok = re.compile(r'HTTP/1\.1(\x1b\[0m)?" 2\d\d |"(\x1b\[[0-9;]*m)*(GET|HEAD) /[^/? ]+(\?[a-z-]+=)? HTTP/1\.1(\x1b\[0m)?" 404 ')
        return "\n".join([line for line in lines if not ok.search(line)][:n])


def _stand_in_artifacts(src: Path, plan) -> None:
    """What a build would leave for compiled runtimes (java*, provided.al2023): the emulator runs no
    code, so a zip with a placeholder entry stands in for the jar or bootstrap zip."""
    for fn in plan.functions:
        if fn.artifact:
            target = src / fn.artifact
            target.parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(target, "w") as zf:
                zf.writestr("README", f"stand-in for the build of {fn.name} (tests/test_e2e.py)\n")


def _prerequisites(group: Group, plan) -> None:
    """What a blueprint declares as existing: SSM parameters it reads when Terraform plans (their
    values: e2e_sets.SSM_VALUES), a kms_key alias main.tf looks up."""
    ssm = _clients(group.server, plan.region)("ssm")
    for _tf, path in plan.ssm_parameters:
        ssm.put_parameter(Name=str(path), Value=SSM_VALUES[str(path)], Type="String", Overwrite=True)
    aliases = [plan.kms_key] if plan.kms_lookup else []
    secret = plan.parts.secret
    aliases += [p.kms_key for p in (secret.parameters if secret else ()) if p.key_lookup]  # SecureString keys
    kms = _clients(group.server, plan.region)("kms")
    for alias in aliases:
        if not any(a["AliasName"] == alias for a in kms.list_aliases()["Aliases"]):
            key = kms.create_key(Description=f"{alias} (declared existing by the blueprint)")["KeyMetadata"]
            kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])


def _render(group: Group, member: Member) -> None:
    work = group.root / "src" / member.label
    pre = work / "pre"
    shutil.copytree(member.path.parent, pre)
    _doc, _base, stages, _w = validate(pre / member.path.name)
    _stand_in_artifacts(pre, build_plan(stages[member.stage], member.stage, member.path.name))
    result, out, src = render_copy(pre, member.path.name, work / "w", "--stage", member.stage)
    assert result.exit_code == 0, f"{member.label}: {result.output}"
    _doc, _base, stages, _w = validate(src / member.path.name)
    group.plans[member.module] = build_plan(stages[member.stage], member.stage, member.path.name)
    rel = (out / member.stage).relative_to(group.root).as_posix()
    # variables without a default: the module's arguments (e2e_sets.VARIABLES)
    args = "".join(f"  {v.name} = {json.dumps(VARIABLES[v.name])}\n"
                   for v in group.plans[member.module].variables if v.default is None)
    with (group.root / "main.tf").open("a", encoding="utf-8") as f:
        f.write(f'module "{member.module}" {{\n  source = "./{rel}"\n{args}}}\n\n')


def _apply(group: Group) -> None:
    for member in GROUPS[group.name]:
        _render(group, member)
    for plan in group.plans.values():
        _prerequisites(group, plan)
    group.tf("init", "-input=false")
    try:
        group.tf("apply", "-auto-approve", "-input=false", f"-parallelism={PARALLELISM}")
    finally:
        group.applied = True  # a failed apply may still have created things: destroy them too
    second = group.tf("plan", "-detailed-exitcode", "-input=false", f"-parallelism={PARALLELISM}", "-out=second.tfplan", ok=(0, 2))
    group.second_text = second.stdout
    group.second_plan = json.loads(group.tf("show", "-json", "second.tfplan").stdout)
    group.state = json.loads(group.tf("show", "-json").stdout)


def _destroy(group: Group) -> None:
    try:
        if group.applied:
            group.tf("destroy", "-auto-approve", "-input=false", f"-parallelism={PARALLELISM}")
            state = json.loads(group.tf("show", "-json").stdout or "{}")
            left = (state.get("values") or {}).get("root_module", {}).get("child_modules", [])
            assert not [r["address"] for m in left for r in m.get("resources", [])], "destroy left resources behind"
    finally:
        (group.root / "moto.log").write_text(group.server.log_tail(10**8), encoding="utf-8")  # for whoever debugs
        group.server.stop()


@pytest.fixture(scope="session")
def groups(tmp_path_factory):
    """Group name -> Group, applied on first use and destroyed at the end of the session (not of the
    module: under xdist a worker runs other modules' tests between these, and a module-scoped
    fixture would be torn down and the group applied again)."""
    started: dict[str, Group] = {}

    def get(name: str) -> Group:
        if name not in started:
            require_moto()
            require_terraform()
            root = tmp_path_factory.mktemp(f"e2e-{name}")
            # moto corrected where it answers unlike AWS (see tests/moto_faithful.py for each point)
            server = MotoServer(command=[sys.executable, str(TESTS / "moto_faithful.py")]).start()
            group = started[name] = Group(name, root, server, server.merged_env(tf_env(root / "cli")))
            try:
                _apply(group)
            except Exception:  # noqa: BLE001 - every member test reports it
                group.error = traceback.format_exc()
        group = started[name]
        if group.error:
            pytest.fail(f"group {name} could not be applied:\n{group.error}", pytrace=False)
        return group

    yield get
    # each group's destroy is mostly waiting (SQS, S3): destroy them at once
    with ThreadPoolExecutor(max_workers=max(1, len(started))) as pool:
        outcomes = {name: pool.submit(_destroy, group) for name, group in started.items()}
    problems = [f"group {name}: {f.exception()}" for name, f in outcomes.items() if f.exception()]
    assert not problems, "\n".join(problems)


MEMBERS = [
    pytest.param(group, member, id=member.label, marks=pytest.mark.xdist_group(f"e2e-{group}"))
    for group, member in members()
]


def _module_changes(group: Group, member: Member) -> list[dict]:
    prefix = f"module.{member.module}."
    return [
        rc
        for rc in group.second_plan.get("resource_changes", [])
        if rc["address"].startswith(prefix) and set(rc["change"]["actions"]) - {"no-op", "read"}
    ]


@pytest.mark.parametrize(("group", "member"), MEMBERS)
def test_second_plan_changes_nothing(groups, group, member):
    applied = groups(group)
    changes = _module_changes(applied, member)
    addresses = [f"{rc['address']}: {'/'.join(rc['change']['actions'])}" for rc in changes]
    assert not addresses, "perpetual diff after apply:\n" + "\n".join(addresses) + "\n\n" + _plan_text(applied, member)


def _plan_text(group: Group, member: Member) -> str:
    """The human-readable second plan, cut to this member's resources."""
    blocks = re.split(r"\n(?=  # )", group.second_text)
    return "\n".join(b for b in blocks if b.startswith(f"  # module.{member.module}."))[-12000:]


@pytest.mark.parametrize(("group", "member"), MEMBERS)
def test_every_policy_passes_the_audit(groups, group, member):
    applied = groups(group)
    policies = {a: d for a, d in policies_in_state(applied.state).items() if a.startswith(f"module.{member.module}.")}
    plan = applied.plans[member.module]
    assert plan.functions == () or policies, f"{member.label}: no IAM policy found in the state"
    problems = [p for address, doc in policies.items() for p in audit_policy(doc, address)]
    accepted = AUDIT_ACCEPTED.get(member.source, {})
    refused = {sid for sid in accepted if any(f"/{sid}: " in p for p in problems)}
    assert refused == set(accepted), f"accepted in e2e_sets.AUDIT_ACCEPTED but not refused: {sorted(set(accepted) - refused)}"
    problems = [p for p in problems if not any(f"/{sid}: " in p for sid in accepted)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(("group", "member"), MEMBERS)
def test_emulator_holds_the_plan(groups, group, member):
    applied = groups(group)
    check_emulator(applied.plans[member.module], _clients(applied.server, applied.plans[member.module].region),
                   _clients_in(applied.server))


def _clients(server, region):
    import boto3

    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=region)
    return lambda name: session.client(name, endpoint_url=server.endpoint)


def _clients_in(server):
    return lambda region, name: _clients(server, region)(name)


# ------------------------------------------------------------------ what the emulator must hold
class Emulator:
    """A stage's plan next to the emulator: boto3 clients, and plan values resolved to what AWS holds."""

    def __init__(self, plan, client, client_in):
        self.plan, self.client, self.client_in = plan, client, client_in
        self.account = client("sts").get_caller_identity()["Account"]
        self.region = plan.region
        self._cache: dict[str, Any] = {}

    def arn(self, kind: str, resource: str) -> str:
        return f"arn:aws:{kind}:{self.region}:{self.account}:{resource}"

    def name(self, value: Any) -> str:
        """A physical name: as written, or its HCL template (`name:` with {region}/{account}) resolved."""
        return value if type(value) is str else self.resolve(value)

    def function_arn(self, fn, qualified: bool = True) -> str:
        return self.arn("lambda", f"function:{self.name(fn.physical)}") + (f":{fn.alias_name}" if qualified and fn.alias else "")

    def kms_arn(self) -> str:
        """The ARN local.kms_key_arn holds: the key ARN as written, or the alias's key."""
        key = self.plan.kms_key
        if not self.plan.kms_lookup:
            expr = str(self.plan.kms_key_arn_expr).strip('"')
            return resolve_value(Raw(f'"{expr}"'), self.plan, self.account)
        if "kms" not in self._cache:
            self._cache["kms"] = self.client("kms").describe_key(KeyId=key)["KeyMetadata"]["Arn"]
        return self._cache["kms"]

    def queue_url(self, physical: str) -> str:
        return self.client("sqs").get_queue_url(QueueName=physical)["QueueUrl"]

    def resolve(self, value: Any) -> Any:
        """A plan value (literal, HCL expression or template, or a structure of them) as AWS holds it."""
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.resolve(v) for v in value]
        if type(value) is not Raw:
            return value
        expr = str(value).strip()
        if expr.startswith('"') and expr.endswith('"'):
            return re.sub(r"\$\{([^}]+)\}", lambda m: str(self.resolve(Raw(m.group(1)))), expr[1:-1])
        if expr.startswith("jsonencode(") and expr.endswith(")"):
            return self.resolve(hcl_literal(expr[len("jsonencode("):-1]))
        if expr.startswith("var."):
            return resolve_value(value, self.plan, self.account, VARIABLES)
        m = re.fullmatch(r"data\.aws_ssm_parameter\.([a-z0-9_]+)\.(insecure_value|value)", expr)
        if m:  # read when Terraform plans: what the test put there first (_prerequisites)
            return SSM_VALUES[next(str(path) for tf, path in self.plan.ssm_parameters if tf == m.group(1))]
        m = re.fullmatch(r"data\.aws_kms_key\.([a-z0-9_]+)\.arn", expr)
        if m and self.plan.parts.secret:  # a SecureString parameter's own key, looked up by alias
            alias = next(p.kms_key for p in self.plan.parts.secret.parameters if p.key_lookup == m.group(1))
            return self.client("kms").describe_key(KeyId=alias)["KeyMetadata"]["Arn"]
        m = re.fullmatch(r"local\.lambda_insights_layers\.([a-z0-9_]+)\[local\.region\]", expr)
        if m:  # insights.tf's table, read for the stage's region
            return dict(dict(self.plan.parts.function.insights)[m.group(1)])[self.region]
        m = re.fullmatch(r'split\(",", (.+)\)', expr)
        if m:
            return self.resolve(Raw(m.group(1))).split(",")
        m = re.fullmatch(r"aws_sqs_queue\.([a-z0-9_]+)\.(url|id)", expr)
        if m:  # the emulator's URL (its endpoint where AWS has https://sqs.<region>.amazonaws.com)
            return self.queue_url(resolve_value(value, self.plan, self.account).rsplit("/", 1)[1])
        if expr == "aws_apigatewayv2_api.api.api_endpoint" and self.plan.api:
            return f"https://{api_id(self)}.execute-api.{self.region}.amazonaws.com"
        if expr == "local.default_bus_arn":
            return self.arn("events", "event-bus/default")
        if expr == "local.kms_key_arn":
            return self.kms_arn()
        m = re.fullmatch(r'local\.parameter_arns\["(.+)"\]', expr)
        if m:
            return self.resolve(next(p.arn for p in self.plan.parts.secret.parameters if p.name == m.group(1)))
        m = re.fullmatch(r"aws_lambda_alias\.([a-z0-9_]+)\.(arn|name|function_name)", expr)
        if m:
            fn = next(f for f in self.plan.functions if f.alias and f.alias_tf == m.group(1))
            return {"arn": self.function_arn(fn), "name": fn.alias_name, "function_name": self.name(fn.physical)}[m.group(2)]
        m = re.fullmatch(r"aws_dynamodb_table\.([a-z0-9_]+)\.stream_arn", expr)
        if m:
            table = next(t for t in self.plan.parts.table.tables if t.tf == m.group(1))
            return self.client("dynamodb").describe_table(TableName=self.name(table.physical))["Table"]["LatestStreamArn"]
        obs = self.plan.parts.observability
        if expr == "aws_sns_topic.alarms.arn" and obs and obs.topic:
            return self.arn("sns", obs.topic.name)
        api = self.plan.api
        if expr in ("aws_api_gateway_stage.api.invoke_url", "aws_apigatewayv2_stage.default.invoke_url") and api:
            # what the provider reads: https://<id>.execute-api.<region>.<dns suffix>/<stage> (HTTP: $default, "/")
            stage = api.rest.stage_name if api.type == "rest" else ""
            return f"https://{api_id(self)}.execute-api.{self.region}.amazonaws.com/{stage}"
        if expr in ("aws_apigatewayv2_api.api.id", "aws_api_gateway_rest_api.api.id", "aws_api_gateway_rest_api.api.name") and api:
            return api_id(self) if expr.endswith(".id") else self.name(api.name)
        if expr in ("aws_apigatewayv2_api.api.execution_arn", "aws_api_gateway_rest_api.api.execution_arn") and api:
            return f"arn:aws:execute-api:{self.region}:{self.account}:{api_id(self)}"
        m = re.fullmatch(r"aws_cloudwatch_event_rule\.([a-z0-9_]+)\.(arn|name)", expr)
        if m:
            rule = next(r for r in self.plan.parts.bus.rules if r.tf == m.group(1))
            bus = self.resolve(rule.bus)
            physical = self.name(rule.physical)
            if m.group(2) == "name":
                return physical
            return self.arn("events", f"rule/{physical}" if bus == "default" else f"rule/{bus}/{physical}")
        if expr == "aws_api_gateway_stage.api.stage_name" and api and api.rest:
            return api.rest.stage_name
        return resolve_value(value, self.plan, self.account)


def hcl_literal(text: str) -> Any:
    """An HCL literal as generator.emit.hcl.hcl() writes it -> the Python value."""
    import hcl2

    def unescape(v):
        if isinstance(v, dict):
            return {unescape(k).strip('"'): unescape(x) for k, x in v.items()}
        if isinstance(v, list):
            return [unescape(x) for x in v]
        if isinstance(v, str):
            return v.replace("$${", "${").replace("%%{", "%{")
        return v

    return unescape(hcl2.loads(f"value = {text}\n")["value"])


def api_id(emu: Emulator) -> str:
    if "api" not in emu._cache:
        if emu.plan.api.type == "http":
            items = [a["ApiId"] for a in emu.client("apigatewayv2").get_apis()["Items"] if a["Name"] == emu.plan.api.name]
        else:
            items = [a["id"] for a in emu.client("apigateway").get_rest_apis()["items"] if a["name"] == emu.plan.api.name]
        assert len(items) == 1, f"{emu.plan.api.name}: {len(items)} APIs"
        emu._cache["api"] = items[0]
    return emu._cache["api"]


def check_emulator(plan, client, client_in=None) -> None:
    """Each family's part of the plan, compared with what the emulator holds (FAMILY_CHECKS)."""
    emu = Emulator(plan, client, client_in or (lambda region, name: client(name)))
    assert emu.account == MOTO_ACCOUNT
    for fam in families():
        part = getattr(plan.parts, fam.name)
        if part is not None:
            FAMILY_CHECKS[fam.name](emu, part)


def _attrs(emu: Emulator, physical: str) -> dict:
    return emu.client("sqs").get_queue_attributes(QueueUrl=emu.queue_url(physical), AttributeNames=["All"])["Attributes"]


def _check_queue_encryption(emu: Emulator, attrs: dict, kms: Any, what: str) -> None:
    if kms:
        assert attrs.get("KmsMasterKeyId") == emu.resolve(kms), what
        assert int(attrs["KmsDataKeyReusePeriodSeconds"]) == 300, what
    else:
        assert attrs.get("SqsManagedSseEnabled") == "true", what


def check_queues(emu: Emulator, part) -> None:
    fifo_attrs = ("FifoQueue", "ContentBasedDeduplication")
    for q in part.queues:
        attrs = _attrs(emu, emu.name(q.physical))
        assert int(attrs["VisibilityTimeout"]) == q.visibility_timeout, q.name
        assert int(attrs["MessageRetentionPeriod"]) == q.retention_seconds, q.name
        assert int(attrs["DelaySeconds"]) == q.delay_seconds, q.name
        _check_queue_encryption(emu, attrs, q.kms_key_arn, q.name)
        if q.fifo:
            assert (attrs["FifoQueue"], attrs["ContentBasedDeduplication"]) == (
                "true", str(q.content_based_deduplication).lower()), q.name
        else:
            assert not set(fifo_attrs) & set(attrs), q.name
        if q.dlq_physical:
            redrive = json.loads(attrs["RedrivePolicy"])
            assert redrive == {
                "deadLetterTargetArn": emu.arn("sqs", emu.name(q.dlq_physical)),
                "maxReceiveCount": q.max_receives,
            }
            dlq = _attrs(emu, emu.name(q.dlq_physical))
            assert int(dlq["MessageRetentionPeriod"]) == q.dlq_retention_seconds, q.name
            assert dlq.get("FifoQueue", "false") == str(q.fifo).lower(), q.name
            _check_queue_encryption(emu, dlq, q.kms_key_arn, f"{q.name} DLQ")
        else:
            assert "RedrivePolicy" not in attrs
    # one policy per queue that something sends to: exactly those sources, per service principal
    queues = {q.tf: emu.name(q.physical) for q in part.queues}
    for other in emu.plan.parts:
        if hasattr(other, "physicals"):
            queues.update({tf: emu.name(p) for (kind, tf), p in other.physicals().items() if kind == "aws_sqs_queue"})
    with_policy = set()
    for p in part.policies:
        physical = queues[p.queue_ref.split(".", 1)[1]]
        with_policy.add(physical)
        doc = json.loads(_attrs(emu, physical)["Policy"])
        actual = {
            st["Sid"]: (st["Principal"], st["Action"], st["Resource"], st["Condition"]) for st in doc["Statement"]
        }
        assert actual == {
            s.sid: ({"Service": s.service}, "sqs:SendMessage", emu.arn("sqs", physical), emu.resolve(s.condition))
            for s in p.sources
        }, physical
    for physical in set(queues.values()) - with_policy:
        assert "Policy" not in _attrs(emu, physical), f"{physical}: a policy nothing asked for"


def _mappings(emu: Emulator, fn) -> dict[str, dict]:
    """The function's event source mappings by source ARN (moto filters FunctionName literally, so
    match on FunctionArn: the `live` alias when there is one)."""
    lam = emu.client("lambda")
    found = [m for m in lam.list_event_source_mappings()["EventSourceMappings"] if m["FunctionArn"] == emu.function_arn(fn)]
    return {m["EventSourceArn"]: m for m in found}


def check_tables(emu: Emulator, part) -> None:
    ddb = emu.client("dynamodb")
    for t in part.tables:
        desc = ddb.describe_table(TableName=emu.name(t.physical))["Table"]
        keys = {k["KeyType"]: k["AttributeName"] for k in desc["KeySchema"]}
        assert keys == {"HASH": t.hash_key, **({"RANGE": t.range_key} if t.range_key else {})}, t.name
        assert sorted((a["AttributeName"], a["AttributeType"]) for a in desc["AttributeDefinitions"]) == list(t.attributes)
        assert desc.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED") == t.billing_mode
        if t.billing_mode == "PROVISIONED":
            throughput = desc["ProvisionedThroughput"]
            assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (t.read_capacity, t.write_capacity)
        assert bool(desc.get("DeletionProtectionEnabled")) == t.deletion_protection, t.name
        indexes = {
            g["IndexName"]: (
                {k["KeyType"]: k["AttributeName"] for k in g["KeySchema"]},
                g["Projection"]["ProjectionType"],
                tuple(sorted(g["Projection"].get("NonKeyAttributes", ()))),
            )
            for g in desc.get("GlobalSecondaryIndexes", [])
        }
        assert indexes == {
            i.name: ({"HASH": i.hash_key, **({"RANGE": i.range_key} if i.range_key else {})}, i.projection,
                     tuple(sorted(i.non_key_attributes)))
            for i in t.indexes
        }, t.name
        ttl = ddb.describe_time_to_live(TableName=emu.name(t.physical))["TimeToLiveDescription"]
        if t.ttl:
            assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": t.ttl}
        else:
            assert ttl.get("TimeToLiveStatus") in (None, "DISABLED")
        stream = desc.get("StreamSpecification") or {}
        if t.stream_view_type:
            assert stream == {"StreamEnabled": True, "StreamViewType": t.stream_view_type}
        else:
            assert not stream.get("StreamEnabled")
        if t.kms_key_arn:
            sse = desc.get("SSEDescription") or {}
            assert (sse.get("Status"), sse.get("KMSMasterKeyArn")) == ("ENABLED", emu.resolve(t.kms_key_arn)), t.name
        # global table: a replica in each planned region, configured like the table
        assert sorted(r["RegionName"] for r in desc.get("Replicas", [])) == sorted(t.replicas), t.name
        for region in (emu.region, *t.replicas):
            copy = emu.client_in(region, "dynamodb")
            status = copy.describe_continuous_backups(TableName=emu.name(t.physical))["ContinuousBackupsDescription"]
            pitr = status["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
            assert pitr == ("ENABLED" if t.pitr else "DISABLED"), f"{t.name} in {region}"
    for s in part.streams:
        table = next(t for t in part.tables if t.tf == s.table_tf)
        stream_arn = ddb.describe_table(TableName=emu.name(table.physical))["Table"]["LatestStreamArn"]
        m = _mappings(emu, s.function).get(stream_arn)
        assert m is not None, f"{s.function.name}: no mapping on the {s.table} stream"
        assert (m["BatchSize"], m["StartingPosition"]) == (s.batch_size, s.starting_position), s.tf
        assert m.get("MaximumBatchingWindowInSeconds", 0) == s.batch_window, s.tf
        assert (m["MaximumRetryAttempts"], m["MaximumRecordAgeInSeconds"]) == (s.max_retries, s.max_record_age), s.tf
        assert m["BisectBatchOnFunctionError"] is True and m["FunctionResponseTypes"] == ["ReportBatchItemFailures"], s.tf
        assert m["DestinationConfig"] == {"OnFailure": {"Destination": emu.arn("sqs", emu.name(s.failure_physical))}}, s.tf
        patterns = [json.loads(f["Pattern"]) for f in m.get("FilterCriteria", {}).get("Filters", [])]
        assert sorted(map(_canonical, patterns)) == sorted(map(_canonical, s.filters)), s.tf
        _check_queue_encryption(emu, _attrs(emu, emu.name(s.failure_physical)), s.kms_key_arn, emu.name(s.failure_physical))


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True)


def check_functions(emu: Emulator, part) -> None:
    plan, lam, iam, logs = emu.plan, emu.client("lambda"), emu.client("iam"), emu.client("logs")
    for fn in part.functions:
        cfg = lam.get_function_configuration(FunctionName=emu.name(fn.physical))
        assert (cfg["Runtime"], cfg["Handler"], cfg["Architectures"]) == (fn.runtime, fn.handler, [fn.architecture])
        assert (cfg["MemorySize"], cfg["Timeout"]) == (fn.memory, fn.timeout)
        assert cfg.get("Description", "") == emu.resolve(fn.description), fn.name
        assert cfg["EphemeralStorage"]["Size"] == fn.ephemeral_storage
        assert cfg["TracingConfig"]["Mode"] == ("Active" if fn.tracing else "PassThrough")
        vpc = cfg.get("VpcConfig") or {}
        if fn.vpc:  # (subnets, security groups): literal lists or SSM StringLists split at plan time
            subnets, groups = (emu.resolve(v) for v in fn.vpc)
            assert (sorted(vpc["SubnetIds"]), sorted(vpc["SecurityGroupIds"])) == (sorted(subnets), sorted(groups)), fn.name
        else:
            assert not vpc.get("SubnetIds"), fn.name
        assert [layer["Arn"] for layer in cfg.get("Layers", [])] == [emu.resolve(v) for v in fn.layers], fn.name
        assert cfg["Role"] == f"arn:aws:iam::{emu.account}:role/{emu.name(fn.role_name)}"
        logging = cfg["LoggingConfig"]
        assert logging["LogGroup"] == emu.name(fn.log_group)
        assert logging["LogFormat"] == ("JSON" if fn.log_format == "json" else "Text")
        if fn.log_format == "json":
            assert (logging["ApplicationLogLevel"], logging["SystemLogLevel"]) == (fn.log_level, fn.system_log_level)
        if fn.kms_key_arn:
            assert cfg.get("KMSKeyArn") == emu.resolve(fn.kms_key_arn), fn.name
        if fn.async_invoked:
            assert cfg.get("DeadLetterConfig") == {"TargetArn": emu.resolve(Raw(fn.failures_arn))}, fn.name
        else:
            assert not cfg.get("DeadLetterConfig"), fn.name
        # the physical values the plan's expressions stand for are the ones the deployed function gets
        expected_env = {key: emu.resolve(value) for key, value in fn.environment}
        deployed_env = dict(cfg.get("Environment", {}).get("Variables", {}))
        for key in [k for k in expected_env if k.endswith("_SECRET_ARN")]:
            # AWS appends "-" and 6 random characters to a secret's ARN; only the rest is predictable.
            assert re.fullmatch(re.escape(expected_env[key]) + r"-[A-Za-z0-9]{6}", deployed_env.get(key, "")), key
            deployed_env[key] = expected_env[key]
        assert deployed_env == expected_env, fn.name
        if fn.reserved is not None:
            assert lam.get_function_concurrency(FunctionName=emu.name(fn.physical)).get("ReservedConcurrentExecutions") == fn.reserved
        group = logs.describe_log_groups(logGroupNamePrefix=emu.name(fn.log_group))["logGroups"]
        group = next(g for g in group if g["logGroupName"] == emu.name(fn.log_group))
        assert group.get("retentionInDays", 0) == fn.retention_days, fn.name
        if plan.kms_arn:
            assert group.get("kmsKeyId") == emu.kms_arn(), fn.name

        # provisioned concurrency / SnapStart: a published version behind the `live` alias
        if fn.alias:
            alias = lam.get_alias(FunctionName=emu.name(fn.physical), Name=fn.alias_name)
            assert alias["FunctionVersion"].isdigit(), f"{fn.name}: {fn.alias_name} points at {alias['FunctionVersion']}"
            version = lam.get_function_configuration(FunctionName=emu.name(fn.physical), Qualifier=alias["FunctionVersion"])
            assert version["SnapStart"]["ApplyOn"] == ("PublishedVersions" if fn.snapstart else "None"), fn.name
            if fn.provisioned:
                pc = lam.get_provisioned_concurrency_config(FunctionName=emu.name(fn.physical), Qualifier=fn.alias_name)
                assert pc["RequestedProvisionedConcurrentExecutions"] == fn.provisioned, fn.name
        else:
            assert lam.list_aliases(FunctionName=emu.name(fn.physical))["Aliases"] == [], fn.name

        # queue triggers invoke fn's target (the alias when there is one)
        sqs_mappings = {arn: m for arn, m in _mappings(emu, fn).items() if ":sqs:" in arn}
        queues = {q.tf: q for q in (plan.parts.queue.queues if plan.parts.queue else ())}
        assert len(sqs_mappings) == len(fn.mappings), fn.name
        for trig in fn.mappings:
            m = sqs_mappings[emu.arn("sqs", emu.name(queues[trig.queue_tf].physical))]
            assert m["BatchSize"] == trig.batch_size
            assert m["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
            assert m.get("MaximumBatchingWindowInSeconds", 0) == trig.batch_window
            assert m.get("ScalingConfig", {}).get("MaximumConcurrency") == trig.max_concurrency

        # the role's only policy holds exactly the plan's statements, resolved to ARNs
        _check_role(emu, emu.name(fn.role_name), "least-privilege", fn.statements, "lambda.amazonaws.com",
                    fn.managed_policies)

    # async functions: bounded retries and age, failures to their own queue
    for q in part.failure_queues:
        fn = q.function
        qualifier = {"Qualifier": fn.alias_name} if fn.alias else {}
        cfg = lam.get_function_event_invoke_config(FunctionName=emu.name(fn.physical), **qualifier)
        assert (cfg["MaximumRetryAttempts"], cfg["MaximumEventAgeInSeconds"]) == (
            q.maximum_retry_attempts, q.maximum_event_age_in_seconds), fn.name
        assert cfg["DestinationConfig"]["OnFailure"] == {"Destination": emu.arn("sqs", emu.name(q.physical))}, fn.name
        attrs = _attrs(emu, emu.name(q.physical))
        assert int(attrs["MessageRetentionPeriod"]) == q.retention_seconds, emu.name(q.physical)
        _check_queue_encryption(emu, attrs, q.kms_key_arn, emu.name(q.physical))


def _check_role(emu: Emulator, role: str, policy: str, statements, service: str, managed=()) -> None:
    """The role trusts `service` only, holds one inline policy with exactly the plan's statements
    (conditions included), and has exactly the managed policies the plan attaches."""
    iam = emu.client("iam")
    trust = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert [st["Principal"] for st in trust["Statement"]] == [{"Service": service}], role
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == [policy]
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert sorted(a["PolicyArn"] for a in attached) == sorted(emu.resolve(m.arn) for m in managed), role
    doc = iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"]
    if isinstance(doc, str):
        doc = json.loads(doc)
    actual = {
        st["Sid"]: (st["Effect"], sorted(_list(st["Action"])), sorted(_unsuffixed(r) for r in _list(st["Resource"])),
                    st.get("Condition"))
        for st in doc["Statement"]
    }
    expected = {
        st.sid: (st.effect, sorted(st.actions), sorted(emu.resolve(r) for r in st.resources),
                 emu.resolve(st.condition) or None)
        for st in statements
    }
    assert actual == expected, role


def _unsuffixed(arn: str) -> str:
    """A secret's ARN without the "-XXXXXX" AWS appends (the part a plan can predict)."""
    return re.sub(r"(:secretsmanager:[^:]+:[0-9]+:secret:.+)-[A-Za-z0-9]{6}$", r"\1", arn)


def _permission(emu: Emulator, fn, principal: str, source_arn: str) -> None:
    """fn (its `live` alias when there is one) lets `principal` invoke it from `source_arn` (a
    statement names it, or a pattern covering it)."""
    qualifier = {"Qualifier": fn.alias_name} if fn.alias else {}
    policy = json.loads(emu.client("lambda").get_policy(FunctionName=emu.name(fn.physical), **qualifier)["Policy"])
    sources = [
        _source_arn(st) for st in policy["Statement"]
        if st["Principal"] == {"Service": principal} and st["Resource"] == emu.function_arn(fn)
    ]
    assert source_arn in sources or _covers(sources, source_arn), (
        f"{fn.name}: no permission for {principal} from {source_arn} in {policy['Statement']}")


def _source_arn(statement: dict):
    for test in ("ArnLike", "ArnEquals"):
        value = statement.get("Condition", {}).get(test, {}).get("AWS:SourceArn")
        if value:
            return value
    return None


def _covers(patterns, arn: str) -> bool:
    return any(p and re.fullmatch(re.escape(p).replace(r"\*", ".*"), arn) for p in patterns)


def check_topics(emu: Emulator, part) -> None:
    sns = emu.client("sns")
    for t in part.topics:
        attrs = sns.get_topic_attributes(TopicArn=emu.arn("sns", emu.name(t.physical)))["Attributes"]
        assert attrs.get("FifoTopic", "false") == str(t.fifo).lower(), t.name
        if t.fifo:
            assert attrs.get("ContentBasedDeduplication") == str(t.content_based_deduplication).lower(), t.name
        assert attrs.get("KmsMasterKeyId") == emu.resolve(t.kms_master_key_id), t.name
    by_topic: dict[str, list] = {}
    for t in part.topics:
        arn = emu.arn("sns", emu.name(t.physical))
        by_topic[t.tf] = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    for t in part.topics:
        planned = [s for s in part.subscriptions if s.topic_tf == t.tf]
        assert sorted((s["Protocol"], s["Endpoint"]) for s in by_topic[t.tf]) == sorted(
            (s.protocol, emu.resolve(s.endpoint)) for s in planned), t.name
    for s in part.subscriptions:
        sub = next(x for x in by_topic[s.topic_tf] if (x["Protocol"], x["Endpoint"]) == (s.protocol, emu.resolve(s.endpoint)))
        attrs = sns.get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"])["Attributes"]
        assert attrs.get("RawMessageDelivery", "false") == str(s.raw_message_delivery).lower(), s.tf
        if s.filter_policy:
            assert json.loads(attrs["FilterPolicy"]) == emu.resolve(s.filter_policy), s.tf
        else:
            assert "FilterPolicy" not in attrs, s.tf
        if s.redrive_arn:
            assert json.loads(attrs["RedrivePolicy"]) == {"deadLetterTargetArn": emu.resolve(s.redrive_arn)}, s.tf
        if s.function is not None:
            _permission(emu, s.function, "sns.amazonaws.com", emu.arn("sns", emu.name(_topic(part, s.topic_tf).physical)))


def _topic(part, tf: str):
    return next(t for t in part.topics if t.tf == tf)


def check_buses(emu: Emulator, part) -> None:
    events = emu.client("events")
    for b in part.buses:
        bus = events.describe_event_bus(Name=emu.name(b.physical))
        assert bus["Arn"] == emu.arn("events", f"event-bus/{emu.name(b.physical)}"), b.name
        assert bus.get("Description", "") == emu.resolve(b.description), b.name
    for r in part.rules:
        bus = emu.resolve(r.bus)
        rule = events.describe_rule(Name=emu.name(r.physical), EventBusName=bus)
        assert (rule["State"], rule.get("Description")) == ("ENABLED", emu.resolve(r.description)), r.tf
        assert json.loads(rule["EventPattern"]) == emu.resolve(r.pattern), r.tf
        targets = events.list_targets_by_rule(Rule=emu.name(r.physical), EventBusName=bus)["Targets"]
        assert len(targets) == 1, r.tf
        target = targets[0]
        assert target["Arn"] == emu.resolve(r.target_arn), r.tf
        assert target.get("InputPath") == r.input_path, r.tf
        assert target["RetryPolicy"] == {
            "MaximumRetryAttempts": r.maximum_retry_attempts,
            "MaximumEventAgeInSeconds": r.maximum_event_age_in_seconds,
        }, r.tf
        assert target.get("DeadLetterConfig", {}).get("Arn") == (emu.resolve(r.dead_letter_arn) if r.dead_letter_arn else None)
        assert target.get("SqsParameters", {}).get("MessageGroupId") == r.message_group_id, r.tf
        if r.function is not None:
            _permission(emu, r.function, "events.amazonaws.com", rule["Arn"])


def check_schedules(emu: Emulator, part) -> None:
    scheduler = emu.client("scheduler")
    for s in part.schedules:
        got = scheduler.get_schedule(Name=emu.name(s.physical), GroupName="default")
        # Scheduler evaluates an expression without a time zone in UTC (the provider's default too)
        assert (got["ScheduleExpression"], got.get("ScheduleExpressionTimezone")) == (s.expression, s.timezone or "UTC"), s.tf
        assert (got["State"], got["FlexibleTimeWindow"]) == ("ENABLED", {"Mode": "OFF"}), s.tf
        assert got.get("Description") == emu.resolve(s.description), s.tf
        assert got.get("KmsKeyArn") == (emu.resolve(s.kms_key_arn) if s.kms_key_arn else None), s.tf
        target = got["Target"]
        role = next(r for r in part.scheduler_roles if r.tf == s.role_tf)
        assert target["Arn"] == emu.function_arn(s.function), s.tf
        assert target["RoleArn"] == f"arn:aws:iam::{emu.account}:role/{role.name}", s.tf
        assert (json.loads(target["Input"]) if target.get("Input") else None) == (emu.resolve(s.input) if s.input else None)
        assert target["RetryPolicy"] == {
            "MaximumEventAgeInSeconds": s.maximum_event_age_in_seconds,
            "MaximumRetryAttempts": s.maximum_retry_attempts,
        }, s.tf
        assert target["DeadLetterConfig"] == {"Arn": emu.resolve(Raw(s.function.failures_arn))}, s.tf
    for role in part.scheduler_roles:
        _check_role(emu, role.name, "invoke-one-function", role.statements, "scheduler.amazonaws.com")


def check_buckets(emu: Emulator, part) -> None:
    s3 = emu.client("s3")
    for b in part.buckets:
        name = emu.name(b.physical)
        s3.head_bucket(Bucket=name)
        versioning = s3.get_bucket_versioning(Bucket=name).get("Status")
        assert versioning == ("Enabled" if b.versioning else None), b.name
        rule = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"][0]
        default = rule["ApplyServerSideEncryptionByDefault"]
        if b.kms_key_arn:
            assert (default["SSEAlgorithm"], default.get("KMSMasterKeyID")) == ("aws:kms", emu.resolve(b.kms_key_arn)), b.name
        else:
            assert default["SSEAlgorithm"] == "AES256", b.name
        block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        assert all(block.values()) and len(block) == 4, b.name
        policy = json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])
        assert [(st["Effect"], st["Condition"]) for st in policy["Statement"]] == [
            ("Deny", {"Bool": {"aws:SecureTransport": "false"}})], b.name
        notes = s3.get_bucket_notification_configuration(Bucket=name).get("LambdaFunctionConfigurations", [])
        actual = {
            n["Id"]: (n["LambdaFunctionArn"], sorted(n["Events"]), _filters(n))
            for n in notes
        }
        assert actual == {
            n.id: (emu.function_arn(n.function), sorted(n.events),
                   {k: v for k, v in (("prefix", n.prefix), ("suffix", n.suffix)) if v})
            for n in b.notifications
        }, b.name
        for p in b.permissions:
            _permission(emu, p.function, "s3.amazonaws.com", f"arn:aws:s3:::{name}")


def _filters(notification: dict) -> dict:
    rules = notification.get("Filter", {}).get("Key", {}).get("FilterRules", [])
    return {r["Name"].lower(): r["Value"] for r in rules}


def check_secrets(emu: Emulator, part) -> None:
    sm = emu.client("secretsmanager")
    for s in part.secrets:
        desc = sm.describe_secret(SecretId=emu.name(s.physical))
        assert (desc["Name"], desc.get("Description")) == (emu.name(s.physical), emu.resolve(s.description)), s.name
        assert desc.get("KmsKeyId") == (emu.resolve(s.kms_key_arn) if s.kms_key_arn else None), s.name
    # existing SSM SecureString parameters are only referenced: nothing is created for them
    ssm = emu.client("ssm")
    for p in part.parameters:
        assert not ssm.get_parameters(Names=[p.parameter])["Parameters"], f"{p.parameter} was created"


def check_parameters(emu: Emulator, part) -> None:
    ssm = emu.client("ssm")
    for p in part.parameters:
        got = ssm.get_parameter(Name=emu.name(p.physical))["Parameter"]
        assert (got["Type"], got["Value"]) == ("String", p.value), p.name
        meta = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [emu.name(p.physical)]}])["Parameters"]
        assert [m.get("Description") for m in meta] == [emu.resolve(p.description)], p.name


def check_observability(emu: Emulator, part) -> None:
    cw = emu.client("cloudwatch")
    if part.topic:
        topic_arn = emu.arn("sns", part.topic.name)
        attrs = emu.client("sns").get_topic_attributes(TopicArn=topic_arn)["Attributes"]
        key = emu.client("kms").describe_key(KeyId=part.topic.key_alias)["KeyMetadata"]
        assert attrs["KmsMasterKeyId"] == key["Arn"], part.topic.name
        subs = emu.client("sns").list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
        assert sorted((s["Protocol"], s["Endpoint"]) for s in subs) == [("email", a) for a in part.topic.notify]
    names = [emu.name(a.name) for a in part.alarms]
    found = {}
    for i in range(0, len(names), 100):
        for alarm in cw.describe_alarms(AlarmNames=names[i:i + 100])["MetricAlarms"]:
            found[alarm["AlarmName"]] = alarm
    assert sorted(found) == sorted(names)
    for a in part.alarms:
        alarm = found[emu.name(a.name)]
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Period"]) == (a.namespace, a.metric, a.period), a.name
        stat = alarm.get("ExtendedStatistic") if a.extended else alarm.get("Statistic")
        assert (stat, alarm["Threshold"], alarm["ComparisonOperator"]) == (a.statistic, a.threshold, a.comparison), a.name
        assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == {k: emu.resolve(v) for k, v in a.dimensions}, a.name
        assert alarm["AlarmActions"] == alarm["OKActions"] == [emu.arn("sns", part.topic.name)], a.name
        assert alarm.get("AlarmDescription") == emu.resolve(a.description), a.name
    if part.dashboard is not None:
        body = json.loads(cw.get_dashboard(DashboardName=part.dashboard_name)["DashboardBody"])
        assert body == emu.resolve(part.dashboard), part.dashboard_name


def check_api(emu: Emulator, api) -> None:
    """The API and its routes: the HTTP API's routes with their authorizers (payload v2), or the REST
    API's resource tree, methods, Lambda proxy integrations and cache settings."""
    if api.type == "http":
        _check_http_api(emu, api)
    else:
        _check_rest_api(emu, api)
    stage = "$default" if api.type == "http" else api.rest.stage_name
    for r in api.routes:
        _permission(emu, r.function, "apigateway.amazonaws.com", _request_arn(emu, stage, r))
    logs = emu.client("logs").describe_log_groups(logGroupNamePrefix=emu.name(api.log_group))["logGroups"]
    retention = [g.get("retentionInDays") for g in logs if g["logGroupName"] == emu.name(api.log_group)]
    assert retention == ([api.log_retention_days] if api.logging.access else []), "access log group"


def _request_arn(emu: Emulator, stage: str, route) -> str:
    """The execute-api ARN of one request the route serves (path parameters filled in), which the
    function's resource policy must admit from API Gateway."""
    method = "GET" if route.method == "ANY" else route.method
    path = re.sub(r"\{[^}/]+\+\}", "a/b", re.sub(r"\{[^}/+]+\}", "x", route.path))
    return f"arn:aws:execute-api:{emu.region}:{emu.account}:{api_id(emu)}/{stage}/{method}{path}"


def _check_http_api(emu: Emulator, api) -> None:
    gw = emu.client("apigatewayv2")
    api_id_ = api_id(emu)
    got = gw.get_api(ApiId=api_id_)
    if api.cors:
        cors = got["CorsConfiguration"]
        # sets, to AWS as to the provider (cors_configuration's lists are TypeSet)
        assert [sorted(cors[k]) for k in ("AllowOrigins", "AllowMethods", "AllowHeaders")] == [
            sorted(api.cors.origins), sorted(api.cors.methods), sorted(api.cors.headers)]
        assert (cors.get("AllowCredentials", False), cors.get("MaxAge")) == (api.cors.allow_credentials, api.cors.max_age)
    else:
        assert not got.get("CorsConfiguration")
    stage = gw.get_stage(ApiId=api_id_, StageName="$default")
    assert stage["AutoDeploy"] is True
    settings = stage.get("DefaultRouteSettings", {})
    if api.throttling:
        assert (settings["ThrottlingBurstLimit"], settings["ThrottlingRateLimit"]) == (api.throttling.burst, api.throttling.rate)
    plan_authorizers = {a.name: a for a in api.authorizers}
    integrations = {i["IntegrationId"]: i for i in gw.get_integrations(ApiId=api_id_)["Items"]}
    routes = {r["RouteKey"]: r for r in gw.get_routes(ApiId=api_id_)["Items"]}
    assert sorted(routes) == sorted(r.route_key for r in api.routes)
    for r in api.routes:
        route = routes[r.route_key]
        integration = integrations[route["Target"].removeprefix("integrations/")]
        assert integration["PayloadFormatVersion"] == "2.0" and integration["IntegrationType"] == "AWS_PROXY"
        assert emu.function_arn(r.function) + "/invocations" in integration["IntegrationUri"], r.route_key
        if r.authorizer_tf:
            assert route["AuthorizationType"] == "JWT"
            authorizer = gw.get_authorizer(ApiId=api_id_, AuthorizerId=route["AuthorizerId"])  # moto: no GetAuthorizers
            expected = plan_authorizers[r.auth]
            assert authorizer["Name"] == r.auth and authorizer["AuthorizerType"] == "JWT"
            assert authorizer["IdentitySource"] == [expected.identity_source]
            assert authorizer["JwtConfiguration"] == {"Issuer": expected.issuer, "Audience": list(expected.audience)}
        else:
            assert route.get("AuthorizationType", "NONE") == ("AWS_IAM" if r.auth == "iam" else "NONE")


def _check_rest_api(emu: Emulator, api) -> None:
    gw, rest = emu.client("apigateway"), api.rest
    rest_id = api_id(emu)
    resources = {r["path"]: r for r in gw.get_resources(restApiId=rest_id, limit=500)["items"]}
    assert sorted(p for p in resources if p != "/") == sorted(r.path for r in rest.resources)
    for m in rest.methods:
        resource = resources[m.route.path]
        method = gw.get_method(restApiId=rest_id, resourceId=resource["id"], httpMethod=m.route.method)
        assert method["authorizationType"] == m.authorization, m.tf
        assert sorted(method.get("requestParameters") or {}) == sorted(m.path_params), m.tf
        integration = method["methodIntegration"]
        assert (integration["type"], integration["httpMethod"]) == ("AWS_PROXY", "POST"), m.tf
        assert emu.function_arn(m.route.function) + "/invocations" in integration["uri"], m.tf
        assert sorted(integration.get("cacheKeyParameters") or []) == (sorted(m.path_params) if m.cached else []), m.tf
    paths = {f"aws_api_gateway_resource.{r.tf}.id": r.path for r in rest.resources}
    paths["aws_api_gateway_rest_api.api.root_resource_id"] = "/"
    preflights = {paths[str(c.resource_id)] for c in rest.cors}
    for path, resource in resources.items():
        options = (resource.get("resourceMethods") or {}).get("OPTIONS")
        assert (options is not None) == (path in preflights), f"{path}: CORS preflight"
        if options is not None:
            method = gw.get_method(restApiId=rest_id, resourceId=resource["id"], httpMethod="OPTIONS")
            assert (method["authorizationType"], method["methodIntegration"]["type"]) == ("NONE", "MOCK"), path
    stage = gw.get_stage(restApiId=rest_id, stageName=rest.stage_name)
    assert stage["tracingEnabled"] is True
    assert stage.get("cacheClusterEnabled", False) == bool(rest.cache_size)
    if rest.cache_size:
        assert stage["cacheClusterSize"] == rest.cache_size
    settings = stage.get("methodSettings", {})
    everything = settings["*/*"]
    assert (everything["metricsEnabled"], everything["loggingLevel"], everything["dataTraceEnabled"]) == (
        api.logging.metrics, rest.logging_level, api.logging.data_trace)
    access = stage.get("accessLogSettings") or {}
    assert access.get("destinationArn") == (
        emu.arn("logs", f"log-group:{emu.name(api.log_group)}") if api.logging.access else None), "access logs"
    if api.account_role:  # the region's API Gateway CloudWatch role, created and set
        role = emu.client("iam").get_role(RoleName=emu.name(api.account_role))["Role"]
        assert gw.get_account()["cloudwatchRoleArn"] == role["Arn"]
    if api.throttling:
        assert (everything["throttlingBurstLimit"], everything["throttlingRateLimit"]) == (api.throttling.burst, api.throttling.rate)
    for m in rest.cached_methods:
        cached = settings[m.method_path]
        assert (cached["cachingEnabled"], cached["cacheTtlInSeconds"], cached["cacheDataEncrypted"]) == (True, rest.cache_ttl, True)
    assert sorted(k for k in settings if k != "*/*") == sorted(m.method_path for m in rest.cached_methods)


def check_exports(emu: Emulator, part) -> None:
    """exports.ssm_prefix / exports.ssm: String parameters holding the owned objects' values."""
    ssm = emu.client("ssm")
    for p in part.parameters:
        got = ssm.get_parameter(Name=emu.name(p.physical))["Parameter"]
        # (a secret's ARN: AWS appends "-" and 6 random characters, the rest is predictable)
        assert (got["Type"], _unsuffixed(got["Value"])) == ("String", emu.resolve(p.value)), emu.name(p.physical)
        meta = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [emu.name(p.physical)]}])["Parameters"]
        assert [m.get("Description") for m in meta] == [emu.resolve(p.description)], emu.name(p.physical)


FAMILY_CHECKS = {
    "exports": check_exports,
    "api": check_api,
    "table": check_tables,
    "queue": check_queues,
    "topic": check_topics,
    "bus": check_buses,
    "schedule": check_schedules,
    "bucket": check_buckets,
    "secret": check_secrets,
    "parameter": check_parameters,
    "observability": check_observability,
    "function": check_functions,
}


def test_every_family_has_an_emulator_check():
    """Every family the e2e applies has a check here; a family that says why it is not applied
    (WHY_NOT["emulator"] in its package, held by tests/test_families.py) has none."""
    import importlib

    applied = [f.name for f in families()
               if "emulator" not in getattr(importlib.import_module(f"generator.families.{f.name}"), "WHY_NOT", {})]
    assert sorted(FAMILY_CHECKS) == sorted(applied)


def _list(value):
    return value if isinstance(value, list) else [value]
