"""Cold-start hygiene of what `render` packages: a large zip is a WARNING (SLS504).

Runs in the package stage (generator/package/stage.py) once a zip is built: its size is unknown before. The threshold is
documented in docs/scale-and-observability.md.
"""

from __future__ import annotations

from generator.diagnostics import Diagnostic

ZIP_WARN_BYTES = 5 * 1024 * 1024  # 5 MiB zipped


def zip_size_warning(doc, function: str, code_dir: str, size: int) -> Diagnostic | None:
    if size <= ZIP_WARN_BYTES:
        return None
    return doc.diag(
        "SLS504",
        ("functions", function),
        f"the package of {code_dir} is {size / 1048576:.1f} MiB zipped (above 5 MiB): every cold start downloads "
        "and unpacks it",
        hint="keep only runtime code in the code dir; move large dependencies to a layer or trim them",
        severity="warning",
    )
