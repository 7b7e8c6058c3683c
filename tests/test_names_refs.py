"""Names and references (issue 19): placeholders, `name:`, `env:`, references, SSM values,
variables, IAM conditions and function defaults, through the model, checks and plan."""

from __future__ import annotations

import textwrap

import pytest
from rendering import render_text

from generator.diagnostics import BlueprintError
from generator.emit.hcl import Raw, hcl
from generator.plan import conditions, placeholders
from generator.plan.build import build_plan
from generator.plan.refs import Ref, split
from generator.plan.resolve import Unresolved, function_environment, resolve_value


def _stages(tmp_path, text: str):
    from generator.pipeline import validate

    bp = tmp_path / "blueprint.yaml"
    bp.write_text(textwrap.dedent(text))
    _doc, _base, stages, warnings = validate(bp)
    return stages, warnings


def _plan(tmp_path, text: str, stage: str = "dev"):
    stages, _ = _stages(tmp_path, text)
    return build_plan(stages[stage], stage, "blueprint.yaml")


def _problems(tmp_path, text: str) -> list[tuple[str, str, str]]:
    from generator.diagnostics import path_str
    from generator.pipeline import validate

    bp = tmp_path / "blueprint.yaml"
    bp.write_text(textwrap.dedent(text))
    with pytest.raises(BlueprintError) as info:
        validate(bp, strict=True)
    return [(d.code, path_str(d.path), d.message) for d in info.value.diagnostics]


# ---------------------------------------------------------------- placeholders
def test_placeholders_substitute_service_and_stage_and_defer_region_and_account():
    text = placeholders.template("{service}-{stage}-{region}-{account}-{other}", "shop", "dev")
    assert text == "shop-dev-{region}-{account}-{other}"
    value = placeholders.hcl_value(text)
    assert isinstance(value, Raw)
    assert value == '"shop-dev-${local.region}-${local.account_id}-{other}"'
    assert placeholders.hcl_value("shop-dev") == "shop-dev" and type(placeholders.hcl_value("shop-dev")) is str


def test_placeholder_lengths_are_bounded_and_samples_concrete():
    assert placeholders.max_length("a-{region}-{account}") == len("a--") + 14 + 12
    assert placeholders.sample("b-{region}-{account}", "eu-west-1", "111122223333") == "b-eu-west-1-111122223333"


def test_concat_joins_literals_templates_and_expressions():
    assert placeholders.concat("a", "b") == "ab" and type(placeholders.concat("a", "b")) is str
    joined = placeholders.concat("/aws/lambda/", Raw('"f-${local.region}"'), Raw("aws_x.y.name"), '"q"')
    assert joined == '"/aws/lambda/f-${local.region}${aws_x.y.name}\\"q\\""'


# ---------------------------------------------------------------- references: parsing
def test_split_finds_references_and_keeps_escaped_and_iam_policy_variables():
    parts = split("${api:execution_arn}/*/POST/${table:orders.name}/$${queue:x.url}")
    assert parts == [Ref("api", "execution_arn", "${api:execution_arn}"), "/*/POST/",
                     Ref("table", "orders.name", "${table:orders.name}"), "/", "${queue:x.url}"]
    assert split("arn:aws:s3:::b/${aws:username}/*", iam=True) == ["arn:aws:s3:::b/${aws:username}/*"]
    assert [type(p) for p in split("${aws:username}")] == [Ref]  # outside IAM fields: a reference (refused)
    body = split("${ssm:/{stage}/url}")[0]
    assert body == Ref("ssm", "/{stage}/url", "${ssm:/{stage}/url}")


BASE = """\
    service: shop
    region: eu-west-1
    api: {type: http}
    tables:
      orders: {partition_key: pk}
    queues:
      jobs: {}
    functions:
      api:
        events: [{http: GET /x, auth: none}]
"""


def test_references_resolve_to_terraform_expressions_never_literal_arns(tmp_path):
    plan = _plan(tmp_path, BASE + """\
        environment:
          TABLE: ${table:orders.name}
          ROUTE: ${api:execution_arn}/*/GET/x
          URL: ${queue:jobs.url}
          SELF: ${function:api.arn}
          PLAIN: "{service}-{stage} {not-a-placeholder}"
    """)
    env = dict(plan.functions[0].environment)
    assert env["TABLE"] == Raw("aws_dynamodb_table.orders.name")
    assert env["ROUTE"] == Raw('"${aws_apigatewayv2_api.api.execution_arn}/*/GET/x"')
    assert env["URL"] == Raw("aws_sqs_queue.jobs.url")
    assert env["SELF"] == '"arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:shop-dev-api"'
    assert env["PLAIN"] == "shop-dev {not-a-placeholder}" and type(env["PLAIN"]) is str
    # invoke resolves what it can offline; the API id is known only once applied
    assert resolve_value(env["URL"], plan, "123456789012") == "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-jobs"
    with pytest.raises(Unresolved):
        resolve_value(env["ROUTE"], plan)


