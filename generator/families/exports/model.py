"""`exports:`: publish what the stage owns as SSM String parameters other stacks read."""

from __future__ import annotations

from pydantic import Field

from generator.model.common import PhysicalName, Str, Strict


class Exports(Strict):
    ssm_prefix: PhysicalName | None = Field(
        None, description="writes <prefix>/<kind>/<name>/<attr> for the name and ARN (queues: URL) of every object the "
        "stage owns, and <prefix>/api/url, /api/id, /api/execution_arn; placeholders apply",
    )
    ssm: dict[PhysicalName, Str] = Field(
        default_factory=dict, description="exact parameter paths (placeholders apply) and their values (references apply)",
    )


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (Exports | None, None)
# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.exports": ("publish names and ARNs of what this service owns as SSM String parameters",
                          {"ssm_prefix": "/acme/{service}/{stage}"}),
    "Exports.ssm_prefix": (None, "/acme/{service}/{stage}"),
    "Exports.ssm": (None, {"/acme/{stage}/orders-api-url": "${api:url}"}),
}
