"""Plan step for `observability`: CloudWatch alarms, the alarm topic and the stage dashboard.

A cross-cutting family: it plans in `finish`, after every other family, and reads only plan data
(functions, the parts' `dead_letters()` and `work_queues()`, stream consumers, the API), so families
that land later get alarms and widgets without changes here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.emit.hcl import Raw
from generator.plan.evolution import follow
from generator.plan.model import Named, StagePlan
from generator.plan.placeholders import concat, shown
from generator.plan.views import Alert

PERIOD = 300  # seconds: the 5-minute window every alarm evaluates
TOPIC = "aws_sns_topic.alarms"


@dataclass(frozen=True)
class AlarmPlan:
    tf: str
    name: Any  # str, or an HCL template when the function's name holds {region}/{account}
    description: str
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, Any], ...]  # (name, HCL value)
    statistic: str  # Sum | Maximum | p99 (percentiles go to extended_statistic)
    threshold: int | float
    comparison: str
    period: int = PERIOD
    concerns: tuple[str, ...] = ()  # the functions it is about (README, `sls-gen explain`)
    where: tuple = ()  # what it watches, in the blueprint
    follows: tuple[str, str, str] | None = None  # (address it watches, prefix, suffix): its address derives from it

    @property
    def extended(self) -> bool:
        return self.statistic.startswith("p")


@dataclass(frozen=True)
class AlarmTopicPlan:
    name: str  # {prefix}-alarms
    key_alias: str  # alias/{prefix}-alarms
    notify: tuple[str, ...]  # e-mail addresses, sorted


@dataclass(frozen=True)
class ObservabilityPlan:
    topic: AlarmTopicPlan | None
    alarms: tuple[AlarmPlan, ...]
    dashboard_name: str | None
    dashboard: dict | None  # the dashboard body, rendered through jsonencode()
    event_alarms: tuple = ()  # plan.model.EventAlarm: rules on the default bus that notify the alarm topic
    queries: tuple = ()  # QueryPlan: saved Logs Insights queries (`observability.queries`)

    @property
    def event_rule_arns(self) -> list[Raw]:
        return [Raw(f"aws_cloudwatch_event_rule.{e.tf}.arn") for e in self.event_alarms]

    def terraform_files(self) -> list[tuple[str, str]]:
        wanted = (("alarms.tf", self.topic), ("dashboard.tf", self.dashboard), ("queries.tf", self.queries))
        return [(f, f + ".j2") for f, present in wanted if present]

    def alerts(self, plan) -> list[Alert]:
        if self.topic is None:
            return []
        notify = f"SNS topic {self.topic.name}" + (f" (e-mail: {', '.join(self.topic.notify)})" if self.topic.notify else "")
        return [Alert(shown(a.name), a.description, notify, a.concerns) for a in self.alarms] + [
            Alert(shown(e.name), f"{e.description} (EventBridge rule)", notify, e.concerns) for e in self.event_alarms
        ]

    def named(self) -> list[Named]:
        out = []
        if self.topic is not None:
            where = ("observability", "alarms")
            out += [
                Named("aws_kms_key.alarms", None, where),
                Named("aws_kms_alias.alarms", self.topic.key_alias, where),
                Named("aws_sns_topic.alarms", self.topic.name, where),
                Named("aws_sns_topic_policy.alarms", None, where),
            ]
            if self.topic.notify:
                out.append(Named("aws_sns_topic_subscription.alarms", None, ("observability", "alarms", "notify")))
        # an alarm named after what it watches is renamed with it
        out += [follow(a.follows[0], "aws_cloudwatch_metric_alarm", a.follows[1], a.follows[2], a.name, a.where)
                if a.follows else Named(f"aws_cloudwatch_metric_alarm.{a.tf}", a.name, a.where) for a in self.alarms]
        for e in self.event_alarms:
            out += [Named(f"aws_cloudwatch_event_rule.{e.tf}", e.name, e.where, "default"),
                    Named(f"aws_cloudwatch_event_target.{e.tf}", None, e.where)]
        if self.dashboard is not None:
            out.append(Named("aws_cloudwatch_dashboard.stage", self.dashboard_name, ("observability", "dashboard")))
        out += [Named(f"aws_cloudwatch_query_definition.{q.tf}", None, ("observability", "queries")) for q in self.queries]  # names need not be unique
        return out


def function_name(fn) -> Raw:
    return Raw(f"aws_lambda_function.{fn.tf}.function_name")


def live_dimensions(fn) -> tuple[tuple[str, Any], ...]:
    """Metrics of the `live` alias: FunctionName plus Resource = "<function>:live"."""
    return (
        ("FunctionName", function_name(fn)),
        ("Resource", Raw(f'"${{aws_lambda_alias.{fn.alias_tf}.function_name}}:${{aws_lambda_alias.{fn.alias_tf}.name}}"')),
    )


def stream_consumers(plan: StagePlan) -> tuple:
    """Functions with a stream event source mapping (IteratorAge is reported per function)."""
    return tuple(fn for fn in plan.functions if "stream" in fn.trigger_kinds)


def api_metrics(plan: StagePlan) -> tuple[str, str, tuple[tuple[str, Any], ...]] | None:
    """(5xx metric, latency metric, dimensions) of the stage's API, or None."""
    api = plan.api
    if api is None:
        return None
    if api.type == "http":
        return "5xx", "Latency", (("ApiId", Raw("aws_apigatewayv2_api.api.id")), ("Stage", "$default"))
    return "5XXError", "Latency", (("ApiName", Raw("aws_api_gateway_rest_api.api.name")), ("Stage", Raw("aws_api_gateway_stage.api.stage_name")))


