"""`artifact:` belongs to compiled runtimes only; sls-gen packages Python and Node.js itself."""

from __future__ import annotations

from typing import Iterable

from generator.diagnostics import Diagnostic


def check(ctx) -> Iterable[Diagnostic]:
    for bp in ctx.stages.values():
        for fname, fn in bp.functions.items():
            runtime = fn.runtime or bp.defaults.runtime or "python3.13"
            if fn.artifact and not (runtime.startswith("java") or runtime == "provided.al2023"):
                yield ctx.diag(
                    "SLS102",
                    ("functions", fname, "artifact"),
                    f"artifact applies to java17, java21 and provided.al2023, not {runtime}",
                    hint="sls-gen packages the code dir itself: remove artifact",
                )
            elif fn.artifact and (fn.artifact.startswith(("/", "\\")) or ":" in fn.artifact):
                # An absolute path would land in the generated Terraform and differ per machine.
                yield ctx.diag(
                    "SLS313", ("functions", fname, "artifact"), "artifact must be relative to the blueprint"
                )
