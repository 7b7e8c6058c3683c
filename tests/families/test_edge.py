"""The edge family (generator/families/edge/): what the plan decides for a distribution and for the
Lambda@Edge functions it places in us-east-1, read from the plan and the rendered Terraform."""

from __future__ import annotations

import json
import re
import sys

import pytest
from rendering import CASES, TESTS, render_copy, render_text

from generator.emit.terraform import render_stage
from generator.events import sample_events
from generator.families.edge.plan import (
    ALL_VIEWER_EXCEPT_HOST_HEADER,
    CACHING_DISABLED,
    CACHING_OPTIMIZED,
)
from generator.pipeline import validate


def _plan(case: str, stage: str = "dev"):
    plans: dict = {}
    _doc, _base, stages, _w = validate(CASES / case / "blueprint.yaml", plans=plans)
    return stages[stage], plans[stage]


def _block(text: str, header: str) -> str:
    """The body of the top-level block starting with `header` in a rendered .tf file."""
    start = text.index(header)
    end = text.index("\n}\n", start)
    return re.sub(r"(?<=\S) {2,}", " ", text[start:end])  # alignment spaces of terraform fmt do not matter


def test_bucket_origin_reads_through_oac_and_the_one_bucket_policy_admits_only_this_distribution():
    _bp, plan = _plan("edge_site")
    files = render_stage(plan)
    s3, edge = files["s3.tf"], files["edge.tf"]
    assert s3.count('resource "aws_s3_bucket_policy"') == 1 # one policy per bucket, both statements in it
    policy = _block(s3, 'resource "aws_s3_bucket_policy" "site"')
    assert '"DenyInsecureTransport"' in policy and '"CloudFrontReadsSite"' in policy
    assert 'Principal = { Service = "cloudfront.amazonaws.com" }' in policy
    assert '"AWS:SourceArn" = aws_cloudfront_distribution.edge.arn' in policy
    assert 'Resource = "${aws_s3_bucket.site.arn}/*"' in policy
    oac = _block(edge, 'resource "aws_cloudfront_origin_access_control" "edge_site"')
    assert 'signing_protocol = "sigv4"' in oac and '"always"' in oac
    dist = _block(edge, 'resource "aws_cloudfront_distribution" "edge"')
    assert "origin_access_control_id = aws_cloudfront_origin_access_control.edge_site.id" in dist
    assert dist.count('viewer_protocol_policy = "redirect-to-https"') == 1
    assert f'cache_policy_id = "{CACHING_OPTIMIZED}"' in dist
    assert 'default_root_object = "index.html"' in dist


def test_api_behavior_is_uncached_with_all_viewer_headers_but_host_and_rest_stage_is_the_origin_path():
    _bp, plan = _plan("edge_api_site")
    edge = render_stage(plan)["edge.tf"]
    dist = _block(edge, 'resource "aws_cloudfront_distribution" "edge"')
    api = dist[dist.index('ordered_cache_behavior {'):]
    assert 'path_pattern = "/api/*"' in api
    assert f'cache_policy_id = "{CACHING_DISABLED}"' in api
    assert f'origin_request_policy_id = "{ALL_VIEWER_EXCEPT_HOST_HEADER}"' in api
    assert '"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"' in api
    assert 'domain_name = "${aws_api_gateway_rest_api.api.id}.execute-api.${local.region}.amazonaws.com"' in dist
    assert 'origin_path = "/${aws_api_gateway_stage.api.stage_name}"' in dist
    assert 'origin_protocol_policy = "https-only"' in dist
    assert 'origin_path = "/public"' in dist # the bucket origin's folder
    # domain, logging and WAF as given; TLS 1.2_2021 with the custom certificate
    assert 'minimum_protocol_version = "TLSv1.2_2021"' in dist and 'ssl_support_method = "sni-only"' in dist
    assert ":certificate/0a1b2c3d" in dist and 'aliases = ["shop.example.com"]' in dist
    assert 'bucket = "acme-cloudfront-logs.s3.amazonaws.com"' in dist
    assert "web_acl_id" in dist
    assert "CKV_AWS_68" not in dist and "CKV_AWS_86" not in dist and "CKV_AWS_174" not in dist
    assert edge.count('resource "aws_route53_record"') == 2


