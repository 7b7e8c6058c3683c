"""`sls-gen init`: a commented starter blueprint that validates, plus the schema editors read."""

from __future__ import annotations

import re
from pathlib import Path

from generator.diagnostics import BlueprintError, Diagnostic

SCHEMA_FILE = "blueprint.schema.json"

STARTER = """\
# yaml-language-server: $schema={schema}
# A starter sls-gen blueprint. Validate: sls-gen validate {file}   Render: sls-gen render {file}
# The language reference: docs/blueprint-language.md. Every name is lower-case letters, digits and '-'.
service: {service}
region: eu-west-1

stages:
  dev: {{}}
  prod:
    overrides:
      defaults:
        memory: 1024

defaults:
  runtime: python3.13   # python3.11-3.13, nodejs20.x/22.x
  memory: 512           # MB, 128-10240
  timeout: 10           # seconds; HTTP APIs give up after 30

tables:
  items:
    partition_key: id   # "id" is a string key; "id:N" a number

functions:
  get-item:             # code lives in src/get_item (a scaffold is written on first render)
    events:
      - http: GET /items/{{id}}
        auth: none      # public on purpose; declare api.authorizers to protect it
    uses:
      - table: items    # grants read access and sets ITEMS_TABLE_NAME
        access: read
"""


ON_PROFILE = """\
# yaml-language-server: $schema={schema}
# A service on the org profile {profile}: its defaults, tags, guardrails and locked keys apply;
# set here only what differs. Validate: sls-gen validate {file}   Render: sls-gen render {file}
extends: {profile}
service: {service}

functions:
  hello: {{}}           # code lives in src/hello (a scaffold is written on first render)
"""


def write_starter(name: str, folder: Path = Path("."), profile: Path | None = None) -> Path:
    service = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    if not service or not service[0].isalpha():
        service = "svc-" + service if service else "my-service"
    service = service[:30].rstrip("-")
    target = folder / f"{name}.yaml" if not name.endswith((".yaml", ".yml")) else folder / name
    if name.endswith((".yaml", ".yml")):
        service = re.sub(r"[^a-z0-9-]+", "-", Path(name).stem.lower()).strip("-") or "my-service"
    if target.exists():
        raise BlueprintError([Diagnostic("SLS601", f"'{target}' already exists; not overwriting it",
                                         file=str(target), hint="pick another NAME or move the file away")])
    if profile is not None:
        text = ON_PROFILE.format(schema=SCHEMA_FILE, file=target.name, service=service,
                                 profile=_profile_path(Path(profile), target))
    else:
        text = STARTER.format(schema=SCHEMA_FILE, file=target.name, service=service)
    target.write_text(text, encoding="utf-8")
    schema_path = target.parent / SCHEMA_FILE
    if not schema_path.exists():
        from generator.model.schema import schema_text

        schema_path.write_text(schema_text(), encoding="utf-8")
    return target


def _profile_path(profile: Path, target: Path) -> str:
    """The profile as `extends:` names it: relative to the new blueprint's folder, after checking it loads."""
    import os

    from generator.loader import load_file

    if not profile.is_file():
        raise BlueprintError([Diagnostic("SLS011", f"profile '{profile}' is not a file", file=str(profile),
                                         hint="name the org profile's YAML file")])
    load_file(profile)  # a profile that does not even parse is reported now, in its own file
    base = os.path.abspath(target.parent)
    return os.path.relpath(os.path.abspath(profile), base).replace(os.sep, "/")
