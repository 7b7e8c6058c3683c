"""Findings about the physical names (SLS301), shared by the families: names written with `name:`
(charset and length, placeholders bounded: `name_problems`), names sls-gen derives, SSM parameter
names; and the bounds of the ARNs and URLs generated environment variables resolve to.

`too_long` reports a name built from a logical name (function, queue, table, ...) in one stage, at
the override line when a stage wrote it; `derived_too_long` one sls-gen derives for a resource of
its own (a rule, a schedule, a role, a failure queue).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from generator.diagnostics import Diagnostic
from generator.plan.placeholders import max_length, plan_time, sample

# Bounds of what a Terraform reference resolves to, for the 4 KB environment budget (SLS303): the
# families' `env_lengths` count a generated variable's value at its longest.
ACCOUNT = "123456789012"
REGION_MAX = 14  # ap-southeast-4 and friends; a bound, not the stage's exact region
ARN_PREFIX_MAX = len(f"arn:aws:xxx:{'x' * REGION_MAX}:{ACCOUNT}:")


def partition(region: str) -> str:
    return "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"


def arn(service: str, region: str, resource: str) -> str:
    """An ARN in the stage's region (a 12-digit account stands in for the one Terraform resolves)."""
    return f"arn:{partition(region)}:{service}:{region}:{ACCOUNT}:{resource}"


def too_long(ctx, stage, path, what, physical, limit, hint=None) -> Diagnostic:
    return ctx.stage_diag(
        stage, "SLS301", path,
        f"{what} name '{physical}' in stage '{stage}' is {len(physical)} characters; AWS allows at most {limit}",
        hint=hint or "shorten the logical name, the service or the stage name",
    )


def derived_too_long(ctx, path: tuple, what: str, name: str, limit: int) -> Diagnostic:
    return ctx.diag(
        "SLS301",
        path,
        f"{what} '{name}' is {len(name)} characters; AWS allows {limit}",
        hint="shorten the service, stage or function name",
    )


# ---------------------------------------------------------------- names as written (`name:`)
@dataclass(frozen=True)
class NameRule:
    """What AWS accepts as one kind's name: a charset (full match), a length range, and how the
    message words it. Families keep their rules beside their checks."""

    what: str  # "function", "SQS queue", ...
    charset: re.Pattern  # matched against the whole name (placeholders replaced by sample values)
    allowed: str  # the charset in words, for the message
    max: int
    min: int = 1


def name_problems(ctx, stage: str, path: tuple, rule: NameRule, text: str, hint: str | None = None) -> Iterable[Diagnostic]:
    """Findings (SLS301) for one physical name template in one stage: its charset, and its length,
    bounded when `{region}` or `{account}` are only known when Terraform plans."""
    concrete = sample(text)
    longest = max_length(text)
    bounded = " can be" if plan_time(text) else " is"
    if not rule.charset.fullmatch(concrete):
        yield ctx.stage_diag(stage, "SLS301", path, f"{rule.what} name '{text[:80]}' may contain only {rule.allowed}",
                             hint=hint)
    elif longest > rule.max:
        yield too_long_text(ctx, stage, path, rule.what, text, longest, rule.max, bounded, hint)
    elif len(concrete) < rule.min:
        yield ctx.stage_diag(stage, "SLS301", path, f"{rule.what} name '{text}' must be at least {rule.min} characters",
                             hint=hint)


def too_long_text(ctx, stage, path, what, text, longest, limit, verb=" is", hint=None) -> Diagnostic:
    return ctx.stage_diag(
        stage, "SLS301", path,
        f"{what} name '{text[:80]}{'...' if len(text) > 80 else ''}' in stage '{stage}'{verb} {longest} characters; "
        f"AWS allows at most {limit}",
        hint=hint or "shorten the name (placeholders count at their longest: a region 14, an account 12)",
    )


def ssm_name_problem(name: str) -> str | None:
    """What SSM refuses in a parameter name (a `{region}`/`{account}` template is checked with sample values)."""
    name = sample(name)
    if not SSM_NAME.fullmatch(name) or "//" in name:
        return "may contain only a-z, A-Z, 0-9, '_', '.', '-' and single '/' separators"
    if name.endswith("/"):
        return "must not end with '/'"
    if name.lstrip("/").lower().startswith(("aws", "ssm")):
        return "must not begin with 'aws' or 'ssm'"
    if "/" in name.lstrip("/") and not name.startswith("/"):
        return "must start with '/' when it has a path"
    if name.count("/") > 15:
        return "has more than 15 levels"
    if len(name) > SSM_NAME_MAX:
        return f"is longer than {SSM_NAME_MAX} characters"
    return None


SSM_NAME = re.compile(r"/?[A-Za-z0-9_.\-/]+")
SSM_NAME_MAX = 1011
