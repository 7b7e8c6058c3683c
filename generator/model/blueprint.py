"""The top-level blueprint model, assembled from the families' models (generator/families/*/model.py).

Each family's model module may declare `SECTION_FIELD` (its top-level key), `USE` (a `uses` entry
model) and `EVENT` (an `events` entry model); this module plugs them into `Function` and
`Blueprint` in registry order. Nothing here names a kind.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union, get_origin

from pydantic import Discriminator, Field, StringConstraints, Tag, create_model, model_validator

from generator.families import event_kinds, families, use_kinds
from generator.families.function.model import Artifacts, Function, FunctionSettings
from generator.model.common import Int, Name, Str, Strict, none_as_empty
from generator.platform.rails import Guardrails
from generator.platform.terraform import Terraform

REGION_PATTERN = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$"

EVENT_KINDS = event_kinds()
USE_KINDS = use_kinds()


def _kind_of(kinds: tuple[str, ...], suffix: str):
    def pick(value: Any) -> str | None:
        if isinstance(value, dict):
            found = [k for k in kinds if k in value]
        else:
            found = [k for k in kinds if hasattr(value, k)]
        if len(found) == 1:
            return found[0] + suffix
        return "__many__" if found else None

    return pick


def _union(attr: str, suffix: str, kinds: tuple[str, ...]):
    """The discriminated union of every family's `attr` model (EVENT or USE), tagged `<kind><suffix>`."""
    members = []
    for fam in families():
        model = getattr(fam.part("model"), attr, None)
        if model is not None:
            members.append(Annotated[model, Tag((fam.event if attr == "EVENT" else fam.use) + suffix)])
    return Annotated[Union[tuple(members)], Discriminator(_kind_of(kinds, suffix))]


Event = _union("EVENT", "~event", EVENT_KINDS)
Use = _union("USE", "~use", USE_KINDS)
Function.model_rebuild(_types_namespace={"Event": Event, "Use": Use})


class Stage(Strict):
    region: str | None = Field(None, pattern=REGION_PATTERN)
    add: dict[str, Any] = Field(
        default_factory=dict,
        description="objects that exist in this stage only, in the top level's shape (functions, tables, queues, ...)",
    )
    overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="deep-merged over the blueprint; changes only what the blueprint (or add) declares; "
        "a key set to null is removed for this stage",
    )
    ephemeral: bool = Field(
        False, description="a throw-away stage: objects are not protected by default (as in dev and test)",
        examples=[True],
    )


# A Terraform input variable of every stage (`variables:`): SAM Parameters, Serverless ${param:}.
VARIABLE_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
VariableName = Annotated[str, StringConstraints(pattern=VARIABLE_PATTERN, max_length=64)]
VARIABLE_TYPES = ("string", "number", "bool", "list(string)", "map(string)")


class Variable(Strict):
    type: Literal["string", "number", "bool", "list(string)", "map(string)"] = Field(
        "string", description="Terraform type of the value"
    )
    default: Any = Field(None, description="value when -var / a tfvars file sets none (omit: it must be set)")
    description: str | None = Field(None, description="what the value is, for whoever sets it")
    sensitive: bool = Field(False, description="Terraform hides the value in plan output")


class Account(Strict):
    concurrency_quota: Int = Field(1000, ge=1)


def _sections() -> dict[str, tuple]:
    return {fam.section: fam.part("model").SECTION_FIELD for fam in families() if fam.section}


SECTIONS = _sections()
# Sections holding objects by logical name (`tables: {orders: ...}`), and the stages map.
MAP_SECTIONS = tuple(k for k, (tp, _) in SECTIONS.items() if get_origin(tp) is dict) + ("stages", "variables")
# Sections a stage may `add` objects to (and whose objects an override must name): by logical name.
NAMED_SECTIONS = tuple(k for k in MAP_SECTIONS if k not in ("stages", "variables"))
# The singular noun of each, for messages ("function 'x'").
SECTION_NOUNS = {fam.section: fam.name for fam in families() if fam.section in NAMED_SECTIONS}
# Sections holding one object: an empty key means its defaults.
OBJECT_SECTIONS = ("defaults", "account", "tags") + tuple(
    k for k, (tp, default) in SECTIONS.items() if get_origin(tp) is not dict and default is not None
)


class _Base(Strict):
    service: str = Field(min_length=2, max_length=30, pattern=r"^[a-z][a-z0-9-]*$")
    description: str | None = None
    region: str = Field("us-east-1", pattern=REGION_PATTERN)
    tags: dict[str, Str] = Field(default_factory=dict)
    stages: dict[Name, Stage] = Field(default_factory=lambda: {"dev": Stage()})
    defaults: FunctionSettings = Field(default_factory=FunctionSettings)
    extends: str | None = None
    requires: str | None = None
    guardrails: Guardrails | None = None
    terraform: Terraform | None = None
    locked: list[Str] = Field(default_factory=list)
    variables: dict[VariableName, Variable] = Field(default_factory=dict)
    artifacts: Artifacts | None = None

    @model_validator(mode="before")
    @classmethod
    def _empty_sections(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key in MAP_SECTIONS:
            if key in data:
                data[key] = {} if data[key] is None else none_as_empty(data[key])
        for key in OBJECT_SECTIONS:
            if key in data and data[key] is None:
                data[key] = {}
        if data.get("stages") == {}:
            data["stages"] = {"dev": {}}
        return data


Blueprint = create_model(
    "Blueprint",
    __base__=_Base,
    __module__=__name__,
    **SECTIONS,
    account=(Account, Field(default_factory=Account)),
    kms_key=(str | None, Field(None, description="customer KMS key alias or ARN for all data at rest")),
)

__all__ = ["Account", "Blueprint", "Event", "Function", "FunctionSettings", "Stage", "Use", "Variable"]
