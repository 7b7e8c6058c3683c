"""SSM String parameters the service owns (`parameters:`) and the `parameter` use that reads or writes them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.model.common import Name, PhysicalName, Str, Strict, Tags, UseEntry
from generator.model.evolution import Protectable
from generator.model.existing import EXISTING_DOC, Existing


class Parameter(Protectable):
    name: PhysicalName | None = Field(None, description="SSM parameter name (default /{service}/{stage}/<name>)")
    tags: Tags = Field(default_factory=dict, description="tags of this parameter, over the service's")
    value: Str | None = Field(None, min_length=1, description="the value Terraform writes (standard tier: at most 4 KB; required unless existing)")
    description: str | None = Field(None, description="free text")
    existing: Existing | None = Field(None, description=EXISTING_DOC + " (a String parameter)")


class UseParameter(UseEntry):
    parameter: Name
    access: Literal["read", "write"] = "read"


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (dict[Name, Parameter], Field(default_factory=dict))
USE = UseParameter

# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.parameters": ("SSM String parameters this service owns, by logical name (not for secrets)", {"feature-flags": {"value": "{}"}}),
    "Parameter.name": (None, "/{service}/{stage}/config/feature-flags"),
    "Parameter.tags": (None, {"owner": "platform"}),
    "Parameter.value": (None, '{"beta": false}'),
    "Parameter.existing": (None, {"name": "/platform/{stage}/api-host"}),
    "Parameter.description": (None, "Feature flags read at cold start"),
    "UseParameter.parameter": ("parameter name", "feature-flags"),
    "UseParameter.access": ("read or write", "read"),
}
