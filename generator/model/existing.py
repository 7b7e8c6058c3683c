"""`existing:` on an object another stack owns: referenced by name, ARN or an SSM parameter
holding the ARN, never created (docs/blueprint-language.md, "Service boundaries").

Each shareable family's model takes `existing: Existing | None` (a table's also takes the stream
ARN); the shared checks (generator/checks/existing.py) and the plan helper
(generator/plan/existing.py) read every family's the same way.
"""

from __future__ import annotations

from pydantic import Field

from generator.model.common import PhysicalName, Strict


class Existing(Strict):
    """Exactly one of `name`, `arn`, `ssm`. Placeholders ({service}, {stage}, {region}, {account}) apply."""

    name: PhysicalName | None = Field(None, description="its physical name, in this stage's account and region",
                                      examples=["users-{stage}"])
    arn: PhysicalName | None = Field(None, description="its ARN (may be another account's)",
                                     examples=["arn:aws:events:eu-west-1:111111111111:event-bus/shared"])
    ssm: PhysicalName | None = Field(None, description="an SSM parameter holding its ARN, read when Terraform plans",
                                     examples=["/platform/bus-arn"])

    @property
    def how(self) -> str:
        """Which of the three is written (`name` when none: the checks refuse that)."""
        return "arn" if self.arn else "ssm" if self.ssm else "name"


class ExistingTable(Existing):
    stream_arn: PhysicalName | None = Field(
        None, description="the table's stream ARN, for stream events (only its owner can turn a stream on)",
        examples=["arn:aws:dynamodb:eu-west-1:111111111111:table/users/stream/2024-01-01T00:00:00.000"],
    )


EXISTING_DOC = "owned by another stack: referenced (by name, arn or ssm), never created; no other key applies"
