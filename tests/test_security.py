"""Least privilege and secure defaults, read back from the rendered Terraform of every case and blueprint.

checkov can be satisfied falsely (tracing PassThrough, reserved concurrency -1, retention 0), so the
real settings are asserted here too. tests/test_checkov.py runs the scanner itself.
"""

from __future__ import annotations

import re

import pytest
import yaml
from rendering import BLUEPRINTS, CASES, render_all, render_text
from tf_audit import as_list, load_module, policies, statements, value

from generator.families.function.model import FunctionSettings
from generator.families.function.checks import UNSCOPED_ACTIONS as UNSCOPED
from generator.plan.access import UNSCOPED_ACTIONS as GENERATED_UNSCOPED
from generator.plan.naming import tf_id

SERVICE_PRINCIPAL_SUFFIX = ".amazonaws.com"


@pytest.fixture(scope="module")
def modules(tmp_path_factory) -> dict[str, dict[str, dict]]:
    """'<case or blueprint>/<stage>' -> resources of that root module."""
    rendered = render_all(tmp_path_factory.mktemp("sec"))
    return {label: load_module(path) for label, path in rendered.items()}


def _of_type(resources: dict, rtype: str):
    return {a: b for a, b in resources.items() if a.split(".")[0] == rtype}


def _in_us_east_1(resources: dict, function_tf: str) -> bool:
    """Is the function deployed through the us-east-1 provider alias (Lambda@Edge)?"""
    return "aws.us_east_1" in str(resources.get(f"aws_lambda_function.{function_tf}", {}).get("provider"))


def _justified(label: str) -> set[tuple[str, str]]:
    """(role policy address, Sid) of the blueprint's `iam:` statements that carry allow_wildcard."""
    kind, _, rest = label.partition("/")[0].partition("-")
    if kind == "case":
        path = CASES / rest / "blueprint.yaml"
    else:
        folder, _, stem = rest.rpartition("-")
        path = BLUEPRINTS / folder / f"{stem}.yaml"
    data = yaml.safe_load(path.read_text())
    out = set()
    for fname, fn in (data.get("functions") or {}).items():
        for i, st in enumerate((fn or {}).get("iam") or []):
            if st.get("allow_wildcard"):
                out.add((f"aws_iam_role_policy.{tf_id(fname)}", st.get("sid") or f"Extra{i}"))
    return out


def test_no_policy_grants_a_wildcard_action_or_an_unneeded_star_resource(modules):
    """Generated statements: no wildcard action, `*` only for the access table's UNSCOPED_ACTIONS
    (X-Ray writes, a rotation function's GetRandomPassword). `iam:` statements: the same
    unless `allow_wildcard` gives a reason, and `*` only for actions AWS cannot scope."""
    bad = []
    for label, resources in modules.items():
        justified = _justified(label)
        for address, doc in policies(resources).items():
            if address.startswith(("aws_iam_role.", "aws_kms_key.")):
                continue  # trust and key policies: checked below
            for st in statements(doc):
                if st.get("Effect") != "Allow" or (address, st.get("Sid")) in justified:
                    continue
                actions = as_list(st.get("Action", []))
                assert "NotAction" not in st and "NotResource" not in st, f"{label}/{address}"
                for action in actions:
                    if "*" in action or "?" in action:
                        bad.append(f"{label}/{address}/{st.get('Sid')}: wildcard action {action}")
                unscoped = set(GENERATED_UNSCOPED) if not st.get("Sid", "").startswith("Extra") else UNSCOPED
                if "*" in as_list(st.get("Resource", [])) and {a.lower() for a in actions} - {a.lower() for a in unscoped}:
                    bad.append(f"{label}/{address}/{st.get('Sid')}: '*' resource for {sorted(set(actions) - set(unscoped))}")
    assert not bad, "\n".join(bad)


def test_key_policies_admit_the_account_and_named_services_only(modules):
    """In a key policy `Resource "*"` means this key. The account root gets the default `kms:*` (IAM
    policies then decide); a service principal gets named actions only, never a wildcard."""
    seen = 0
    for label, resources in modules.items():
        for address, doc in policies(resources).items():
            if not address.startswith("aws_kms_key."):
                continue
            seen += 1
            for st in statements(doc):
                principal = st["Principal"]
                assert principal != "*" and isinstance(principal, dict), f"{label}/{address}"
                if "AWS" in principal:
                    assert as_list(principal["AWS"]) == ["arn:${local.partition}:iam::${local.account_id}:root"], f"{label}/{address}"
                else:
                    assert all(s.endswith(SERVICE_PRINCIPAL_SUFFIX) for s in as_list(principal["Service"]))
                    assert not any("*" in a for a in as_list(st["Action"])), f"{label}/{address}/{st.get('Sid')}"
    assert seen


