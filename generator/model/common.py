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

# A whole number as written: YAML `true` or `10.5` is an error, not 1 or 10.
Int = Annotated[int, _NoCoercion()]


class Strict(BaseModel):
    """Base for every blueprint model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def none_as_empty(value: Any) -> Any:
    """`topics: {order-events: }` means the same as `order-events: {}`."""
    if isinstance(value, dict):
        return {k: ({} if v is None else v) for k, v in value.items()}
    return value


def desc(text: str, *examples: Any) -> Any:
    return Field(default=None, description=text, examples=list(examples) or None)
