"""Buckets, secrets, streams, global tables and FIFO queues: the rules a user relies on.

Error cases assert the exact code and blueprint line; plan cases assert the settings the
snapshots show only once (one notification per bucket, ARNs built right, alias routing).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from rendering import CASES, render_copy
from requires import require_node

from generator.diagnostics import BlueprintError
from generator.loader import load_file
from generator.model import parse_blueprint, stage_blueprints
from generator.pipeline import validate
from generator.plan.build import build_plan
from generator.families.secret.plan import parameter_arn


def problems(tmp_path, text: str) -> list[tuple[str, int, str]]:
    """(code, line, message) of every error a blueprint raises; [] when it is valid."""
    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent(text))
    try:
        validate(bp)
    except BlueprintError as err:
        return [(d.code, d.line, d.message) for d in err.diagnostics]
    return []


def plan_of(tmp_path, text: str, stage: str = "dev"):
    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent(text))
    doc = load_file(bp)
    stages = stage_blueprints(doc, parse_blueprint(doc))
    return build_plan(stages[stage], stage, "bp.yaml")


def codes_at(found, code):
    return [(line, msg) for c, line, msg in found if c == code]


# ------------------------------------------------------------------ buckets
def test_all_events_of_a_bucket_share_one_notification_and_each_function_one_permission(tmp_path):
    plan = plan_of(
        tmp_path,
        """\
        service: docs
        buckets: {uploads: {}, other: {versioning: false}}
        functions:
          a:
            events:
              - {bucket: uploads, on: [created, removed], prefix: a/}
              - {bucket: uploads, prefix: b/}
          b:
            events:
              - {bucket: uploads, prefix: c/}
        """,
    )
    other, uploads = plan.parts.bucket.buckets
    assert (other.name, other.versioning, other.notifications, other.permissions) == ("other", False, (), ())
    assert [(n.id, n.events, n.prefix) for n in uploads.notifications] == [
        ("a-0", ("s3:ObjectCreated:*", "s3:ObjectRemoved:*"), "a/"),
        ("a-1", ("s3:ObjectCreated:*",), "b/"),
        ("b-0", ("s3:ObjectCreated:*",), "c/"),
    ]
    assert [p.tf for p in uploads.permissions] == ["bucket_uploads_a", "bucket_uploads_b"]
    assert str(uploads.physical) == '"${local.prefix}-uploads-${local.account_id}"'


def test_bucket_triggers_route_through_the_live_alias(tmp_path):
    from generator.emit.terraform import render_stage

    plan = plan_of(
        tmp_path,
        """\
        service: docs
        buckets: {uploads: {}}
        tables: {t: {partition_key: pk, stream: new_image}}
        functions:
          a:
            concurrency: {provisioned: 2}
            events:
              - {bucket: uploads}
              - {stream: t}
        """,
    )
    files = render_stage(plan)
    assert "lambda_function_arn = aws_lambda_alias.a_live.arn" in files["s3.tf"]
    assert "qualifier      = aws_lambda_alias.a_live.name" in files["s3.tf"]
    assert "function_name                  = aws_lambda_alias.a_live.arn" in files["streams.tf"]


def test_uses_bucket_sets_the_name_variable_and_scoped_grants(tmp_path):
    plan = plan_of(
        tmp_path,
        """\
        service: docs
        buckets: {uploads: {}}
        functions:
          a:
            uses: [{bucket: uploads, access: write}]
        """,
    )
    (fn,) = plan.functions
    assert dict(fn.environment)["UPLOADS_BUCKET_NAME"] == "aws_s3_bucket.uploads.bucket"
    (write,) = [s for s in fn.statements if s.sid.startswith("Bucket")]
    assert write.actions == ("s3:AbortMultipartUpload", "s3:DeleteObject", "s3:PutObject")
    assert [str(r) for r in write.resources] == ['"${aws_s3_bucket.uploads.arn}/*"']


# ------------------------------------------------------------------ secrets
@pytest.mark.parametrize("name", ["/orders/db-password", "db-password"])
def test_parameter_arn_has_exactly_one_slash_after_parameter(name):
    arn = str(parameter_arn(name))
    assert arn.endswith(':parameter/orders/db-password"' if name.startswith("/") else ':parameter/db-password"')
    assert "parameter//" not in arn and arn.startswith('"arn:${local.partition}:ssm:${local.region}:')


def test_secrets_grant_only_their_own_arn_and_expose_only_references(tmp_path):
    plan = plan_of(
        tmp_path,
        """\
        service: pay
        secrets:
          api-key: {}
          db: {ssm: /pay/db}
        functions:
          a:
            uses: [{secret: api-key}, {secret: db}]
        """,
    )
    (fn,) = plan.functions
    env = dict(fn.environment)
    assert env["API_KEY_SECRET_ARN"] == "aws_secretsmanager_secret.api_key.arn"
    assert env["DB_PARAMETER_NAME"] == "/pay/db"
    by_sid = {s.sid: s for s in fn.statements}
    assert by_sid["SecretApiKeyRead"].actions == ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue")
    assert [str(r) for r in by_sid["SecretApiKeyRead"].resources] == ["aws_secretsmanager_secret.api_key.arn"]
    assert by_sid["ParameterDbRead"].actions == ("ssm:GetParameter",)
    assert [str(r) for r in by_sid["ParameterDbRead"].resources] == ['local.parameter_arns["db"]']
    assert [s.physical for s in plan.parts.secret.secrets] == ["pay/dev/api-key"]
    assert [p.name for p in plan.parts.secret.parameters] == ["db"]


# ------------------------------------------------------------------ streams
STREAM = """\
service: ledger
tables:
  entries: {partition_key: pk%s}
