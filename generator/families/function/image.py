"""Container image functions (`image:`): what Lambda refuses before it pulls anything.

An image function has no zip: `runtime`, `handler`, `code`, `artifact`, `layers`, `package` and
SnapStart belong to zip functions (SLS324; defaults' runtime, layers and package simply do not
apply). The URI names a private ECR image by tag or digest in the function's own region (Lambda
pulls from no other registry, and cross-region pulls are refused: SLS325). `{ssm: /path}` is read
when Terraform plans, so only AWS checks it.
"""

from __future__ import annotations

import re
from typing import Iterable

from generator.checks.context import per_stage
from generator.checks.names import ssm_name_problem
from generator.diagnostics import Diagnostic
from generator.plan.naming import Names
from generator.plan.placeholders import sample

#: Keys of a zip function that an image function must not set.
ZIP_ONLY = ("runtime", "handler", "code", "artifact", "layers", "layers_replace", "package", "snapstart")
ECR_URI = re.compile(
    r"(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d)\.amazonaws\.com(\.cn)?"
    r"/(?P<repo>[a-z0-9]+(?:[._/-][a-z0-9]+)*)(?P<ref>:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})"
)


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, _conflicts, _uri)


def _conflicts(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    for fname, fn in bp.functions.items():
        if fn.image is None:
            continue
        for key in ZIP_ONLY:
            if getattr(fn, key, None) is not None:
                yield ctx.stage_diag(stage, "SLS324", ("functions", fname, key),
                                     f"function {fname} runs a container image: '{key}' applies to zip functions only",
                                     hint="remove it (the image sets its runtime, entry point and code), or remove image:")


def _uri(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    region = ctx.region(stage)
    for fname, fn in bp.functions.items():
        if fn.image is not None and not isinstance(fn.image, str):  # {ssm: /path}: read at plan time
            text = names.template(fn.image.ssm)
            problem = ssm_name_problem(text)
            if problem:
                yield ctx.stage_diag(stage, "SLS301", ("functions", fname, "image", "ssm"),
                                     f"SSM parameter name '{text}' {problem}")
            continue
        if not isinstance(fn.image, str):
            continue
        text = names.template(fn.image)
        concrete = sample(text, region=region)
        found = ECR_URI.fullmatch(concrete)
        path = ("functions", fname, "image")
        if found is None:
            yield ctx.stage_diag(stage, "SLS325", path,
                                 f"'{fn.image[:120]}' is not an Amazon ECR image URI with a tag or digest",
                                 hint="ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY:TAG (or @sha256:DIGEST); "
                                 "Lambda pulls from private ECR repositories only")
        elif found.group("region") != region:
            yield ctx.stage_diag(stage, "SLS325", path,
                                 f"the image is in {found.group('region')}, but stage '{stage}' deploys to {region}: "
                                 "Lambda pulls images from its own region only",
                                 hint="replicate the repository to the stage's region and write {region} in the URI")
