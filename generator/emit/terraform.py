"""Emit Terraform: one root module per stage, rendered from the plan by thin Jinja templates."""

from __future__ import annotations

import os
import sys

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


# Below this many functions a second process costs more than it saves (fork + copying the text back).
PARALLEL_MIN_FUNCTIONS = 200


def render_stage(plan: StagePlan) -> dict[str, str]:
    """File name -> formatted Terraform text for one stage's root module.

    A large stage is rendered on two cores: a forked child renders about half of the text (the
    families whose size grows with the function count are dealt out by turns) and sends it back
    through a pipe. Whatever the child does not deliver intact is rendered here instead, so the
    result never depends on whether the child ran.
    """
    files = stage_files(plan)
    if len(plan.functions) < PARALLEL_MIN_FUNCTIONS or not hasattr(os, "fork") or sys.platform != "linux":
        return {name: _render_file(plan, template) for name, template in files}
    big = [f for f in files if f[0] in _PER_FUNCTION]
    theirs = big[1::2]
    ours = [f for f in files if f not in theirs]
    done = _in_child(lambda: {name: _render_file(plan, template) for name, template in theirs})
    out = {name: _render_file(plan, template) for name, template in ours}
    out.update(done())
    for name, template in theirs:
        if name not in out:
            out[name] = _render_file(plan, template)
    return {name: out[name] for name, _ in files}


# Files holding a few blocks per function, largest first (for N functions behind an API).
_PER_FUNCTION = ("lambda.tf", "iam.tf", "api.tf", "outputs.tf", "triggers.tf", "sqs.tf", "aliases.tf")


def _render_file(plan: StagePlan, template: str) -> str:
    return format_hcl(environment().get_template("terraform/" + template).render(plan=plan))


def _in_child(work):
    """Run ``work()`` (returning {str: str}) in a forked child; returns a function that collects the
    result ({} when the child failed in any way)."""
    import json

    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return dict
    if pid == 0:  # pragma: no cover - the child process (its effect is tested through the result)
        status = 1
        try:
            os.close(read_fd)
            data = json.dumps(work()).encode()
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)

    def collect() -> dict[str, str]:
        with os.fdopen(read_fd, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status != 0:
            return {}
        try:
            result = json.loads(data)
        except ValueError:
            return {}
        return {k: v for k, v in result.items() if isinstance(k, str) and isinstance(v, str)}

    return collect
