"""Secrets Manager secrets and existing SSM SecureString parameters; the `secret` use."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.model.common import Int, Name, PhysicalName, Strict, Tags, UseEntry
from generator.model.existing import EXISTING_DOC, Existing

class UseSecret(UseEntry):
    secret: Name
    access: Literal["read"] = "read"


class Secret(Strict):
    name: PhysicalName | None = Field(None, description="Secrets Manager name (default {service}/{stage}/<name>)")
    tags: Tags = Field(default_factory=dict, description="tags of this secret, over the service's")
    ssm: str | None = Field(None, description="existing SSM SecureString parameter name")
    kms_key: str | None = Field(
        None, description="the customer KMS key the SSM parameter is encrypted with (alias, key id or ARN); default aws/ssm"
    )
    description: str | None = None
    recovery_window_days: Int = Field(
        30, ge=7, le=30, description="days a deleted secret stays recoverable (Secrets Manager only)"
    )
    existing: Existing | None = Field(None, description=EXISTING_DOC + " (a Secrets Manager secret)")


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (dict[Name, Secret], Field(default_factory=dict))
USE = UseSecret
# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.secrets": ("secrets by logical name (values are set out of band)", {"stripe-key": {}}),
    "Secret.name": (None, "{stage}/orders/stripe-key"),
    "Secret.tags": (None, {"owner": "payments"}),
    "Secret.ssm": (None, "/orders/stripe-key"),
    "Secret.kms_key": (None, "alias/orders-params"),
    "Secret.existing": (None, {"name": "platform/{stage}/db-password"}),
    "Secret.description": ("free text", "Stripe API key"),
    "Secret.recovery_window_days": (None, 30),
    "UseSecret.secret": ("secret name", "stripe-key"),
    "UseSecret.access": ("read", "read"),
}
