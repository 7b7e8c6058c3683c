"""`-o` never clobbers the blueprint's folder, home or root (SLS601). Cheap imports: it also runs on
the no-op check (generator/noop.py), before the pipeline is imported."""

from __future__ import annotations

import os
from pathlib import Path

from generator.diagnostics import BlueprintError, Diagnostic


def check_output_dir(out: Path, blueprint: Path) -> None:
    """Refuse an output folder whose clean-up or overwrite could destroy user files."""
    home = Path(os.path.expanduser("~")).resolve()
    target = out.resolve()
    bp_dir = blueprint.resolve().parent
    reason = None
    if target == Path(target.anchor):
        reason = "is the file-system root"
    elif target == home:
        reason = "is your home folder"
    elif target == bp_dir:
        reason = "is the blueprint's own folder"
    elif target in bp_dir.parents:
        reason = "contains the blueprint's folder"
    if reason:
        raise BlueprintError([Diagnostic("SLS601", f"output folder '{out}' {reason}", file=str(blueprint),
                                         hint="render into a folder of its own, e.g. -o out/")])
