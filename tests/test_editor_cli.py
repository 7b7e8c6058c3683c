"""Editor support and output safety from the command line: schema, init, -o refusal, caret snippets."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from rendering import ROOT, bundled_blueprints

from generator.cli import main
from generator.diagnostics import Diagnostic
from generator.model.schema import blueprint_schema, schema_text

SCHEMA_DOC = ROOT / "docs" / "blueprint.schema.json"


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_schema_command_prints_the_committed_schema():
    result = run("schema")
    assert result.exit_code == 0
    assert json.loads(result.output)["title"].startswith("sls-gen blueprint")
    assert SCHEMA_DOC.read_text() == result.output, "regenerate: sls-gen schema > docs/blueprint.schema.json"


def test_every_schema_property_has_a_description_and_an_example():
    schema = blueprint_schema()
    missing = []
    for model, node in [("Blueprint", schema), *schema["$defs"].items()]:
        for prop, spec in node.get("properties", {}).items():
            if not spec.get("description") or not spec.get("examples"):
                missing.append(f"{model}.{prop}")
    assert missing == [], "add description=/examples= (or a FIELD_DOCS entry in generator/model/schema.py)"


def test_schema_rejects_unknown_top_level_keys_like_the_model():
    assert blueprint_schema()["additionalProperties"] is False


def test_bundled_blueprints_point_editors_at_the_schema():
    for bp in bundled_blueprints():
        first = bp.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), bp
        target = (bp.parent / first.split("=", 1)[1]).resolve()
        assert target == SCHEMA_DOC.resolve(), bp


def test_init_writes_a_starter_that_validates_and_refuses_to_overwrite(tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    if True:
        first = runner.invoke(main, ["init", "shop"])
        assert first.exit_code == 0, first.output
        text = Path("shop.yaml").read_text()
        assert text.startswith("# yaml-language-server: $schema=blueprint.schema.json")
        assert Path("blueprint.schema.json").read_text() == schema_text()
        check = runner.invoke(main, ["validate", "--strict", "shop.yaml"])
        assert check.exit_code == 0, check.output
        Path("shop.yaml").write_text(text + "# my edit\n")
        again = runner.invoke(main, ["init", "shop"])
        assert again.exit_code == 2 and "SLS601" in again.output
        assert Path("shop.yaml").read_text().endswith("# my edit\n")


def test_output_folder_refused_for_root_home_and_blueprint_folder(tmp_path, monkeypatch):
    src = tmp_path / "proj"
    src.mkdir()
    bp = src / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  a: {}\n")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    for target in ("/", str(tmp_path / "home"), str(src), str(tmp_path)):
        before = sorted(p.name for p in src.rglob("*"))
        result = run("render", str(bp), "-o", target)
        assert result.exit_code == 2, (target, result.output)
        assert "error[SLS601]" in result.output
        assert sorted(p.name for p in src.rglob("*")) == before
    assert run("render", str(bp), "-o", str(tmp_path / "out")).exit_code == 0


def test_caret_snippet_points_at_the_column():
    d = Diagnostic("SLS101", "unknown key 'memroy'", path=("functions", "a", "memroy"), file="bp.yaml", line=2, col=5)
    text = d.format(["functions:", "    memroy: 1"])
    assert text.splitlines() == [
        "bp.yaml:2:5: error[SLS101] functions.a.memroy: unknown key 'memroy'",
        "     2 |     memroy: 1",
        "       |     ^",
    ]


def test_internal_error_is_one_line_exit_1(tmp_path, monkeypatch):
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  a: {}\n")

    def boom(*_a, **_k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("generator.checks.run_checks", boom)
    result = run("validate", str(bp))
    assert result.exit_code == 70  # not 1, which `diff` uses for "the output is out of date"
    assert result.output == "sls-gen: internal error: RuntimeError: kaboom\n"  # one line, no traceback


def test_strict_turns_warnings_into_exit_2(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  a:\n    events:\n      - http: GET /a\n")
    relaxed = run("validate", str(bp))
    assert relaxed.exit_code == 0 and "warning[SLS501]" in relaxed.output
    strict = run("validate", "--strict", str(bp))
    assert strict.exit_code == 2 and "warning(s) treated as errors (--strict)" in strict.output


INVALID_FOR_SCHEMA = ("unknown_key", "logical_names", "wrong_types", "duplicate_event_kinds", "unions", "coerced_numbers")


def _schema_errors(path: Path) -> list:
    from requires import require_module

    jsonschema = require_module("jsonschema")
    from generator.loader import load_file

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_DOC.read_text()))
    return list(validator.iter_errors(load_file(path).data))


def test_schema_accepts_every_valid_blueprint_the_model_accepts():
    valid = [*bundled_blueprints(), *sorted((ROOT / "tests" / "cases").glob("*/blueprint.yaml"))]
    valid += [p for p in sorted((ROOT / "tests" / "errors").glob("*.yaml"))
              if p.stem not in INVALID_FOR_SCHEMA]
    for path in valid:
        assert _schema_errors(path) == [], path  # editors must not flag what sls-gen accepts


def test_schema_flags_what_the_model_rejects_as_schema_errors():
    for name in INVALID_FOR_SCHEMA:
        assert _schema_errors(ROOT / "tests" / "errors" / f"{name}.yaml"), name
