"""The plan: a resolved, frozen form of one stage, ready for the templates.

Everything a template needs is decided here (physical names, derived settings, IAM grants,
references as HCL expressions). Templates only loop and place. The stage holds the functions and
one part per family (`plan.parts.<family>`), planned by that family (generator/families/*/plan.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Statement:
    sid: str
    actions: tuple[str, ...]
    resources: tuple[Any, ...]  # HCL expressions (Raw)
    effect: str = "Allow"


@dataclass(frozen=True)
class FailureQueue:
    """A queue that holds what failed (DLQ, stream or async on-failure): it gets a depth alarm."""

    tf: str  # name of its aws_sqs_queue resource
    physical: str
    purpose: str  # for the alarm description, e.g. "dead-letter queue of fulfilment"


@lru_cache(maxsize=None)
def async_kinds() -> frozenset[str]:
    """Event kinds AWS invokes asynchronously (a family's plan says `ASYNC = True`): their
    functions get an on-failure queue and bounded retries."""
    from generator.families import families

    return frozenset(f.event for f in families() if f.event and getattr(f.part("plan"), "ASYNC", False))


class Parts:
    """The families' parts of a stage by family name; a family with nothing planned reads None."""

    def __init__(self, parts: dict[str, Any] | None = None):
        self._parts = {k: v for k, v in (parts or {}).items() if v is not None}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._parts.get(name)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._parts.values())

    def items(self):
        return self._parts.items()

    def replace(self, name: str, part: Any) -> "Parts":
        return Parts({**self._parts, name: part})


@dataclass(frozen=True)
class StagePlan:
    service: str
    stage: str
    region: str
    prefix: str
    description: str
    blueprint_name: str  # file name only, for the header line
    tags: tuple[tuple[str, str], ...]
    kms_key: str | None  # as written in the blueprint; resolved to local.kms_key_arn in main.tf
    functions: tuple[Any, ...]  # families.function.plan.FunctionPlan, sorted by name
    parts: Parts = Parts()
    terraform: Any = None  # generator.platform.terraform.TerraformPlan: remote state, account guard; None: neither

    @property
    def api(self):
        """The API part (families.api.plan.ApiPlan) or None: what most consumers of a plan ask for."""
        return self.parts.api

    @property
    def failure_queues(self) -> tuple[FailureQueue, ...]:
        """Every queue that collects failures, from each part that has some (`dead_letters()`)."""
        found = [q for part in self.parts if hasattr(part, "dead_letters") for q in part.dead_letters()]
        return tuple(sorted({q.tf: q for q in found}.values(), key=lambda q: q.tf))

    @property
    def kms_arn(self) -> str | None:
        """HCL expression of the blueprint's kms_key ARN (log groups encrypt with it), else None."""
        from generator.plan.security import KMS_ARN

        return KMS_ARN if self.kms_key else None

    @property
    def kms_lookup(self) -> bool:
        """True when main.tf resolves the kms_key alias with data "aws_kms_key" "custom"."""
        from generator.plan.security import kms_key_arn

        return bool(self.kms_key) and kms_key_arn(self.kms_key)[0]

    @property
    def kms_key_arn_expr(self):
        """Raw HCL expression that main.tf's local.kms_key_arn holds, or None without a kms_key."""
        from generator.emit.hcl import Raw
        from generator.plan.security import kms_key_arn

        return Raw(kms_key_arn(self.kms_key)[1]) if self.kms_key else None
