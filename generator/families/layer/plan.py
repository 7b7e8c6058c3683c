"""Plan Lambda layers (`layers:`): one `aws_lambda_layer_version` each, built from its folder into
`dist/layers/<name>.zip` (generator/package/layers.py), and the layer list of each function.

A function's layers are `defaults.layers` then its own (`layers_replace: true`: its own only), in
that order, each once; a name refers to a layer of this blueprint (its version ARN, so a new build
publishes a new version and the function moves to it in the same apply), an ARN string is an
external layer version (placeholders apply), a reference (`${ssm:/path}`, `${var:name}`) reads the
ARN when Terraform plans (a layer another service publishes with `exports:`). Image functions take no layers.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

from generator.emit.hcl import Raw
from generator.families.function.artifacts import upload
from generator.families.function.settings import DEFAULTS, DIST_DIR, language
from generator.plan.context import PlanContext
from generator.plan.model import Export, Named
from generator.plan.naming import Names, tf_id
from generator.plan.placeholders import hcl_value, shown
from generator.plan.refs import references
from generator.plan.views import Edge, Node, node_id

#: Lambda: at most 5 layers per function.
MAX_LAYERS = 5
LAYERS_DIR = "layers"  # dist/layers/<name>.zip


@dataclass(frozen=True)
class LayerPlan:
    name: str
    tf: str
    physical: Any  # str, or an HCL template when `name:` holds {region}/{account}
    code_dir: str  # relative to the blueprint
    runtimes: tuple[str, ...]
    architectures: tuple[str, ...]
    description: str
    package: str  # the zip relative to the stage module
    upload: Any = None  # function.artifacts.Upload when `artifacts:` sends zips through S3

    @property
    def ref(self) -> str:
        return f"aws_lambda_layer_version.{self.tf}"

    @property
    def arn(self) -> str:
        """The layer version ARN functions attach."""
        return f"{self.ref}.arn"

    @property
    def dist(self) -> str:
        """The zip relative to the output folder."""
        return layer_zip(self.name)

    @property
    def language(self) -> str | None:
        """The one language of its runtimes (python, node, ...), or None when they mix languages."""
        found = {language(r) for r in self.runtimes}
        return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class LayerPart:
    layers: tuple[LayerPlan, ...] = ()

    def named(self) -> list[Named]:
        return [Named(f"aws_lambda_layer_version.{la.tf}", la.physical, ("layers", la.name)) for la in self.layers] + [
            Named(f"aws_s3_object.{la.upload.tf}", None, ("layers", la.name)) for la in self.layers if la.upload]

    def physicals(self) -> dict[tuple[str, str], str]:
        return {("aws_lambda_layer_version", la.tf): la.physical for la in self.layers}

    def exports(self) -> list[Export]:
        """Each layer's name and version ARN: what another service's `layers:` attaches."""
        return [e for la in self.layers for e in (Export("layer", la.name, "name", Raw(f"{la.ref}.layer_name")),
                                                  Export("layer", la.name, "arn", Raw(la.arn)))]

    def terraform_files(self) -> list[tuple[str, str]]:
        return [("layers.tf", "layers.tf.j2")]

    def layer_packages(self) -> tuple[LayerPlan, ...]:
        """What the package stage builds for this part (generator/package/layers.py)."""
        return self.layers

    def graph(self, plan) -> tuple[list[Node], list[Edge]]:
        nodes = [
            Node(node_id("layer", la.name), "layer", "Layers", la.name, ", ".join(la.runtimes), shape="note",
                 facts=(("name", shown(la.physical)), ("code", la.code_dir), ("runtimes", ", ".join(la.runtimes)),
                        ("architectures", ", ".join(la.architectures))))
            for la in self.layers
        ]
        edges = [
            Edge(node_id("function", fn.name), node_id("layer", name), "layer")
            for fn in plan.functions for name in fn.layer_names
        ]
        return nodes, edges


def layer_zip(name: str) -> str:
    return posixpath.join(DIST_DIR, LAYERS_DIR, f"{name}.zip")


def layer_name(names: Names, name: str, layer=None) -> str:
    """The layer's name as a template: `name:` (placeholders apply) or {service}-{stage}-<name>."""
    return names.template(layer.name) if layer is not None and layer.name else names.physical(name)


def architectures(bp, layer) -> tuple[str, ...]:
    if layer.architectures:
        return tuple(dict.fromkeys(layer.architectures))
    return (bp.defaults.architecture or DEFAULTS["architecture"],)


def is_arn(ref: str) -> bool:
    """A `layers` entry holding an ARN (an external layer version), not a layer of this blueprint."""
    return ref.startswith("arn:") and not is_reference(ref)


def is_reference(ref: str) -> bool:
    """A `layers` entry reading its ARN from a reference: `${ssm:/path}` (a layer another service
    publishes), `${var:name}`, or an ARN with a reference inside (`...:layer:common:${var:v}`)."""
    return bool(references(ref))


def function_layers(bp, fname: str, fn) -> list[tuple[tuple, str]]:
    """(blueprint path, entry as written) of the layers a function gets, in order, each once:
    defaults' then its own, or its own only with `layers_replace: true` (an image function: none
    of defaults')."""
    own = [(("functions", fname, "layers", i), ref) for i, ref in enumerate(fn.layers or ())]
    inherited = [] if fn.layers_replace or fn.image is not None else [
        (("defaults", "layers", i), ref) for i, ref in enumerate(bp.defaults.layers or ())
    ]
    seen: dict[str, tuple] = {}
    for path, ref in inherited + own:
        seen.setdefault(ref, path)
    return [(path, ref) for ref, path in seen.items()]


def layer_refs(ctx: PlanContext, fname: str, fn) -> tuple[tuple[Any, ...], tuple[str, ...], tuple[str, ...]]:
    """(the HCL values of a function's layers, the names of this blueprint's layers among them, each
    as people read it: its name or its ARN with placeholders)."""
    values, owned, labels = [], [], []
    for _path, ref in function_layers(ctx.bp, fname, fn):
        if is_reference(ref):
            values.append(ctx.refs.value(ref))
            labels.append(ref)
        elif is_arn(ref):
            values.append(hcl_value(ctx.names.template(ref)))
            labels.append(ctx.names.template(ref))
        elif ref in ctx.bp.layers:
            values.append(attributes(ctx.bp, ctx.names, ref)["arn"])
            owned.append(ref)
            labels.append(ref)
    return tuple(values), tuple(owned), tuple(labels)


def plan(ctx: PlanContext) -> LayerPart | None:
    layers = tuple(
        LayerPlan(
            name=n,
            tf=tf_id(n),
            physical=hcl_value(layer_name(ctx.names, n, la)),
            code_dir=posixpath.normpath(la.code),
            runtimes=tuple(dict.fromkeys(la.runtimes)),
            architectures=architectures(ctx.bp, la),
            description=la.description or f"{n} of {ctx.names.prefix}",
            package=posixpath.join("..", layer_zip(n)),
            upload=upload(ctx.bp, ctx.names, ctx.kms, "layers", n, tf_id(n)),
        )
        for n, la in sorted(ctx.bp.layers.items())
    )
    return LayerPart(layers) if layers else None


def attributes(bp, names: Names, name: str) -> dict[str, Raw]:
    """What `${layer:<name>.<attr>}` may read (generator/plan/refs.py): the layer's name and the
    ARN of the version this apply publishes."""
    ref = f"aws_lambda_layer_version.{tf_id(name)}"
    return {"name": Raw(f"{ref}.layer_name"), "arn": Raw(f"{ref}.arn")}