def test_ssm_values_become_one_data_source_each_and_are_read_at_plan_time(tmp_path):
    plan = _plan(tmp_path, BASE + """\
        environment:
          A_URL: https://${ssm:/platform/{stage}/host}/v1
          B_FLAGS: {ssm: /platform/flags}
          C_AGAIN: {ssm: /platform/flags}
    """)
    env = dict(plan.functions[0].environment)
    assert env["B_FLAGS"] == env["C_AGAIN"] == Raw("data.aws_ssm_parameter.ssm_platform_flags.insecure_value")
    assert env["A_URL"] == Raw('"https://${data.aws_ssm_parameter.ssm_platform_dev_host.insecure_value}/v1"')
    assert plan.ssm_parameters == (("ssm_platform_dev_host", "/platform/dev/host"), ("ssm_platform_flags", "/platform/flags"))
    with pytest.raises(Unresolved, match="--env"):
        function_environment(plan, "api")
    given = function_environment(plan, "api", given={"A_URL": "https://x/v1", "B_FLAGS": "{}", "C_AGAIN": "{}"})
    assert given["B_FLAGS"] == "{}"


def test_variables_are_terraform_inputs_read_with_var(tmp_path):
    result, out, _ = render_text(textwrap.dedent(BASE + """\
        environment:
          PARTNER: ${var:partner_url}
    variables:
      partner_url: {default: "https://p.example.com", description: the partner}
      secret_id: {sensitive: true}
    """), tmp_path)
    assert result.exit_code == 0, result.output
    variables = (out / "dev" / "variables.tf").read_text()
    assert 'variable "partner_url" {' in variables and 'default     = "https://p.example.com"' in variables
    assert 'variable "secret_id" {\n  type      = string\n  sensitive = true\n}' in variables
    assert "PARTNER = var.partner_url" in (out / "dev" / "lambda.tf").read_text()


def test_a_declared_secret_cannot_be_read_as_a_plain_value(tmp_path):
    found = _problems(tmp_path, """\
        service: shop
        secrets:
          db: {ssm: "/{service}/db-password"}
        functions:
          api:
            environment:
              DB: ${ssm:/shop/db-password}
    """)
    assert [(c, p) for c, p, _ in found] == [("SLS402", "functions.api.environment.DB")]


def test_unknown_references_say_what_exists(tmp_path):
    found = _problems(tmp_path, BASE + """\
        environment:
          A_X: ${table:orders.nmae}
          B_X: ${queues:jobs.url}
    """)
    messages = {p: m for _c, p, m in found}
    assert messages["functions.api.environment.A_X"] == "table 'orders' has no attribute 'nmae'"
    assert "unknown kind 'queues'" in messages["functions.api.environment.B_X"]


# ---------------------------------------------------------------- names
def test_fifo_queue_name_gets_its_suffix_and_its_dlq_keeps_it_last(tmp_path):
    plan = _plan(tmp_path, """\
        service: shop
        queues:
          inbox: {fifo: true, name: ServerlessLandSQS}
          done: {fifo: true, name: Done.fifo}
    """)
    queues = {q.name: q for q in plan.parts.queue.queues}
    assert (queues["inbox"].physical, queues["inbox"].dlq_physical) == ("ServerlessLandSQS.fifo", "ServerlessLandSQS-dlq.fifo")
    assert queues["done"].physical == "Done.fifo"


def test_physical_names_with_plan_time_parts_flow_into_derived_names(tmp_path):
    plan = _plan(tmp_path, """\
        service: shop
        observability: {alarms: {notify: [a@example.com]}}
        functions:
          worker:
            name: "{service}-worker-{region}"
    """)
    fn = plan.functions[0]
    assert fn.physical == '"shop-worker-${local.region}"'
    assert fn.log_group == '"/aws/lambda/shop-worker-${local.region}"'
    assert fn.role_name == "shop-dev-worker"  # roles are global: the default keeps service and stage
    alarms = {a.tf: a.name for a in plan.parts.observability.alarms}
    assert alarms["fn_worker_errors"] == '"shop-worker-${local.region}-errors"'
    assert resolve_value(fn.physical, plan) == "shop-worker-us-east-1"


