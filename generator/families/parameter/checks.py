"""Parameter checks SSM enforces only at apply: the name sls-gen gives a parameter
(`/{service}/{stage}/{name}`: at most 1011 characters, not beginning with `aws` or `ssm`) and the
size of its value (a standard-tier parameter holds at most 4 KB)."""

from __future__ import annotations

from typing import Collection, Iterable

from generator.checks.context import per_stage
from generator.checks.names import ssm_name_problem, too_long_text
from generator.diagnostics import Diagnostic
from generator.families.parameter.model import UseParameter
from generator.families.parameter.plan import parameter_name
from generator.plan.evolution import previous_name
from generator.plan.naming import Names, env_prefix
from generator.plan.placeholders import max_length

NAME_MAX = 1011  # the fully qualified name
VALUE_MAX = 4096  # bytes, standard tier
RESERVED_PREFIXES = ("aws", "ssm")  # case-insensitive, after the leading slash


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, _names, _values)


def _names(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    for pname, p in bp.parameters.items():
        if p.existing is not None:
            if p.existing.name and (problem := ssm_name_problem(names.template(p.existing.name))):
                yield ctx.stage_diag(stage, "SLS301", ("parameters", pname, "existing", "name"),
                                     f"parameter name '{names.template(p.existing.name)}' {problem}")
            continue
        physical = parameter_name(names, previous_name(bp, "parameter", pname), p)
        path = ("parameters", pname, "name") if p.name else ("parameters", pname)
        if max_length(physical) > NAME_MAX:
            yield too_long_text(ctx, stage, path, "parameter", physical, max_length(physical), NAME_MAX)
        elif physical.lstrip("/").lower().startswith(RESERVED_PREFIXES):
            yield ctx.stage_diag(stage, "SLS301", path,
                                 f"parameter name '{physical}' must not begin with 'aws' or 'ssm' (SSM reserves them)",
                                 hint="rename it" if p.name else
                                 "rename the service: sls-gen names parameters /{service}/{stage}/{name}")
        elif p.name and (problem := ssm_name_problem(physical)):
            yield ctx.stage_diag(stage, "SLS301", path, f"parameter name '{physical}' {problem}")


def _values(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    for pname, p in bp.parameters.items():
        if p.value is None:
            if p.existing is None:
                yield ctx.stage_diag(stage, "SLS103", ("parameters", pname, "value"), "missing required key 'value'",
                                     hint="or existing: {name: ...} to use a parameter another stack owns")
            continue
        size = len(p.value.encode())
        if size > VALUE_MAX:
            yield ctx.stage_diag(stage, "SLS302", ("parameters", pname, "value"),
                                 f"value is {size} bytes; a standard SSM parameter holds at most {VALUE_MAX}",
                                 hint="keep large configuration in the package or a bucket, or split it")


def env_lengths(bp, names: Names, use: UseParameter) -> dict[str, int]:
    """The variables a `uses` entry of this kind adds, with the longest value each can resolve to
    (mirrors the plan; counted in the function's 4 KB environment, SLS303)."""
    return {f"{env_prefix(use.parameter)}_PARAM_NAME": max_length(parameter_name(names, use.parameter, bp.parameters.get(use.parameter)))}



def declared(bp) -> Collection[str]:
    """The names a reference to a parameter may take (checks/references.py)."""
    return bp.parameters
