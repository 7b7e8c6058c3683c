"""Keys every named object may carry for safe evolution: `renamed_from`, `retain`, `adopt`, `protect`.

Families build their object models on these bases (a table is `Protectable`, a topic `Keepable`, a
function `Renamable`); what the keys do is shared (generator/plan/evolution.py, generator/evolution/).
"""

from __future__ import annotations

from pydantic import Field

from generator.model.common import Name, Strict


class Renamable(Strict):
    renamed_from: Name | None = Field(
        None,
        description="the logical name this object had in the previous render: Terraform `moved` blocks for every "
        "address derived from it, and the AWS resources keep the names they were created with",
        examples=["old-name"],
    )


class Keepable(Renamable):
    retain: bool = Field(
        False,
        description="when the object leaves the blueprint, keep it in AWS and let Terraform forget it (a `removed` "
        "block with destroy = false) instead of destroying it",
        examples=[True],
    )
    adopt: bool = Field(
        False,
        description="the resource already exists under its physical name: a Terraform `import` block takes it over "
        "instead of creating an empty copy",
        examples=[True],
    )


class Protectable(Keepable):
    protect: bool | None = Field(
        None,
        description="deletion protection where AWS has it and lifecycle prevent_destroy (default: true in every "
        "stage not named dev or test and not `ephemeral: true`)",
        examples=[True],
    )
