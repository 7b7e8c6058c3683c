"""Lambda layers the service builds (`layers:`): a folder, the runtimes and architectures it serves."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.families.function.model import Runtime
from generator.model.common import Name, PhysicalName, Strict

#: Lambda: at most 15 compatible runtimes and 2 architectures per layer version.
MAX_RUNTIMES = 15


class Layer(Strict):
    code: str = Field(description="folder relative to the blueprint: its requirements.txt / package.json is installed "
                      "(under python/ or nodejs/node_modules); a folder without one is zipped as it is")
    runtimes: list[Runtime] = Field(min_length=1, max_length=MAX_RUNTIMES,
                                    description="compatible runtimes (one language when dependencies are installed)")
    architectures: list[Literal["arm64", "x86_64"]] | None = Field(
        None, min_length=1, max_length=2,
        description="compatible architectures (default: defaults.architecture, else arm64); "
        "dependencies are installed for exactly one",
    )
    name: PhysicalName | None = Field(None, description="layer name (default {service}-{stage}-<name>)")
    description: str | None = Field(None, description="free text")


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (dict[Name, Layer], Field(default_factory=dict))

# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.layers": ("Lambda layers built from a folder, by logical name; functions name them in `layers:`",
                         {"common": {"code": "layers/common", "runtimes": ["python3.13"]}}),
    "Layer.code": (None, "layers/common"),
    "Layer.runtimes": (None, ["python3.13"]),
    "Layer.architectures": (None, ["arm64"]),
    "Layer.name": (None, "{service}-common"),
    "Layer.description": (None, "Shared helpers and their dependencies"),
}
