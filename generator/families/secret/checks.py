"""Secret checks: an existing SSM parameter takes a valid name and no Secrets Manager setting."""

from __future__ import annotations

import re
from typing import Collection, Iterable

from generator.checks.context import per_stage
from generator.checks.kms import key_problems
from generator.checks.names import ARN_PREFIX_MAX
from generator.diagnostics import Diagnostic
from generator.families.secret.model import UseSecret
from generator.model.blueprint import Blueprint
from generator.plan.naming import Names, env_prefix

PARAMETER_NAME = re.compile(r"/?[A-Za-z0-9_.\-/]+")


def check(ctx) -> Iterable[Diagnostic]:
    for bp in ctx.stages.values():
        yield from _secrets(ctx, bp)
    yield from per_stage(ctx, _keys)


def _keys(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    """A secret's own kms_key names the key of an existing SSM parameter (the grant is kms:Decrypt
    through SSM); a Secrets Manager secret sls-gen creates uses the top-level kms_key."""
    for sname, s in bp.secrets.items():
        if s.kms_key is None:
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


def _secrets(ctx, bp: Blueprint) -> Iterable[Diagnostic]:
    for sname, s in bp.secrets.items():
        path = ("secrets", sname)
        if s.ssm is None:
            continue
        if "recovery_window_days" in s.model_fields_set:
            yield ctx.diag(
                "SLS102",
                path + ("recovery_window_days",),
                "recovery_window_days applies to Secrets Manager secrets, not to an existing SSM parameter",
            )
        name = s.ssm
        problem = None
        if not PARAMETER_NAME.fullmatch(name) or "//" in name:
            problem = "may contain only a-z, A-Z, 0-9, '_', '.', '-' and single '/' separators"
        elif name.endswith("/"):
            problem = "must not end with '/'"
        elif name.lstrip("/").lower().startswith(("aws", "ssm")):
            problem = "must not begin with 'aws' or 'ssm'"
        elif "/" in name.lstrip("/") and not name.startswith("/"):
            problem = "must start with '/' when it has a path"
        elif name.count("/") > 15:
            problem = "has more than 15 levels"
        elif len(name) > 1011:
            problem = "is longer than 1011 characters"
        if problem:
            yield ctx.diag("SLS301", path + ("ssm",), f"SSM parameter name '{name}' {problem}")


def env_lengths(bp, names: Names, use: UseSecret) -> dict[str, int]:
    """The variables a `uses` entry of this kind adds, with the longest value each can resolve to
    (mirrors the plan; counted in the function's 4 KB environment, SLS303)."""
    s = bp.secrets.get(use.secret)
    if s and s.ssm:
        return {f"{env_prefix(use.secret)}_PARAMETER_NAME": len(s.ssm)}
    return {f"{env_prefix(use.secret)}_SECRET_ARN": ARN_PREFIX_MAX + len("secret:") + len(names.physical(use.secret)) + 7}


def declared(bp) -> Collection[str]:
    """The names a reference to a secret may take (checks/references.py)."""
    return bp.secrets