def test_logs_are_scoped_to_the_functions_own_log_group(modules):
    checked = 0
    for label, resources in modules.items():
        for address, doc in policies(resources).items():
            if not address.startswith("aws_iam_role_policy."):
                continue
            name = address.split(".")[1]
            for st in statements(doc):
                if any(a.startswith("logs:") for a in as_list(st["Action"])):
                    if st.get("Sid", "").startswith("ReplicaLogs"):  # Lambda@Edge: its replicas' groups, any region
                        group = "arn:${local.partition}:logs:*:${local.account_id}:log-group:/aws/lambda/us-east-1."
                        (arn,) = as_list(st["Resource"])
                        streams = as_list(st["Action"]) != ["logs:CreateLogGroup"]
                        tail = arn[len(group):].removesuffix(":*") if streams else arn[len(group):]
                        assert arn.startswith(group) and tail and "*" not in tail, f"{label}/{address}: {arn}"
                        assert _in_us_east_1(resources, name), f"{label}/{address}"
                        continue
                    assert as_list(st["Resource"]) == [f"${{aws_cloudwatch_log_group.{name}.arn}}:*"], f"{label}/{address}"
                    checked += 1
    assert checked


def test_roles_trust_one_service(modules):
    for label, resources in modules.items():
        for address, doc in policies(resources).items():
            if not address.startswith("aws_iam_role."):
                continue
            for st in statements(doc):
                principal = st["Principal"]
                assert isinstance(principal, dict) and list(principal) == ["Service"], f"{label}/{address}"
                services = as_list(principal["Service"])
                if services == ["edgelambda.amazonaws.com", "lambda.amazonaws.com"]:  # Lambda@Edge, in us-east-1
                    assert _in_us_east_1(resources, address.split(".")[1]), f"{label}/{address}"
                    continue
                assert len(services) == 1 and services[0].endswith(SERVICE_PRINCIPAL_SUFFIX), f"{label}/{address}"


def test_every_lambda_permission_names_its_source(modules):
    seen = 0
    for label, resources in modules.items():
        for address, body in _of_type(resources, "aws_lambda_permission").items():
            seen += 1
            principal = value(body["principal"])
            assert principal != "*" and principal.endswith(SERVICE_PRINCIPAL_SUFFIX), f"{label}/{address}"
            assert value(body.get("source_arn")), f"{label}/{address} has no source_arn"
            if principal == "s3.amazonaws.com":  # bucket ARNs carry no account: pin it
                assert value(body.get("source_account")), f"{label}/{address} has no source_account"
    assert seen


def test_queue_and_topic_policies_admit_exactly_the_declared_source(modules):
    for label, resources in modules.items():
        for address, doc in policies(resources).items():
            if address.split(".")[0] not in ("aws_sqs_queue_policy", "aws_sns_topic_policy"):
                continue
            for st in statements(doc):
                if st.get("Effect") != "Allow":
                    continue
                principal = st.get("Principal")
                assert isinstance(principal, dict) and "Service" in principal, f"{label}/{address}: {principal}"
                conditions = st.get("Condition") or {}
                sources = [
                    v
                    for op, kv in conditions.items()
                    if op in ("ArnEquals", "ArnLike", "StringEquals")
                    for k, v in kv.items()
                    if k.lower() == "aws:sourcearn"
                ]
                assert len(sources) == 1, f"{label}/{address}/{st.get('Sid')}: needs one aws:SourceArn condition"
                for arn in as_list(sources[0]):
                    # One resource of this stack or an existing one (its ARN as written or built from its
                    # name), or (alarms) this stage's own alarms by name prefix.
                    one = arn.startswith(("${", "arn:")) and "*" not in arn
                    stage_alarms = (arn.endswith(":alarm:${local.prefix}-*") or arn.endswith(":alarm:${local.prefix}-edge-*")) \
                        and arn.count("*") == 1
                    assert one or stage_alarms, f"{label}/{address}: source {arn} is not one resource"


