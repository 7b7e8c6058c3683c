"""Whole values are validated whole (issue 14, "Values checked with `$`"): in Python `$` also matches
before a final newline, so `re.match(r"^...$")` let `alias/key\\n` through. Every Python regex in
generator/ is anchor-free and used with fullmatch; pydantic's `pattern=` constraints run on the Rust
regex engine, whose `$` is the end of the text. Both are fuzzed with hypothesis."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Annotated

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import StringConstraints, TypeAdapter, ValidationError

from generator.diagnostics import BlueprintError, path_str
from generator.model.schema import schema_text
from generator.pipeline import validate

GENERATOR = Path(__file__).resolve().parents[1] / "generator"
BREAKS = ["\n", "\r\n", "\n\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", " \n", "\nX"]


def _literal(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):  # f-string: its literal tail decides how it ends
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def test_no_python_regex_in_generator_ends_with_a_dollar_anchor():
    found = []
    for path in sorted(GENERATOR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                    and node.func.attr in ("compile", "match", "search", "fullmatch") and node.args):
                continue
            pattern = _literal(node.args[0])
            if pattern is not None and re.search(r"(?<!\\)\$\)*$", pattern):
                found.append(f"{path.relative_to(GENERATOR.parent)}:{node.lineno}: {pattern!r}")
    assert not found, "use re.fullmatch and drop the $ anchor:\n" + "\n".join(found)


def _schema_patterns() -> list[str]:
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.add(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(schema_text()))
    return sorted(found)


PATTERNS = _schema_patterns()


def test_the_schema_has_the_patterns_this_fuzz_is_about():
    assert r"^[a-z][a-z0-9-]*$" in PATTERNS and len(PATTERNS) >= 3


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_pydantic_patterns_accept_a_value_whole_or_not_at_all(pattern, data):
    adapter = TypeAdapter(Annotated[str, StringConstraints(pattern=pattern)])
    core = pattern.removeprefix("^").removesuffix("$")
    value = data.draw(st.from_regex(re.compile(core), fullmatch=True))
    assert adapter.validate_python(value) == value
    tail = data.draw(st.sampled_from(BREAKS))
    for bad in (value + tail, tail + value):
        with pytest.raises(ValidationError):
            adapter.validate_python(bad)
    text = data.draw(st.text(max_size=20))  # any text: pydantic agrees with a Python full match
    accepted = re.fullmatch(core, text) is not None
    try:
        adapter.validate_python(text)
        assert accepted, repr(text)
    except ValidationError:
        assert not accepted, repr(text)


# ---------------------------------------------------------------- through a blueprint
def _blueprint(patch: dict) -> dict:
    bp = {"service": "shop", "functions": {"a": {}}}
    for key, value in patch.items():
        bp[key] = value
    return bp


# field -> (blueprint patch taking the value, the path of the finding, a value that is valid)
FIELDS = {
    "kms_key": (lambda v: {"kms_key": v}, ("kms_key",), "alias/orders-key"),
    "ssm": (lambda v: {"secrets": {"db": {"ssm": v}}, "functions": {"a": {"uses": [{"secret": "db"}]}}},
            ("secrets", "db", "ssm"), "/shop/db-password"),
    "notify": (lambda v: {"observability": {"alarms": {"notify": [v]}}}, ("observability", "alarms", "notify", 0),
               "ops@example.com"),
    "environment key": (lambda v: {"functions": {"a": {"environment": {v: "x"}}}}, ("functions", "a", "environment"),
                        "LOG_LEVEL"),
    "input_path": (lambda v: {"functions": {"a": {"events": [{"eventbridge": {"pattern": {"source": ["x"]}},
                                                              "input_path": v}]}}},
                   ("functions", "a", "events", 0, "input_path"), "$.detail"),
    "bucket_name": (lambda v: {"buckets": {"b": {"bucket_name": v}}}, ("buckets", "b", "bucket_name"), "shop-docs-archive"),
    "replica": (lambda v: {"tables": {"t": {"partition_key": "pk", "replicas": [v]}}}, ("tables", "t", "replicas"),
                "eu-west-2"),
    "tag value": (lambda v: {"tags": {"team": v}}, ("tags", "team"), "orders"),
    "handler": (lambda v: {"functions": {"a": {"handler": v}}}, ("functions", "a", "handler"), "app/main.handler"),
    "issuer": (lambda v: {"api": {"authorizers": {"jwt": {"issuer": v, "audience": ["x"]}}}},
               ("api", "authorizers", "jwt", "issuer"), "https://auth.example.com/"),
    "cron field": (lambda v: {"functions": {"a": {"events": [{"schedule": f"cron({v} 2 * * ? *)"}]}}},
                   ("functions", "a", "events", 0), "0"),
}


def _findings(tmp_path: Path, bp: dict) -> list[tuple]:
    path = tmp_path / "bp.yaml"
    path.write_text(json.dumps(bp))  # JSON is YAML: every escape survives
    try:
        validate(path)
    except BlueprintError as exc:
        return [tuple(d.path) for d in exc.diagnostics if d.severity == "error"]
    return []


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_the_valid_value_of_each_fuzzed_field_passes(tmp_path, field):
    patch, _, good = FIELDS[field]
    assert _findings(tmp_path, _blueprint(patch(good))) == []


@pytest.mark.parametrize("field", sorted(FIELDS))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tail=st.sampled_from(BREAKS))
def test_a_line_break_after_a_valid_value_is_refused(tmp_path, field, tail):
    patch, where, good = FIELDS[field]
    found = _findings(tmp_path, _blueprint(patch(good + tail)))
    assert any(p[: len(where)] == where for p in found), (field, repr(tail), [path_str(p) for p in found])
