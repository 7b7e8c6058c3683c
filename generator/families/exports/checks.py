"""Exports checks SSM enforces only at apply: every parameter name sls-gen writes (the prefix, and
each exact path: charset, levels, at most 1011 characters, no `aws`/`ssm` start), values that
refer to what the blueprint declares, and two exports of one name (SLS215). A name an export shares
with a parameter of the blueprint is SLS207 (generator/checks/unique.py)."""

from __future__ import annotations

from typing import Iterable

from generator.checks.context import per_stage
from generator.checks.names import ssm_name_problem
from generator.diagnostics import Diagnostic
from generator.families.exports.plan import prefixed
from generator.plan import refs
from generator.plan.naming import Names

# The longest `/<kind>/<name>/<attr>` below a prefix: `/parameter/` + a logical name + `/execution_arn`.
TAIL_MAX = len("/parameter/") + 64 + len("/execution_arn")


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, _exports)


def _exports(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    spec = bp.exports
    if spec is None:
        return
    names = Names(bp.service, stage)
    if spec.ssm_prefix:
        sample = prefixed(names.template(spec.ssm_prefix), "/table/orders/arn")
        problem = ssm_name_problem(sample)
        if problem:
            yield ctx.stage_diag(stage, "SLS215", ("exports", "ssm_prefix"),
                                 f"parameters under '{spec.ssm_prefix}' (e.g. '{sample}') {problem}",
                                 hint="e.g. ssm_prefix: /acme/{service}/{stage}")
    seen: dict[str, str] = {}
    for path, value in spec.ssm.items():
        where = ("exports", "ssm", path)
        text = names.template(path)
        problem = ssm_name_problem(text)
        if problem or not text.startswith("/"):
            yield ctx.stage_diag(stage, "SLS215", where, f"parameter name '{text}' {problem or 'must start with /'}")
        first = seen.setdefault(text, path)
        if first != path:
            yield ctx.stage_diag(stage, "SLS215", where, f"'{path}' and '{first}' are one parameter in stage '{stage}'")
        for code, message, hint in refs.problems(value, bp, names):
            yield ctx.stage_diag(stage, code, where, message, hint=hint)
