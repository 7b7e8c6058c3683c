"""Observability checks: logs and alarm settings AWS would reject only at apply (aws-limits.md row 38), plus alarm wiring.

* SLS302: `logs.retention_days` must be a value CloudWatch Logs accepts.
* SLS102: `logs.level` next to `format: text` (Lambda applies levels to JSON logs only); an alarm
  `notify` entry that is not an e-mail address.
* SLS301: a topic named `alarms` when alarms are on (its name is the alarm topic's).
"""

from __future__ import annotations

import re
from typing import Iterable

from generator.checks.stages import Finding, per_stage
from generator.diagnostics import Diagnostic
from generator.model.blueprint import Blueprint

RETENTION_DAYS = (0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, logs)
    yield from per_stage(ctx, alarms)


def _logs_blocks(bp: Blueprint):
    if bp.defaults.logs:
        yield ("defaults", "logs"), bp.defaults.logs
    for fname, fn in bp.functions.items():
        if fn.logs:
            yield ("functions", fname, "logs"), fn.logs


def logs(bp: Blueprint, where) -> Iterable[Finding]:
    for path, block in _logs_blocks(bp):
        days = block.retention_days
        if days is not None and days not in RETENTION_DAYS:
            nearest = min(RETENTION_DAYS, key=lambda d: (abs(d - days), d))
            yield (
                "SLS302",
                where(path + ("retention_days",)),
                f"retention_days {days} is not a value CloudWatch Logs accepts",
                f"did you mean {nearest}? CloudWatch accepts 0 (never expire), {', '.join(map(str, RETENTION_DAYS[1:]))}",
            )
        if block.format == "text" and block.level is not None:
            yield (
                "SLS102",
                where(path + ("level",)),
                "a log level needs format: json (Lambda filters levels of JSON logs only)",
                "remove level or use format: json",
            )


def alarms(bp: Blueprint, where) -> Iterable[Finding]:
    settings = bp.observability.alarms
    if settings is None:
        return
    for i, address in enumerate(settings.notify):
        if not EMAIL.fullmatch(address):
            yield ("SLS102", where(("observability", "alarms", "notify", i)), f"'{address}' is not an e-mail address", None)
    from generator.families.topic.plan import topic_name
    from generator.plan.naming import Names

    for tname, topic in bp.topics.items():
        # The alarm topic is {service}-{stage}-alarms: a topic of the blueprint must not take that name.
        clash = topic_name(Names(bp.service, "{stage}"), tname, topic) == f"{bp.service}-{{stage}}-alarms"
        if topic.existing is None and (clash or (tname == "alarms" and not topic.name)):
            path = ("topics", tname, "name") if topic.name else ("topics", tname)
            yield (
                "SLS301",
                where(path),
                f"topic '{tname}' would have the alarm topic's name ({bp.service}-<stage>-alarms)",
                "rename the topic",
            )
