"""Two blueprint objects never get one Terraform address or one AWS name (SLS207, issue 14 "Names that
collide"). Each family part lists what it emits (`named()`); the tests hold that list to the rendered
Terraform of every snapshot case and bundled blueprint, and make colliding blueprints of each kind."""

from __future__ import annotations

import re
import textwrap

import hcl2
import pytest
from click.testing import CliRunner
from rendering import BLUEPRINTS, CASES, case_names

from generator.checks.unique import GLOBAL_TYPES, named, physical_text
from generator.cli import main
from generator.diagnostics import BlueprintError, path_str
from generator.emit.terraform import render_stage
from generator.pipeline import validate

SOURCES = [CASES / c / "blueprint.yaml" for c in case_names()] + sorted(BLUEPRINTS.glob("*/*.yaml"))
RESOURCE = re.compile(r'^resource "([^"]+)" "([^"]+)"', re.M)

# The attribute holding the name AWS keeps unique, per resource type sls-gen emits with one.
NAME_ATTRIBUTE = {
    "aws_lambda_function": "function_name",
    "aws_iam_role": "name",
    "aws_cloudwatch_log_group": "name",
    "aws_sqs_queue": "name",
    "aws_dynamodb_table": "name",
    "aws_sns_topic": "name",
    "aws_cloudwatch_event_bus": "name",
    "aws_cloudwatch_event_rule": "name",
    "aws_scheduler_schedule": "name",
    "aws_s3_bucket": "bucket",
    "aws_secretsmanager_secret": "name",
    "aws_ssm_parameter": "name",
    "aws_cloudwatch_metric_alarm": "alarm_name",
    "aws_kms_alias": "name",
    "aws_cloudwatch_dashboard": "dashboard_name",
    "aws_lambda_permission": "statement_id",
    "aws_apigatewayv2_authorizer": "name",
    "aws_apigatewayv2_route": "route_key",
    "aws_cloudfront_origin_access_control": "name",
    "aws_cloudfront_function": "name",
    "aws_cloudfront_response_headers_policy": "name",
    "aws_lambda_layer_version": "layer_name",
    "aws_schemas_registry": "name",
    "aws_schemas_schema": "name",
}


@pytest.fixture(scope="module")
def stages():
    """(label, plan, rendered .tf text) of every stage of every case and bundled blueprint."""
    out = []
    for bp in SOURCES:
        plans: dict = {}
        validate(bp, plans=plans)
        out += [(f"{bp.parent.name}/{stage}", plan, render_stage(plan)) for stage, plan in plans.items()]
    return out


def test_every_emitted_resource_is_listed_once_by_its_part(stages):
    for label, plan, files in stages:
        emitted = {f"{t}.{n}" for text in files.values() for t, n in RESOURCE.findall(text)}
        listed = [n.address for n in named(plan)]
        assert len(listed) == len(set(listed)), f"{label}: listed twice"
        assert set(listed) == emitted, f"{label}: missing {emitted - set(listed)}, extra {set(listed) - emitted}"
        assert all(n.where for n in named(plan)), f"{label}: a resource without its blueprint path"


def _resolve(value: str, plan) -> str:
    return value.replace("${local.prefix}", plan.prefix).replace("${local.region}", plan.region)


def test_every_unique_name_is_the_one_the_terraform_holds(stages):
    checked = set()
    for label, plan, files in stages:
        found = {}
        for text in files.values():
            for block in hcl2.loads(text).get("resource", []):
                for rtype, by_name in block.items():
                    for name, body in by_name.items():
                        found[f"{rtype}.{name}"] = body
        for n in named(plan):
            rtype = n.address.split(".", 1)[0]
            attribute = NAME_ATTRIBUTE.get(rtype)
            if attribute is None:
                assert n.physical is None, f"{label}: {n.address} lists a name of an unlisted type"
                continue
            value = found[n.address][attribute]
            assert physical_text(n.physical, plan) == _resolve(value, plan), f"{label}: {n.address}"
            checked.add(rtype)
    assert checked == set(NAME_ATTRIBUTE), f"never seen: {set(NAME_ATTRIBUTE) - checked}"


