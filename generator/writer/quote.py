"""Values read from sls-gen's own bookkeeping files (manifest, journal, evidence), shown in messages."""

from __future__ import annotations

import json


def show(value: object) -> str:
    """A value read from a bookkeeping file, quoted for a one-line message (no control characters)."""
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 120 else text[:117] + "..."
