"""`buses.<name>.schemas.files`: declared event schemas (generator/families/bus/schemas.py).

moto has no EventBridge Schemas API, so no emulator apply: the registry and schemas are proved by
the snapshot case bus_schemas, `terraform validate` and checkov (tests/test_terraform.py,
tests/test_checkov.py); these tests hold the reading, the checks, the plan, the render record and
the samples.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import generator.noop as noop
from generator.cli import main
from generator.diagnostics import BlueprintError
from generator.events import sample_events
from generator.families.bus.schemas import (
    CONTENT_MAX, DRAFT4, OPENAPI, SchemaProblem, detect_type, example, interpret, read, unknown_fields,
)
from generator.pipeline import render, validate

DRAFT4_DOC = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "title": "OrderPlaced",
    "type": "object",
    "properties": {"detail": {"type": "object", "required": ["orderId", "lines"], "properties": {
        "orderId": {"type": "string"},
        "lines": {"type": "array", "items": {"$ref": "#/definitions/line"}},
        "note": {"type": "string"},
    }}},
    "definitions": {"line": {"type": "object", "required": ["qty"], "properties": {"qty": {"type": "integer", "minimum": 2}}}},
}
OPENAPI_DOC = {
    "openapi": "3.0.0",
    "info": {"title": "Shipped", "version": "1"},
    "paths": {},
    "components": {"schemas": {
        "AWSEvent": {"type": "object", "x-amazon-events-detail-type": "OrderShipped", "x-amazon-events-source": "shipping",
                     "properties": {"detail": {"$ref": "#/components/schemas/Shipped"}}},
        "Shipped": {"type": "object", "required": ["carrier", "trackingId"],
                    "properties": {"carrier": {"type": "string", "enum": ["ups", "dhl"]}, "trackingId": {"type": "string"},
                                   "parcel": {"type": "object", "properties": {"weight": {"type": "number"}}}}},
    }},
}


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SLS_GEN_CACHE_DIR", str(tmp_path / "cache"))


def write(tmp_path: Path, bp: dict, files: dict[str, object]) -> Path:
    for rel, doc in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=2))
    path = tmp_path / "blueprint.yaml"
    path.write_text(yaml.safe_dump({"service": "shop", "region": "eu-west-1", **bp}, sort_keys=False))
    return path


def blueprint(files: list[str], pattern: dict | None = None, stages: dict | None = None) -> dict:
    bp: dict = {"buses": {"orders": {"schemas": {"files": files}}}}
    if pattern is not None:
        bp["functions"] = {"ship": {"events": [{"eventbridge": {"bus": "orders", "pattern": pattern}}]}}
    if stages:
        bp["stages"] = stages
    return bp


def codes(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(BlueprintError) as info:
        validate(path, strict=True)
    return [(d.code, ".".join(map(str, d.path[-2:]))) for d in info.value.diagnostics]


# ------------------------------------------------------------------------------ reading


def test_type_is_detected_from_the_document():
    assert detect_type(DRAFT4_DOC) == DRAFT4
    assert detect_type(OPENAPI_DOC) == OPENAPI
    assert detect_type({"type": "object", "properties": {}}) == DRAFT4, "no $schema: an object schema is draft 4"
    for refused, why in [({"swagger": "2.0"}, "OpenAPI 2"), ({"openapi": "2.0"}, "OpenAPI 3"),
                         ({"openapi": "3.1.0", "components": {}}, "components.schemas"),
                         ({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}, "draft 4"),
                         ({"title": "just a title"}, "neither"), ([1, 2], "not a JSON object")]:
        with pytest.raises(SchemaProblem, match=why):
            detect_type(refused)


def test_read_refuses_what_eventbridge_refuses_with_the_files_line(tmp_path):
    (tmp_path / "big.json").write_text(json.dumps({"type": "object", "description": "x" * CONTENT_MAX}))
    (tmp_path / "latin1.json").write_bytes(b'{"type": "object", "title": "caf\xe9"}')
    (tmp_path / "broken.json").write_text('{\n  "type": "object",\n  "properties": {"a": 1,}\n}\n')
    with pytest.raises(SchemaProblem, match="at most 100000"):
        read(tmp_path, "big.json")
    with pytest.raises(SchemaProblem, match="not UTF-8"):
        read(tmp_path, "latin1.json")
    with pytest.raises(SchemaProblem, match=r"broken\.json:3:25"):
        read(tmp_path, "broken.json")


def test_envelope_detail_type_and_source_are_read_from_either_type():
    draft = interpret("schemas/placed.json", DRAFT4_DOC)
    assert (draft.name, draft.type, draft.detail_type, draft.source) == ("placed", DRAFT4, "OrderPlaced", None)
    assert set(draft.detail["properties"]) == {"orderId", "lines", "note"}
    api = interpret("schemas/shipped.json", OPENAPI_DOC)
    assert (api.type, api.detail_type, api.source) == (OPENAPI, "OrderShipped", "shipping")
    assert set(api.detail["properties"]) == {"carrier", "trackingId", "parcel"}, "the detail's $ref is followed"
    bare = interpret("x.json", {"type": "object", "properties": {"sku": {"type": "string"}}})
    assert bare.detail_type is None and set(bare.detail["properties"]) == {"sku"}, "no envelope: the detail itself"


def test_unknown_fields_follow_nesting_refs_combinators_and_open_objects():
    api = interpret("s.json", OPENAPI_DOC)
    assert unknown_fields({"carrier": ["ups"], "parcel": {"weight": [1], "wieght": [2]}}, [api]) == [
        (("parcel", "wieght"), "wieght")]
    assert unknown_fields({"$or": [{"carrier": ["ups"]}, {"carier": ["x"]}]}, [api]) == [(("$or", 1, "carier"), "carier")]
    open_doc = {"type": "object", "properties": {"detail": {"type": "object", "properties": {"a": {}},
                                                            "additionalProperties": {"type": "string"}}}}
    assert unknown_fields({"zzz": ["x"]}, [interpret("o.json", open_doc)]) == [], "an additionalProperties schema admits any field"
    all_of = {"type": "object", "properties": {"detail": {"allOf": [{"properties": {"a": {}}}, {"properties": {"b": {}}}]}}}
    assert unknown_fields({"a": [1], "b": [2], "c": [3]}, [interpret("a.json", all_of)]) == [(("c",), "c")]
    assert unknown_fields({"note": ["x"]}, [api, interpret("p.json", DRAFT4_DOC)]) == [], "one declaring schema is enough"


def test_example_takes_required_fields_with_typed_values():
    draft = interpret("p.json", DRAFT4_DOC)
    assert example(draft, draft.detail) == {"orderId": "sample-orderId", "lines": [{"qty": 2}]}
    api = interpret("s.json", OPENAPI_DOC)
    assert example(api, api.detail) == {"carrier": "ups", "trackingId": "sample-trackingId"}


# ------------------------------------------------------------------------------ checks


def test_paths_outside_the_folder_missing_files_and_symlinks_out_are_refused(tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.json"
    outside.write_text(json.dumps(DRAFT4_DOC))
    (tmp_path / "schemas").mkdir()
    os.symlink(outside, tmp_path / "schemas" / "linked.json")
    path = write(tmp_path, blueprint(["schemas/linked.json", "/etc/passwd", "schemas/none.json", "schemas"]), {})
    assert codes(path) == [("SLS337", "files.0"), ("SLS337", "files.1"), ("SLS337", "files.2"), ("SLS337", "files.3")]


def test_each_problem_is_reported_once_across_stages(tmp_path):
    path = write(tmp_path, blueprint(["schemas/a.json"], {"detail-type": ["OrderPlaced"], "detail": {"typo": ["x"]}},
                                     {"dev": {}, "prod": {}}), {"schemas/a.json": DRAFT4_DOC, "schemas/b.json": "{"})
    assert codes(path) == [("SLS513", "detail.typo")]
    path.write_text(path.read_text().replace("schemas/a.json", "schemas/b.json"))
    assert codes(path) == [("SLS338", "files.0")]


def test_pattern_warning_only_where_a_schema_covers_the_detail_type(tmp_path):
    files = {"schemas/placed.json": DRAFT4_DOC, "schemas/shipped.json": OPENAPI_DOC}
    cases = [
        ({"detail-type": ["OrderPlaced"], "detail": {"orderid": ["x"]}}, ["orderid"]),
        ({"detail-type": ["OrderPlaced", "OrderShipped"], "detail": {"orderId": ["x"]}}, []),  # OrderPlaced's has it
        ({"detail-type": ["OrderPlaced", "OrderShipped"], "detail": {"weird": ["x"]}}, ["weird"]),
        ({"detail-type": ["OrderPlaced", "Refunded"], "detail": {"weird": ["x"]}}, []),  # Refunded: no schema, no claim
        ({"detail-type": [{"prefix": "Order"}], "detail": {"weird": ["x"]}}, []),
        ({"detail": {"weird": ["x"]}}, ["weird"]),  # no detail-type: every schema of the bus
    ]
    for pattern, fields in cases:
        path = write(tmp_path, blueprint(list(files), pattern), files)
        if not fields:
            assert validate(path, strict=True)[3] == [], pattern
            continue
        warnings = validate(path)[3]
        assert [(w.code, w.severity, w.path[-1]) for w in warnings] == [("SLS513", "warning", f) for f in fields], pattern


# ------------------------------------------------------------------------------ render


def test_render_copies_each_file_and_a_registry_per_bus_holds_a_schema_per_file(tmp_path):
    files = {"schemas/placed.json": DRAFT4_DOC, "schemas/shipped.json": OPENAPI_DOC}
    path = write(tmp_path, blueprint(list(files)), files)
    out = render(path)
    assert out.outputs["dist/schemas/orders/placed.json"] == (tmp_path / "schemas/placed.json").read_bytes()
    events = out.outputs["dev/events.tf"].decode()
    assert events.count('resource "aws_schemas_registry" "orders"') == 1
    assert 'name        = "shop-dev-orders"' in events
    assert events.count('resource "aws_schemas_schema"') == 2
    assert 'content = file("${path.module}/../dist/schemas/orders/shipped.json")' in events
    assert out.states["schemas/placed.json"].digest is not None, "the file's sha256 is in the render's record"


def test_an_edited_schema_file_renders_in_full(tmp_path):
    files = {"schemas/placed.json": DRAFT4_DOC}
    path = write(tmp_path, blueprint(list(files)), files)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert isinstance(noop.check(path, out, None, False), noop.Unchanged)
    edited = dict(DRAFT4_DOC, title="OrderPlacedV2")
    (tmp_path / "schemas/placed.json").write_text(json.dumps(edited))
    assert isinstance(noop.check(path, out, None, False), noop.RenderInFull)
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "dist/schemas/orders/placed.json").read_text())["title"] == "OrderPlacedV2"


# ------------------------------------------------------------------------------ samples


def test_samples_follow_the_schema_with_the_patterns_values_over_it(tmp_path):
    files = {"schemas/shipped.json": OPENAPI_DOC}
    pattern = {"detail-type": ["OrderShipped"], "detail": {"carrier": ["dhl"], "parcel": {"weight": [{"numeric": [">", 5]}]}}}
    path = write(tmp_path, blueprint(list(files), pattern), files)
    _doc, _base, stages, _ = validate(path)
    (shaped,) = sample_events(stages["dev"], "dev", root=tmp_path)
    assert shaped.event["detail"] == {"carrier": "dhl", "trackingId": "sample-trackingId", "parcel": {"weight": 6}}
    assert shaped.event["source"] == "shipping", "the schema's source when the pattern names none"
    (plain,) = sample_events(stages["dev"], "dev")
    assert plain.event["detail"] == {"carrier": "dhl", "parcel": {"weight": 6}}, "without the folder: the pattern only"
    assert plain.event["source"] == "sls-gen.sample"
    result = CliRunner().invoke(main, ["events", str(path), "-o", str(tmp_path / "events")])
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "events").iterdir()
    assert json.loads(written.read_text())["source"] == "shipping"
