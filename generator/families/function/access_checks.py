"""Function checks on what a role may do and where a function runs, beyond its own statements
(generator/families/function/checks.py):

* references and placeholders in `iam:` resources and condition values (SLS201);
* IAM `conditions:` on `iam:` statements and `uses` entries: known operators, condition keys of
  the statement's services, and for a `uses` entry at least one generated action that takes
  the key (the grant keeps only those: generator/plan/conditions.py) (SLS405);
* `managed_policies:`: IAM policy ARNs (SLS102); a broad AWS managed policy is a warning, like a
  wildcard in `iam:` (SLS509);
* `vpc:`: subnet and security group ids, or SSM parameter names (SLS102, SLS301);
* `observability.insights`: AWS publishes the extension layer in the stage's region (SLS302).
"""

from __future__ import annotations

import re
from typing import Iterable

from generator.checks.context import per_stage
from generator.checks.names import ssm_name_problem
from generator.diagnostics import Diagnostic
from generator.families import by_use, kind_of, use_kinds
from generator.families.function import insights
from generator.families.function.model import Vpc
from generator.model.common import condition_values
from generator.families.function.settings import resolved
from generator.plan import conditions as iam_conditions
from generator.plan import refs
from generator.plan.context import PlanContext
from generator.plan.naming import Names

POLICY_ARN = re.compile(r"arn:aws[a-z-]*:iam::(aws|\d{12}|\{account\}):policy/([\w+=,.@/-]+)")
# AWS managed policies that grant far more than one function needs (administrator, power user,
# IAM, every action of a service): a reviewer should see them.
BROAD_POLICIES = ("AdministratorAccess", "PowerUserAccess", "IAMFullAccess")
SUBNET = re.compile(r"subnet-[0-9a-f]{8}([0-9a-f]{9})?")
SECURITY_GROUP = re.compile(r"sg-[0-9a-f]{8}([0-9a-f]{9})?")


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, _iam_values, _uses, _managed_policies, _vpc, _insights)


# ---------------------------------------------------------------- iam: statements
def iam_blocks(bp) -> Iterable[tuple[tuple, list]]:
    """(path, statements) of every `iam:` list: `defaults.iam` and each function's own."""
    if bp.defaults.iam:
        yield ("defaults", "iam"), bp.defaults.iam
    for fname, fn in bp.functions.items():
        if fn.iam:
            yield ("functions", fname, "iam"), fn.iam