def test_a_written_name_that_meets_a_derived_one_is_refused(tmp_path):
    found = _problems(tmp_path, """\
        service: shop
        queues:
          jobs: {}
        functions:
          jobs-dlq-owner:
            name: shop-dev-jobs-dlq          # a function may share a queue's name: another namespace
          notify:
            events: [{schedule: rate(1 hour)}]
          x:
            role_name: shop-dev-notify-scheduler   # the role sls-gen gives notify's schedules
    """)
    assert [(c, p) for c, p, _ in found] == [("SLS207", "functions.x")]
    assert "AWS name 'shop-dev-notify-scheduler' of aws_iam_role.x" in found[0][2]
    assert "made for functions.notify.events[0]" in found[0][2]


def test_index_names_take_dynamodbs_own_charset(tmp_path):
    plan = _plan(tmp_path, """\
        service: shop
        tables:
          orders:
            partition_key: orderId
            indexes: {orderId-new: {partition_key: customerId}, By.Status_2: {partition_key: status}}
    """)
    assert [i.name for i in plan.parts.table.tables[0].indexes] == ["By.Status_2", "orderId-new"]


def test_bucket_name_and_its_v1_spelling_are_one_key(tmp_path):
    plan = _plan(tmp_path, """\
        service: shop
        buckets:
          a: {bucket_name: "shop-{stage}-a"}
          b: {name: "shop-{stage}-b-{account}"}
          c: {}
    """)
    names = {b.name: b.physical for b in plan.parts.bucket.buckets}
    assert names == {"a": "shop-dev-a", "b": '"shop-dev-b-${local.account_id}"', "c": '"${local.prefix}-c-${local.account_id}"'}


# ---------------------------------------------------------------- env names
def test_env_renames_the_variable_a_use_adds(tmp_path):
    plan = _plan(tmp_path, """\
        service: shop
        tables:
          orders: {partition_key: pk}
        functions:
          api:
            uses:
              - {table: orders, env: TABLE_NAME}
              - {table: orders, access: write, env: TABLE_NAME}
    """)
    assert dict(plan.functions[0].environment) == {"TABLE_NAME": Raw("aws_dynamodb_table.orders.name")}


# ---------------------------------------------------------------- IAM conditions
def test_operators_and_keys():
    assert conditions.operator_problem("ForAnyValue:StringLikeIfExists") is None
    assert conditions.operator_problem("NullIfExists") == "Null takes no IfExists"
    assert conditions.operator_problem("StringEqual") == "unknown condition operator 'StringEqual'"
    assert conditions.key_problem("aws:PrincipalTag/team", ["s3:GetObject"]) is None
    assert conditions.key_problem("s3:ExistingObjectTag/owner", ["s3:GetObject"]) is None
    assert "no condition key" in conditions.key_problem("s3:Nope", ["s3:GetObject"])
    assert conditions.narrowed_actions(["dynamodb:Scan", "dynamodb:GetItem", "dynamodb:DescribeTable"],
                                       {"StringEquals": {"dynamodb:LeadingKeys": ["x"]}}) == ("dynamodb:GetItem",)
    assert conditions.narrowed_actions(["sqs:SendMessage"], {"Bool": {"aws:SecureTransport": ["true"]}}) == ("sqs:SendMessage",)


def test_a_uses_condition_narrows_its_statements_only(tmp_path):
    plan = _plan(tmp_path, """\
        service: shop
        buses:
          b: {}
        tables:
          t: {partition_key: pk}
        functions:
          f:
            uses:
              - {bus: b, conditions: {StringEquals: {"events:source": [orders]}}}
              - {table: t, access: read}
    """)
    by_sid = {s.sid: s for s in plan.functions[0].statements}
    assert by_sid["BusBPublish"].condition == {"StringEquals": {"events:source": ("orders",)}}
    assert by_sid["TableTRead"].conditions == ()
    assert hcl(by_sid["BusBPublish"].condition) == '{\n  StringEquals = {\n    "events:source" = ["orders"]\n  }\n}'


def test_the_shipped_condition_table_is_derived_from_parliament():
    pytest.importorskip("parliament")
    from pathlib import Path

    from iam_condition_table import text

    shipped = (Path(__file__).resolve().parents[1] / "generator" / "plan" / "iam_condition_keys.json").read_text()
    assert shipped == text(), "regenerate: .venv/bin/python tests/iam_condition_table.py > generator/plan/iam_condition_keys.json"