def test_non_lambda_roles_invoke_only_their_function(modules):
    """Scheduler and event-target roles: lambda:InvokeFunction on one function (and its `live` alias), no more."""
    for label, resources in modules.items():
        trusts = {a.split(".")[1]: d for a, d in policies(resources).items() if a.startswith("aws_iam_role.")}
        for address, doc in policies(resources).items():
            if not address.startswith("aws_iam_role_policy."):
                continue
            role = value(resources[address]["role"])
            role_name = role.removeprefix("${aws_iam_role.").split(".")[0]
            trust = trusts.get(role_name)
            services = {s for st in statements(trust or {}) for s in as_list(st["Principal"]["Service"])}
            if not services or services == {"lambda.amazonaws.com"}:
                continue
            invoked = set()
            for st in statements(doc):
                if "lambda:InvokeFunction" in as_list(st["Action"]):
                    for arn in as_list(st["Resource"]):
                        m = re.fullmatch(r"\$\{aws_lambda_(?:function\.(\w+)|alias\.(\w+)_live)\.arn\}", arn)
                        assert m, f"{label}/{address}: invokes {arn}, not a function of this stack"
                        invoked.add(m.group(1) or m.group(2))
            assert len(invoked) <= 1, f"{label}/{address}: invokes {sorted(invoked)}"


def test_real_settings_behind_the_checks(modules):
    """The settings checkov accepts falsely are what sls-gen means: active tracing, real reservations,
    an allowed runtime, a retention, encrypted queues that never use alias/aws/sqs."""
    runtimes = set(FunctionSettings.model_fields["runtime"].annotation.__args__[0].__args__)
    for label, resources in modules.items():
        for address, body in _of_type(resources, "aws_lambda_function").items():
            mode = value(body["tracing_config"][0]["mode"]) if "tracing_config" in body else None
            assert mode in ("Active", "PassThrough"), f"{label}/{address}"
            reserved = value(body.get("reserved_concurrent_executions"))
            assert reserved is None or int(reserved) >= 0, f"{label}/{address}: reserved {reserved}"
            if value(body.get("package_type")) == "Image":  # an image carries its runtime
                assert "runtime" not in body and "handler" not in body, f"{label}/{address}"
            else:
                assert value(body["runtime"]) in runtimes, f"{label}/{address}"
        for address, body in _of_type(resources, "aws_cloudwatch_log_group").items():
            assert value(body.get("retention_in_days")) is not None, f"{label}/{address}"
        for address, body in _of_type(resources, "aws_sqs_queue").items():
            key = value(body.get("kms_master_key_id"))
            assert value(body.get("sqs_managed_sse_enabled")) is True or (key and "alias/aws/sqs" not in key), f"{label}/{address}"
        for address, body in _of_type(resources, "aws_dynamodb_table").items():
            assert value(body["server_side_encryption"][0]["enabled"]) is True, f"{label}/{address}"


def test_tracing_is_active_unless_the_blueprint_turns_it_off(modules):
    functions = _of_type(modules["case-minimal/dev"], "aws_lambda_function")
    assert functions and all(value(b["tracing_config"][0]["mode"]) == "Active" for b in functions.values())


# ---------------------------------------------------------------- kms_key


@pytest.fixture(scope="module")
def kms(modules) -> dict[str, dict]:
    return modules["case-kms_key/dev"]


def test_kms_key_is_resolved_once_and_used_everywhere(kms):
    assert value(kms["data.aws_kms_key.custom"]["key_id"]) == "alias/ledger-data"
    arn = "${local.kms_key_arn}"  # main.tf: kms_key_arn = data.aws_kms_key.custom.arn (an alias is looked up)
    for address, body in _of_type(kms, "aws_dynamodb_table").items():
        assert value(body["server_side_encryption"][0]["kms_key_arn"]) == arn, address
    queues = _of_type(kms, "aws_sqs_queue")
    assert len(queues) == 3  # the queue, its DLQ and the stream consumer's failure queue
    for address, body in queues.items():
        assert value(body["kms_master_key_id"]) == arn and "sqs_managed_sse_enabled" not in body, address
        assert value(body["kms_data_key_reuse_period_seconds"]) == 300
    for address, body in _of_type(kms, "aws_cloudwatch_log_group").items():
        assert value(body["kms_key_id"]) == arn, address
    (sse,) = _of_type(kms, "aws_s3_bucket_server_side_encryption_configuration").values()
    rule = sse["rule"][0]
    default = rule["apply_server_side_encryption_by_default"][0]
    assert value(default["sse_algorithm"]) == "aws:kms" and value(default["kms_master_key_id"]) == arn
    assert value(rule["bucket_key_enabled"]) is True
    (secret,) = _of_type(kms, "aws_secretsmanager_secret").values()
    assert value(secret["kms_key_id"]) == arn
    functions = _of_type(kms, "aws_lambda_function")
    for address, body in functions.items():
        assert (value(body.get("kms_key_arn")) == arn) == ("environment" in body), address
    assert "kms_key_arn" not in functions["aws_lambda_function.no_env"]