functions:
  project:
    events:
      - stream: entries
"""


def test_stream_consumer_defaults_are_bounded(tmp_path):
    plan = plan_of(tmp_path, STREAM % ", stream: new_image")
    (s,) = plan.parts.table.streams
    assert (s.batch_size, s.starting_position, s.max_retries, s.batch_window) == (100, "LATEST", 3, 0)
    assert 60 <= s.max_record_age <= 86400
    assert s.failure_physical == "ledger-dev-project-entries-stream-failures"
    (fn,) = plan.functions
    by_sid = {st.sid: st for st in fn.statements}
    assert [str(r) for r in by_sid["StreamEntriesConsume"].resources] == ["aws_dynamodb_table.entries.stream_arn"]
    assert by_sid["StreamEntriesFailures"].actions == ("sqs:SendMessage",)
    assert [str(r) for r in by_sid["StreamEntriesFailures"].resources] == [f"aws_sqs_queue.{s.failure_tf}.arn"]


def test_stream_filter_takes_one_pattern_or_a_list(tmp_path):
    one = plan_of(tmp_path, STREAM % ", stream: new_image" + "        filter: {eventName: [INSERT]}\n")
    assert one.parts.table.streams[0].filters == ({"eventName": ["INSERT"]},)
    two = "        filter: [{eventName: [INSERT]}, {eventName: [REMOVE]}]\n"
    many = plan_of(tmp_path, STREAM % ", stream: new_image" + two)
    assert len(many.parts.table.streams[0].filters) == 2


# ------------------------------------------------------------------ global tables
def test_replicas_turn_on_the_stream_aws_needs(tmp_path):
    plan = plan_of(tmp_path, "service: pp\ntables:\n  users: {partition_key: id, replicas: [us-east-1]}\n")
    (t,) = plan.parts.table.tables
    assert t.stream_view_type == "NEW_AND_OLD_IMAGES" and t.replicas == ("us-east-1",)


# ------------------------------------------------------------------ FIFO
def test_fifo_queue_and_its_dead_letter_queue_are_both_fifo(tmp_path):
    plan = plan_of(tmp_path, "service: billing\nqueues:\n  q: {fifo: true, content_based_deduplication: true}\n")
    (q,) = plan.parts.queue.queues
    assert (q.physical, q.dlq_physical, q.fifo, q.content_based_deduplication) == (
        "billing-dev-q.fifo",
        "billing-dev-q-dlq.fifo",
        True,
        True,
    )


# ------------------------------------------------------------------ scaffolds
def run_scaffold_tests(code_dir):
    if (code_dir / "index.mjs").exists():
        cmd = [require_node(), "--test"]
    else:
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    run = subprocess.run(cmd, cwd=code_dir, capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, f"{code_dir.name}: {run.stdout}\n{run.stderr}"


def test_node_queue_consumer_with_a_secret_keeps_the_process_global(tmp_path):
    # The message handler once was exported as `process`, shadowing Node's global in the whole
    # module: reading process.env (resource names, secrets) then threw at import.
    src = tmp_path / "case"
    src.mkdir()
    (src / "blueprint.yaml").write_text(
        "service: nq\nqueues: {work: {}}\nsecrets: {k: {}}\nfunctions:\n  w:\n    runtime: nodejs22.x\n"
        "    events: [{queue: work}]\n    uses: [{secret: k}, {queue: work}]\n"
    )
    result, _, out_src = render_copy(src, "blueprint.yaml", tmp_path / "run")
    assert result.exit_code == 0, result.output
    run_scaffold_tests(out_src / "src" / "w")


@pytest.mark.parametrize("case", ["s3_bucket_events", "dynamodb_stream_consumer", "secrets"])
def test_generated_scaffold_unit_tests_pass(case, tmp_path):
    result, _, src = render_copy(CASES / case, "blueprint.yaml", tmp_path)
    assert result.exit_code == 0, result.output
    dirs = sorted(p.parent for p in src.glob("src/*/*") if p.name in ("handler.py", "index.mjs"))
    assert dirs
    for code_dir in dirs:
        run_scaffold_tests(code_dir)