def test_http_api_origin_is_its_endpoint_host():
    _bp, plan = _plan("edge_functions")
    dist = _block(render_stage(plan)["edge.tf"], 'resource "aws_cloudfront_distribution" "edge"')
    assert 'domain_name = replace(aws_apigatewayv2_api.api.api_endpoint, "https://", "")' in dist
    assert "origin_path" not in dist


def test_provider_alias_repeats_the_account_guard_and_role():
    _bp, plan = _plan("edge_api_site")
    files = render_stage(plan)
    alias = _block(files["edge.tf"], 'provider "aws" {')
    main = _block(files["main.tf"], 'provider "aws" {')
    assert 'alias = "us_east_1"' in alias and 'region = "us-east-1"' in alias
    for needle in ('allowed_account_ids = ["111111111111"]', 'role_arn = "arn:aws:iam::111111111111:role/deployer"'):
        assert needle in main and needle in alias


def test_lambda_at_edge_is_placed_in_us_east_1_with_versions_trust_and_edge_settings():
    bp, plan = _plan("edge_functions")
    fn = next(f for f in plan.functions if f.name == "edge-auth")
    other = next(f for f in plan.functions if f.name == "read-article")
    assert fn.provider == "aws.us_east_1" and other.provider is None
    assert fn.publish and fn.trust == ("edgelambda.amazonaws.com", "lambda.amazonaws.com")
    assert fn.architecture == "x86_64" and fn.tracing is False
    assert fn.environment == () # defaults.environment is not inherited: Lambda@Edge has none
    assert dict(other.environment)["LOG_LEVEL"] == "INFO"
    assert fn.memory == 1024 and fn.timeout == 5 # origin event: defaults' 1024 MB fits, its own 5 s
    files = render_stage(plan)
    lam = _block(files["lambda.tf"], 'resource "aws_lambda_function" "edge_auth"')
    assert "provider = aws.us_east_1" in lam and "publish = true" in lam
    assert 'mode = "PassThrough"' in lam and "environment" not in lam and "dead_letter_config" not in lam
    log = _block(files["lambda.tf"], 'resource "aws_cloudwatch_log_group" "edge_auth"')
    assert "provider = aws.us_east_1" in log
    assoc = _block(files["edge.tf"], 'resource "aws_cloudfront_distribution" "edge"')
    assert "lambda_arn = aws_lambda_function.edge_auth.qualified_arn" in assoc
    trust = _block(files["iam.tf"], 'resource "aws_iam_role" "edge_auth"')
    assert 'Service = ["edgelambda.amazonaws.com", "lambda.amazonaws.com"]' in trust


def test_viewer_function_takes_the_viewer_quota_where_it_sets_nothing(tmp_path):
    text = (CASES / "edge_functions" / "blueprint.yaml").read_text()
    text = text.replace("    runtime: nodejs22.x\n    timeout: 5\n", "    runtime: nodejs22.x\n")
    text = text.replace("event: origin-request, function: edge-auth", "event: viewer-response, function: edge-auth")
    (tmp_path / "edge").mkdir()
    (tmp_path / "edge" / "rewrite.js").write_text("function handler(e) { return e.request; }\n")
    (tmp_path / "blueprint.yaml").write_text(text)
    plans: dict = {}
    validate(tmp_path / "blueprint.yaml", plans=plans)
    fn = next(f for f in plans["dev"].functions if f.name == "edge-auth")
    assert (fn.memory, fn.timeout) == (128, 5) # defaults say 1024 MB and 10 s: capped for viewer events


def test_edge_functions_get_no_regional_alarms_and_cloudfront_alarms_live_in_us_east_1():
    _bp, plan = _plan("edge_functions")
    assert all("edge_auth" not in a.tf for a in plan.parts.observability.alarms)
    assert any("read_article" in a.tf for a in plan.parts.observability.alarms)
    edge = render_stage(plan)["edge.tf"]
    metrics = re.findall(r'metric_name\s+= "([^"]+)"', edge)
    assert metrics == ["5xxErrorRate", "LambdaExecutionError", "LambdaValidationError"]
    for name in ("edge_5xx_rate", "edge_lambda_execution_errors", "edge_lambda_validation_errors"):
        alarm = _block(edge, f'resource "aws_cloudwatch_metric_alarm" "{name}"')
        assert "provider = aws.us_east_1" in alarm
        assert 'Region = "Global"' in alarm and "DistributionId = aws_cloudfront_distribution.edge.id" in alarm
        assert "alarm_actions = [aws_sns_topic.edge_alarms.arn]" in alarm
    topic = _block(edge, 'resource "aws_sns_topic" "edge_alarms"')
    assert "provider = aws.us_east_1" in topic and "aws_kms_key.edge_alarms.arn" in topic