def test_kms_grants_follow_what_each_function_does(kms):
    def kms_actions(fn: str) -> set[str]:
        doc = policies(kms)[f"aws_iam_role_policy.{fn}"]
        found = [st for st in statements(doc) if any(a.startswith("kms:") for a in st["Action"])]
        for st in found:
            assert st["Resource"] == ["${local.kms_key_arn}"]
        return {a for st in found for a in st["Action"]}

    assert kms_actions("post_entry") == {"kms:Decrypt", "kms:GenerateDataKey"}  # writes the table, sends
    assert kms_actions("read_entry") == {"kms:Decrypt"}  # reads the table, decrypts its environment
    assert kms_actions("settle") == {"kms:Decrypt"}  # consumes the queue
    assert kms_actions("project") == {"kms:Decrypt", "kms:GenerateDataKey"}  # stream, failure queue, bucket writes
    assert kms_actions("no_env") == set()  # touches nothing encrypted with the key


def test_checkov_skips_follow_the_blueprint():
    """COND checks are skipped only where the blueprint lacks the feature."""
    from generator.plan.security import function_skips, log_group_skips, table_skips

    ids = lambda skips: {c for c, _ in skips}  # noqa: E731
    assert "CKV_AWS_115" not in ids(function_skips(reserved=5, async_invoked=False, has_env=True, kms=False))
    assert "CKV_AWS_115" in ids(function_skips(reserved=None, async_invoked=False, has_env=True, kms=False))
    assert "CKV_AWS_116" not in ids(function_skips(reserved=None, async_invoked=True, has_env=False, kms=False))
    assert "CKV_AWS_173" not in ids(function_skips(reserved=None, async_invoked=False, has_env=True, kms=True))
    assert "CKV_AWS_173" not in ids(function_skips(reserved=None, async_invoked=False, has_env=False, kms=False))
    assert ids(log_group_skips(retention_days=30, kms=False)) == {"CKV_AWS_338", "CKV_AWS_158"}
    assert ids(log_group_skips(retention_days=365, kms=True)) == set()
    assert "30" in dict(log_group_skips(retention_days=30, kms=True))["CKV_AWS_338"]
    assert ids(table_skips(kms=True, pitr=True, provisioned=False)) == set()


def test_kms_key_that_is_no_key_is_refused(tmp_path):
    text = (CASES / "kms_key" / "blueprint.yaml").read_text().replace("alias/ledger-data", "ledger data")
    result, _, src = render_text(text, tmp_path)
    assert result.exit_code == 2
    line = text.splitlines().index("kms_key: ledger data") + 1
    assert result.output.splitlines()[0] == (
        f"{src / 'blueprint.yaml'}:{line}:1: error[SLS102] kms_key: kms_key 'ledger data' is not a KMS key alias, "
        "id or ARN (write alias/<name>, a key id, or arn:aws:kms:<region>:<account>:key/<id>)"
    )


def test_rendered_policies_pass_the_iam_audit(modules):
    """parliament (via the e2e suite's audit): every action exists, fits the resource it is granted on,
    and `*` appears only for the X-Ray writes, checked before anything is applied."""
    from iam_audit import audit_policy
    from tf_audit import concrete_policy

    problems, audited = [], 0
    for label, resources in modules.items():
        justified = _justified(label)
        for address, doc in policies(resources).items():
            if not address.startswith(("aws_iam_role_policy.", "aws_iam_policy.")):
                continue
            doc = dict(doc, Statement=[st for st in statements(doc) if (address, st.get("Sid")) not in justified and not st.get("Sid", "").startswith("Extra")])
            audited += 1
            problems += audit_policy(concrete_policy(doc), f"{label}/{address}")
    assert audited
    assert not problems, "\n".join(problems)


