"""The top-level `kms_key`: an alias, key id or ARN, and an ARN in the region of the stage that uses
it. KMS is cross-cutting: every family that encrypts uses the one key (global table replicas with
a key: families/table/checks.py)."""

from __future__ import annotations

from typing import Iterable

from generator.diagnostics import Diagnostic
from generator.plan.placeholders import sample, template
from generator.plan.security import KMS_KEY_PATTERN


def check(ctx) -> Iterable[Diagnostic]:
    for stage, bp in ctx.stages.items():
        if bp.kms_key:  # an ARN field: placeholders apply
            yield from key_problems(ctx, stage, template(bp.kms_key, bp.service, stage), ("kms_key",))


def key_problems(ctx, stage: str, kms_key: str, path: tuple) -> Iterable[Diagnostic]:
    """A key written in the blueprint (the top-level one, a secret's): an alias, key id or ARN, and
    an ARN in the region of the stage."""
    if not KMS_KEY_PATTERN.fullmatch(sample(kms_key, ctx.region(stage))):
        yield ctx.stage_diag(
            stage,
            "SLS102",
            path,
            f"kms_key '{kms_key}' is not a KMS key alias, id or ARN",
            hint="write alias/<name>, a key id, or arn:aws:kms:<region>:<account>:key/<id>",
        )
    elif kms_key.startswith("arn:"):
        key_region, region = kms_key.split(":")[3], ctx.region(stage)
        if key_region not in (region, "{region}"):  # KMS keys are regional: no service of this stage can use it
            yield ctx.stage_diag(
                stage,
                "SLS314",
                path,
                f"stage {stage}: kms_key is a key in {key_region}, but the stage deploys to {region}",
                hint="write alias/<name> (resolved in each stage's region), or a key ARN of the stage's region "
                f"in stages.<stage>.overrides.{'.'.join(map(str, path))}",
            )
