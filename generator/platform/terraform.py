"""State and accounts (`terraform:`): an S3 backend per stage, and the provider's account guard.

Without `terraform.backend` nothing changes in the output (local state, the embedded default).
With it, each stage folder gets `backend.tf` (S3 with the native lockfile, which needs
Terraform >= 1.10, so versions.tf then requires it); `assume_role` and `allowed_account_ids` go
into the provider block. Every key is overridable per stage with `stages.<stage>.overrides.terraform`.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, field_validator

from generator.model.common import Str, Strict
from generator.plan.placeholders import template

ROLE_ARN = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]+$"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
KEY_FIELDS = ("service", "stage")
LOCKFILE_TERRAFORM = ">= 1.10"  # S3 `use_lockfile`


class S3Backend(Strict):
    bucket: str = Field(min_length=3, max_length=63, pattern=r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
    key: str = Field("{service}/{stage}.tfstate", min_length=1, max_length=1024)
    region: str | None = Field(None, pattern=r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
    encrypt: bool = True
    kms_key_id: str | None = None
    role_arn: str | None = Field(None, pattern=ROLE_ARN)

    @field_validator("key")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        unknown = [p for p in _PLACEHOLDER.findall(value) if p not in KEY_FIELDS]
        if unknown:
            raise ValueError(f"unknown placeholder {{{unknown[0]}}} in the state key (use {{service}} and {{stage}})")
        if value.startswith("/") or "//" in value:
            raise ValueError("the state key must not start with / or hold an empty part")
        return value


class Backend(Strict):
    s3: S3Backend


PROVIDER_PINS = {"5": "~> 5.40", "6": "~> 6.0"}
DEFAULT_PROVIDER = ">= 5.40, < 7"  # the output works on both; see docs/decisions/provider-range.md


class Terraform(Strict):
    backend: Backend | None = None
    aws_provider: Literal["5", "6"] | None = None
    assume_role: str | None = Field(None, pattern=ROLE_ARN)
    allowed_account_ids: list[Str] | None = Field(None, min_length=1)

    @field_validator("allowed_account_ids")
    @classmethod
    def _account_ids(cls, value):
        for item in value or ():
            if not re.fullmatch(r"\d{12}", item):
                raise ValueError(f"'{item}' is not a 12-digit AWS account ID")
        return value


FIELD_DOCS = {
    "Blueprint.terraform": ("remote state and the account guard, per stage via overrides",
                            {"backend": {"s3": {"bucket": "acme-tfstate"}}, "allowed_account_ids": ["123456789012"]}),
    "Terraform.backend": ("remote state; without it Terraform keeps local state", {"s3": {"bucket": "acme-tfstate"}}),
    "Terraform.aws_provider": ("pin the AWS provider major version (default: >= 5.40, < 7)", "6"),
    "Terraform.assume_role": ("IAM role the AWS provider assumes", "arn:aws:iam::123456789012:role/deploy"),
    "Terraform.allowed_account_ids": ("accounts the provider may touch (a guard against the wrong credentials)",
                                      ["123456789012"]),
    "Backend.s3": ("S3 state with the native lockfile (Terraform >= 1.10)", {"bucket": "acme-tfstate"}),
    "S3Backend.bucket": ("state bucket", "acme-tfstate"),
    "S3Backend.key": ("state object key; {service} and {stage} are filled in", "{service}/{stage}.tfstate"),
    "S3Backend.region": ("the bucket's region (default: the stage's)", "eu-west-1"),
    "S3Backend.encrypt": ("server-side encryption of the state object", True),
    "S3Backend.kms_key_id": ("KMS key for the state object", "alias/tfstate"),
    "S3Backend.role_arn": ("role assumed to reach the state bucket", "arn:aws:iam::123456789012:role/state"),
}


@dataclass(frozen=True)
class TerraformPlan:
    """What one stage's versions.tf, main.tf and backend.tf need."""

    backend: tuple[tuple[str, object], ...] | None  # ordered S3 backend arguments, or None
    assume_role: str | None
    allowed_account_ids: tuple[str, ...] | None
    provider_version: str | None = None  # versions.tf constraint when pinned, else the default range
    # Floors a feature of the plan needs (a part's `requires()`: a write-only generated secret).
    terraform_floor: str | None = None  # e.g. ">= 1.11"
    provider_floor: str | None = None  # e.g. "5.88": the lowest 5.x that has what the output uses

    @property
    def required_version(self) -> str | None:
        return self.terraform_floor or (LOCKFILE_TERRAFORM if self.backend else None)


def with_floors(tf: TerraformPlan | None, terraform: str, provider: str) -> TerraformPlan:
    """`tf` (or the defaults) raised to what a part requires: Terraform `terraform` (a ">= x.y"
    newer than the lockfile's 1.10), and AWS provider 5.x at least `provider` (6.x has it all)."""
    tf = tf or TerraformPlan(None, None, None)
    pin = tf.provider_version
    if pin is None:
        pin = f">= {provider}, < 7"
    elif pin == PROVIDER_PINS["5"]:
        pin = f"~> {provider}"
    return dataclasses.replace(tf, provider_version=pin, terraform_floor=terraform, provider_floor=provider)


def plan_terraform(bp, service: str, stage: str, region: str) -> TerraformPlan | None:
    tf = getattr(bp, "terraform", None)
    if tf is None:
        return None
    backend = None
    if tf.backend is not None:
        s3 = tf.backend.s3
        # the one placeholder implementation; a backend block cannot read {region}/{account} (the
        # validator refuses them), so the key is known at render time
        key = template(s3.key, service, stage)
        args = [("bucket", s3.bucket), ("key", key), ("region", s3.region or region), ("encrypt", s3.encrypt),
                ("use_lockfile", True)]
        if s3.kms_key_id:
            args.append(("kms_key_id", s3.kms_key_id))
        if s3.role_arn:
            args.append(("assume_role", {"role_arn": s3.role_arn}))
        backend = tuple(args)
    pin = PROVIDER_PINS.get(tf.aws_provider) if tf.aws_provider else None
    if backend is None and tf.assume_role is None and not tf.allowed_account_ids and pin is None:
        return None
    return TerraformPlan(backend, tf.assume_role, tuple(tf.allowed_account_ids) if tf.allowed_account_ids else None, pin)
