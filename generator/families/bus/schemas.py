"""Declared event schemas (`buses.<name>.schemas.files`): reading, type detection, and what a schema
says about an event's `detail`.

A schema file is input of a render like the blueprint: the checks stage reads and refuses it here
(SLS337: missing, unreadable, outside the blueprint's folder; SLS338: what EventBridge would refuse),
the plan names it as an asset (generator/families/bus/plan.py `assets()`), and the package stage
copies its bytes into `dist/schemas/` and records their sha256 (generator/fingerprint.py, Mode
ARTIFACT) so an edited schema re-renders on the no-op fast path. The Terraform reads that copy.

Types EventBridge accepts (CreateSchema `Type`): `OpenApi3` and `JSONSchemaDraft4`; `Content` is a
JSON document of at most 100,000 characters.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONTENT_MAX = 100_000  # CreateSchema Content: 1..100000 characters
OPENAPI = "OpenApi3"
DRAFT4 = "JSONSchemaDraft4"
DETAIL_TYPE_KEY = "x-amazon-events-detail-type"  # what EventBridge's own OpenAPI schemas carry
SOURCE_KEY = "x-amazon-events-source"


@dataclass(frozen=True)
class Declared:
    """One schema file, read and accepted."""

    rel: str  # as written in the blueprint
    name: str  # the schema's name in the registry: the file name without its extension
    type: str  # OpenApi3 | JSONSchemaDraft4
    detail_type: str | None  # the event's detail-type the schema describes, when it says
    detail: dict  # the schema of the event's `detail` (references inside the document resolved lazily)
    document: dict
    source: str | None = None  # the event's source, when the schema says


def schema_name(rel: str) -> str:
    base = posixpath.basename(rel.replace("\\", "/"))
    stem, dot, _ = base.rpartition(".")
    return stem if dot and stem else base


class SchemaProblem(Exception):
    """Why a file is no schema EventBridge would take (SLS338)."""


def detect_type(doc: Any) -> str:
    if not isinstance(doc, dict):
        raise SchemaProblem("is not a JSON object")
    if "swagger" in doc:
        raise SchemaProblem("is OpenAPI 2 (swagger); EventBridge takes OpenAPI 3 or JSON Schema draft 4")
    if "openapi" in doc:
        version = doc["openapi"]
        if not (isinstance(version, str) and version.startswith("3.")):
            raise SchemaProblem(f"declares openapi {str(version)[:20]!r}; EventBridge takes OpenAPI 3")
        components = doc.get("components")
        shapes = components.get("schemas") if isinstance(components, dict) else None
        if not isinstance(shapes, dict) or not shapes:
            raise SchemaProblem("is an OpenAPI 3 document without components.schemas (the event's shape)")
        return OPENAPI
    if "$schema" in doc:
        uri = doc["$schema"]
        if not (isinstance(uri, str) and "draft-04" in uri):
            raise SchemaProblem(f"declares $schema {str(uri)[:80]!r}; EventBridge takes JSON Schema draft 4 "
                                "(http://json-schema.org/draft-04/schema#) or OpenAPI 3")
        return DRAFT4
    if isinstance(doc.get("properties"), dict) or doc.get("type") == "object":
        return DRAFT4
    raise SchemaProblem("is neither OpenAPI 3 (an `openapi: 3.x` document) nor a JSON Schema draft 4 object schema")


def resolve(document: dict, node: Any, depth: int = 0) -> Any:
    """Follow a local `$ref` (`#/components/schemas/X`, `#/definitions/X`); others stay as they are."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/") and depth < 20:
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        if target is None:
            return {}
        node, depth = target, depth + 1
    return node


def _event_object(document: dict, kind: str) -> dict:
    if kind == DRAFT4:
        return document
    schemas = document["components"]["schemas"]
    for value in schemas.values():  # EventBridge's convention: the envelope carries the detail-type
        if isinstance(value, dict) and DETAIL_TYPE_KEY in value:
            return value
    if isinstance(schemas.get("AWSEvent"), dict):
        return schemas["AWSEvent"]
    first = next(iter(schemas.values()))
    return first if isinstance(first, dict) else {}


def interpret(rel: str, document: dict) -> Declared:
    kind = detect_type(document)
    event = resolve(document, _event_object(document, kind))
    props = event.get("properties") if isinstance(event, dict) else None
    props = props if isinstance(props, dict) else {}
    detail = resolve(document, props["detail"]) if "detail" in props else event  # an envelope, or the detail itself
    detail_type = _one(event.get(DETAIL_TYPE_KEY) if isinstance(event, dict) else None,
                       resolve(document, props.get("detail-type")))
    if detail_type is None:
        title = (document.get("info") or {}).get("title") if kind == OPENAPI else document.get("title")
        detail_type = title if isinstance(title, str) else None
    return Declared(rel, schema_name(rel), kind, detail_type, detail if isinstance(detail, dict) else {}, document,
                    _one(event.get(SOURCE_KEY) if isinstance(event, dict) else None, resolve(document, props.get("source"))))


