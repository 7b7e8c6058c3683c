"""Service boundaries (issue 17): `existing:` objects are referenced, never planned, and reached by
every use, event and reference through their family's `attributes()`; every owned object's names and
ARNs become outputs and, with `exports:`, SSM parameters. Emulator proof: tests/test_e2e_boundaries.py."""

from __future__ import annotations

import textwrap

import pytest
from rendering import render_text

from generator.diagnostics import BlueprintError
from generator.emit.hcl import Raw
from generator.families import families
from generator.plan.build import build_plan
from generator.plan.existing import Shape, name_from_arn, reference
from generator.plan.naming import Names
from generator.plan.resolve import Unresolved, function_environment, resolve_value

def _shareable(fam) -> bool:
    """A family whose objects (`dict[Name, Model]` under its section) take `existing:`."""
    field = getattr(fam.part("model"), "SECTION_FIELD", None) if fam.section else None
    args = getattr(field[0], "__args__", ()) if field else ()
    return len(args) == 2 and "existing" in getattr(args[1], "model_fields", {})


SHAREABLE = [f for f in families() if _shareable(f)]


def _validate(tmp_path, text: str, strict: bool = True):
    from generator.pipeline import validate

    bp = tmp_path / "blueprint.yaml"
    bp.write_text(textwrap.dedent(text))
    return validate(bp, strict=strict)


def _plan(tmp_path, text: str, stage: str = "dev"):
    _doc, _base, stages, _w = _validate(tmp_path, text, strict=False)
    return build_plan(stages[stage], stage, "blueprint.yaml")


def _codes(tmp_path, text: str) -> list[tuple[str, str]]:
    from generator.diagnostics import path_str

    with pytest.raises(BlueprintError) as info:
        _validate(tmp_path, text)
    return [(d.code, path_str(d.path)) for d in info.value.diagnostics]


# ---------------------------------------------------------------- references built without lookups
class _Spec:
    def __init__(self, name=None, arn=None, ssm=None):
        self.name, self.arn, self.ssm = name, arn, ssm


def test_a_name_builds_the_arn_in_the_stages_account_and_region():
    names = Names("shop", "dev")
    ref = reference(names, _Spec(name="users-{stage}"), Shape("dynamodb", "table/"))
    assert ref.name == "users-dev"
    assert str(ref.arn) == '"arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/users-dev"'
    bucket = reference(names, _Spec(name="assets"), Shape("s3", regional=False))
    assert str(bucket.arn) == '"arn:${local.partition}:s3:::assets"'
    param = reference(names, _Spec(name="/platform/host"), Shape("ssm", "parameter/", path_name=True))
    assert str(param.arn).endswith(':parameter/platform/host"')  # one slash, as AWS writes it


def test_an_arn_gives_name_region_and_account_of_another_account():
    ref = reference(Names("shop", "dev"), _Spec(arn="arn:aws:sqs:eu-west-2:111111111111:jobs.fifo"), Shape("sqs"))
    assert (ref.name, ref.region, ref.account) == ("jobs.fifo", "eu-west-2", "111111111111")
    assert name_from_arn("arn:aws:ssm:eu-west-1:111111111111:parameter/a/b", Shape("ssm", "parameter/", path_name=True)) == "/a/b"
    assert name_from_arn("arn:aws:sns:eu-west-1:111111111111:t", Shape("sqs")) is None  # another service
    assert name_from_arn("arn:aws:events:eu-west-1:1:rule/r", Shape("events", "event-bus/")) is None  # another type


def test_an_ssm_parameter_gives_the_arn_at_plan_time_and_terraform_cuts_the_name():
    ref = reference(Names("shop", "dev"), _Spec(ssm="/platform/{stage}/bus-arn"), Shape("events", "event-bus/"))
    assert str(ref.arn) == "data.aws_ssm_parameter.ssm_platform_dev_bus_arn.insecure_value"
    assert str(ref.name) == f'trimprefix(element(split(":", {ref.arn}), 5), "event-bus/")'


# ---------------------------------------------------------------- every shareable kind, the same way
def test_every_shareable_family_takes_existing_and_says_how_its_arns_look():
    assert {f.name for f in SHAREABLE} == {"table", "queue", "topic", "bus", "bucket", "secret", "parameter"}
    for fam in SHAREABLE:
        assert isinstance(fam.part("plan").EXISTING, Shape), fam.name


