"""`variables:` (Terraform input variables of every stage): names Terraform and sls-gen leave free,
and defaults of the declared type (SLS102), so `terraform plan` never stops on them."""

from __future__ import annotations

from typing import Any, Iterable

from generator.checks.context import per_stage
from generator.diagnostics import Diagnostic

# variables.tf already declares these; Terraform reserves the rest for its own meta-arguments.
TAKEN = ("aws_region", "tags", "source", "version", "providers", "count", "for_each", "lifecycle", "depends_on", "locals")


def check(ctx) -> Iterable[Diagnostic]:
    return per_stage(ctx, _variables)


def _fits(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "list(string)":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())  # map(string)


def _variables(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    for name, var in bp.variables.items():
        path = ("variables", name)
        if name in TAKEN:
            yield ctx.stage_diag(stage, "SLS102", path, f"variable name '{name}' is taken (sls-gen or Terraform uses it)",
                                 hint="choose another name")
        if var.default is not None and not _fits(var.type, var.default):
            yield ctx.stage_diag(stage, "SLS102", path + ("default",),
                                 f"default of variable '{name}' is not a {var.type}",
                                 hint="give a default of the declared type, or change type:")
