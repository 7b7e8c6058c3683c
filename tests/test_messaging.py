"""Messaging family: async failure handling, least-privilege roles and policies, alias routing, checks."""

from __future__ import annotations

import textwrap

import pytest

from generator.diagnostics import BlueprintError
from generator.emit.terraform import render_stage
from generator.model.blueprint import Blueprint
from generator.pipeline import validate
from generator.plan.build import build_plan


def plan_of(data: dict):
    return build_plan(Blueprint.model_validate({"service": "svc", **data}), "dev", "blueprint.yaml")


def codes(tmp_path, text: str) -> list[tuple[str, str]]:
    bp = tmp_path / "blueprint.yaml"
    bp.write_text(textwrap.dedent(text))
    with pytest.raises(BlueprintError) as err:
        validate(bp)
    return [(d.code, d.message) for d in err.value.diagnostics]


ASYNC_BLUEPRINT = {
    "topics": {"t": {}},
    "buckets": {"b": {}},
    "queues": {"q": {}},
    "functions": {
        "web": {"events": [{"http": "GET /"}]},
        "poller": {"events": [{"queue": "q"}]},
        "on-topic": {"events": [{"topic": "t"}]},
        "on-rule": {"events": [{"eventbridge": {"pattern": {"source": ["x"]}}}]},
        "on-schedule": {"events": [{"schedule": "rate(1 hour)"}]},
        "on-bucket": {"events": [{"bucket": "b"}]},
    },
}


def test_only_async_triggers_get_a_failures_queue_invoke_config_and_dlq():
    plan = plan_of(ASYNC_BLUEPRINT)
    async_fns = {f.name for f in plan.functions if f.async_invoked}
    assert async_fns == {"on-topic", "on-rule", "on-schedule", "on-bucket"}
    queues = {q.function.name: q for q in plan.parts.function.failure_queues}
    assert set(queues) == async_fns
    q = queues["on-bucket"]
    assert (q.physical, q.maximum_retry_attempts, q.retention_seconds) == ("svc-dev-on-bucket-failures", 2, 1209600)
    lam = render_stage(plan)["lambda.tf"]
    assert lam.count("dead_letter_config") == 4
    assert lam.count("#checkov:skip=CKV_AWS_116:") == 2  # web (API) and poller (SQS)
    assert "target_arn = aws_sqs_queue.on_bucket_failures.arn" in lam
    invoke = render_stage(plan)["async.tf"]
    assert invoke.count('resource "aws_lambda_function_event_invoke_config"') == 4
    assert "destination = aws_sqs_queue.on_rule_failures.arn" in invoke


def test_async_role_may_send_only_to_its_own_failures_queue():
    fns = {f.name: f for f in plan_of(ASYNC_BLUEPRINT).functions}
    st = [s for s in fns["on-topic"].statements if s.sid == "FailureQueue"]
    assert [(s.actions, tuple(map(str, s.resources))) for s in st] == [
        (("sqs:SendMessage",), ("aws_sqs_queue.on_topic_failures.arn",))
    ]
    assert not [s for s in fns["web"].statements if "sqs:SendMessage" in s.actions]


def test_scheduler_role_may_invoke_only_its_function():
    plan = plan_of({"functions": {"job": {"events": [{"schedule": "rate(5 minutes)"}, {"schedule": "rate(1 day)"}]}}})
    (role,) = plan.parts.schedule.scheduler_roles
    got = {(s.actions, tuple(map(str, s.resources))) for s in role.statements}
    assert got == {
        (("lambda:InvokeFunction",), ("aws_lambda_function.job.arn",)),
        (("sqs:SendMessage",), ("aws_sqs_queue.job_failures.arn",)),
    }
    text = render_stage(plan)["schedules.tf"]
    assert '"aws:SourceAccount" = local.account_id' in text
    assert 'Service = "scheduler.amazonaws.com"' in text
    assert [s.tf for s in plan.parts.schedule.schedules] == ["job_schedule", "job_schedule_2"]