def test_rendering_needs_neither_parliament_nor_boto3(tmp_path):
    import subprocess
    import sys

    code = textwrap.dedent(f"""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('parliament', 'boto3', 'botocore'):
                    raise ImportError('blocked: ' + name)
        sys.meta_path.insert(0, Block())
        from generator.cli import main
        main(['render', {str(tmp_path / 'case' / 'blueprint.yaml')!r}, '-o', {str(tmp_path / 'out')!r}], standalone_mode=False)
    """)
    (tmp_path / "case").mkdir()
    from rendering import CASES

    (tmp_path / "case" / "blueprint.yaml").write_text((CASES / "iam_conditions" / "blueprint.yaml").read_text())
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Condition" in (tmp_path / "out" / "dev" / "iam.tf").read_text()


# ---------------------------------------------------------------- function defaults
def test_defaults_iam_policies_alias_and_vpc_are_replaced_by_a_functions_own(tmp_path):
    plan = _plan(tmp_path, """\
        service: shop
        defaults:
          alias: live
          managed_policies: ["arn:aws:iam::{account}:policy/shared-read"]
          iam: [{sid: Mail, actions: [ses:SendEmail], resources: ["arn:aws:ses:{region}:{account}:identity/x.com"]}]
          vpc: {subnets: [subnet-0a1b2c3d], security_groups: [sg-0a1b2c3d]}
        functions:
          a: {}
          b: {alias: stable, managed_policies: [], iam: [], vpc: {ssm: {subnets: /net/subnets, security_groups: /net/sgs}}}
    """)
    a, b = plan.functions
    assert (a.alias_tf, b.alias_tf, b.alias_name) == ("a_live", "b_stable", "stable")
    assert sorted(p.arn for p in a.managed_policies) == [
        '"arn:aws:iam::${local.account_id}:policy/shared-read"',
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    ]
    assert [p.arn for p in b.managed_policies] == ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]
    assert [s.sid for s in a.statements if s.sid == "Mail"] == ["Mail"]
    assert not any(s.sid == "Mail" for s in b.statements)
    assert a.vpc == (("subnet-0a1b2c3d",), ("sg-0a1b2c3d",))
    assert b.vpc[0] == 'split(",", data.aws_ssm_parameter.ssm_net_subnets.insecure_value)'
    assert not any(check == "CKV_AWS_117" for check, _ in a.skips)


def test_insights_adds_the_layer_of_the_architecture_and_its_policy(tmp_path):
    plan = _plan(tmp_path, """\
        service: shop
        region: eu-west-1
        observability: {insights: true}
        functions:
          a: {}
          b: {architecture: x86_64}
    """)
    a, b = plan.functions
    assert a.layers == ("local.lambda_insights_layers.arm64[local.region]",)
    assert b.layers == ("local.lambda_insights_layers.x86_64[local.region]",)
    assert any(p.arn.endswith("CloudWatchLambdaInsightsExecutionRolePolicy") for p in a.managed_policies)
    tables = dict(plan.parts.function.insights)
    assert dict(tables["arm64"])["eu-west-1"] == "arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension-Arm64:5"
    assert dict(tables["x86_64"])["eu-west-1"] == "arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:38"


def test_insights_in_a_region_without_the_layer_is_refused(tmp_path):
    found = _problems(tmp_path, """\
        service: shop
        region: ap-south-2
        observability: {insights: true}
        functions:
          a: {}
    """)
    assert [(c, p) for c, p, _ in found] == [("SLS302", "observability.insights")]


def test_a_kms_key_arn_takes_placeholders_like_every_arn_field(tmp_path):
    plan = _plan(tmp_path, """\
        service: shop
        kms_key: "arn:aws:kms:{region}:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        stages: {dev: {}, prod: {region: eu-west-1}}
    """, stage="prod")
    assert plan.kms_key_arn_expr == '"arn:aws:kms:${local.region}:${local.account_id}:key/1234abcd-12ab-34cd-56ef-1234567890ab"'
    assert not plan.kms_lookup


def test_object_tags_are_written_on_the_object(tmp_path):
    result, out, _ = render_text(textwrap.dedent("""\
        service: shop
        tags: {team: shop}
        tables:
          orders: {partition_key: pk, tags: {data-class: pii}}
        queues:
          jobs: {tags: {owner: ops}}
    """), tmp_path)
    assert result.exit_code == 0, result.output
    assert 'tags = {\n    data-class = "pii"\n  }' in (out / "dev" / "dynamodb.tf").read_text()
    assert (out / "dev" / "sqs.tf").read_text().count('owner = "ops"') == 2  # the queue and its DLQ
