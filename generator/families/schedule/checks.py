"""Schedule checks: expressions and time zones (rules 30, 31, 34), which EventBridge Scheduler accepts
only at apply time, and the length of the schedule and scheduler role names sls-gen derives."""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Iterable

from generator.checks.names import NameRule, derived_too_long, name_problems
from generator.checks.references import Reference
from generator.diagnostics import Diagnostic
from generator.families.schedule.model import ScheduleEvent
from generator.families.schedule.plan import schedule_names, scheduler_role_name
from generator.plan.naming import Names

_MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
_DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT"
UNITS = ("minute", "hour", "day")
SCHEDULE_NAME_MAX = 64  # EventBridge Scheduler schedule names
SCHEDULE_NAME = NameRule("schedule", re.compile(r"[0-9A-Za-z._-]+"), "letters, digits, '.', '_' and '-'", SCHEDULE_NAME_MAX)
ROLE_NAME_MAX = 64
HINT = 'e.g. "rate(5 minutes)", "cron(0 2 * * ? *)" or "at(2030-01-31T09:00:00)"'


def _field_re(number: str, names: str | None = None, extra: str = "") -> re.Pattern:
    atom = number if names is None else f"(?:{number}|{names})"
    item = rf"(?:\*|{atom}(?:-{atom})?)(?:/\d+)?"
    return re.compile(rf"(?:{item}(?:,{item})*{extra})")


_N = r"\d{1,4}"
FIELDS = (  # (name, pattern, low, high)
    ("minutes", _field_re(_N), 0, 59),
    ("hours", _field_re(_N), 0, 23),
    ("day-of-month", re.compile(rf"\?|L|\d{{1,2}}W|{_field_re(_N).pattern}"), 1, 31),
    ("month", _field_re(_N, _MONTHS), 1, 12),
    # 6L / FRIL: last Friday of the month; 2#1 / MON#1: its first Monday (Quartz syntax, names too)
    ("day-of-week", re.compile(rf"\?|(?:[1-7]|{_DAYS})(?:L|#[1-5])|L|{_field_re(_N, _DAYS).pattern}", re.I), 1, 7),
    ("year", _field_re(_N), 1970, 2199),
)


def cron_problem(body: str) -> str | None:
    parts = body.split()
    if len(parts) != 6:
        return f"cron needs 6 fields (minutes hours day-of-month month day-of-week year), got {len(parts)}"
    for (name, pattern, low, high), value in zip(FIELDS, parts):
        if not pattern.fullmatch(value.upper()):
            return f"'{value}' is not a valid {name} field"
        for number in re.findall(r"(?<![/#])\b\d+", value.upper().replace("W", " ").replace("L", " ")):
            if not low <= int(number) <= high:
                return f"{name} value {number} is outside {low}-{high}"
    dom, dow = parts[2], parts[4]
    if (dom == "?") == (dow == "?"):
        return "use '?' in exactly one of day-of-month and day-of-week (AWS cannot combine both)"
    return None


def rate_problem(body: str) -> tuple[str, str | None] | None:
    m = re.fullmatch(r"\s*(\d+)\s+([a-z]+)\s*", body)
    if not m:
        return "rate needs a whole number and a unit, e.g. rate(5 minutes)", None
    value, unit = int(m.group(1)), m.group(2)
    if value < 1:
        return "rate value must be at least 1", None
    if unit.rstrip("s") not in UNITS:
        return f"unknown rate unit '{unit}'", "use minute(s), hour(s) or day(s)"
    singular = unit.rstrip("s")
    want = singular if value == 1 else singular + "s"
    if unit != want:
        return f"AWS needs '{want}' with the value {value}", f"write rate({value} {want})"
    return None


def schedule_problem(expr: str) -> tuple[str, str | None] | None:
    m = re.fullmatch(r"(rate|cron|at)\((.*)\)", expr.strip(), re.S)
    if not m:
        return f"'{expr[:60]}' is not a schedule expression", HINT
    kind, body = m.groups()
    if any(c.isspace() and c != " " for c in body):  # AWS splits on spaces; a line break reaches it as is
        return f"{expr.strip()[:60]!r} holds a line break or tab: fields are separated by single spaces", HINT
    if kind == "rate":
        return rate_problem(body)
    if kind == "cron":
        problem = cron_problem(body)
        return (problem, HINT) if problem else None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", body):
            raise ValueError
        datetime.strptime(body, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return "at() needs a date and time as yyyy-mm-ddThh:mm:ss", "e.g. at(2030-01-31T09:00:00)"
    return None


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    try:
        from zoneinfo import available_timezones

        return frozenset(available_timezones())
    except Exception:  # noqa: BLE001 - no tz database: skip the check rather than refuse
        return frozenset()


def check(ctx) -> Iterable[Diagnostic]:
    yield from _expressions(ctx)
    yield from _names(ctx)


def _expressions(ctx) -> Iterable[Diagnostic]:
    for stage, bp in ctx.stages.items():
        for fname, fn in bp.functions.items():
            for i, ev in enumerate(fn.events):
                if not isinstance(ev, ScheduleEvent):
                    continue
                path = ("functions", fname, "events", i)
                found = schedule_problem(ev.schedule)
                if found:
                    message, hint = found
                    yield ctx.stage_diag(stage, "SLS304", path + ("schedule",), message, hint=hint)
                if ev.timezone:
                    zones = _timezones()
                    if zones and ev.timezone not in zones:
                        yield ctx.stage_diag(stage, "SLS304", path + ("timezone",),
                                             f"unknown time zone '{ev.timezone}'", hint="use an IANA name, e.g. Europe/Dublin")


def _names(ctx) -> Iterable[Diagnostic]:
    for stage, bp in ctx.stages.items():
        names = Names(bp.service, stage)
        for fname, fn in bp.functions.items():
            n_schedules = 0
            for i, ev in enumerate(fn.events):
                if not isinstance(ev, ScheduleEvent):
                    continue
                path = ("functions", fname, "events", i)
                n_schedules += 1
                _, name = schedule_names(names, fname, n_schedules, ev)
                if ev.name:
                    yield from name_problems(ctx, stage, path + ("name",), SCHEDULE_NAME, name)
                elif len(name) > SCHEDULE_NAME_MAX:
                    yield derived_too_long(ctx, path + ("schedule",), "schedule name", name, SCHEDULE_NAME_MAX)
                role = scheduler_role_name(names, fname)
                if n_schedules == 1 and len(role) > ROLE_NAME_MAX:
                    yield derived_too_long(ctx, path + ("schedule",), "scheduler role name", role, ROLE_NAME_MAX)



def event_refs(bp, ev: ScheduleEvent) -> Iterable[Reference]:
    """A schedule refers to nothing but its function."""
    return ()