def _iam_values(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    for at, statements in iam_blocks(bp):
        for i, st in enumerate(statements):
            base = at + (i,)
            for k, resource in enumerate(st.resources):
                for code, message, hint in refs.problems(resource, bp, names, iam=True):
                    yield ctx.stage_diag(stage, code, base + ("resources", k), message, hint=hint)
            yield from _conditions(ctx, stage, bp, names, base + ("conditions",), st.conditions, st.actions, uses=False)


def _conditions(ctx, stage, bp, names, path, conditions, actions, *, uses: bool) -> Iterable[Diagnostic]:
    for op, block in (conditions or {}).items():
        found = iam_conditions.operator_problem(op)
        if found:
            yield ctx.stage_diag(stage, "SLS405", path + (op,), found,
                                 hint="StringEquals, StringLike, ArnLike, Bool, NumericLessThan, ... "
                                      "(ForAllValues:/ForAnyValue: and ...IfExists forms too)")
            continue
        if not block:
            yield ctx.stage_diag(stage, "SLS405", path + (op,), f"'{op}' names no condition key")
        for key, values in block.items():
            values = condition_values(values)
            where = path + (op, key)
            problem = iam_conditions.key_problem(key, [a for a in actions if "*" not in a])
            if problem is None and uses and not iam_conditions.narrowed_actions(actions, {op: {key: values}}):
                problem = f"none of the granted actions ({', '.join(sorted(actions))}) takes '{key}'"
            if problem:
                yield ctx.stage_diag(stage, "SLS405", where, problem,
                                     hint="use a key of the service's actions, or a global aws: key")
            if not values:
                yield ctx.stage_diag(stage, "SLS405", where, f"'{key}' lists no value")
            if op.removesuffix("IfExists").endswith(("Bool", "Null")) and any(v not in ("true", "false") for v in values):
                yield ctx.stage_diag(stage, "SLS405", where, f"{op} takes true or false")
            for value in values:
                for code, message, hint in refs.problems(value, bp, names, iam=True):
                    yield ctx.stage_diag(stage, code, where, message, hint=hint)


# ---------------------------------------------------------------- uses entries
def granted_actions(bp, stage: str, names: Names, fname: str, entry) -> tuple[str, ...]:
    """The actions a `uses` entry grants (its family's plan says), before any condition narrows them."""
    from generator.plan.refs import Resolver

    ctx = PlanContext(bp=bp, stage=stage, names=names, kms=None, refs=Resolver(bp, names))
    access = by_use(kind_of(entry, use_kinds())).part("plan").use(entry, ctx, fname)
    return tuple(sorted({a for _sid, grant in access.grants for a in grant.actions}))


def _uses(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    for fname, fn in bp.functions.items():
        for i, entry in enumerate(fn.uses):
            if not entry.conditions:
                continue
            fam = by_use(kind_of(entry, use_kinds()))
            if getattr(entry, fam.use) not in fam.part("checks").declared(bp):
                continue  # an unknown name: checks/references.py reports it
            actions = granted_actions(bp, stage, names, fname, entry)
            path = ("functions", fname, "uses", i, "conditions")
            yield from _conditions(ctx, stage, bp, names, path, entry.conditions, actions, uses=True)


# ---------------------------------------------------------------- managed policies
def _policy_blocks(bp):
    if bp.defaults.managed_policies:
        yield ("defaults", "managed_policies"), bp.defaults.managed_policies
    for fname, fn in bp.functions.items():
        if fn.managed_policies:
            yield ("functions", fname, "managed_policies"), fn.managed_policies


def _managed_policies(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    for at, arns in _policy_blocks(bp):
        for i, arn in enumerate(arns):
            m = POLICY_ARN.fullmatch(names.template(arn))
            if m is None:
                yield ctx.stage_diag(stage, "SLS102", at + (i,), f"'{arn}' is not an IAM policy ARN",
                                     hint="e.g. arn:aws:iam::aws:policy/AWSXrayReadOnlyAccess")
                continue
            policy = m.group(2).rsplit("/", 1)[-1]
            if m.group(1) == "aws" and (policy in BROAD_POLICIES or policy.endswith("FullAccess")):
                yield ctx.stage_diag(
                    stage, "SLS509", at + (i,),
                    f"AWS managed policy {policy} grants far more than a function needs",
                    hint="grant what the function uses (uses:, iam:), or accept it knowingly", severity="warning",
                )


# ---------------------------------------------------------------- vpc
def _vpc(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    blocks = [(("defaults", "vpc"), bp.defaults.vpc)] + [(("functions", f, "vpc"), fn.vpc) for f, fn in bp.functions.items()]
    names = Names(bp.service, stage)
    for at, vpc in blocks:
        if vpc is None:
            continue
        if isinstance(vpc, Vpc):
            for key, pattern, what in (("subnets", SUBNET, "subnet"), ("security_groups", SECURITY_GROUP, "security group")):
                for i, value in enumerate(getattr(vpc, key)):
                    if not pattern.fullmatch(value):
                        yield ctx.stage_diag(stage, "SLS102", at + (key, i), f"'{value}' is not a {what} id",
                                             hint=f"e.g. {'subnet-0a1b2c3d' if key == 'subnets' else 'sg-0a1b2c3d'}")
            continue
        for key in ("subnets", "security_groups"):
            text = names.template(getattr(vpc.ssm, key))
            problem = ssm_name_problem(text)
            if problem:
                yield ctx.stage_diag(stage, "SLS301", at + ("ssm", key), f"SSM parameter name '{text}' {problem}")


# ---------------------------------------------------------------- Lambda Insights
def _insights(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    if not bp.observability.insights:
        return
    region = ctx.region(stage)
    for arch in sorted({resolved(fn, bp, "architecture") for fn in bp.functions.values()}):
        if insights.layer_arn(arch, region) is None:
            yield ctx.stage_diag(
                stage, "SLS302", ("observability", "insights"),
                f"AWS publishes no Lambda Insights layer for {arch} in {region} (stage '{stage}')",
                hint=f"{arch} functions have it in: {', '.join(insights.regions(arch))}",
            )

