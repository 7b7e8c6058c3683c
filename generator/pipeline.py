"""The render pipeline: load -> model -> checks -> plan -> emit, all in memory.

Each stage lives in its own module; this one only wires them. Nothing touches the disk
except reading the blueprint and the function code dirs, so a refused blueprint writes nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import BlueprintError, Diagnostic


@dataclass
class Rendered:
    """Everything one render produces, before it is written."""

    service: str
    stages: list[str]
    outputs: dict[str, bytes]  # path relative to the output folder -> content
    scaffolds: dict[str, dict[str, str]]  # code dir relative to the blueprint -> {file: content}
    warnings: list[Diagnostic] = field(default_factory=list)
    code_dirs: list[str] = field(default_factory=list)  # every function code dir, existing or scaffolded
    # What the render consulted on disk (generator/fingerprint.py): path relative to the blueprint ->
    # mode ("code" | "artifact" | "where") and -> its state when it was read.
    paths: dict[str, str] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # dist/<fn>.zip -> tree fingerprint it was built from
    blueprint_sha256: str | None = None  # of the very bytes this render parsed

#: (service) -> lookup (rel of a zip, tree fingerprint of its sources) -> the bytes of a previous
#: render's zip of exactly those sources, or None. The writer provides it (generator/writer/reuse.py).
ZipReuse = Callable[[str], Callable[[str, str], "bytes | None"]]


def validate(blueprint: str | Path, strict: bool = False):
    """load -> model -> checks. Returns (document, base blueprint, stage blueprints, warnings)."""
    from generator.checks import Context, run_checks
    from generator.loader import load_file
    from generator.model import parse_blueprint, stage_blueprints

    doc = load_file(blueprint)
    base = parse_blueprint(doc)
    stages = stage_blueprints(doc, base)
    findings = run_checks(Context(doc, base, stages))
    errors = [d for d in findings if d.severity == "error" or strict]
    if errors:
        raise BlueprintError(errors)
    return doc, base, stages, [d for d in findings if d.severity == "warning"]


def stage_readme(plan, files: dict[str, str], base, bp, blueprint_name: str) -> str:
    """The stage's README.md, with its differences from the blueprint as written (planned for this
    stage without its overrides)."""
    from generator.emit.readme import render_readme
    from generator.plan.build import build_plan

    base_plan, problem = None, None
    if bp is not base:
        try:
            base_plan = build_plan(base, plan.stage, blueprint_name)
        except Exception:  # noqa: BLE001 - only checked per stage: the base may need the overrides to plan
            problem = "it needs them"
    return render_readme(plan, files, base_plan, base.region, problem)


def render(
    blueprint: str | Path, only_stage: str | None = None, strict: bool = False, previous_zips: ZipReuse | None = None,
    seen: dict[str, str] | None = None,
) -> Rendered:
    """Render in memory. `previous_zips` lets a zip whose sources did not change be reused, not rebuilt;
    `seen` (code dir -> "code" state, from a fast path that just looked) spares reading those folders
    again when a zip of exactly that state can be reused."""
    from generator.checks.packaging import zip_size_warning
    from generator.emit.compiled import compiled_package
    from generator.emit.package import build_zip, build_zip_from_files, files_fingerprint
    from generator.fingerprint import MISSING, STRENGTH, UNSETTLED, path_state, tree_of
    from generator.emit.scaffold import scaffold_files
    from generator.emit.terraform import render_stage
    from generator.plan.build import build_plan

    blueprint = Path(blueprint)
    doc, base, stages, warnings = validate(blueprint, strict)
    if only_stage is not None and only_stage not in stages:
        raise BlueprintError(
            [Diagnostic("SLS201", f"unknown stage '{only_stage}' (stages: {', '.join(stages)})", file=doc.file)]
        )
    root = blueprint.parent
    real_root, parents, contents = os.path.realpath(root), {}, {}
    outputs: dict[str, bytes] = {}
    scaffolds: dict[str, dict[str, str]] = {}
    zips: dict[str, bytes] = {}
    code_dirs: set[str] = set()
    paths: dict[str, str] = {}
    states: dict[str, str] = {}
    sources: dict[str, str] = {}
    reuse = previous_zips(base.service) if previous_zips else None

    def consult(rel: str, mode: str) -> str:
        """Read a path once and remember what was read (a stronger mode replaces a weaker one)."""
        if rel not in states or STRENGTH[mode] > STRENGTH[paths[rel]]:
            paths[rel], states[rel] = mode, path_state(root, rel, mode, real_root, parents, contents)
        return states[rel]

    for bp in stages.values():  # SLS313 resolved every explicit path of every stage
        for fn in bp.functions.values():
            for value in (fn.code, fn.artifact):
                if value is not None:
                    consult(value, "where")
    for stage_name, bp in stages.items():
        if only_stage is not None and stage_name != only_stage:
            continue
        plan = build_plan(bp, stage_name, blueprint.name)
        files = render_stage(plan)
        files["README.md"] = stage_readme(plan, files, base, bp, blueprint.name)
        for name, text in files.items():
            outputs[f"{stage_name}/{name}"] = text.encode()
        routes = {r.function.tf: r.route_key for r in plan.api.routes} if plan.api else {}
        for fn in plan.functions:
            code_dirs.add(fn.code_dir)
            if fn.artifact:  # the code dir only decides whether to scaffold; the artifact is the package
                state = consult(fn.code_dir, "exists")
                artifact = consult(fn.artifact, "artifact")
                if state.endswith(MISSING):
                    scaffolds.setdefault(fn.code_dir, scaffold_files(fn, blueprint.name, routes.get(fn.tf, "GET /")))
                data, warning = compiled_package(fn, root, doc)
                if (data is not None) != artifact.endswith(f"|file|{hashlib.sha256(data or b'').hexdigest()}"):
                    states[fn.artifact] = UNSETTLED  # rebuilt while we read it: the next render looks again
                if data is not None:
                    outputs[f"dist/{fn.name}.zip"] = data  # a jar is a zip; one name keeps the writer's rules
                elif warning not in warnings:
                    warnings.append(warning)
                continue
            rel, early = f"dist/{fn.name}.zip", None
            looked = (seen or {}).get(fn.code_dir) if STRENGTH[paths.get(fn.code_dir, "where")] < 2 else None
            if reuse and looked and tree_of(looked) and fn.code_dir not in zips:
                early = reuse(rel, tree_of(looked))  # a zip of what the fast path just saw: no second read
            if early is not None:
                paths[fn.code_dir], states[fn.code_dir] = "code", looked
                tree = tree_of(looked)
            elif (tree := tree_of(consult(fn.code_dir, "code"))) is not None:
                build = lambda: build_zip(root / fn.code_dir, contents.pop(fn.code_dir, None))  # noqa: E731
            else:
                files = scaffolds.setdefault(
                    fn.code_dir, scaffold_files(fn, blueprint.name, routes.get(fn.tf, "GET /"))
                )
                tree = files_fingerprint(files)
                build = lambda: build_zip_from_files(files)  # noqa: E731
            sources[rel] = tree
            data = zips.get(fn.code_dir) or early or (reuse and reuse(rel, tree)) or build()
            contents.pop(fn.code_dir, None)  # read for the fingerprint; not kept once zipped or reused
            if fn.code_dir not in zips:
                big = zip_size_warning(doc, fn.name, fn.code_dir, len(data))
                warnings += [big] if big else []
            zips[fn.code_dir] = data
            outputs[rel] = data
    if strict and any(w.code == "SLS504" for w in warnings):
        raise BlueprintError([w for w in warnings if w.code == "SLS504"])
    return Rendered(
        base.service, list(stages), dict(sorted(outputs.items())), scaffolds, warnings, sorted(code_dirs),
        paths, states, sources, doc.sha256,
    )
