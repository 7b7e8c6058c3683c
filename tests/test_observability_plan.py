"""The observability plan step: which alarms and widgets a stage gets, from plan data alone."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

from generator.model.blueprint import Blueprint
from generator.plan.access import XRAY_ACTIONS
from generator.plan.build import build_plan
from generator.plan.model import FailureQueue
from generator.families.observability.plan import alarms, dashboard, finish


def plan_of(data: dict, stage: str = "dev"):
    return build_plan(Blueprint.model_validate(data), stage, "bp.yaml")


BASE = {
    "service": "demo",
    "observability": {"alarms": {"notify": ["b@example.com", "a@example.com"]}, "dashboard": True},
    "tables": {"orders": {"partition_key": "pk", "stream": "new_image"}},
    "queues": {"work": {}, "bare": {"dead_letter": False}},
    "functions": {
        "api": {"timeout": 20, "events": [{"http": "GET /x"}]},
        "project": {"events": [{"stream": "orders"}]},
    },
}


def by_tf(plan):
    return {a.tf: a for a in plan.parts.observability.alarms}


def test_alarm_set_covers_functions_dlqs_streams_and_api():
    plan = plan_of(BASE)
    assert sorted(by_tf(plan)) == [
        "api_5xx",
        "bare_oldest_message",  # work queues: delivery_failures is on with the alarms
        "fn_api_duration",
        "fn_api_errors",
        "fn_api_throttles",
        "fn_project_duration",
        "fn_project_errors",
        "fn_project_iterator_age",
        "fn_project_throttles",
        "project_orders_stream_failures_depth",  # the stream mapping's on-failure queue (plan.data)
        "work_dlq_depth",
        "work_oldest_message",
    ]
    assert plan.parts.observability.topic.notify == ("a@example.com", "b@example.com")
    assert plan.parts.observability.topic.name == "demo-dev-alarms"


def test_thresholds_keep_their_meaning():
    data = {**BASE, "observability": {"alarms": {"errors": 4, "duration_pct": 50, "iterator_age_seconds": 30}}}
    alarms_ = by_tf(plan_of(data))
    assert alarms_["fn_api_errors"].threshold == 4
    assert alarms_["fn_api_duration"].threshold == 10000  # 50% of 20 s, in ms
    assert alarms_["fn_api_duration"].statistic == "p99" and alarms_["fn_api_duration"].extended
    assert alarms_["fn_project_iterator_age"].threshold == 30000
    assert alarms_["work_dlq_depth"].comparison == "GreaterThanOrEqualToThreshold"


def test_failure_queues_of_functions_get_alarms_and_widgets():
    plan = plan_of(BASE)
    # Any family whose part offers dead_letters() gets depth alarms and widgets, with no change to observability.
    queue = FailureQueue("project_failures", "demo-dev-project-failures", "on-failure queue of project")
    plan = dataclasses.replace(plan, parts=plan.parts.replace("later", SimpleNamespace(dead_letters=lambda: [queue])))
    assert [q.tf for q in plan.failure_queues] == ["project_failures", "project_orders_stream_failures", "work_dlq"]
    settings = Blueprint.model_validate(BASE).observability.alarms
    assert "project_failures_depth" in {a.tf for a in alarms(plan, settings)}
    body = dashboard(plan)
    queue_widget = next(w for w in body["widgets"] if w["properties"]["title"].startswith("Queue depth"))
    names = [m[3] for m in queue_widget["properties"]["metrics"]]
    assert names == [
        "aws_sqs_queue.bare.name",
        "aws_sqs_queue.work.name",
        "aws_sqs_queue.project_failures.name",
        "aws_sqs_queue.project_orders_stream_failures.name",
        "aws_sqs_queue.work_dlq.name",
    ]


def test_rest_api_alarm_uses_5xxerror_with_api_name():
    plan = plan_of({**BASE, "api": {"type": "rest"}})
    alarm = by_tf(plan)["api_5xx"]
    assert alarm.metric == "5XXError"
    assert dict(alarm.dimensions)["ApiName"] == "aws_api_gateway_rest_api.api.name"


def test_http_api_alarm_uses_5xx_on_the_default_stage():
    alarm = by_tf(plan_of(BASE))["api_5xx"]
    assert (alarm.namespace, alarm.metric) == ("AWS/ApiGateway", "5xx")
    assert dict(alarm.dimensions)["Stage"] == "$default"


def test_dashboard_widgets_follow_the_blueprint_and_are_laid_out_in_two_columns():
    body = plan_of(BASE).parts.observability.dashboard
    titles = [w["properties"]["title"] for w in body["widgets"]]
    assert titles == [
        "Invocations",
        "Errors",
        "Throttles",
        "Duration p99 (ms)",
        "Concurrent executions",
        "Queue depth (messages visible)",
        "Stream iterator age (ms)",
        "API latency p99 (ms)",
        "API 5xx responses",
    ]
    assert [(w["x"], w["y"]) for w in body["widgets"][:3]] == [(0, 0), (12, 0), (0, 6)]
    minimal = plan_of({"service": "demo", "observability": {"dashboard": True}, "functions": {"a": {}}})
    assert [w["properties"]["title"] for w in minimal.parts.observability.dashboard["widgets"]][-1] == "Concurrent executions"


def test_nothing_without_observability_settings():
    plan = plan_of({"service": "demo", "functions": {"a": {}}})
    assert plan.parts.observability is None
    only_dash = plan_of({"service": "demo", "observability": {"dashboard": True}, "functions": {"a": {}}})
    assert only_dash.parts.observability.topic is None and only_dash.parts.observability.alarms == ()
    assert finish(SimpleNamespace(bp=Blueprint.model_validate({"service": "demo"})), only_dash) is None


def test_stage_override_turns_on_provisioned_concurrency_and_the_alias():
    data = {
        "service": "demo",
        "functions": {"a": {"events": [{"http": "GET /a"}]}},
    }
    dev = plan_of(data)
    assert not dev.functions[0].alias and dev.functions[0].target_arn == "aws_lambda_function.a.arn"
    prod = plan_of({**data, "functions": {"a": {"events": [{"http": "GET /a"}], "concurrency": {"provisioned": 3}}}})
    fn = prod.functions[0]
    assert fn.alias and fn.provisioned == 3
    assert fn.invoke_arn == "aws_lambda_alias.a_live.invoke_arn"
    assert fn.permission_qualifier == "aws_lambda_alias.a_live.name"
    # the alias address is a compatibility contract: pinned like every other address
    hyphen = plan_of({"service": "demo", "functions": {"create-order": {"snapstart": True}}}).functions[0]
    assert hyphen.alias_tf == "create_order_live" and hyphen.target_arn == "aws_lambda_alias.create_order_live.arn"


def test_xray_write_actions_are_the_only_star_resources():
    plan = plan_of(BASE)
    for fn in plan.functions:
        assert fn.tracing  # active by default
        for st in fn.statements:
            if "*" in st.resources:
                assert st.resources == ("*",) and set(st.actions) == set(XRAY_ACTIONS), st
    assert set(XRAY_ACTIONS) == {"xray:PutTelemetryRecords", "xray:PutTraceSegments"}


def test_provisioned_functions_get_a_spillover_alarm_on_the_alias():
    data = {**BASE, "functions": {**BASE["functions"], "api": {"events": [{"http": "GET /x"}], "concurrency": {"provisioned": 2}}}}
    data["observability"] = {"alarms": {"provisioned_spillover": 7}}
    alarms_ = by_tf(plan_of(data))
    spill = alarms_["fn_api_spillover"]
    assert (spill.metric, spill.threshold) == ("ProvisionedConcurrencySpilloverInvocations", 7)
    assert dict(spill.dimensions)["Resource"] == '"${aws_lambda_alias.api_live.function_name}:${aws_lambda_alias.api_live.name}"'
    assert "fn_project_spillover" not in alarms_  # no provisioned concurrency, no spillover


DELIVERY = {
    "service": "demo",
    "observability": {"alarms": {"notify": ["a@example.com"]}},
    "buses": {"commerce": {}},
    "topics": {"news": {}},
    "queues": {
        "inbox": {"subscribe": [{"eventbridge": {"bus": "commerce", "pattern": {"source": ["shop"]}}}]},
    },
    "functions": {
        "on-news": {"events": [{"topic": "news"}]},
        "on-order": {"events": [{"eventbridge": {"pattern": {"source": ["shop"]}}}]},
        "worker": {"events": [{"queue": "inbox"}]},
    },
}


def test_silent_delivery_failures_get_alarms():
    """Deliveries AWS gives up on without any function failing: an async function's dead letters and
    destinations that could not be written, rule targets EventBridge could not invoke (or whose
    event it could not dead-letter), and a work queue whose oldest message keeps ageing."""
    plan = plan_of(DELIVERY)
    alarms_ = by_tf(plan)
    dead_letter = alarms_["fn_on_news_dead_letter_errors"]
    assert (dead_letter.namespace, dead_letter.metric, dead_letter.statistic, dead_letter.threshold) == (
        "AWS/Lambda", "DeadLetterErrors", "Sum", 1
    )
    assert [k for k, _ in dead_letter.dimensions] == ["FunctionName"]
    assert alarms_["fn_on_order_destination_delivery_failures"].metric == "DestinationDeliveryFailures"
    assert "fn_worker_dead_letter_errors" not in alarms_  # polled, not invoked asynchronously
    default_rule = alarms_["rule_on_order_default_failed_invocations"]
    assert (default_rule.namespace, default_rule.metric) == ("AWS/Events", "FailedInvocations")
    assert [k for k, _ in default_rule.dimensions] == ["RuleName"]  # default bus: RuleName only
    custom_rule = alarms_["rule_queue_inbox_commerce_dlq_failures"]
    assert custom_rule.metric == "InvocationsFailedToBeSentToDlq"
    assert [k for k, _ in custom_rule.dimensions] == ["EventBusName", "RuleName"]  # a custom bus: both
    age = alarms_["inbox_oldest_message"]
    assert (age.namespace, age.metric, age.statistic, age.threshold, age.comparison) == (
        "AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", 3600, "GreaterThanThreshold"
    )
    # the rule that fans into the queue dead-letters what it cannot deliver, and that queue is watched
    rule = next(r for r in plan.parts.bus.rules if r.tf == "queue_inbox_commerce")
    assert str(rule.dead_letter_arn) == "aws_sqs_queue.inbox_events_dlq.arn"
    assert "inbox_events_dlq_depth" in alarms_
    policies = {p.tf: p for p in plan.parts.queue.policies}
    assert [str(a) for s in policies["inbox_events_dlq"].sources for a in s.source_arns] == [
        "aws_cloudwatch_event_rule.queue_inbox_commerce.arn"
    ]


def test_delivery_failure_alarms_can_be_turned_off():
    data = {**DELIVERY, "observability": {"alarms": {"delivery_failures": False, "oldest_message_seconds": 60}}}
    alarms_ = by_tf(plan_of(data))
    assert not [tf for tf in alarms_ if tf.startswith("rule_") or tf.endswith(("_oldest_message", "_dead_letter_errors"))]
    assert "inbox_events_dlq_depth" in alarms_  # a queue holding failures keeps its depth alarm
