"""The render pipeline: load -> model -> checks -> plan -> evolve -> emit -> package, all in memory.

`evolve` (generator/evolution) compares each stage's plan with the previous render's evidence:
moved, removed and import blocks, and the refusals that keep data from being destroyed silently.

Each stage lives in its own module; this one only wires them. Nothing touches the disk
except reading the blueprint, the function code dirs and (through the caller's `previous`) the
output folder's manifest, so a refused blueprint writes nothing.
Writing is the CLI's next step (generator/writer/).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import BlueprintError, Diagnostic

if TYPE_CHECKING:
    from generator.fingerprint import Mode, PathState
    from generator.package.stage import ZipLookup


@dataclass
class Rendered:
    """Everything one render produces, before it is written."""

    service: str
    stages: list[str]
    outputs: dict[str, bytes]  # path relative to the output folder -> content
    scaffolds: dict[str, dict[str, str]]  # code dir relative to the blueprint -> {file: content}
    warnings: list[Diagnostic] = field(default_factory=list)
    code_dirs: list[str] = field(default_factory=list)  # every function code dir, existing or scaffolded
    # What the render read on disk (generator/fingerprint.py): path relative to the blueprint ->
    # how much of it was read, and what was there.
    modes: dict[str, Mode] = field(default_factory=dict)
    states: dict[str, PathState] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # dist/<fn>.zip -> tree fingerprint it was built from
    blueprint_sha256: str | None = None  # of the very bytes this render parsed
    profiles: dict[str, str] = field(default_factory=dict)  # org profile (relative path) -> sha256 of the bytes parsed
    # stage -> what the next render compares with (generator/evolution/evidence.py), for the manifest
    evidence: dict[str, list[dict]] = field(default_factory=dict)


#: (service) -> the zips of the previous render that may be reused (generator/package/reuse.py).
ZipReuse = Callable[[str], "ZipLookup"]
#: (service) -> the previous render's evidence by stage (generator/writer/manifest.py load_evidence).
Evidence = Callable[[str], "dict[str, list[dict]]"]

# Warnings only a render finds (a zip's size, a renamed function's code folder, a replacement
# against the previous render): `--strict` refuses them too.
STRICT_LATE = ("SLS504", "SLS703", "SLS706")


def validate(blueprint: str | Path, strict: bool = False, plans: dict | None = None):
    """load -> model -> checks -> plan. Returns (document, base blueprint, stage blueprints, warnings).

    Every stage is planned, and no two blueprint objects may share a Terraform address or an AWS name
    in the plans (SLS207, generator/checks/unique.py); `plans`, when given, receives them (stage
    name -> StagePlan) so a render does not plan twice."""
    from generator.checks import Context, run_checks
    from generator.checks.unique import collisions
    from generator.model import parse_blueprint, stage_blueprints
    from generator.plan.build import build_plan
    from generator.platform.profiles import load_blueprint
    from generator.platform.requires import check_requires

    doc = load_blueprint(blueprint)
    check_requires(doc)
    base = parse_blueprint(doc)
    stages = stage_blueprints(doc, base)
    findings = run_checks(Context(doc, base, stages))
    errors = [d for d in findings if d.severity == "error" or strict]
    if errors:
        raise BlueprintError(errors)
    built = {name: build_plan(bp, name, Path(blueprint).name) for name, bp in stages.items()}
    clashes = collisions(doc, built)
    if clashes:
        raise BlueprintError(clashes)
    if plans is not None:
        plans.update(built)
    return doc, base, stages, [d for d in findings if d.severity == "warning"]


def render(
    blueprint: str | Path, only_stage: str | None = None, strict: bool = False, previous_zips: ZipReuse | None = None,
    seen: Mapping[str, PathState] | None = None, previous: Evidence | None = None,
) -> Rendered:
    """Render in memory. `previous_zips` lets a zip whose sources did not change be reused, not rebuilt;
    `seen` (code dir -> its state, from the no-op check that just looked) spares reading those folders
    again when a zip of exactly that state can be reused. `previous` gives the evidence of the
    previous render of the output folder: what this one must not destroy silently (generator/evolution)."""
    from generator.emit.readme import stage_readme
    from generator.emit.terraform import render_stage
    from generator.evolution import evolve
    from generator.package.stage import package

    blueprint = Path(blueprint)
    plans: dict = {}
    doc, base, stages, warnings = validate(blueprint, strict, plans)
    if only_stage is not None and only_stage not in stages:
        raise BlueprintError(
            [Diagnostic("SLS201", f"unknown stage '{only_stage}' (stages: {', '.join(stages)})", file=doc.file)]
        )
    chosen = {name: bp for name, bp in stages.items() if only_stage in (None, name)}
    plans = {name: plans[name] for name in chosen}  # validate() planned every stage
    before = previous(base.service) if previous else {}
    evidence: dict[str, list[dict]] = {}
    refused: list[Diagnostic] = []
    for name in plans:
        plans[name], evidence[name], found = evolve(plans[name], chosen[name], doc, before.get(name))
        refused += [d for d in found if d.severity == "error"]
        warnings += [d for d in found if d.severity == "warning" and d not in warnings]
    if refused:
        raise BlueprintError(refused)
    outputs: dict[str, bytes] = {}
    for name, plan in plans.items():
        files = render_stage(plan)
        files["README.md"] = stage_readme(plan, files, base, chosen[name], blueprint.name)
        outputs.update((f"{name}/{file}", text.encode()) for file, text in files.items())
    packaged = package(blueprint, doc, stages, plans, previous_zips(base.service) if previous_zips else None, seen)
    warnings += packaged.warnings
    refused = [w for w in warnings if w.severity == "error" or (strict and w.code in STRICT_LATE)]
    if refused:  # SLS317: a package Lambda refuses (and with --strict, the warnings only a render finds)
        raise BlueprintError(refused)
    return Rendered(
        base.service, list(stages), dict(sorted({**outputs, **packaged.zips}.items())), packaged.scaffolds, warnings,
        packaged.code_dirs, packaged.modes, packaged.states, packaged.sources, doc.sha256,
        _profile_digests(blueprint, doc), {st: e for st, e in evidence.items() if e},
    )


def _profile_digests(blueprint: Path, doc) -> dict[str, str]:
    """Org profiles are inputs like the blueprint: path relative to the blueprint's folder (it may
    lead out of it) -> sha256 of the bytes parsed. The no-op check renders in full once one differs."""
    import os

    base = os.path.realpath(blueprint.parent)
    return {os.path.relpath(p.real, base).replace(os.sep, "/"): p.sha256 for p in doc.profiles}
