"""AWS limits Terraform does not catch (docs: /work/shared/aws-limits.md rows in docs/errors.md).

Physical names are checked after the `{service}-{stage}-` prefix, per stage, so a long stage
name that breaks a limit is reported at the line of the resource it breaks.
"""

from __future__ import annotations

import re
from typing import Iterable

from generator.checks.context import per_stage
from generator.diagnostics import Diagnostic
from generator.plan.naming import Names

FUNCTION_MAX = 64  # also the IAM role name limit (rule 39): roles share the function's name
RANGES = {  # setting -> (min, max, unit), AWS Lambda quotas (rules 2-4)
    "memory": (128, 10240, "MB"),
    "timeout": (1, 900, "s"),
    "ephemeral_storage": (512, 10240, "MB"),
}
_TAG_RE = re.compile(r"^[\w\s.:/=+\-@]*$")
TAGS_MAX, TAG_KEY_MAX, TAG_VALUE_MAX = 50, 128, 256
GENERATED_TAGS = 3  # service, stage, managed-by (plan/build.py)


def check(ctx) -> Iterable[Diagnostic]:
    return per_stage(ctx, _names, _functions, _tags)


def _too_long(ctx, stage, path, what, physical, limit, hint=None):
    return ctx.stage_diag(
        stage, "SLS301", path,
        f"{what} name '{physical}' in stage '{stage}' is {len(physical)} characters; AWS allows at most {limit}",
        hint=hint or "shorten the logical name, the service or the stage name",
    )


def _names(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    for fname in bp.functions:
        physical = names.physical(fname)
        if len(physical) > FUNCTION_MAX:
            yield _too_long(ctx, stage, ("functions", fname), "function (and IAM role)", physical, FUNCTION_MAX)


def _functions(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    for key, (low, high, unit) in RANGES.items():
        value = getattr(bp.defaults, key)
        if value is not None and not low <= value <= high:
            yield ctx.stage_diag(stage, "SLS302", ("defaults", key), f"{key} {value} {unit} is outside {low}-{high} {unit}")
    for fname, fn in bp.functions.items():
        for key, (low, high, unit) in RANGES.items():
            value = getattr(fn, key)
            if value is not None and not low <= value <= high:
                yield ctx.stage_diag(stage, "SLS302", ("functions", fname, key),
                                     f"{key} {value} {unit} is outside {low}-{high} {unit}")


def _tags(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    if len(bp.tags) + GENERATED_TAGS > TAGS_MAX:
        yield ctx.stage_diag(stage, "SLS302", ("tags",),
                             f"{len(bp.tags)} tags plus {GENERATED_TAGS} sls-gen adds exceed the AWS limit of {TAGS_MAX}")
    for key, value in bp.tags.items():
        path = ("tags", key)
        if not 1 <= len(key) <= TAG_KEY_MAX or not _TAG_RE.match(key) or key.lower().startswith("aws:"):
            yield ctx.stage_diag(stage, "SLS302", path,
                                 f"tag key '{key[:60]}' is not allowed: 1-{TAG_KEY_MAX} characters of letters, digits, "
                                 "spaces and _.:/=+-@, not starting with aws:")
        elif len(value) > TAG_VALUE_MAX or not _TAG_RE.match(value):
            yield ctx.stage_diag(stage, "SLS302", path,
                                 f"tag value of '{key}' is not allowed: at most {TAG_VALUE_MAX} characters of letters, "
                                 "digits, spaces and _.:/=+-@")
