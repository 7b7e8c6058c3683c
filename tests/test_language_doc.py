"""Every key the models accept is documented in docs/blueprint-language.md ("Every key"), and the
table documents no key the models refuse: the JSON Schema (`sls-gen schema`, generated from the
models) and the language doc are compared both ways, so they cannot drift apart again."""

from __future__ import annotations

import json
import re

from rendering import ROOT

from generator.model.schema import blueprint_schema

LANGUAGE = ROOT / "docs" / "blueprint-language.md"


def schema_keys(schema: dict) -> set[str]:
    """Every key path the schema accepts: `tables.<name>.indexes.<name>.projection`,
    `functions.<name>.events[] (queue).batch_size` (a list entry, labelled by its kind)."""
    defs = schema.get("$defs", {})
    found: set[str] = set()

    def resolve(node: dict) -> dict:
        while "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[1]]
        return node

    def members(node: dict) -> list[dict]:
        node = resolve(node)
        for union in ("anyOf", "oneOf"):
            if union in node:
                return [m for part in node[union] for m in members(part)]
        return [node]

    def visit(node: dict, path: str, labelled: bool = False) -> None:
        for member in members(node):
            if member.get("type") == "object" and "properties" in member:
                props = member["properties"]
                where = f"{path} ({(member.get('required') or list(props))[0]})" if labelled else path
                for key, sub in props.items():
                    full = f"{where}.{key}" if where else key
                    if full not in found:
                        found.add(full)
                        visit(sub, full)
            elif member.get("type") == "object":
                values = list((member.get("patternProperties") or {}).values())
                if isinstance(member.get("additionalProperties"), dict):
                    values.append(member["additionalProperties"])
                for sub in values:
                    visit(sub, f"{path}.<name>")
            elif member.get("type") == "array" and "items" in member:
                visit(member["items"], f"{path}[]", labelled=len(members(member["items"])) > 1)

    visit(schema, "")
    return found


def documented_keys() -> dict[str, str]:
    text = LANGUAGE.read_text()
    section = text.split("\n## Every key\n", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^\| `([^`]+)` \| (.*) \|$", section, re.M)}


def test_every_schema_key_is_documented_and_every_documented_key_exists():
    schema = schema_keys(blueprint_schema())
    documented = documented_keys()
    assert len(schema) > 150
    assert sorted(schema - set(documented)) == [], "keys the models accept that docs/blueprint-language.md does not list"
    assert sorted(set(documented) - schema) == [], "keys docs/blueprint-language.md lists that the models do not accept"


def test_every_documented_key_says_something():
    for key, meaning in documented_keys().items():
        assert len(meaning) >= 9, f"{key}: give its meaning"


def test_the_keys_issue_15_found_undocumented_have_their_meaning():
    documented = documented_keys()
    for key, words in {
        "api.cors.headers": "SigV4",
        "api.cors.max_age": "preflight",
        "api.cors.allow_credentials": "Credentials",
        "queues.<name>.content_based_deduplication": "FIFO",
        "queues.<name>.dead_letter.retention_days": "1-14",
        "queues.<name>.subscribe[] (topic).raw": "envelope",
        "secrets.<name>.description": "Secrets Manager",
    }.items():
        assert words in documented[key], key


def test_the_committed_schema_is_the_one_compared():
    committed = json.loads((ROOT / "docs" / "blueprint.schema.json").read_text())
    assert schema_keys(committed) == schema_keys(blueprint_schema())
