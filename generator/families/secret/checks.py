"""Secret checks: an existing SSM parameter takes a valid name and no Secrets Manager setting."""

from __future__ import annotations

import re
from typing import Iterable

from generator.diagnostics import Diagnostic
from generator.model.blueprint import Blueprint

PARAMETER_NAME = re.compile(r"^/?[A-Za-z0-9_.\-/]+$")


def check(ctx) -> Iterable[Diagnostic]:
    for bp in ctx.stages.values():
        yield from _secrets(ctx, bp)


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
        if not PARAMETER_NAME.match(name) or "//" in name:
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