def _one(value: Any, schema: Any) -> str | None:
    """`value` when a string, else the single enum value (or const) of the property `schema`, else None."""
    if isinstance(value, str):
        return value
    if isinstance(schema, dict):
        if isinstance(schema.get("const"), str):
            return schema["const"]
        values = schema.get("enum")
        if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
            return values[0]
    return None


def read(root: Path, rel: str) -> Declared:
    """Read and accept one schema file (its path already checked to stay inside `root`).

    Raises OSError (SLS337) or SchemaProblem (SLS338)."""
    data = (root / rel).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SchemaProblem(f"is not UTF-8 (byte {exc.start})") from None
    if len(text) > CONTENT_MAX:
        raise SchemaProblem(f"is {len(text)} characters; EventBridge takes schemas of at most {CONTENT_MAX}")
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise SchemaProblem(f"is not JSON ({rel[:80]}:{exc.lineno}:{exc.colno}: {exc.msg})") from None
    return interpret(rel, document)


def field_schema(declared: Declared, node: Any, key: str) -> tuple[bool, Any]:
    """(does `node`, a schema of an object, admit field `key`?, the field's schema; {} when unknown)."""
    node = resolve(declared.document, node)
    if not isinstance(node, dict):
        return True, {}
    props = node.get("properties")
    if isinstance(props, dict) and key in props:
        return True, resolve(declared.document, props[key])
    subs = [sub for c in ("allOf", "anyOf", "oneOf") if isinstance(node.get(c), list) for sub in node[c]]
    for sub in subs:
        found, schema = field_schema(declared, sub, key)
        if found:
            return True, schema
    if node.get("patternProperties") or isinstance(node.get("additionalProperties"), dict):
        return True, {}
    if not isinstance(props, dict) and not subs:  # no shape declared here: any field
        return True, {}
    return False, None


def unknown_fields(pattern: Any, schemas: list[Declared], at: tuple = ()) -> list[tuple[tuple, str]]:
    """(path inside the pattern's `detail`, field) of every field no schema in `schemas` declares.

    A field is unknown when each schema's object at that place lists its `properties` and the field
    is not among them (a schema with no `properties` there, or with `patternProperties` or an
    `additionalProperties` schema, accepts any field)."""
    out: list[tuple[tuple, str]] = []
    _walk(pattern, [(s, s.detail) for s in schemas], at, out)
    return out


def _walk(pattern: Any, nodes: list[tuple[Declared, Any]], at: tuple, out: list) -> None:
    if not isinstance(pattern, dict) or not nodes:
        return
    for key, value in pattern.items():
        if key == "$or" and isinstance(value, list):
            for i, branch in enumerate(value):
                _walk(branch, nodes, at + (key, i), out)
            continue
        found = [(d, schema) for d, node in nodes for ok, schema in [field_schema(d, node, key)] if ok]
        if not found:
            out.append((at + (key,), key))
        elif isinstance(value, dict) and all(schema != {} for _, schema in found):
            _walk(value, found, at + (key,), out)  # deeper only where every schema that has it says more


def example(declared: Declared, node: Any, name: str = "", depth: int = 0) -> Any:
    """A value the schema `node` accepts: its example, default, first enum or const, else one of its type
    (objects with their required fields only)."""
    node = resolve(declared.document, node)
    if not isinstance(node, dict) or depth > 8:
        return None
    for key in ("example", "default", "const"):
        if key in node:
            return node[key]
    if isinstance(node.get("examples"), list) and node["examples"]:
        return node["examples"][0]
    if isinstance(node.get("enum"), list) and node["enum"]:
        return node["enum"][0]
    for combined in ("allOf", "oneOf", "anyOf"):
        subs = node.get(combined)
        if isinstance(subs, list) and subs:
            if combined == "allOf":
                merged: dict = {}
                for sub in subs:
                    value = example(declared, sub, name, depth + 1)
                    if isinstance(value, dict):
                        merged.update(value)
                return merged
            return example(declared, subs[0], name, depth + 1)
    kind = node.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if kind is None and isinstance(node.get("properties"), dict):
        kind = "object"
    if kind == "object":
        props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
        required = [r for r in node.get("required") or () if isinstance(r, str)]
        return {r: example(declared, props.get(r, {}), r, depth + 1) for r in required}
    if kind == "array":
        items = node.get("items")
        return [example(declared, items, name, depth + 1)] if isinstance(items, dict) else []
    if kind == "integer":
        return max(1, int(node.get("minimum", 1)) if isinstance(node.get("minimum"), (int, float)) else 1)
    if kind == "number":
        return node.get("minimum", 1.5) if isinstance(node.get("minimum"), (int, float)) else 1.5
    if kind == "boolean":
        return True
    if kind == "string":
        fmt = node.get("format")
        return {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01", "email": "user@example.com",
                "uuid": "00000000-0000-4000-8000-000000000000", "uri": "https://example.com/"}.get(fmt, f"sample-{name}" if name else "sample")
    return None