# ---------------------------------------------------------------- alarms
def regional(plan: StagePlan) -> tuple:
    """The functions in the stage's region: a function a family placed elsewhere (Lambda@Edge in
    us-east-1, whose replicas report in every region) is watched by that family's own alarms."""
    return tuple(fn for fn in plan.functions if not getattr(fn, "provider", None))


def alarms(plan: StagePlan, settings) -> tuple[AlarmPlan, ...]:
    out: list[AlarmPlan] = []
    for fn in regional(plan):
        dims = (("FunctionName", function_name(fn)),)
        limit_ms = fn.timeout * 1000 * settings.duration_pct // 100
        out += [
            AlarmPlan(
                f"fn_{fn.tf}_errors",
                concat(fn.physical, "-errors"),
                f"{fn.name}: {settings.errors} or more errors in 5 minutes",
                "AWS/Lambda", "Errors", dims, "Sum", settings.errors, "GreaterThanOrEqualToThreshold", concerns=(fn.name,),
                where=("functions", fn.name),
                follows=(fn.address, "fn_", "_errors"),
            ),
            AlarmPlan(
                f"fn_{fn.tf}_throttles",
                concat(fn.physical, "-throttles"),
                f"{fn.name}: {settings.throttles} or more throttled invocations in 5 minutes",
                "AWS/Lambda", "Throttles", dims, "Sum", settings.throttles, "GreaterThanOrEqualToThreshold", concerns=(fn.name,),
                where=("functions", fn.name),
                follows=(fn.address, "fn_", "_throttles"),
            ),
            AlarmPlan(
                f"fn_{fn.tf}_duration",
                concat(fn.physical, "-duration"),
                f"{fn.name}: p99 duration above {settings.duration_pct}% of the {fn.timeout} s timeout",
                "AWS/Lambda", "Duration", dims, "p99", limit_ms, "GreaterThanThreshold", concerns=(fn.name,),
                where=("functions", fn.name),
                follows=(fn.address, "fn_", "_duration"),
            ),
        ]
    for fn in plan.functions:
        if fn.provisioned:
            out.append(
                AlarmPlan(
                    f"fn_{fn.tf}_spillover",
                    concat(fn.physical, "-spillover"),
                    f"{fn.name}: {settings.provisioned_spillover} or more invocations beyond the provisioned "
                    f"{fn.provisioned} in 5 minutes (cold starts)",
                    "AWS/Lambda", "ProvisionedConcurrencySpilloverInvocations", live_dimensions(fn), "Sum",
                    settings.provisioned_spillover, "GreaterThanOrEqualToThreshold", concerns=(fn.name,),
                    where=("functions", fn.name, "concurrency"),
                    follows=(fn.address, "fn_", "_spillover"),
                )
            )
    for fn in stream_consumers(plan):
        out.append(
            AlarmPlan(
                f"fn_{fn.tf}_iterator_age",
                concat(fn.physical, "-iterator-age"),
                f"{fn.name}: stream records older than {settings.iterator_age_seconds} s when read",
                "AWS/Lambda", "IteratorAge", (("FunctionName", function_name(fn)),), "Maximum",
                settings.iterator_age_seconds * 1000, "GreaterThanThreshold", concerns=(fn.name,),
                where=("functions", fn.name, "events"),
                follows=(fn.address, "fn_", "_iterator_age"),
            )
        )
    for q in plan.failure_queues:
        out.append(
            AlarmPlan(
                f"{q.tf}_depth",
                concat(q.physical, "-depth"),
                f"{q.purpose}: {settings.dead_letter_messages} or more messages waiting",
                "AWS/SQS", "ApproximateNumberOfMessagesVisible", (("QueueName", Raw(f"aws_sqs_queue.{q.tf}.name")),),
                "Maximum", settings.dead_letter_messages, "GreaterThanOrEqualToThreshold", concerns=q.functions,
                where=q.where,
                follows=(f"aws_sqs_queue.{q.tf}", "", "_depth"),
            )
        )
    if settings.delivery_failures:
        out += delivery_alarms(plan, settings)
    api = api_metrics(plan)
    if api:
        metric, _, dims = api
        out.append(
            AlarmPlan(
                "api_5xx",
                concat(plan.api.name, "-5xx"),
                f"API: {settings.api_5xx} or more 5xx responses in 5 minutes",
                "AWS/ApiGateway", metric, dims, "Sum", settings.api_5xx, "GreaterThanOrEqualToThreshold",
                concerns=tuple(fn.name for fn in plan.api.integrations),
                where=plan.api.where,
            )
        )
    return tuple(out)


