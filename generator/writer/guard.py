"""`-o` never clobbers the blueprint's folder, home or root, nor overlaps a function's code folder
(SLS601). Cheap imports: it also runs on the no-op check (generator/noop.py), before the pipeline
is imported."""

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


def check_code_folders(out: Path, blueprint: Path, code_dirs) -> None:
    """Refuse an output folder inside a function's code folder (the render would be zipped into the
    function, Terraform state included, and write among the user's code) or one that holds a code
    folder (generated-file bookkeeping would meet the user's code)."""
    target = out.resolve()
    root = blueprint.resolve().parent
    problems = []
    for rel in sorted(set(code_dirs)):
        code = (root / rel).resolve()
        if code == target or code in target.parents:
            problems.append(f"output folder '{out}' is inside the code folder '{rel}', which is zipped into its function")
        elif target in code.parents:
            problems.append(f"output folder '{out}' contains the code folder '{rel}'")
    if problems:
        raise BlueprintError([Diagnostic("SLS601", message, file=str(blueprint),
                                         hint="render into a folder of its own, outside every code folder, e.g. -o out/")
                              for message in problems])
