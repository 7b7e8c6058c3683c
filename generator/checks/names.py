"""Findings about the length of the physical names sls-gen derives (SLS301), shared by the families,
and the bounds of the ARNs and URLs their generated environment variables resolve to.

`too_long` reports a name built from a logical name (function, queue, table, ...) in one stage, at
the override line when a stage wrote it; `derived_too_long` one sls-gen derives for a resource of
its own (a rule, a schedule, a role, a failure queue).
"""

from __future__ import annotations

from generator.diagnostics import Diagnostic

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
