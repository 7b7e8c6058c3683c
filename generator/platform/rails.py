"""The `guardrails:` model (org rules): plain data the model stage plugs into the blueprint;
the checks that enforce it live in generator/platform/guardrails.py."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.model.common import Int, Str, Strict


class Guardrails(Strict):
    required_tags: list[Str] = Field(default_factory=list)
    runtimes: list[Str] | None = None
    architectures: list[Literal["arm64", "x86_64"]] | None = None
    max_memory: Int | None = Field(None, ge=128)
    max_timeout: Int | None = Field(None, ge=1)
    public_routes: Literal["deny", "allow"] = "allow"
    allow_public: list[Str] = Field(default_factory=list)
    alarms: Literal["required", "optional"] = "optional"
    forbidden_actions: list[Str] = Field(default_factory=list)


FIELD_DOCS = {
    "Blueprint.guardrails": ("org rules checked after merging; a breach is an error (normally set and locked by the profile)",
                             {"required_tags": ["team"], "max_memory": 2048, "public_routes": "deny"}),
    "Guardrails.required_tags": ("tag keys every stage must carry", ["team", "cost-center"]),
    "Guardrails.runtimes": ("the only Lambda runtimes allowed", ["python3.13", "nodejs22.x"]),
    "Guardrails.architectures": ("the only function architectures allowed", ["arm64"]),
    "Guardrails.max_memory": ("largest function memory in MB", 2048),
    "Guardrails.max_timeout": ("longest function timeout in seconds", 60),
    "Guardrails.public_routes": ("`deny`: every HTTP route needs auth (an authorizer or iam), except allow_public", "deny"),
    "Guardrails.allow_public": ("routes allowed without auth under public_routes: deny", ["GET /health"]),
    "Guardrails.alarms": ("`required`: observability.alarms must be set", "required"),
    "Guardrails.forbidden_actions": ("IAM actions (globs) no `iam:` Allow statement may grant, nor a wildcard covering them",
                                     ["iam:*", "sts:AssumeRole"]),
}
