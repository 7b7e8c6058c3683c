"""Layer checks AWS makes only at apply: the layer name (`[A-Za-z0-9_-]`, at most 140 characters),
the folder (inside the blueprint's, SLS313), at most 5 layers per function (SLS321), and that each
layer fits the function: a layer of this blueprint lists the function's runtime and architecture,
an ARN is a layer version ARN (SLS323). Unknown layer names are SLS201 (`references`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from generator.checks.context import per_stage
from generator.checks.names import NameRule, name_problems
from generator.checks.paths import path_problem
from generator.diagnostics import Diagnostic
from generator.families.function.settings import language, resolved
from generator.families.layer.plan import MAX_LAYERS, architectures, function_layers, is_arn, is_reference, layer_name
from generator.plan import refs
from generator.plan.naming import Names
from generator.plan.placeholders import sample

MANIFESTS = ("requirements.txt", "package.json")  # what generator/package/layers.py installs
LAYER_NAME = NameRule("layer", re.compile(r"[A-Za-z0-9_-]+"), "letters, digits, '_' and '-'", 140)
#: A layer version ARN (placeholders replaced by sample values first).
LAYER_ARN = re.compile(r"arn:aws(-cn|-us-gov|-iso[a-z]?)?:lambda:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d:\d{12}:layer:"
                       r"[A-Za-z0-9_-]{1,140}:\d+")


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, _names, _folders, _per_function)


def _names(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    for lname, layer in bp.layers.items():
        path = ("layers", lname, "name") if layer.name else ("layers", lname)
        yield from name_problems(ctx, stage, path, LAYER_NAME, layer_name(names, lname, layer))


def _folders(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    root = Path(ctx.doc.file).parent
    for lname, layer in bp.layers.items():
        problem = path_problem(layer.code, root)
        if problem is None and not (root / layer.code).is_dir():
            problem = "is not a folder"
        if problem:
            yield ctx.stage_diag(stage, "SLS313", ("layers", lname, "code"), f"'{layer.code[:80]}' {problem}",
                                 hint=f"use a folder below the blueprint, e.g. layers/{lname}")
            continue
        if not any((root / layer.code / f).is_file() for f in MANIFESTS):
            continue
        languages = sorted({language(r) for r in layer.runtimes})
        if len(languages) > 1 or languages[0] not in ("python", "node"):
            yield ctx.stage_diag(stage, "SLS322", ("layers", lname, "runtimes"),
                                 f"layer {lname} has a dependency manifest, so it is built for one language (Python or "
                                 f"Node.js), but its runtimes are {', '.join(layer.runtimes)}",
                                 hint="list runtimes of one language, or make one layer per language")
        elif len(architectures(bp, layer)) > 1:
            yield ctx.stage_diag(stage, "SLS322", ("layers", lname, "architectures"),
                                 f"layer {lname} installs dependencies, which are built for one architecture, but it "
                                 f"lists {', '.join(layer.architectures)}",
                                 hint="name one architecture (one layer per architecture if functions use both)")


def _per_function(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    insights = bool(bp.observability.insights)
    for fname, fn in bp.functions.items():
        entries = function_layers(bp, fname, fn)
        if fn.image is not None:
            continue  # an image takes no layers: its own are SLS324 (function checks)
        count = len(entries) + insights
        if count > MAX_LAYERS:
            path = ("functions", fname, "layers") if fn.layers else ("defaults", "layers")
            extra = " (observability.insights adds one)" if insights else ""
            yield ctx.stage_diag(stage, "SLS321", path,
                                 f"function {fname} gets {count} layers{extra}; Lambda attaches at most {MAX_LAYERS}",
                                 hint="merge layers, or set layers_replace: true to drop defaults' for this function")
        runtime, arch = resolved(fn, bp, "runtime"), resolved(fn, bp, "architecture")
        for path, ref in entries:
            if is_reference(ref):  # read when Terraform plans: only the reference itself can be checked
                for code, message, hint in refs.problems(ref, bp, names):
                    yield ctx.stage_diag(stage, code, path, message, hint=hint)
                continue
            if is_arn(ref):
                if not LAYER_ARN.fullmatch(sample(names.template(ref))):
                    yield ctx.stage_diag(stage, "SLS323", path,
                                         f"'{ref[:120]}' is not a layer version ARN "
                                         "(arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)",
                                         hint="copy the layer version ARN, with its version number; {region} and {account} apply")
                continue
            layer = bp.layers.get(ref)
            if layer is None:
                continue  # SLS201 (references)
            if runtime not in layer.runtimes:
                yield ctx.stage_diag(stage, "SLS323", path,
                                     f"layer {ref} is built for {', '.join(layer.runtimes)}, not {fname}'s {runtime}",
                                     hint=f"add {runtime} to layers.{ref}.runtimes, or use another layer")
            elif arch not in architectures(bp, layer):
                yield ctx.stage_diag(stage, "SLS323", path,
                                     f"layer {ref} is built for {', '.join(architectures(bp, layer))}, not {fname}'s {arch}",
                                     hint=f"build a layer for {arch} (architectures: [{arch}]), or change the function's architecture")


def declared(bp):
    """The names a reference to a layer may take (checks/references.py)."""
    return bp.layers


def references(bp) -> Iterable[tuple]:
    """Layer names (not ARNs) in `layers:` lists refer to `layers:` of this blueprint (SLS201)."""
    seen = set()
    for fname, fn in bp.functions.items():
        for path, ref in function_layers(bp, fname, fn):
            if not is_arn(ref) and not is_reference(ref) and path not in seen:
                seen.add(path)
                yield path, "layer", ref, bp.layers
    for i, ref in enumerate(bp.defaults.layers or ()):
        path = ("defaults", "layers", i)
        if not is_arn(ref) and not is_reference(ref) and path not in seen:
            yield path, "layer", ref, bp.layers
