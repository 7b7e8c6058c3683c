"""What a family's plan hooks receive (PlanContext) and give back for one `uses` or `events` entry (Access)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.plan.access import Grant
from generator.plan.naming import Names


@dataclass
class Access:
    """What one `uses` or `events` entry adds to its function."""

    env: dict[str, Any] = field(default_factory=dict)  # environment variable -> HCL value
    grants: list[tuple[str, Grant]] = field(default_factory=list)  # (Sid stem, grant) on the function's role
    kms: tuple[tuple[str, str], ...] = ()  # (kind, access) needs on the blueprint's kms_key (plan.access.KMS_ACCESS)
    mapping: Any = None  # an event source mapping the function owns (a queue trigger)


@dataclass
class PlanContext:
    """One stage being planned. `functions` is filled first; `parts` grows in registry order."""

    bp: Any  # the stage's merged Blueprint
    stage: str
    names: Names
    kms: Any  # Raw(local.kms_key_arn) when the blueprint has a kms_key, else None
    functions: dict[str, Any] = field(default_factory=dict)  # name -> FunctionPlan
    parts: dict[str, Any] = field(default_factory=dict)  # family name -> its part
    refs: Any = None  # plan.refs.Resolver: references, SSM values and placeholders in values
    protected: bool = False  # the stage's default for `protect` (plan.evolution.protected_stage)

    def event_where(self, function: str, ev: Any) -> tuple:
        """The blueprint path of one of a function's `events` entries (the very object)."""
        events = self.bp.functions[function].events
        i = next((i for i, e in enumerate(events) if e is ev), None)
        return ("functions", function, "events") + ((i,) if i is not None else ())

    def origin(self, kind: str, name: str) -> str:
        """The logical name an object's AWS names derive from: its `renamed_from` when it has one (a
        renamed object keeps its resources), else its name."""
        from generator.plan.evolution import previous_name

        return previous_name(self.bp, kind, name)
