"""The safe-evolution keys, checked on the blueprint alone: `renamed_from` names an object that is
gone (Terraform refuses a move from an address still declared), no two objects claim one old name,
and an adopted object is not also moved (both would bind the same address). What needs the previous
render (a rename without `renamed_from`, dropping a protected object) is checked when rendering
(generator/evolution)."""

from __future__ import annotations

from typing import Iterable

from generator.checks.context import per_stage
from generator.diagnostics import Diagnostic
from generator.families import families


def check(ctx) -> Iterable[Diagnostic]:
    return per_stage(ctx, _renames)


def _renames(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    for fam in families():
        objects = getattr(bp, fam.section, None) if fam.section else None
        if not isinstance(objects, dict):
            continue
        claimed: dict[str, str] = {}
        for name, obj in sorted(objects.items()):
            old = getattr(obj, "renamed_from", None)
            if old is None:
                continue
            path = (fam.section, name, "renamed_from")
            if old == name:
                yield ctx.stage_diag(stage, "SLS704", path, f"{fam.name} '{name}' is renamed from itself",
                                     hint="remove renamed_from, or name the object's previous logical name")
            elif old in objects:
                yield ctx.stage_diag(
                    stage, "SLS704", path, f"{fam.name} '{old}' still exists: it cannot also be the old name of '{name}'",
                    hint=f"rename or remove '{old}' in the same change, or drop renamed_from",
                )
            elif old in claimed:
                yield ctx.stage_diag(stage, "SLS704", path,
                                     f"{fam.name}s '{claimed[old]}' and '{name}' are both renamed from '{old}'",
                                     hint="one object has one previous name: keep renamed_from on one of them")
            claimed.setdefault(old, name)
            if getattr(obj, "adopt", False):
                yield ctx.stage_diag(
                    stage, "SLS705", (fam.section, name, "adopt"),
                    f"{fam.name} '{name}' is both adopted and renamed: Terraform would import and move into one address",
                    hint="adopt it first (render, apply), then rename it in a later change",
                )
