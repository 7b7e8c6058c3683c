"""AWS provider 6 compatibility, checked against the provider 6 schema (docs/decisions/provider-range.md).

Only provider 5.100 is installable here, so `terraform validate` cannot run against 6.x. Instead
every rendered case (each snapshot, plus the state-and-accounts case pinned to provider 6) is
parsed with python-hcl2 and each resource type, data source type, argument, nested block, provider
argument and `aws_*.name.attribute` reference is looked up in tests/data/aws6_schema.json, an
excerpt of the jsii assembly of `cdktn-provider-aws` 25.8.x (generated from hashicorp/aws 6.69;
regenerate with tools/aws6_schema.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import hcl2
import pytest
from rendering import ROOT

SCHEMA = json.loads((ROOT / "tests" / "data" / "aws6_schema.json").read_text())
SNAPSHOTS = ROOT / "tests" / "snapshots"
META = {"count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection"}
REFERENCE = re.compile(r"(?<![\w.])(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.([a-z0-9_]+)")

STATE_CASE = """\
service: orders
terraform:
  aws_provider: "6"
  backend: {s3: {bucket: acme-tfstate, role_arn: "arn:aws:iam::222222222222:role/state"}}
  assume_role: arn:aws:iam::222222222222:role/deploy
  allowed_account_ids: ["222222222222"]
functions:
  api:
    events: [{http: GET /items}]
"""


def _label(name: str) -> str:
    return name.strip('"')


def _arguments(body: dict, schema: dict, where: str, problems: list[str]) -> None:
    for key, value in body.items():
        if key in META:
            continue
        if key == "dynamic":
            for block in value:
                for name, spec in block.items():
                    name = _label(name)
                    if name not in schema:
                        problems.append(f"{where}: no block '{name}' in provider 6")
                    elif isinstance(schema[name], dict):
                        for content in spec.get("content", []):
                            _arguments(content, schema[name], f"{where}.{name}", problems)
            continue
        if key not in schema:
            problems.append(f"{where}: no argument '{key}' in provider 6")
            continue
        nested = schema[key]
        if isinstance(nested, dict):
            for block in value if isinstance(value, list) else [value]:
                if isinstance(block, dict):
                    _arguments(block, nested, f"{where}.{key}", problems)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def problems_in(files: dict[str, str]) -> list[str]:
    problems: list[str] = []
    for name, text in sorted(files.items()):
        doc = hcl2.loads(text)
        for kind, label in (("resource", "resource"), ("data", "data")):
            for block in doc.get(kind, []):
                for tf_type, named in block.items():
                    tf_type = _label(tf_type)
                    if tf_type not in SCHEMA[label]:
                        problems.append(f"{name}: {label} type {tf_type} does not exist in provider 6")
                        continue
                    spec = SCHEMA[label][tf_type]
                    if spec is None:
                        problems.append(f"{name}: {tf_type} is not in the schema excerpt: regenerate it (tools/aws6_schema.py)")
                        continue
                    for res_name, body in named.items():
                        _arguments(body, spec["arguments"], f"{name}: {tf_type}.{_label(res_name)}", problems)
        for block in doc.get("provider", []):
            for _name, body in block.items():
                _arguments(body, SCHEMA["provider_arguments"], f"{name}: provider", problems)
        for text_value in _strings(doc):
            for is_data, tf_type, _res, attr in REFERENCE.findall(text_value):
                spec = SCHEMA["data" if is_data else "resource"].get(tf_type)
                if spec and attr not in spec["attributes"] and attr not in spec["arguments"]:
                    problems.append(f"{name}: {'data.' if is_data else ''}{tf_type} has no attribute '{attr}' in provider 6")
    return problems


def _snapshot_cases() -> list[str]:
    return sorted(p.name for p in SNAPSHOTS.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", _snapshot_cases())
def test_snapshot_case_fits_the_provider6_schema(case):
    files = {p.relative_to(SNAPSHOTS).as_posix(): p.read_text() for p in sorted((SNAPSHOTS / case).rglob("*.tf"))}
    assert files
    assert problems_in(files) == []


def test_the_pinned_state_case_fits_the_provider6_schema(tmp_path):
    from generator.pipeline import render

    bp = tmp_path / "blueprint.yaml"
    bp.write_text(STATE_CASE)
    files = {k: v.decode() for k, v in render(bp).outputs.items() if k.endswith(".tf")}
    assert 'version = "~> 6.0"' in files["dev/versions.tf"]
    assert problems_in(files) == []


def test_the_check_finds_what_provider6_removed():
    """The lookups can fail: arguments and attributes the 6.0 upgrade guide removed are reported."""
    text = '''
resource "aws_api_gateway_deployment" "api" {
  rest_api_id = "x"
  stage_name  = "dev"
}
resource "aws_simpledb_domain" "old" {
  name = "x"
}
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "r"
  snap_start {
    apply_on = "PublishedVersions"
    bogus    = 1
  }
}
output "url" {
  value = aws_api_gateway_deployment.api.invoke_url
}
'''
    found = problems_in({"x.tf": text})
    assert "x.tf: aws_api_gateway_deployment.api: no argument 'stage_name' in provider 6" in found
    assert "x.tf: resource type aws_simpledb_domain does not exist in provider 6" in found
    assert "x.tf: aws_lambda_function.f.snap_start: no argument 'bogus' in provider 6" in found
    assert "x.tf: aws_api_gateway_deployment has no attribute 'invoke_url' in provider 6" in found


@pytest.mark.parametrize("runtime", ["python3.14", "nodejs24.x", "java25"])
def test_the_newest_runtimes_need_provider6(tmp_path, runtime):
    from generator.diagnostics import BlueprintError
    from generator.pipeline import render, validate

    bp = tmp_path / "blueprint.yaml"
    extra = "    artifact: build/f.jar\n" if runtime == "java25" else ""
    bp.write_text(f"service: orders\nfunctions:\n  f:\n    runtime: {runtime}\n{extra}")
    with pytest.raises(BlueprintError) as info:
        validate(bp)
    [diag] = info.value.diagnostics
    assert (diag.code, diag.line, diag.path) == ("SLS312", 4, ("functions", "f", "runtime"))
    assert 'aws_provider: "6"' in diag.hint
    bp.write_text(bp.read_text() + 'terraform: {aws_provider: "6"}\n')
    rendered = render(bp)
    files = {k: v.decode() for k, v in rendered.outputs.items() if k.endswith(".tf")}
    assert f'runtime       = "{runtime}"' in files["dev/lambda.tf"] or f'"{runtime}"' in files["dev/lambda.tf"]
    assert 'version = "~> 6.0"' in files["dev/versions.tf"]
    assert problems_in(files) == []