@pytest.mark.parametrize("fam", SHAREABLE, ids=lambda f: f.name)
def test_an_existing_object_is_never_planned_and_refuses_owner_keys(tmp_path, fam):
    text = f"""\
        service: shop
        {fam.section}:
          theirs: {{existing: {{name: theirs-{fam.name}}}}}
        functions:
          f: {{}}
        """
    plan = _plan(tmp_path, text)
    part = getattr(plan.parts, fam.name)
    assert part is not None and [e.name for e in part.existing] == ["theirs"]
    assert not any(n.where[:2] == (fam.section, "theirs") for n in part.named())  # nothing emitted for it
    assert [e for e in plan.exports if e.name == "theirs"] == []  # and nothing exported
    assert part.terraform_files() in ([], [("secrets.tf", "secrets.tf.j2")])  # a secret by name: its lookup only
    owner = _codes(tmp_path, text.replace("{existing:", "{tags: {team: x}, existing:"))
    assert ("SLS212", f"{fam.section}.theirs.tags") in owner


def test_uses_events_and_references_get_the_owned_grants_on_the_existing_arn(tmp_path):
    plan = _plan(tmp_path, """\
        service: shop
        region: eu-west-1
        tables:
          users: {existing: {arn: "arn:aws:dynamodb:eu-west-1:111111111111:table/users"}}
          mine: {partition_key: id}
        queues:
          jobs: {existing: {name: platform-jobs}}
        functions:
          f:
            events: [{queue: jobs}]
            uses: [{table: users, access: read_write}, {table: mine, access: read_write}]
            environment: {USERS: "${table:users.arn}"}
        """)
    fn = plan.functions[0]
    by_sid = {s.sid: s for s in fn.statements}
    assert by_sid["TableUsersReadWrite"].actions == by_sid["TableMineReadWrite"].actions
    assert by_sid["TableUsersReadWrite"].resources == (Raw('"arn:aws:dynamodb:eu-west-1:111111111111:table/users"'),)
    assert by_sid["TableUsersReadWriteIndexes"].resources == (Raw('"arn:aws:dynamodb:eu-west-1:111111111111:table/users/index/*"'),)
    assert str(by_sid["QueueJobsConsume"].resources[0]).endswith(':platform-jobs"')
    env = dict(fn.environment)
    assert env["USERS"] == Raw('"arn:aws:dynamodb:eu-west-1:111111111111:table/users"')
    assert env["USERS_TABLE_NAME"] == Raw('"users"')
    assert str(fn.mappings[0].queue_arn).endswith(':platform-jobs"')
    # sls-gen invoke resolves them offline like owned names
    values = function_environment(plan, "f", "222222222222")
    assert values["USERS_TABLE_NAME"] == "users"
    assert values["USERS"] == "arn:aws:dynamodb:eu-west-1:111111111111:table/users"


def test_invoke_asks_for_values_read_from_ssm(tmp_path):
    plan = _plan(tmp_path, """\
        service: shop
        topics:
          alerts: {existing: {ssm: /platform/alerts-arn}}
        functions:
          f: {uses: [{topic: alerts}]}
        """)
    value = dict(plan.functions[0].environment)["ALERTS_TOPIC_ARN"]
    with pytest.raises(Unresolved, match="/platform/alerts-arn"):
        resolve_value(value, plan)
    assert ("ssm_platform_alerts_arn", "/platform/alerts-arn") in plan.ssm_parameters


def test_the_blueprints_kms_key_is_not_asked_of_an_existing_object(tmp_path):
    plan = _plan(tmp_path, """\
        service: shop
        kms_key: alias/shop
        queues:
          theirs: {existing: {name: platform-jobs}}
        functions:
          f: {uses: [{queue: theirs}]}
        """)
    # the key only decrypts the function's own environment: sending to a queue of the blueprint would
    # add kms:GenerateDataKey
    key = next(s for s in plan.functions[0].statements if s.sid == "KmsKey")
    assert key.actions == ("kms:Decrypt",)