def test_no_edge_alarms_without_observability_alarms():
    _bp, plan = _plan("edge_site")
    assert plan.parts.edge.alarms == ()
    assert "aws_cloudwatch_metric_alarm" not in render_stage(plan)["edge.tf"]


def test_cloudfront_function_code_is_copied_into_dist_and_read_from_there(tmp_path):
    result, out, src = render_copy(CASES / "edge_functions", "blueprint.yaml", tmp_path)
    assert result.exit_code == 0, result.output
    copied = out / "dist" / "edge" / "edge_functions_0.js"
    assert copied.read_bytes() == (src / "edge" / "rewrite.js").read_bytes()
    edge = re.sub(r"(?<=\S) {2,}", " ", (out / "dev" / "edge.tf").read_text())
    assert 'code = file("${path.module}/../dist/edge/edge_functions_0.js")' in edge
    assert 'runtime = "cloudfront-js-2.0"' in edge and "publish = true" in edge
    # editing the code re-renders (the file is an input of the render, not only of the first one)
    (src / "edge" / "rewrite.js").write_text("function handler(event) { return event.request; }\n")
    from click.testing import CliRunner

    from generator.cli import main

    again = CliRunner().invoke(main, ["render", str(src / "blueprint.yaml"), "-o", str(out)])
    assert again.exit_code == 0, again.output
    assert copied.read_text() == "function handler(event) { return event.request; }\n"


@pytest.mark.parametrize("event", ["viewer-request", "origin-request", "origin-response", "viewer-response"])
def test_sample_event_is_the_cloudfront_record_of_its_event_type(event, tmp_path):
    text = (CASES / "edge_functions" / "blueprint.yaml").read_text().replace(
        "event: origin-request, function: edge-auth", f"event: {event}, function: edge-auth")
    (tmp_path / "edge").mkdir()
    (tmp_path / "edge" / "rewrite.js").write_text("function handler(e) { return e.request; }\n")
    (tmp_path / "blueprint.yaml").write_text(text.replace("{event: viewer-request, cloudfront_function: edge/rewrite.js}",
                                                          "{event: viewer-response, cloudfront_function: edge/rewrite.js}")
                                             if event == "viewer-request" else text)
    _doc, _base, stages, _w = validate(tmp_path / "blueprint.yaml")
    (sample,) = [s for s in sample_events(stages["dev"], "dev") if s.function == "edge-auth"]
    assert sample.kind == "edge" and sample.filename == "edge-auth.1.edge.json"
    cf = sample.event["Records"][0]["cf"]
    assert cf["config"]["eventType"] == event and cf["request"]["uri"].startswith("/")
    assert ("response" in cf) == event.endswith("-response")
    assert ("origin" in cf["request"]) == event.startswith("origin-")


def test_scaffold_handles_every_event_type(tmp_path):
    result, _out, src = render_copy(CASES / "edge_functions", "blueprint.yaml", tmp_path)
    assert result.exit_code == 0
    handler = (src / "src" / "edge_auth" / "index.mjs").read_text()
    assert "cf.config.eventType" in handler and "onRequest" in handler and "onResponse" in handler
    assert "process.env" not in handler.split("export const handler")[1]


def test_invoke_sample_runs_the_lambda_at_edge_scaffold(tmp_path):
    pytest.importorskip("boto3")
    import shutil

    if shutil.which("node") is None:
        pytest.skip("node not on PATH")
    from click.testing import CliRunner

    from generator.cli import main

    result, _out, src = render_copy(CASES / "edge_functions", "blueprint.yaml", tmp_path)
    assert result.exit_code == 0
    run = CliRunner().invoke(main, ["invoke", "edge-auth", str(src / "blueprint.yaml"), "--sample"])
    assert run.exit_code == 0, run.output
    assert json.loads(run.output[run.output.index("{\n"):])["uri"] == "/articles/sample"  # after the log line


