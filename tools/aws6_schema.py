"""Extract the AWS provider 6 schema sls-gen's output is checked against (tests/test_provider6.py).

Source: the jsii assembly in the PyPI package `cdktn-provider-aws` (generated from
hashicorp/aws 6.x; 25.8.x is built from 6.69). The assembly is 150 MB; the excerpt written here
(tests/data/aws6_schema.json) keeps every resource and data source type name, and for the types
`TYPES_OF_INTEREST` (those the templates may use) their arguments, nested blocks and readable
attributes, in Terraform's snake_case.

    pip download --no-deps 'cdktn-provider-aws>=25.8,<25.9' -d /tmp/cdktn
    python tools/aws6_schema.py /tmp/cdktn/cdktn_provider_aws-*.whl tests/data/aws6_schema.json

Without a third argument (a JSON list of type names), the types of interest are every
`resource`, `data` and `ephemeral` "aws_..." type the templates under generator/ and templates/ write.
"""

from __future__ import annotations

import io
import json
import re
import sys
import tarfile
import zipfile
from pathlib import Path

LINK = re.compile(r"\{@link https://registry\.terraform\.io/providers/hashicorp/aws/([0-9.]+)/docs/(resources|data-sources)/(\w+)(?:#(\w+))? ")


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def load_assembly(wheel: str) -> dict:
    with zipfile.ZipFile(wheel) as whl:
        name = next(n for n in whl.namelist() if n.endswith(".jsii.tgz"))
        with tarfile.open(fileobj=io.BytesIO(whl.read(name))) as tgz:
            return json.load(tgz.extractfile("package/.jsii"))


def struct(types: dict, fqn: str, seen: frozenset = frozenset()) -> dict:
    """{argument: nested struct (dict) or None} of a config struct, snake_case."""
    out: dict = {}
    for prop in types.get(fqn, {}).get("properties", []):
        match = LINK.search(prop.get("docs", {}).get("summary", ""))
        name = match.group(4) if match and match.group(4) else snake(prop["name"])
        name = name.rsplit("#", 1)[-1]
        inner = _fqn(prop["type"])
        if inner and inner.startswith("@cdktn/provider-aws.") and inner not in seen and "properties" in types.get(inner, {}):
            out[name] = struct(types, inner, seen | {fqn})
        else:
            out[name] = None
    return out


def _fqn(t: dict) -> str | None:
    if "fqn" in t:
        return t["fqn"]
    if "collection" in t:
        return _fqn(t["collection"]["elementtype"])
    if "union" in t:
        for member in t["union"]["types"]:
            found = _fqn(member)
            if found and not found.startswith("cdktn."):
                return found
    return None


def extract(assembly: dict, interest: set[str]) -> dict:
    types = assembly["types"]
    out = {"source": f"{assembly['name']} {assembly['version']}", "provider": None, "resource": {}, "data": {}}
    for fqn, t in types.items():
        if t.get("kind") != "class" or t.get("base") not in ("cdktn.TerraformResource", "cdktn.TerraformDataSource"):
            continue
        match = LINK.search(t.get("docs", {}).get("summary", ""))
        if not match:
            continue
        out["provider"] = match.group(1)
        kind = "resource" if match.group(2) == "resources" else "data"
        tf_type = match.group(3)
        tf_type = tf_type if tf_type.startswith("aws_") else "aws_" + tf_type
        if tf_type not in interest:
            out[kind][tf_type] = None
            continue
        attrs = sorted({snake(p["name"]) for p in t.get("properties", []) if not p["name"].endswith("Input")
                        and p["name"] != "tfResourceType"})
        out[kind][tf_type] = {"arguments": struct(types, fqn + "Config"), "attributes": attrs}
    out["provider_arguments"] = struct(types, "@cdktn/provider-aws.provider.AwsProviderConfig")
    out["resource"] = dict(sorted(out["resource"].items()))
    out["data"] = dict(sorted(out["data"].items()))
    return out


def template_types(root: Path) -> set[str]:
    """Every AWS resource and data source type a template of this repository writes."""
    found: set[str] = set()
    for folder in ("generator", "templates"):
        for path in (root / folder).rglob("*.j2"):
            found.update(re.findall(r'(?:resource|data|ephemeral)\s+"(aws_\w+)"', path.read_text()))
    return found


def main(wheel: str, target: str, interest_file: str | None = None) -> None:
    root = Path(__file__).resolve().parent.parent
    interest = set(json.load(open(interest_file))) if interest_file else template_types(root)
    data = extract(load_assembly(wheel), interest)
    with open(target, "w") as fh:
        json.dump(data, fh, indent=None, sort_keys=True, separators=(",", ":"))
        fh.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
