"""Shared field types and the strict base model."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic import Strict as _NoCoercion

NAME_PATTERN = r"^[a-z][a-z0-9-]*$"

# A logical name: service, function, table, queue, topic, bus, bucket, secret, index, authorizer.
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]


def _stringify(value: Any) -> Any:
    # Tag values such as `cost-center: 1234` are strings to AWS; accept the number a user typed.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


Str = Annotated[str, BeforeValidator(_stringify)]


def _scalar_text(value: Any) -> Any:
    """IAM condition values are strings in the policy JSON: `true`, `3` and `"3"` mean the same."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _stringify(value)



# A whole number as written: YAML `true` or `10.5` is an error, not 1 or 10.
Int = Annotated[int, _NoCoercion()]


class Strict(BaseModel):
    """Base for every blueprint model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# Tags on one object, merged over the service's `tags:` (AWS provider default_tags).
Tags = dict[str, Str]

# A physical name as written (`name:` on every kind): placeholders apply, and each family checks it
# against its AWS name's charset and length (generator/plan/placeholders.py, checks/names.py).
PhysicalName = Annotated[str, StringConstraints(min_length=1, max_length=2048)]


class SsmValue(Strict):
    """`{ssm: /path}` as a whole value: an SSM parameter read when Terraform plans (a data source).
    The value lands in the plan, the state and the function configuration: it is not a secret."""

    ssm: str = Field(min_length=1, description="SSM parameter name, read when Terraform plans (never a secret)",
                     examples=["/platform/orders-api-url"])


# IAM condition block in the policy JSON shape: {Operator: {condition key: value or [values]}}; a
# value keeps its shape (IAM and policy linters read `"true"` and `["true"]` differently enough).
ConditionValue = Annotated[str, BeforeValidator(_scalar_text)]
Conditions = dict[str, dict[str, ConditionValue | list[ConditionValue]]]


def condition_values(value) -> list[str]:
    """A condition's value or values, as a list."""
    return value if isinstance(value, list) else [value]

ENV_NAME_DOC = "name of the environment variable this entry adds (default <NAME>_<KIND>_...)"
CONDITIONS_DOC = "IAM conditions narrowing the grant, in the policy JSON shape"


class UseEntry(Strict):
    """What every `uses` entry takes besides its kind and access level."""

    env: str | None = Field(None, description=ENV_NAME_DOC, examples=["TABLE_NAME"])
    conditions: Conditions | None = Field(
        None, description=CONDITIONS_DOC, examples=[{"StringEquals": {"events:source": ["orders"]}}]
    )


def none_as_empty(value: Any) -> Any:
    """`topics: {order-events: }` means the same as `order-events: {}`."""
    if isinstance(value, dict):
        return {k: ({} if v is None else v) for k, v in value.items()}
    return value


def desc(text: str, *examples: Any) -> Any:
    return Field(default=None, description=text, examples=list(examples) or None)