def test_a_stream_event_on_an_existing_table_needs_its_stream_arn(tmp_path):
    text = """\
        service: shop
        tables:
          users: {existing: {name: users}}
        functions:
          f: {events: [{stream: users}]}
        """
    assert _codes(tmp_path, text) == [("SLS213", "functions.f.events[0].stream")]
    plan = _plan(tmp_path, text.replace("{name: users}", "{name: users, stream_arn: 'arn:aws:dynamodb:us-east-1:123456789012:table/users/stream/x'}"))
    assert str(plan.parts.table.streams[0].stream_arn) == '"arn:aws:dynamodb:us-east-1:123456789012:table/users/stream/x"'


# ---------------------------------------------------------------- outputs and exports
def test_outputs_carry_every_owned_name_and_arn_and_exports_write_them_to_ssm(tmp_path):
    result, out, _src = render_text(textwrap.dedent("""\
        service: shop
        tables:
          orders: {partition_key: id, stream: new_image}
          users: {existing: {name: users}}
        queues:
          jobs: {}
        api: {type: http}
        exports:
          ssm_prefix: /acme/{service}/{stage}/
          ssm: {"/acme/{stage}/shop-url": "${api:url}"}
        functions:
          f:
            events: [{http: GET /x, auth: none}]
            uses: [{table: orders}, {table: users}, {queue: jobs}]
        """), tmp_path)
    assert result.exit_code == 0, result.output
    outputs = (out / "dev" / "outputs.tf").read_text()
    for name in ("table_orders_name", "table_orders_arn", "table_orders_stream_arn", "queue_jobs_url", "function_f_arn",
                 "api_id", "api_execution_arn"):
        assert f'output "{name}"' in outputs
    assert outputs.count('output "api_url"') == 1  # v1's, kept
    assert "table_users" not in outputs  # existing: not this stack's to publish
    exports = (out / "dev" / "exports.tf").read_text()
    assert 'name        = "/acme/shop/dev/table/orders/stream_arn"' in exports
    assert 'name        = "/acme/shop/dev/api/url"' in exports and 'name        = "/acme/shop/dev/api/execution_arn"' in exports
    assert 'name        = "/acme/dev/shop-url"' in exports
    assert "users" not in exports
    assert exports.count('type        = "String"') == exports.count('resource "aws_ssm_parameter"')


def test_an_export_path_that_meets_a_parameter_of_the_blueprint_is_refused(tmp_path):
    codes = _codes(tmp_path, """\
        service: shop
        parameters:
          host: {value: x, name: /acme/shop/dev/function/f/name}
        exports: {ssm_prefix: /acme/shop/dev}
        functions:
          f: {}
        """)
    assert ("SLS207", "exports.ssm_prefix") in codes


def test_invoke_asks_for_values_only_terraform_can_look_up(tmp_path):
    plan = _plan(tmp_path, """\
        service: shop
        buses:
          shared: {existing: {ssm: /platform/bus-arn}}
        secrets:
          db: {existing: {name: platform/db}}
        functions:
          f:
            uses: [{secret: db}]
            environment: {BUS: "${bus:shared.name}"}
        """)
    env = dict(plan.functions[0].environment)
    with pytest.raises(Unresolved, match="SSM parameter /platform/bus-arn"):
        resolve_value(env["BUS"], plan)  # the name Terraform cuts from the ARN it reads
    with pytest.raises(Unresolved, match="looked up when Terraform plans"):
        resolve_value(env["DB_SECRET_ARN"], plan)


def test_an_existing_queue_gets_no_alarm_dashboard_widget_or_dead_letter_queue(tmp_path):
    result, out, _src = render_text(textwrap.dedent("""\
        service: shop
        queues:
          theirs: {existing: {name: platform-jobs}}
          mine: {}
        observability:
          alarms: {notify: [ops@example.com], delivery_failures: true}
          dashboard: true
        functions:
          f: {events: [{queue: theirs}, {queue: mine}]}
        """), tmp_path)
    assert result.exit_code == 0, result.output
    stage = out / "dev"
    alarms, dashboard = (stage / "alarms.tf").read_text(), (stage / "dashboard.tf").read_text()
    assert "aws_sqs_queue.mine_dlq" in alarms and "aws_sqs_queue.mine" in dashboard  # owned: watched
    assert "platform-jobs" not in alarms + dashboard and "theirs" not in alarms + dashboard
    assert "platform-jobs" not in (stage / "sqs.tf").read_text()
