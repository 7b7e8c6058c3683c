"""Secrets Manager secrets and existing SSM SecureString parameters; the `secret` use."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.model.common import Int, Name, PhysicalName, Str, Strict, Tags, UseEntry
from generator.model.evolution import Protectable
from generator.model.existing import EXISTING_DOC, Existing

class UseSecret(UseEntry):
    secret: Name
    access: Literal["read"] = "read"


class Generate(Strict):
    """A value Secrets Manager generates (GetRandomPassword): never written in the blueprint or Terraform state."""

    length: Int = Field(32, description="characters in the password (Secrets Manager: 1-4096)")
    exclude_characters: str = Field("", description="characters the password never holds (e.g. quote characters a driver chokes on)")
    exclude_punctuation: bool = Field(False, description="no punctuation: letters and digits only")
    exclude_numbers: bool = Field(False, description="no digits")
    exclude_uppercase: bool = Field(False, description="no upper-case letters")
    exclude_lowercase: bool = Field(False, description="no lower-case letters")
    template: dict[str, Str] | None = Field(
        None, description="a JSON object stored around the password (the password goes under `key`)"
    )
    key: str | None = Field(None, description="the key of the password in `template` (default password)")


class Rotation(Strict):
    """Rotation by a blueprint function (the four steps createSecret, setSecret, testSecret, finishSecret)."""

    function: Name = Field(description="the blueprint function that rotates the secret")
    days: Int | None = Field(None, description="rotate every N days (1-1000); or give schedule")
    schedule: str | None = Field(None, description="rate(N days|hours) or cron(...) instead of days")


class Secret(Protectable):
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
    generate: Generate | None = Field(None, description="a generated first value instead of one set out of band")
    rotation: Rotation | None = Field(None, description="rotate the value with a blueprint function")


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (dict[Name, Secret], Field(default_factory=dict))
USE = UseSecret
# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.secrets": ("secrets by logical name (values set out of band, generated, or rotated)", {"stripe-key": {}}),
    "Secret.name": (None, "{stage}/orders/stripe-key"),
    "Secret.tags": (None, {"owner": "payments"}),
    "Secret.ssm": (None, "/orders/stripe-key"),
    "Secret.kms_key": (None, "alias/orders-params"),
    "Secret.existing": (None, {"name": "platform/{stage}/db-password"}),
    "Secret.description": ("free text", "Stripe API key"),
    "Secret.recovery_window_days": (None, 30),
    "Secret.generate": (None, {"length": 32, "exclude_punctuation": True}),
    "Secret.rotation": (None, {"days": 30, "function": "rotate-db"}),
    "Generate.length": (None, 32),
    "Generate.exclude_characters": (None, "\"'\\@/"),
    "Generate.exclude_punctuation": (None, True),
    "Generate.exclude_numbers": (None, False),
    "Generate.exclude_uppercase": (None, False),
    "Generate.exclude_lowercase": (None, False),
    "Generate.template": (None, {"username": "admin"}),
    "Generate.key": (None, "password"),
    "Rotation.function": (None, "rotate-db"),
    "Rotation.days": (None, 30),
    "Rotation.schedule": (None, "rate(30 days)"),
    "UseSecret.secret": ("secret name", "stripe-key"),
    "UseSecret.access": ("read", "read"),
}
