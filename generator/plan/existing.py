"""References to objects another stack owns (`existing:`), built the same way for every kind.

A family says how its ARNs look (`EXISTING = Shape(...)` in its plan.py); `reference` turns the
blueprint's `existing:` into HCL values for the object's name, ARN, region and account, without a
lookup where the ARN follows from the name:

* `{name: x}`: the object sits in this stage's account and region; its ARN is built from
  `local.partition`, `local.region` (the stage's `var.aws_region`, never `data.aws_region`, whose
  `name` is deprecated in provider 6) and `local.account_id`.
* `{arn: ...}`: written as is (placeholders apply); name, region and account are read from it now.
* `{ssm: /path}`: the ARN is read when Terraform plans (`data "aws_ssm_parameter"` in main.tf,
  registered before anything else is planned, `register`); the name is cut from it by Terraform.

Families then hand these values to their `attributes()` (references, uses, events, subscriptions):
an existing object is referenced everywhere an owned one is, and never planned as a resource.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from generator.emit.hcl import Raw, escape_string
from generator.plan.naming import Names, tf_id
from generator.plan.placeholders import concat, hcl_value


@dataclass(frozen=True)
class Shape:
    """How a kind's ARN holds its name: `arn:<partition>:<service>:<region>:<account>:<resource><name>`."""

    service: str  # dynamodb, sqs, sns, events, s3, ssm, secretsmanager
    resource: str = ""  # what precedes the name: "table/", "event-bus/", "parameter/", ""
    regional: bool = True  # S3 bucket ARNs carry neither region nor account
    path_name: bool = False  # SSM parameters: "/a/b" sits in the ARN as "parameter/a/b"


@dataclass(frozen=True)
class ExistingRef:
    name: Any  # HCL value (str, template or expression)
    arn: Any
    region: Any
    account: Any
    how: str  # name | arn | ssm
    written: str  # the name, ARN or parameter path as written (for READMEs)


def ssm_expr(names: Names, path: str) -> Raw:
    """The value of the SSM parameter `path` (plan.refs.Resolver.ssm names its data source so)."""
    return Raw(f"data.aws_ssm_parameter.ssm_{tf_id(names.template(path))}.insecure_value")


def _arn_parts(text: str) -> list[str] | None:
    parts = text.split(":", 5)
    return parts if len(parts) == 6 and parts[0] == "arn" else None


def name_from_arn(text: str, shape: Shape) -> str | None:
    """The name an ARN (template) carries, or None when it is no ARN of this shape."""
    parts = _arn_parts(text)
    if parts is None or parts[2] != shape.service or not parts[5].startswith(shape.resource):
        return None
    name = parts[5][len(shape.resource):]
    if shape.path_name and "/" in name:
        name = "/" + name
    return name or None


def name_template(names: Names, spec, shape: Shape) -> str | None:
    """The object's name as a template when it is known before Terraform plans (None: read from SSM)."""
    if spec.name:
        return names.template(spec.name)
    if spec.arn:
        return name_from_arn(names.template(spec.arn), shape)
    return None


def arn_prefix(shape: Shape, region: str = "${local.region}", account: str = "${local.account_id}") -> Raw:
    if not shape.regional:
        return Raw(f'"arn:${{local.partition}}:{shape.service}:::{shape.resource}"')
    return Raw(f'"arn:${{local.partition}}:{shape.service}:{region}:{account}:{shape.resource}"')


def reference(names: Names, spec, shape: Shape) -> ExistingRef:
    if spec.arn:
        text = names.template(spec.arn)
        parts = _arn_parts(text) or ["arn", "aws", shape.service, "", "", ""]
        return ExistingRef(
            name=hcl_value(name_from_arn(text, shape) or text), arn=hcl_value(text),
            region=hcl_value(parts[3]) if parts[3] else Raw("local.region"),
            account=hcl_value(parts[4]) if parts[4] else Raw("local.account_id"),
            how="arn", written=text,
        )
    if spec.ssm:
        arn = ssm_expr(names, spec.ssm)
        resource = shape.resource.rstrip("/") if shape.path_name else shape.resource
        return ExistingRef(
            name=Raw(f'trimprefix(element(split(":", {arn}), 5), "{resource}")'), arn=arn,
            region=Raw(f'element(split(":", {arn}), 3)'), account=Raw(f'element(split(":", {arn}), 4)'),
            how="ssm", written=names.template(spec.ssm),
        )
    text = names.template(spec.name or "")
    in_arn = text.lstrip("/") if shape.path_name else text
    return ExistingRef(
        name=hcl_value(text), arn=concat(arn_prefix(shape), hcl_value(in_arn)),
        region=Raw("local.region"), account=Raw("local.account_id"), how="name", written=text,
    )


def quoted(value: Any) -> Raw:
    """A plan value as an HCL expression (a plain string becomes a quoted literal)."""
    return value if isinstance(value, Raw) else Raw('"' + escape_string(value) + '"')


def described(ref: ExistingRef) -> str:
    """How the README says where an existing object comes from."""
    return {"name": f"by name {ref.written}", "arn": f"by ARN {ref.written}",
            "ssm": f"ARN read from SSM {ref.written}"}[ref.how]


def existing_objects(bp) -> Iterator[tuple[Any, str, Any]]:
    """(family, logical name, `existing:` spec) of every object the blueprint marks existing."""
    from generator.families import families

    for fam in families():
        section = getattr(bp, fam.section, None) if fam.section else None
        if not isinstance(section, dict):
            continue
        for name, obj in sorted(section.items()):
            spec = getattr(obj, "existing", None)
            if spec is not None:
                yield fam, name, spec


def spec_of(bp, section: str, name: str):
    """The `existing:` spec of `<section>.<name>`, or None when the blueprint owns it (or lacks it)."""
    obj = getattr(bp, section, {}).get(name)
    return getattr(obj, "existing", None) if obj is not None else None


def register(ctx) -> None:
    """Declare the SSM parameters existing objects are read from, before anything else is planned,
    so their data sources get the names `ssm_expr` gives them."""
    for _fam, _name, spec in existing_objects(ctx.bp):
        if spec.ssm:
            ctx.refs.ssm(spec.ssm)


@dataclass(frozen=True)
class ExistingPlan:
    """An object another stack owns, as a part lists it: for the README, the graph and `explain`
    (nothing is emitted for it but what its `attributes()` reference)."""

    name: str
    ref: ExistingRef


def existing_plans(ctx, section: str, shape: Shape) -> tuple[ExistingPlan, ...]:
    return tuple(ExistingPlan(name, reference(ctx.names, spec, shape))
                 for name, obj in sorted(getattr(ctx.bp, section).items())
                 if (spec := getattr(obj, "existing", None)) is not None)


def existing_nodes(family: str, kind: str, group: str, plans, shape: str = "box"):
    """Graph nodes of existing objects (a `uses` edge or a trigger points at them as at owned ones)."""
    from generator.plan.views import Node, node_id

    return [Node(node_id(family, p.name), kind, group, p.name, "existing", shape=shape,
                 facts=(("existing", described(p.ref)),)) for p in plans]
