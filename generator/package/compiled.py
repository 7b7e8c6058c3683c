"""Compiled runtimes (java*, provided.al2023): sls-gen does not build them; it copies what the
user built into dist/ at render time, so the output folder stays self-contained like the zips
sls-gen packages for Python and Node.js (see docs/decisions/compiled-artifacts.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostic

if TYPE_CHECKING:
    from generator.families.function.plan import FunctionPlan


def compiled_package(fn: FunctionPlan, root: Path, doc) -> tuple[bytes | None, Diagnostic | None]:
    """(artifact bytes, None) when it is built, else (None, a warning naming the build command)."""
    path = root / fn.artifact
    if path.is_file():
        try:
            return path.read_bytes(), None
        except OSError as exc:
            from generator.package.zips import unreadable

            raise unreadable(exc, str(path)) from None
    return None, doc.diag(
        "SLS505",
        ("functions", fn.name, "artifact"),
        f"{fn.artifact} is not built yet: terraform plan will stop until it is",
        hint=f"{fn.build_command}, then run sls-gen render again",
        severity="warning",
    )
