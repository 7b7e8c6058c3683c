"""Plan `exports:`: one SSM String parameter per export every part offers (`exports()`) under
`ssm_prefix`, plus the exact `ssm:` paths. Planned in `finish`, once every part is planned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.plan.context import PlanContext
from generator.plan.model import Named
from generator.plan.naming import tf_id
from generator.plan.placeholders import hcl_value

# checkov (generator/plan/security.py's policy, docs/security.md): names and ARNs are no secrets.
SKIPS = (("CKV2_AWS_34", "an export holds a name, ARN or URL for other stacks, not a secret"),)


@dataclass(frozen=True)
class ExportParameter:
    tf: str
    physical: Any  # the parameter name: str, or an HCL template with {region}/{account}
    value: Any  # HCL expression (or a plain string)
    description: str
    where: tuple = ()
    skips: tuple[tuple[str, str], ...] = SKIPS


@dataclass(frozen=True)
class ExportsPart:
    parameters: tuple[ExportParameter, ...] = ()

    def named(self) -> list[Named]:
        return [Named(f"aws_ssm_parameter.{p.tf}", p.physical, p.where) for p in self.parameters]

    def physicals(self) -> dict[tuple[str, str], Any]:
        return {("aws_ssm_parameter", p.tf): p.physical for p in self.parameters}

    def terraform_files(self) -> list[tuple[str, str]]:
        return [("exports.tf", "exports.tf.j2")] if self.parameters else []


def prefixed(prefix: str, path: str) -> str:
    """`<prefix>/<kind>/<name>/<attr>`: the prefix keeps or gains its leading slash, loses a trailing one."""
    return "/" + prefix.strip("/") + path


def export_tf(*parts: str) -> str:
    return tf_id("export", *parts)


def finish(ctx: PlanContext, stage) -> ExportsPart | None:
    spec = ctx.bp.exports
    if spec is None:
        return None
    out = []
    if spec.ssm_prefix:
        prefix = ctx.names.template(spec.ssm_prefix)
        for e in stage.exports:
            out.append(ExportParameter(
                tf=export_tf(e.kind, e.name or "", e.attr), physical=hcl_value(prefixed(prefix, e.path)),
                value=e.value, description=e.description, where=("exports", "ssm_prefix"),
            ))
    for path, value in spec.ssm.items():
        text = ctx.names.template(path)
        out.append(ExportParameter(tf=export_tf(text.strip("/")), physical=hcl_value(text), value=ctx.refs.value(value),
                                   description=f"Exported by {ctx.names.prefix}.", where=("exports", "ssm", path)))
    return ExportsPart(tuple(out)) if out else None