def delivery_alarms(plan: StagePlan, settings) -> list[AlarmPlan]:
    """Failures no function reports: each part's `delivery_metrics()` (one or more in 5 minutes), and
    the age of every work queue's oldest message (a consumer that cannot keep up, or messages that
    keep coming back until they reach the DLQ)."""
    out = [
        AlarmPlan(m.tf, m.name, f"{m.description}: 1 or more in 5 minutes", m.namespace, m.metric, m.dimensions,
                  "Sum", 1, "GreaterThanOrEqualToThreshold", where=m.where, follows=m.follows)
        for part in plan.parts if hasattr(part, "delivery_metrics") for m in part.delivery_metrics()
    ]
    physicals = {key: name for part in plan.parts if hasattr(part, "physicals") for key, name in part.physicals().items()}
    owners = {n.address: n.where for part in plan.parts if hasattr(part, "named") for n in part.named()}
    for tf in (tf for part in plan.parts if hasattr(part, "work_queues") for tf in part.work_queues()):
        physical = physicals.get(("aws_sqs_queue", tf), tf)
        out.append(
            AlarmPlan(
                f"{tf}_oldest_message",
                concat(physical, "-oldest-message"),
                f"{shown(physical)}: a message has waited more than {settings.oldest_message_seconds} s",
                "AWS/SQS", "ApproximateAgeOfOldestMessage", (("QueueName", Raw(f"aws_sqs_queue.{tf}.name")),),
                "Maximum", settings.oldest_message_seconds, "GreaterThanThreshold",
                where=owners.get(f"aws_sqs_queue.{tf}", ("observability", "alarms")),
                follows=(f"aws_sqs_queue.{tf}", "", "_oldest_message"),
            )
        )
    return out


