"""The blueprint JSON Schema, generated from the models, for editors (`sls-gen schema`).

Field docs live beside the fields where a model sets them; FIELD_DOCS fills the rest from one
table so the schema has a description and an example on every property (a test enforces it).
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA_ID = "https://sls-gen.dev/schemas/blueprint-v1.json"

# "Model.field" -> (description or None to keep the model's, example)
FIELD_DOCS: dict[str, tuple[str | None, Any]] = {
    "Account.concurrency_quota": ("the account's Lambda concurrency quota, for budget checks", 1000),
    "Blueprint.service": ("service name: lower-case, 2-30 characters; prefixes every physical name", "orders"),
    "Blueprint.description": ("free text", "Order intake and fulfilment"),
    "Blueprint.region": ("default AWS region of every stage", "eu-west-1"),
    "Blueprint.requires": ("sls-gen versions this blueprint is written for (a mismatch is an error)", ">=0.1,<0.2"),
    "Blueprint.extends": ("org profile this blueprint is merged over: a path relative to this file", "../platform/acme.yaml"),
    "Blueprint.locked": ("in a profile: dotted keys no blueprint extending it may override", ["region", "kms_key"]),
    "Blueprint.tags": ("tags on every resource", {"team": "payments"}),
    "Blueprint.stages": ("deployment stages; each renders to its own Terraform root module", {"dev": {}, "prod": {"region": "eu-west-1"}}),
    "Blueprint.defaults": ("settings every function inherits", {"runtime": "python3.13", "memory": 512}),
    "Blueprint.account": ("facts about the target account", {"concurrency_quota": 1000}),
    "Blueprint.kms_key": (None, "alias/orders"),
    "Blueprint.variables": (
        "Terraform input variables of every stage, read with ${var:name}",
        {"orders_api_url": {"description": "URL of the orders service", "default": "https://orders.example.com"}},
    ),
    "Variable.type": (None, "string"),
    "Variable.default": (None, "https://orders.example.com"),
    "Variable.description": (None, "URL of the orders service"),
    "Variable.sensitive": (None, False),
    "Stage.region": ("AWS region of this stage (default: the blueprint's region)", "eu-west-1"),
    "Stage.overrides": (None, {"defaults": {"memory": 1024}}),
    "Stage.add": (None, {"functions": {"replay": {"events": [{"queue": "replays"}]}}, "queues": {"replays": {}}}),
}


INHERITS = {"Function": "FunctionSettings"}  # a model's fields documented under its base

# What the models accept beyond their declared types (before-validators): keep editors in step.
# Fields that also accept null (before-validators turn it into the empty value); families add their
# own models' (`NULLABLE` in their model.py).
CORE_NULLABLE = {"Function": ("events", "uses")}
SCALAR_MAPS = {  # map values the models turn into strings
    ("Blueprint", "tags"): ["string", "number"],
    ("Function", "environment"): ["string", "number", "boolean"],
    ("FunctionSettings", "environment"): ["string", "number", "boolean"],
}
# Map values that may also be an object: an environment value read from SSM ({ssm: /path}).
SSM_VALUE = {"$ref": "#/$defs/SsmValue"}
SSM_MAPS = (("Function", "environment"), ("FunctionSettings", "environment"))


def _or(spec: dict, extra: dict) -> None:
    """Widen `spec` in place to also accept `extra`, keeping its docs at the top."""
    docs = {k: spec.pop(k) for k in ("description", "examples", "default", "title") if k in spec}
    inner = dict(spec)
    spec.clear()
    spec["anyOf"] = [inner, extra]
    spec.update(docs)


def _maps(spec: dict) -> list[dict]:
    """The object schemas inside `spec` (itself, or the members of an anyOf)."""
    return [part for part in [spec, *spec.get("anyOf", [])] if part.get("type") == "object"]


def _nullable() -> dict[str, tuple[str, ...]]:
    from generator.families import families
    from generator.model.blueprint import MAP_SECTIONS, OBJECT_SECTIONS

    out = {"Blueprint": MAP_SECTIONS + OBJECT_SECTIONS, **CORE_NULLABLE}
    for fam in families():
        out.update(getattr(fam.part("model"), "NULLABLE", {}))
    return out


def _loosen(model: str, node: dict) -> None:
    props = node.get("properties", {})
    for spec in props.values():
        for part in _maps(spec):
            if "patternProperties" in part:
                part["additionalProperties"] = False  # logical names: a bad name is an error (SLS104)
    from generator.model.blueprint import MAP_SECTIONS

    for name in MAP_SECTIONS if model == "Blueprint" else ():  # `topics: {order-events: }` is `order-events: {}`
        for part in _maps(props.get(name, {})):
            for value in part.get("patternProperties", {}).values():
                _or(value, {"type": "null"})
    for name in _nullable().get(model, ()):
        if name in props:
            _or(props[name], {"type": ["null", "boolean"]} if name == "dead_letter" else {"type": "null"})
    for (m, name), types in SCALAR_MAPS.items():
        if m == model and name in props:
            for part in _maps(props[name]):
                scalars = {"type": types}
                part["additionalProperties"] = {"anyOf": [scalars, SSM_VALUE]} if (m, name) in SSM_MAPS else scalars
    if "conditions" in props:  # IAM condition values: YAML `true` and `3` are "true" and "3" in the policy
        scalar = {"type": ["string", "number", "boolean"]}
        for part in _maps(props["conditions"]):
            part["additionalProperties"]["additionalProperties"] = {"anyOf": [scalar, {"type": "array", "items": scalar}]}
    if model != "Blueprint" and "tags" in props:  # an object's own tags: numbers become strings
        for part in _maps(props["tags"]):
            part["additionalProperties"] = {"type": ["string", "number"]}


def blueprint_schema() -> dict:
    from generator.families import families
    from generator.model.blueprint import Blueprint

    docs = dict(FIELD_DOCS)
    for fam in families():
        docs.update(getattr(fam.part("model"), "FIELD_DOCS", {}))
    from generator.platform.rails import FIELD_DOCS as GUARDRAIL_DOCS

    from generator.platform.terraform import FIELD_DOCS as TERRAFORM_DOCS

    docs.update(GUARDRAIL_DOCS)
    docs.update(TERRAFORM_DOCS)
    schema = Blueprint.model_json_schema(mode="validation")
    defs = schema.get("$defs", {})
    for model, node in [("Blueprint", schema), *defs.items()]:
        for prop, spec in node.get("properties", {}).items():
            doc = docs.get(f"{model}.{prop}") or docs.get(f"{INHERITS.get(model)}.{prop}")
            if doc is None:
                continue
            description, example = doc
            if description and not spec.get("description"):
                spec["description"] = description
            if example is not None and not spec.get("examples"):
                spec["examples"] = [example]
    for model, node in [("Blueprint", schema), *defs.items()]:
        _loosen(model, node)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "sls-gen blueprint (v1)"
    return schema


def schema_text() -> str:
    return json.dumps(blueprint_schema(), indent=2, sort_keys=True) + "\n"
