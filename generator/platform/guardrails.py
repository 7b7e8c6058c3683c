"""Guardrails: org rules checked on every stage's merged blueprint (profile + blueprint + overrides).

A guardrail is normally set by the org profile (and `locked` there, so a blueprint cannot relax it);
each breach is an error (SLS420) even without --strict, located at the line that breaks the rule,
and its message names the rule and the file and line where the rule was set.
Nothing here names a kind's internals beyond the settings every function has.
"""

from __future__ import annotations

import fnmatch
from typing import Iterable

from generator.diagnostics import Diagnostic
from generator.platform.rails import Guardrails


def check(ctx) -> Iterable[Diagnostic]:
    for stage, bp in ctx.stages.items():
        rails = getattr(bp, "guardrails", None)
        if rails is not None:
            yield from _stage(ctx, stage, bp, rails)


def _stage(ctx, stage: str, bp, rails: Guardrails) -> Iterable[Diagnostic]:
    from generator.families.function.settings import resolved
    from generator.model.parse import locate_in_stage

    def rule_at(rule: tuple) -> str:
        loc = locate_in_stage(ctx.doc, stage, ("guardrails",) + rule)
        return f"{ctx.doc.file_of(loc)}:{loc[0]}" if loc[0] else ctx.doc.file

    def breach(rule: tuple, shown: str, path: tuple, what: str) -> Diagnostic:
        return ctx.stage_diag(stage, "SLS420", path, f"guardrail `{shown}` ({rule_at(rule)}) is broken: {what}",
                              hint="change the value, or ask the platform team to change the guardrail")

    def setting_path(fname: str, fn, key: str) -> tuple:
        if getattr(fn, key, None) is not None:
            return ("functions", fname, key)
        if getattr(bp.defaults, key, None) is not None:
            return ("defaults", key)
        return ("functions", fname)

    for i, tag in enumerate(rails.required_tags):
        if tag not in bp.tags:
            yield breach(("required_tags", i), f"required_tags: {tag}", ("tags",) if bp.tags else (),
                         f"no tag '{tag}'")
    if rails.alarms == "required" and bp.observability.alarms is None:
        yield breach(("alarms",), "alarms: required", ("observability",) if "observability" in ctx.doc.data else (),
                     "observability.alarms is not set")
    for fname, fn in bp.functions.items():
        runtime = resolved(fn, bp, "runtime")
        if rails.runtimes is not None and runtime not in rails.runtimes:
            yield breach(("runtimes",), f"runtimes: [{', '.join(rails.runtimes)}]", setting_path(fname, fn, "runtime"),
                         f"function {fname} runs {runtime}")
        arch = resolved(fn, bp, "architecture")
        if rails.architectures is not None and arch not in rails.architectures:
            yield breach(("architectures",), f"architectures: [{', '.join(rails.architectures)}]",
                         setting_path(fname, fn, "architecture"), f"function {fname} runs on {arch}")
        for key, limit, unit in (("memory", rails.max_memory, "MB"), ("timeout", rails.max_timeout, "s")):
            value = resolved(fn, bp, key)
            if limit is not None and value > limit:
                yield breach((f"max_{key}",), f"max_{key}: {limit}", setting_path(fname, fn, key),
                             f"function {fname} has {key} {value} {unit}")
        for i, event in enumerate(fn.events):
            route = getattr(event, "http", None)
            if not isinstance(route, str) or rails.public_routes != "deny":
                continue
            auth = getattr(event, "auth", None)
            if auth in (None, "none") and _route(route) not in {_route(r) for r in rails.allow_public}:
                yield breach(("public_routes",), "public_routes: deny", ("functions", fname, "events", i, "http"),
                             f"route {route} of function {fname} has no auth")
        for s, statement in enumerate(fn.iam):
            if statement.effect != "Allow":
                continue
            for a, action in enumerate(statement.actions):
                for f, pattern in enumerate(rails.forbidden_actions):
                    if _overlaps(action, pattern):
                        yield breach(("forbidden_actions", f), f"forbidden_actions: {pattern}",
                                     ("functions", fname, "iam", s, "actions", a),
                                     f"function {fname} is allowed {action}")


def _route(route: str) -> str:
    return " ".join(route.split()).upper() if " " in route.strip() else route.strip().upper()


def _overlaps(action: str, pattern: str) -> bool:
    """Whether an allowed action (maybe a glob) grants anything a forbidden glob names. IAM action
    names are case-insensitive; `*` and `?` are the only wildcards IAM has."""
    action, pattern = action.lower(), pattern.lower()
    if fnmatch.fnmatchcase(action, pattern) or fnmatch.fnmatchcase(pattern, action):
        return True
    # Two globs overlap when some name matches both: compare their service parts, then the
    # literal prefixes of the names (enough for IAM's `service:Prefix*` shape).
    a_svc, _, a_name = action.partition(":")
    p_svc, _, p_name = pattern.partition(":")
    if not (fnmatch.fnmatchcase(a_svc, p_svc) or fnmatch.fnmatchcase(p_svc, a_svc)):
        return False
    a_lit, p_lit = a_name.split("*")[0].split("?")[0], p_name.split("*")[0].split("?")[0]
    return ("*" in a_name or "?" in a_name) and ("*" in p_name or "?" in p_name) and (
        a_lit.startswith(p_lit) or p_lit.startswith(a_lit))