def test_kms_key_with_global_table_replicas_fails_loudly(tmp_path):
    text = "service: geo\nregion: eu-west-1\nkms_key: alias/geo\ntables:\n  items:\n    partition_key: pk\n    replicas: [us-east-1]\n"
    result, _, src = render_text(text, tmp_path)
    assert result.exit_code == 2
    assert result.output == (
        f"{src / 'blueprint.yaml'}:7:5: error[SLS105] tables.items.replicas: not yet supported: global table "
        "replicas with kms_key (each replica region needs its own key)\n1 error(s); nothing was written.\n"
    )


def test_with_kms_key_no_encryption_check_is_skipped(tmp_path):
    """The COND checks a customer key satisfies are never skipped when the blueprint has one."""
    result, out, _ = render_text((CASES / "kms_key" / "blueprint.yaml").read_text(), tmp_path)
    assert result.exit_code == 0, result.output
    text = "\n".join(p.read_text() for p in sorted(out.glob("*/*.tf")))
    assert "#checkov:skip=CKV_AWS_117" in text  # the listing is real: unrelated skips are there
    for check in ("CKV_AWS_119", "CKV_AWS_158", "CKV_AWS_173", "CKV_AWS_149", "CKV_AWS_145", "CKV_AWS_297"):
        assert f"#checkov:skip={check}:" not in text, check


@pytest.mark.parametrize(
    "key, lookup, arn",
    [
        ("alias/ledger-data", True, "data.aws_kms_key.custom.arn"),
        ("arn:aws:kms:eu-west-1:123456789012:alias/ledger-data", True, "data.aws_kms_key.custom.arn"),
        # AWS's documented example id: the provider's data source validator refuses it (not RFC 4122)
        (
            "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            False,
            '"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"',
        ),
        (
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            False,
            '"arn:${local.partition}:kms:${local.region}:${local.account_id}:key/1234abcd-12ab-34cd-56ef-1234567890ab"',
        ),
    ],
)
def test_only_an_alias_is_looked_up_with_the_data_source(key, lookup, arn):
    from generator.plan.security import kms_key_arn

    assert kms_key_arn(key) == (lookup, arn)


def test_main_tf_defines_the_key_arn_every_resource_uses(modules):
    alias, arn = modules["case-kms_key/dev"], modules["case-kms_key_arn/dev"]
    assert "data.aws_kms_key.custom" in alias and "data.aws_kms_key.custom" not in arn
    snapshots = CASES.parent / "snapshots"
    assert "kms_key_arn = data.aws_kms_key.custom.arn" in (snapshots / "kms_key" / "dev" / "main.tf").read_text()
    assert 'kms_key_arn = "arn:aws:kms:us-east-2:' in (snapshots / "kms_key_arn" / "dev" / "main.tf").read_text()



def test_dynamodb_encryption_code_skip_and_docs_agree(modules):
    """`server_side_encryption { enabled = true }` without a key is DynamoDB's AWS managed key
    (aws/dynamodb, KMS request charges), not the AWS owned key: the rendered table, its checkov skip
    reason and docs/security.md say the same thing (docs/decisions/encryption-keys.md)."""
    from rendering import ROOT, SNAPSHOTS

    seen = 0
    for label, resources in modules.items():
        for address, table in _of_type(resources, "aws_dynamodb_table").items():
            sse = as_list(table.get("server_side_encryption"))[0]
            assert value(sse.get("enabled")) is True, f"{label}/{address}"
            seen += "kms_key_arn" not in sse
    assert seen
    rendered = (SNAPSHOTS / "dynamodb_table" / "dev" / "dynamodb.tf").read_text()
    skip = next(line for line in rendered.splitlines() if "CKV_AWS_119" in line)
    assert "AWS managed key aws/dynamodb" in skip and "owned" not in skip, skip
    security = (ROOT / "docs" / "security.md").read_text()
    row = next(line for line in security.splitlines() if line.startswith("| DynamoDB tables |"))
    assert "AWS managed key `aws/dynamodb`" in row and "owned" not in row, row
    skip_row = next(line for line in security.splitlines() if line.startswith("| CKV_AWS_119 |"))
    assert "AWS managed key" in skip_row and "owned" not in skip_row, skip_row