# ---------------------------------------------------------------- dashboard
WIDTH, HEIGHT = 12, 6  # two widgets per row on CloudWatch's 24-column grid


def _widget(title: str, stat: str, metrics: list[list], index: int) -> dict:
    return {
        "type": "metric",
        "x": (index % 2) * WIDTH,
        "y": (index // 2) * HEIGHT,
        "width": WIDTH,
        "height": HEIGHT,
        "properties": {
            "title": title,
            "view": "timeSeries",
            "stacked": False,
            "region": Raw("local.region"),
            "stat": stat,
            "period": PERIOD,
            "metrics": metrics,
        },
    }


def dashboard(plan: StagePlan) -> dict:
    fns = regional(plan)

    def per_fn(metric: str) -> list[list]:
        return [["AWS/Lambda", metric, "FunctionName", function_name(fn)] for fn in fns]

    panels: list[tuple[str, str, list]] = []
    if fns:
        panels += [
            ("Invocations", "Sum", per_fn("Invocations")),
            ("Errors", "Sum", per_fn("Errors")),
            ("Throttles", "Sum", per_fn("Throttles")),
            ("Duration p99 (ms)", "p99", per_fn("Duration")),
            ("Concurrent executions", "Maximum", per_fn("ConcurrentExecutions")),
        ]
    provisioned = [fn for fn in fns if fn.provisioned]
    if provisioned:
        panels.append(
            (
                "Provisioned concurrency utilization",
                "Maximum",
                [
                    ["AWS/Lambda", "ProvisionedConcurrencyUtilization", *[part for pair in live_dimensions(fn) for part in pair]]
                    for fn in provisioned
                ],
            )
        )
    work = [tf for part in plan.parts if hasattr(part, "work_queues") for tf in part.work_queues()]
    queues = work + [q.tf for q in plan.failure_queues]
    if queues:
        metrics = [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", Raw(f"aws_sqs_queue.{tf}.name")] for tf in queues
        ]
        panels.append(("Queue depth (messages visible)", "Maximum", metrics))
    consumers = stream_consumers(plan)
    if consumers:
        metrics = [["AWS/Lambda", "IteratorAge", "FunctionName", function_name(fn)] for fn in consumers]
        panels.append(("Stream iterator age (ms)", "Maximum", metrics))
    api = api_metrics(plan)
    if api:
        err_metric, latency_metric, dims = api
        flat = [part for pair in dims for part in pair]
        panels.append(("API latency p99 (ms)", "p99", [["AWS/ApiGateway", latency_metric, *flat]]))
        panels.append(("API 5xx responses", "Sum", [["AWS/ApiGateway", err_metric, *flat]]))
    return {"widgets": [_widget(title, stat, metrics, i) for i, (title, stat, metrics) in enumerate(panels)]}


# ---------------------------------------------------------------- saved Logs Insights queries
# They read what the functions log in Lambda's JSON format (logging_config log_format = "JSON", the
# default): application records carry `level`, `message`, `requestId` (and, from the scaffolds,
# `correlationId` and `coldStart`: at the top in Python's records, in the `message` object in
# Node's, whose runtime keeps an object logged as `message`); failed invocations log `errorType`/`errorMessage`; the
# platform's `platform.report` record carries `record.requestId`, `record.status` and
# `record.metrics` (durationMs, maxMemoryUsedMB, and initDurationMs on a cold start).
QUERIES = {
    "errors": (
        "errors with their request ids",
        "fields @timestamp, coalesce(requestId, record.requestId) as request_id, level, coalesce(errorType, record.status) as error,"
        " coalesce(errorMessage, message) as detail, @log\n"
        "| filter level = \"ERROR\" or level = \"FATAL\" or ispresent(errorType)"
        " or (type = \"platform.report\" and record.status != \"success\")\n"
        "| sort @timestamp desc\n"
        "| limit 100",
    ),
    "slowest": (
        "the slowest invocations",
        "filter type = \"platform.report\"\n"
        "| fields @timestamp, record.requestId as request_id, record.metrics.durationMs as duration_ms,"
        " record.metrics.billedDurationMs as billed_ms, record.metrics.maxMemoryUsedMB as max_memory_mb, @log\n"
        "| sort duration_ms desc\n"
        "| limit 25",
    ),
    "cold-starts": (
        "cold starts with their init duration",
        "filter type = \"platform.report\" and ispresent(record.metrics.initDurationMs)\n"
        "| fields @timestamp, record.requestId as request_id, record.metrics.initDurationMs as init_ms,"
        " record.metrics.durationMs as duration_ms, @log\n"
        "| sort @timestamp desc\n"
        "| limit 100",
    ),
}
# One request end to end: every function's records of one correlation id (the scaffolds log the
# id they received or made), request id or X-Ray trace id. Replace REQUEST_ID before running it.
REQUEST = (
    "one request end to end (replace REQUEST_ID with a correlation, request or trace id)",
    "fields @timestamp, @log, level, coalesce(message.message, message) as text,"
    " coalesce(correlationId, message.correlationId) as correlation_id, coalesce(requestId, record.requestId) as request_id\n"
    "| filter correlationId = \"REQUEST_ID\" or message.correlationId = \"REQUEST_ID\" or requestId = \"REQUEST_ID\""
    " or record.requestId = \"REQUEST_ID\""
    " or record.tracing.value like \"REQUEST_ID\"\n"
    "| sort @timestamp asc\n"
    "| limit 1000",
)


@dataclass(frozen=True)
class QueryPlan:
    tf: str
    name: Any  # "<prefix>/<function>/<query>": the console shows saved queries in folders by "/"
    description: str
    log_groups: tuple[Any, ...]  # HCL expressions
    query: str


def queries(plan: StagePlan) -> tuple[QueryPlan, ...]:
    from generator.plan.naming import tf_id

    groups = tuple(Raw(f"aws_cloudwatch_log_group.{fn.tf}.name") for fn in plan.functions)
    out = []
    if groups:
        for key, (what, text) in QUERIES.items():
            out.append(QueryPlan(tf_id("service", key), f"{plan.prefix}/{key}", f"every function: {what}", groups, text))
        out.append(QueryPlan(tf_id("service", "request"), f"{plan.prefix}/request", REQUEST[0], groups, REQUEST[1]))
    for fn in plan.functions:
        for key, (what, text) in QUERIES.items():
            out.append(QueryPlan(tf_id("fn", fn.tf, key), f"{plan.prefix}/{fn.name}/{key}", f"{fn.name}: {what}",
                                 (Raw(f"aws_cloudwatch_log_group.{fn.tf}.name"),), text))
    return tuple(out)


# ---------------------------------------------------------------- entry point
def finish(ctx, plan: StagePlan) -> ObservabilityPlan | None:
    """The observability part of a stage, from the stage's (merged) `observability` settings."""
    observability = ctx.bp.observability
    settings = observability.alarms
    if settings is None and not observability.dashboard and not observability.queries:
        return None
    topic = None
    if settings is not None:
        topic = AlarmTopicPlan(
            name=f"{plan.prefix}-alarms",
            key_alias=f"alias/{plan.prefix}-alarms",
            notify=tuple(sorted(set(settings.notify))),
        )
    return ObservabilityPlan(
        topic=topic,
        alarms=alarms(plan, settings) if settings is not None else (),
        dashboard_name=plan.prefix if observability.dashboard else None,
        dashboard=dashboard(plan) if observability.dashboard else None,
        event_alarms=tuple(e for part in plan.parts if hasattr(part, "event_alarms") for e in part.event_alarms())
        if settings is not None else (),
        queries=queries(plan) if observability.queries else (),
    )