# ---------------------------------------------------------------- collisions, one kind each
COLLISIONS = {
    "function vs the scheduler role of another": ("""\
        service: shop
        functions:
          a:
            events:
              - schedule: rate(1 hour)
          a-scheduler: {}
        """, "functions.a-scheduler", "aws_iam_role.a_scheduler", "functions.a.events[0] (line 5)"),
    "queue vs the dead-letter queue of another": ("""\
        service: shop
        queues:
          z: {}
          z-dlq: {}
        functions:
          f: {events: [{queue: z}]}
        """, "queues.z-dlq", "aws_sqs_queue.z_dlq", "queues.z.dead_letter (line 3)"),
    "a and a-": ("""\
        service: shop
        functions:
          a: {}
          a-: {}
        """, "functions.a-", "aws_lambda_function.a", "functions.a (line 3)"),
    "one name in two stages": ("""\
        service: shop
        stages:
          dev: {}
          dev-a: {}
        functions:
          a-b: {}
          b: {}
        """, "functions.b", "AWS name 'shop-dev-a-b' of aws_lambda_function.b in stage dev-a",
        "aws_lambda_function.a_b in stage dev, made for functions.a-b (line 6)"),
    "routes that differ only in punctuation": ("""\
        service: shop
        functions:
          f: {events: [{http: GET /a-b, auth: iam}]}
          g: {events: [{http: GET /a/b, auth: iam}]}
        """, "functions.g.events[0]", "aws_apigatewayv2_route.get_a_b", "functions.f.events[0] (line 3)"),
    "two queue triggers that meet across function and queue": ("""\
        service: shop
        queues:
          b-c: {}
          c: {}
        functions:
          a: {events: [{queue: b-c}]}
          a-b: {events: [{queue: c}]}
        """, "functions.a-b.events[0]", "aws_lambda_event_source_mapping.a_b_c", "functions.a.events[0] (line 6)"),
    "two rules that meet across owner and bus": ("""\
        service: shop
        buses:
          b-c: {}
          c: {}
        functions:
          a: {events: [{eventbridge: {bus: b-c, pattern: {source: [x]}}}]}
          a-b: {events: [{eventbridge: {bus: c, pattern: {source: [x]}}}]}
        """, "functions.a-b.events[0]", "aws_cloudwatch_event_rule.a_b_c", "functions.a.events[0] (line 6)"),
    "two stream consumers that meet across function and table": ("""\
        service: shop
        tables:
          b-c: {partition_key: pk, stream: new_image}
          c: {partition_key: pk, stream: new_image}
        functions:
          a: {events: [{stream: b-c}]}
          a-b: {events: [{stream: c}]}
        """, "functions.a-b.events[0]", "aws_sqs_queue.a_b_c_stream_failures", "functions.a.events[0] (line 6)"),
    "a bucket permission and a bucket of another function": ("""\
        service: shop
        buckets:
          a: {}
          a-b: {}
        functions:
          b-c: {events: [{bucket: a}]}
          c: {events: [{bucket: a-b}]}
        """, "functions.c.events[0]", "aws_lambda_permission.bucket_a_b_c", "functions.b-c.events[0] (line 6)"),
}


@pytest.mark.parametrize("name", sorted(COLLISIONS))
def test_a_collision_is_an_error_naming_both_lines(tmp_path, name):
    text, at, what, other = COLLISIONS[name]
    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent(text))
    with pytest.raises(BlueprintError) as info:
        validate(bp)
    found = [d for d in info.value.diagnostics if d.code == "SLS207"]
    assert found and found == info.value.diagnostics, [d.format() for d in info.value.diagnostics]
    first = found[0]
    assert path_str(first.path) == at and first.line is not None
    assert what in first.message and other in first.message, first.message


def test_render_of_a_colliding_blueprint_writes_nothing(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: shop\nfunctions:\n  a: {}\n  a-: {}\n")
    result = CliRunner().invoke(main, ["render", str(bp), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "error[SLS207] functions.a-" in result.output, result.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "src").exists()


def test_stages_in_other_regions_may_share_regional_names_but_not_global_ones(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent("""\
        service: shop
        stages:
          dev: {region: eu-west-1}
          dev-a: {region: us-east-1}
        functions:
          a-b: {}
          b: {}
        """))
    with pytest.raises(BlueprintError) as info:  # the functions may share a name; their roles may not
        validate(bp)
    (diag,) = info.value.diagnostics
    assert "aws_iam_role" in diag.message and "aws_lambda_function" not in diag.message
    assert "aws_iam_role" in GLOBAL_TYPES


def test_one_object_in_several_stages_does_not_collide_with_itself(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent("""\
        service: shop
        stages:
          dev: {}
          prod: {}
        secrets:
          db: {ssm: /shop/db}
        functions:
          a: {uses: [{secret: db}]}
        """))
    validate(bp)  # a referenced SSM parameter is not created: nothing to collide