def test_one_bucket_policy_even_when_two_origins_read_one_bucket(tmp_path):
    result, out, _src = render_text(
        "service: site\nbuckets:\n  web: {}\nedge:\n  origins:\n    a: {bucket: web}\n    b: {bucket: web, path: /b}\n"
        "  default_origin: a\n  behaviors:\n    - {path: /b/*, origin: b}\n", tmp_path)
    assert result.exit_code == 0, result.output
    s3 = (out / "dev" / "s3.tf").read_text()
    assert s3.count('resource "aws_s3_bucket_policy"') == 1
    assert s3.count("cloudfront.amazonaws.com") == 2


# What the rendered edge.tf asks CloudFront for, as boto3 calls a probe can make against the emulator.
CLOUDFRONT_CALLS = {
    "CreateOriginAccessControl": lambda cf: cf.create_origin_access_control(OriginAccessControlConfig={
        "Name": "probe", "SigningProtocol": "sigv4", "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"}),
    "CreateResponseHeadersPolicy": lambda cf: cf.create_response_headers_policy(ResponseHeadersPolicyConfig={
        "Name": "probe", "SecurityHeadersConfig": {"ContentTypeOptions": {"Override": True}}}),
    "CreateFunction": lambda cf: cf.create_function(
        Name="probe", FunctionConfig={"Comment": "probe", "Runtime": "cloudfront-js-2.0"},
        FunctionCode=b"function handler(e) { return e.request; }"),
}


@pytest.mark.e2e
@pytest.mark.terraform
@pytest.mark.xdist_group("e2e")
def test_emulator_apply(tmp_path):
    """Apply the bucket-only site on moto: apply, an empty second plan, destroy. moto's CloudFront
    keeps distributions but lacks the response headers policy API, which tests/moto_faithful.py adds
    (moto alone answers NotImplementedError, which the AWS provider retries for many minutes): each
    call edge.tf needs is probed first, and a missing one skips the test naming it."""
    import boto3
    from botocore.exceptions import ClientError
    from tfharness import MotoServer, require_moto, require_terraform, run_tf, tf_env

    require_terraform()
    require_moto()
    result, out, _src = render_copy(CASES / "edge_site", "blueprint.yaml", tmp_path / "w")
    assert result.exit_code == 0, result.output
    with MotoServer(command=[sys.executable, str(TESTS / "moto_faithful.py")]) as server:
        cf = boto3.client("cloudfront", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
        missing = []
        for name, call in CLOUDFRONT_CALLS.items():
            try:
                call(cf)
            except ClientError as exc:  # moto answers 500 (or 404, no route) for an action it lacks
                if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") not in (404, 500):
                    raise
                missing.append(name)
        if missing:
            pytest.skip(f"moto limitation: CloudFront {', '.join(missing)} not implemented by moto "
                        f"(the AWS provider would retry it until it times out)")
        env = server.merged_env(tf_env(tmp_path / "cli"))
        module = out / "dev"

        def tf(*args):
            return run_tf(["-chdir=" + str(module), *args, "-no-color"], env=env, timeout=900)

        assert tf("init", "-input=false").returncode == 0
        applied = tf("apply", "-auto-approve", "-input=false")
        assert applied.returncode == 0, applied.stdout[-4000:] + applied.stderr[-4000:]
        try:
            assert tf("plan", "-detailed-exitcode", "-input=false").returncode == 0
        finally:
            assert tf("destroy", "-auto-approve", "-input=false").returncode == 0


def test_lambda_at_edge_does_not_inherit_default_layers(tmp_path):
    """`defaults.layers` reach every other function; Lambda@Edge takes no layers (its own: SLS340)."""
    import shutil

    shutil.copytree(CASES / "edge_functions", tmp_path / "case")
    path = tmp_path / "case" / "blueprint.yaml"
    layer = '"arn:aws:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:7"'
    path.write_text(path.read_text().replace("defaults:\n", f"defaults:\n  layers: [{layer}]\n", 1))
    plans: dict = {}
    validate(path, plans=plans)
    plan = plans["dev"]
    edge = next(f for f in plan.functions if f.name == "edge-auth")
    other = next(f for f in plan.functions if f.name == "read-article")
    assert edge.layers == () and len(other.layers) == 1
    assert "layers" not in _block(render_stage(plan)["lambda.tf"], 'resource "aws_lambda_function" "edge_auth"')
