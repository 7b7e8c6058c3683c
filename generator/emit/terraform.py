"""Emit Terraform: one root module per stage, rendered from the plan by thin Jinja templates."""

from __future__ import annotations

from generator.emit.hcl import format_hcl
from generator.emit.templates import environment
from generator.plan.model import StagePlan


def data_files(data) -> list[tuple[str, str]]:
    """Buckets, secrets and stream consumers (plan.data.DataPlan), each family in its own file."""
    if not data:
        return []
    files = []
    if data.buckets:
        files.append(("s3.tf", "s3.tf.j2"))
    if data.secrets or data.parameters:
        files.append(("secrets.tf", "secrets.tf.j2"))
    if data.streams:
        files.append(("streams.tf", "streams.tf.j2"))
    return files


def stage_files(plan: StagePlan) -> list[tuple[str, str]]:
    """(file name, template) pairs for one stage; families without resources are left out."""
    files = [
        ("versions.tf", "versions.tf.j2"),
        ("main.tf", "main.tf.j2"),
        ("variables.tf", "variables.tf.j2"),
        ("outputs.tf", "outputs.tf.j2"),
    ]
    if plan.functions:
        files += [("iam.tf", "iam.tf.j2"), ("lambda.tf", "lambda.tf.j2")]
    if any(fn.alias for fn in plan.functions):
        files.append(("aliases.tf", "aliases.tf.j2"))
    if any(fn.queue_triggers for fn in plan.functions):
        files.append(("triggers.tf", "triggers.tf.j2"))
    if plan.api:
        files.append(("api.tf", f"api_{plan.api.type}.tf.j2"))
    if plan.queues:
        files.append(("sqs.tf", "sqs.tf.j2"))
    if plan.tables:
        files.append(("dynamodb.tf", "dynamodb.tf.j2"))
    files += data_files(plan.data)
    files += messaging_files(plan.messaging)
    obs = plan.observability
    if obs and obs.topic:
        files.append(("alarms.tf", "alarms.tf.j2"))
    if obs and obs.dashboard:
        files.append(("dashboard.tf", "dashboard.tf.j2"))
    return files


def messaging_files(m) -> list[tuple[str, str]]:
    """Topics, buses and rules, schedules, failure queues, queue fan-in policies (plan/messaging.py)."""
    if m is None:
        return []
    wanted = [
        ("sns.tf", m.topics or m.subscriptions),
        ("events.tf", m.events),
        ("schedules.tf", m.schedules),
        ("async.tf", m.failure_queues),
        ("sqs_policies.tf", m.queue_policies),
    ]
    return [(name, name + ".j2") for name, present in wanted if present]


def render_stage(plan: StagePlan) -> dict[str, str]:
    """File name -> formatted Terraform text for one stage's root module."""
    return {name: _render_file(plan, template) for name, template in stage_files(plan)}


def _render_file(plan: StagePlan, template: str) -> str:
    return format_hcl(environment().get_template("terraform/" + template).render(plan=plan))