def test_queue_policy_admits_exactly_the_feeding_topics_and_rules():
    plan = plan_of(
        {
            "topics": {"a": {}, "b": {}, "unused": {}},
            "queues": {
                "q": {"subscribe": [{"topic": "a"}, {"topic": "b", "filter": {"k": ["v"]}}, {"eventbridge": {"pattern": {"source": ["s"]}}}]},
                "plain": {},
            },
        }
    )
    policy, dead_letters = plan.parts.queue.policies  # the queue's, and its rules' dead-letter queue's
    assert policy.queue_ref == "aws_sqs_queue.q"
    got = {(s.service, tuple(map(str, s.source_arns))) for s in policy.sources}
    assert got == {
        ("sns.amazonaws.com", ("aws_sns_topic.a.arn", "aws_sns_topic.b.arn")),
        ("events.amazonaws.com", ("aws_cloudwatch_event_rule.queue_q_default.arn",)),
    }
    assert dead_letters.queue_ref == "aws_sqs_queue.q_events_dlq"
    assert {(s.service, tuple(map(str, s.source_arns))) for s in dead_letters.sources} == {
        ("events.amazonaws.com", ("aws_cloudwatch_event_rule.queue_q_default.arn",)),
    }
    text = render_stage(plan)["sqs_policies.tf"]
    assert 'Action    = "sqs:SendMessage"' in text and "sqs:*" not in text


def test_triggers_route_through_the_live_alias():
    plan = plan_of(
        {
            "topics": {"t": {}},
            "functions": {
                "hot": {
                    "concurrency": {"provisioned": 2},
                    "events": [
                        {"topic": "t"},
                        {"eventbridge": {"pattern": {"source": ["x"]}}},
                        {"schedule": "rate(1 minute)"},
                    ],
                }
            },
        }
    )
    files = render_stage(plan)
    alias = "aws_lambda_alias.hot_live"
    assert f"endpoint  = {alias}.arn" in files["sns.tf"]
    assert f"arn            = {alias}.arn" in files["events.tf"]
    assert f"arn      = {alias}.arn" in files["schedules.tf"]
    for name in ("sns.tf", "events.tf", "async.tf"):
        assert f"qualifier     = {alias}.name" in files[name] or f"qualifier                    = {alias}.name" in files[name], name
    (role,) = plan.parts.schedule.scheduler_roles
    invoke = [s for s in role.statements if s.actions == ("lambda:InvokeFunction",)]
    assert {str(r) for s in invoke for r in s.resources} == {"aws_lambda_function.hot.arn", f"{alias}.arn"}


def test_default_bus_local_only_when_referenced():
    plain = plan_of({"buses": {"b": {}}, "functions": {"f": {"uses": [{"bus": "b"}]}}})
    assert "default_bus_arn" not in render_stage(plain)["events.tf"]
    used = plan_of({"functions": {"f": {"uses": [{"bus": "default"}]}}})
    files = render_stage(used)
    assert "event-bus/default" in files["events.tf"]
    assert "local.default_bus_arn" in files["iam.tf"]


def test_messaging_keys_are_rendered_not_refused(tmp_path):
    bp = tmp_path / "blueprint.yaml"
    bp.write_text(
        "service: sv\ntopics: {t: {}}\nbuses: {b: {}}\nqueues: {q: {subscribe: [{topic: t}]}}\n"
        "functions:\n  f:\n    events: [{topic: t}, {schedule: rate(1 hour)}, {eventbridge: {bus: b, pattern: {source: [x]}}}]\n"
        "    uses: [{topic: t}, {bus: b}]\n"
    )
    validate(bp)  # raises on any error


def test_derived_names_respect_aws_limits(tmp_path):
    fn = "f" + "x" * 50
    found = codes(
        tmp_path,
        f"""\
        service: svc
        queues:
          g-failures: {{}}
        functions:
          {fn}:
            events: [{{schedule: rate(1 hour)}}, {{eventbridge: {{pattern: {{source: [x]}}}}}}]
          g:
            events: [{{schedule: rate(1 hour)}}]
        """,
    )
    messages = [m for c, m in found if c == "SLS301"]
    assert any(m.startswith("schedule name 'svc-dev-fxx") for m in messages)
    assert any(m.startswith("scheduler role name") for m in messages)
    assert any(m.startswith("EventBridge rule name") for m in messages)
    assert any("like a declared queue" in m for m in messages)


def test_fifo_targets_get_a_message_group_and_fifo_topics_their_suffix():
    plan = plan_of(
        {
            "topics": {"t": {"fifo": True, "content_based_deduplication": True}},
            "queues": {"q": {"fifo": True, "subscribe": [{"topic": "t"}, {"eventbridge": {"pattern": {"source": ["x"]}}}]}},
        }
    )
    (topic,) = plan.parts.topic.topics
    assert (topic.physical, topic.content_based_deduplication, topic.kms_master_key_id) == (
        "svc-dev-t.fifo",
        True,
        "alias/aws/sns",
    )
    (rule,) = plan.parts.bus.rules
    assert rule.message_group_id == rule.physical == "svc-dev-q-default-sqs"
    assert 'message_group_id = "svc-dev-q-default-sqs"' in render_stage(plan)["events.tf"]
