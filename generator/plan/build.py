"""Stage 4 of the pipeline (plan): one stage's blueprint -> StagePlan.

The functions are planned first (each `uses` and `events` entry is handed to its family); then every
family in the registry plans its part, and last each family's `finish` runs in registry order (queue
policies gather their senders; alarms cover everything planned). Nothing here names a kind.
"""

from __future__ import annotations

import dataclasses

from generator.emit.hcl import Raw
from generator.families import families
from generator.families.function.plan import plan_functions
from generator.plan.context import PlanContext
from generator.plan.evolution import protected_stage
from generator.plan.existing import register as register_existing
from generator.plan.model import Parts, StagePlan, Variable
from generator.plan.naming import Names
from generator.plan.refs import Resolver
from generator.plan.security import KMS_ARN
from generator.platform.terraform import plan_terraform, with_floors


def build_plan(bp, stage: str, blueprint_name: str) -> StagePlan:
    names = Names(bp.service, stage)
    ctx = PlanContext(bp=bp, stage=stage, names=names, kms=Raw(KMS_ARN) if bp.kms_key else None,
                      protected=protected_stage(bp, stage))
    ctx.refs = Resolver(bp, names)
    register_existing(ctx)  # SSM parameters holding existing objects' ARNs: their data sources first
    functions = plan_functions(ctx)
    for fam in families():
        hook = getattr(fam.part("plan"), "plan", None)
        if hook is not None:
            ctx.parts[fam.name] = hook(ctx)
    stage_cfg = bp.stages.get(stage)
    tags = {"service": bp.service, "stage": stage, "managed-by": "sls-gen"}
    tags.update(bp.tags)
    plan = StagePlan(
        service=bp.service,
        stage=stage,
        region=(stage_cfg.region if stage_cfg else None) or bp.region,
        prefix=names.prefix,
        description=bp.description or "",
        blueprint_name=blueprint_name,
        tags=tuple(sorted(tags.items())),
        kms_key=names.template(bp.kms_key) if bp.kms_key else None,  # an ARN field: placeholders apply
        functions=functions,
        parts=Parts(ctx.parts),
        terraform=plan_terraform(bp, bp.service, stage, (stage_cfg.region if stage_cfg else None) or bp.region),
    )
    for fam in families():
        finish = getattr(fam.part("plan"), "finish", None)
        if finish is not None:
            ctx.parts[fam.name] = finish(ctx, plan)
            plan = dataclasses.replace(plan, parts=Parts(ctx.parts))
    floors = [r for part in plan.parts if hasattr(part, "requires") and (r := part.requires())]
    if floors:  # a part needs newer Terraform or provider versions (the highest of each wins)
        terraform, provider = max(floors, key=lambda f: tuple(int(x) for x in f[1].split(".")))
        plan = dataclasses.replace(plan, terraform=with_floors(plan.terraform, terraform, provider))
    variables = tuple(
        Variable(name, v.type, v.default, v.description or "", v.sensitive) for name, v in sorted(bp.variables.items())
    )
    return dataclasses.replace(plan, ssm_parameters=ctx.refs.data_sources(), variables=variables)
