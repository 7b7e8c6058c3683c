"""Emit Terraform: one root module per stage, rendered from the plan by thin Jinja templates."""

from __future__ import annotations

from generator.emit.hcl import format_hcl
from generator.emit.templates import environment
from generator.families import family as fam
from generator.plan.model import StagePlan


CORE_FILES = (
    ("versions.tf", "terraform/versions.tf.j2"),
    ("main.tf", "terraform/main.tf.j2"),
    ("variables.tf", "terraform/variables.tf.j2"),
    ("outputs.tf", "terraform/outputs.tf.j2"),
)


def stage_files(plan: StagePlan) -> list[tuple[str, str, object]]:
    """(file name, template, family part) for one stage: the core files, then each planned family's
    files (its part's `terraform_files()`, templates in its folder). Families with nothing planned
    write nothing."""
    files: list[tuple[str, str, object]] = [(name, template, None) for name, template in CORE_FILES]
    if plan.terraform is not None and plan.terraform.backend:
        files.append(("backend.tf", "terraform/backend.tf.j2", None))
    for family, part in plan.parts.items():
        files += [(name, fam(family).template(template), part) for name, template in part.terraform_files()]
    if plan.evolution is not None:  # moved, removed and import blocks (generator/evolution)
        files += [(name, template, plan.evolution) for name, template in plan.evolution.terraform_files()]
    return files


def render_stage(plan: StagePlan) -> dict[str, str]:
    """File name -> formatted Terraform text for one stage's root module."""
    return {name: _render_file(plan, template, part) for name, template, part in stage_files(plan)}


def _render_file(plan: StagePlan, template: str, part: object) -> str:
    return format_hcl(environment().get_template(template).render(plan=plan, part=part))
