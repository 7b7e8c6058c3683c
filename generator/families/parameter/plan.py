"""Plan SSM String parameters (`/{service}/{stage}/{name}`) and the `parameter` use: the variable
`<NAME>_PARAM_NAME` and read (ssm:GetParameter) or write (ssm:PutParameter) on that one parameter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.emit.hcl import Raw
from generator.plan.access import expand
from generator.plan.context import Access, PlanContext
from generator.plan.evolution import Adopt, derive, protect
from generator.plan.existing import ExistingPlan, Shape, existing_nodes, existing_plans, name_template, quoted, reference
from generator.plan.model import Export, Named
from generator.plan.naming import Names, camel, env_prefix, tf_id
from generator.plan.placeholders import hcl_value, shown
from generator.plan.views import Edge, Node, node_id

# How a parameter's ARN holds its name (`existing:`): `parameter/a/b` for `/a/b`.
EXISTING = Shape("ssm", "parameter/", path_name=True)
SKIPS = (("CKV2_AWS_34", "a String parameter holds configuration, not a secret: secrets go under secrets:"),)

# Resource types that hold data (generator/evolution/summary.py marks their destroys).
STATEFUL_TYPES = ("aws_ssm_parameter",)


@dataclass(frozen=True)
class ParameterPlan:
    name: str
    tf: str
    physical: Any  # str, or an HCL template when `name:` holds {region}/{account}
    value: str
    description: str
    written: bool  # some function writes it at run time: Terraform sets the first value only
    skips: tuple[tuple[str, str], ...] = SKIPS
    tags: tuple[tuple[str, str], ...] = ()
    protect: bool = False  # prevent_destroy
    retain: bool = False
    adopt: bool = False


@dataclass(frozen=True)
class ParameterPart:
    parameters: tuple[ParameterPlan, ...] = ()
    existing: tuple[ExistingPlan, ...] = ()  # parameters another stack owns: referenced, never created

    def physicals(self) -> dict[tuple[str, str], str]:
        return {("aws_ssm_parameter", p.tf): p.physical for p in self.parameters}

    def exports(self) -> list[Export]:
        return [Export("parameter", p.name, attr, Raw(f"aws_ssm_parameter.{p.tf}.{attr}"))
                for p in self.parameters for attr in ("name", "arn")]

    def named(self) -> list[Named]:
        return [
            derive("aws_ssm_parameter", (("parameter", p.name),), p.physical, ("parameters", p.name),
                   owner=("parameter", p.name), primary=True, stateful=True, protect=p.protect, retain=p.retain,
                   adopt=Adopt(p.physical) if p.adopt else None)
            for p in self.parameters
        ]

    def terraform_files(self) -> list[tuple[str, str]]:
        return [("parameters.tf", "parameters.tf.j2")] if self.parameters else []

    def graph(self, plan) -> tuple[list[Node], list[Edge]]:
        return [
            Node(node_id("parameter", p.name), "parameter", "Parameters", p.name, shown(p.physical), shape="note",
                 facts=(("name", shown(p.physical)), ("value", "set by Terraform once, then by the functions that write it"
                                               if p.written else "set by Terraform")))
            for p in self.parameters
        ] + existing_nodes("parameter", "parameter", "Parameters", self.existing, shape="note"), []


def parameter_name(names: Names, name: str, parameter=None) -> str:
    """The parameter's name as a template: `name:` (placeholders apply) or /{service}/{stage}/<name>."""
    if parameter is not None and parameter.existing is not None:  # as referenced; the longest possible from SSM
        return name_template(names, parameter.existing, EXISTING) or "/" + "x" * 1010
    if parameter is not None and parameter.name:
        return names.template(parameter.name)
    return f"/{names.service}/{names.stage}/{name}"


def attributes(bp, names: Names, name: str) -> dict[str, Raw]:
    """What `${parameter:<name>.<attr>}` may read (generator/plan/refs.py), and what uses reference:
    the resource's attributes, or an existing parameter's name and ARN."""
    p = bp.parameters.get(name)
    if p is not None and p.existing is not None:
        ref = reference(names, p.existing, EXISTING)
        return {"name": quoted(ref.name), "arn": quoted(ref.arn)}
    ref = f"aws_ssm_parameter.{tf_id(name)}"
    return {"name": Raw(f"{ref}.name"), "arn": Raw(f"{ref}.arn")}


def use(entry, ctx: PlanContext, function: str) -> Access:
    attrs = attributes(ctx.bp, ctx.names, entry.parameter)
    return Access(
        env={f"{env_prefix(entry.parameter)}_PARAM_NAME": attrs["name"]},
        grants=[
            (camel("parameter", entry.parameter, entry.access), g)
            for g in expand("parameter", entry.access, arn=attrs["arn"])
        ],
    )


def plan(ctx: PlanContext) -> ParameterPart | None:
    written = {
        use.parameter
        for fn in ctx.bp.functions.values()
        for use in fn.uses
        if getattr(use, "parameter", None) and use.access == "write"
    }
    parameters = tuple(
        ParameterPlan(
            name=n,
            tf=tf_id(n),
            physical=hcl_value(parameter_name(ctx.names, ctx.origin("parameter", n), p)),
            value=p.value,
            description=p.description or f"{n} of {ctx.names.prefix}",
            written=n in written,
            tags=tuple(sorted(p.tags.items())),
            # Protected by default only when a function writes it: then it holds what Terraform cannot
            # restore; a value from the blueprint is rewritten by the next apply.
            protect=protect(p, ctx.protected and n in written),
            retain=p.retain,
            adopt=p.adopt,
        )
        for n, p in sorted(ctx.bp.parameters.items())
        if p.existing is None
    )
    existing = existing_plans(ctx, "parameters", EXISTING)
    return ParameterPart(parameters, existing) if parameters or existing else None
