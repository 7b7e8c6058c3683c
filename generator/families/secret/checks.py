"""Secret checks: an existing SSM parameter takes a valid name and no Secrets Manager setting."""

from __future__ import annotations

import re
from typing import Collection, Iterable

from generator.checks.context import per_stage
from generator.checks.kms import key_problems
from generator.checks.names import ARN_PREFIX_MAX, NameRule, name_problems, ssm_name_problem
from generator.diagnostics import Diagnostic
from generator.families.secret.model import UseSecret
from generator.families.secret.plan import secret_physical, ssm_parameter
from generator.model.blueprint import Blueprint
from generator.plan.naming import Names, env_prefix
from generator.plan.placeholders import max_length

SECRET_NAME = NameRule("secret", re.compile(r"[A-Za-z0-9/_+=.@-]+"), "letters, digits and /_+=.@-", 512)


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, _names, _keys)
    for stage, bp in ctx.stages.items():
        yield from _secrets(ctx, bp, Names(bp.service, stage))


def _keys(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    """A secret's own kms_key names the key of an existing SSM parameter (the grant is kms:Decrypt
    through SSM); a Secrets Manager secret sls-gen creates uses the top-level kms_key."""
    for sname, s in bp.secrets.items():
        if s.kms_key is None or s.existing is not None:  # existing: SLS212 refuses kms_key
            continue
        path = ("secrets", sname, "kms_key")
        if s.ssm is None:
            yield ctx.stage_diag(
                stage, "SLS102", path,
                "kms_key on a secret names the key of an existing SSM parameter (ssm:); Secrets Manager secrets "
                "use the top-level kms_key",
                hint="add ssm: <parameter name>, or move the key to the top-level kms_key",
            )
        else:
            yield from key_problems(ctx, stage, s.kms_key, path)


def _names(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    for sname, s in bp.secrets.items():
        if s.existing is not None and s.existing.name:
            yield from name_problems(ctx, stage, ("secrets", sname, "existing", "name"), SECRET_NAME,
                                     names.template(s.existing.name))
        if s.name and not s.ssm and s.existing is None:
            yield from name_problems(ctx, stage, ("secrets", sname, "name"), SECRET_NAME, secret_physical(names, sname, s))


def _secrets(ctx, bp: Blueprint, names: Names) -> Iterable[Diagnostic]:
    for sname, s in bp.secrets.items():
        path = ("secrets", sname)
        if s.ssm is None or s.existing is not None:  # existing: SLS212 refuses ssm
            continue
        if s.name:
            yield ctx.diag("SLS102", path + ("name",), "an existing SSM parameter is named by ssm:, not name:",
                           hint="remove name (or ssm: to let sls-gen create a Secrets Manager secret)")
        if "recovery_window_days" in s.model_fields_set:
            yield ctx.diag(
                "SLS102",
                path + ("recovery_window_days",),
                "recovery_window_days applies to Secrets Manager secrets, not to an existing SSM parameter",
            )
        name = ssm_parameter(names, s)
        problem = ssm_name_problem(name)
        if problem:
            yield ctx.diag("SLS301", path + ("ssm",), f"SSM parameter name '{name}' {problem}")


def env_lengths(bp, names: Names, use: UseSecret) -> dict[str, int]:
    """The variables a `uses` entry of this kind adds, with the longest value each can resolve to
    (mirrors the plan; counted in the function's 4 KB environment, SLS303)."""
    s = bp.secrets.get(use.secret)
    if s and s.ssm:
        return {f"{env_prefix(use.secret)}_PARAMETER_NAME": max_length(ssm_parameter(names, s))}
    return {f"{env_prefix(use.secret)}_SECRET_ARN": ARN_PREFIX_MAX + len("secret:") + max_length(secret_physical(names, use.secret, s)) + 7}



def declared(bp) -> Collection[str]:
    """The names a reference to a secret may take (checks/references.py)."""
    return bp.secrets
