"""What every family's sample-event builder shares: the stage's physical names and ARNs, stable
ids and the fixed clock. The builders live in `generator/families/<name>/events.py`; the stage that
asks them is `generator/events.py`. Pure data: no boto3, no network, deterministic output.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from generator.plan.naming import Names

if TYPE_CHECKING:
    from generator.model.blueprint import Blueprint

DEFAULT_ACCOUNT = "000000000000"
SAMPLE_TIME = "2026-01-01T12:00:00Z"
SAMPLE_EPOCH_MS = 1767268800000
# The record every batch sample adds when asked for one that fails: its body is not JSON.
POISON_BODY = "not json"


def uid(*parts: object) -> str:
    """A stable, uuid-shaped id derived from its inputs (output must be deterministic)."""
    h = hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


class Stage:
    """Physical names and ARNs of one stage, as the generated Terraform names them."""

    def __init__(self, bp: Blueprint, stage: str, region: str | None, account: str, root=None):
        cfg = bp.stages.get(stage)
        self.bp = bp
        self.root = root  # the blueprint's folder, when files it names may shape samples (declared event schemas)
        self.region = region or (cfg.region if cfg else None) or bp.region
        self.account = account
        self.names = Names(bp.service, stage)

    def concrete(self, template: str) -> str:
        """A physical name template (placeholders) with this stage's region and account."""
        from generator.plan.placeholders import sample

        return sample(template, self.region, self.account)

    def arn(self, service: str, resource: str, region: bool = True, account: bool = True) -> str:
        return f"arn:aws:{service}:{self.region if region else ''}:{self.account if account else ''}:{resource}"
