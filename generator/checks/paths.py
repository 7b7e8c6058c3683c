"""The paths a render reads for each function stay inside the blueprint's folder (SLS313): `code:`
and `artifact:` as written, and the defaults when they are not (`src/<name>`, the compiled
runtime's build output inside it), through every symlink on the way (a `src` linked to /etc would
otherwise be zipped). That `-o` never clobbers one, nor sits inside a code folder (SLS601), is
checked by generator/writer/guard.py, cheap enough for the no-op fast path."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Iterable

from generator.diagnostics import Diagnostic

_ABSOLUTE = re.compile(r"^([A-Za-z]:|[\\/]|~)")


def path_problem(value: str, root: Path) -> str | None:
    """Why `value` (relative to the blueprint folder `root`) is not an acceptable path, or None."""
    if not value.strip():
        return "is empty"
    if "\x00" in value:
        return "contains a NUL character"
    if _ABSOLUTE.match(value):
        return "must be relative to the blueprint's folder, not absolute"
    normal = posixpath.normpath(value.replace("\\", "/"))
    if normal == ".." or normal.startswith("../"):
        return "leaves the blueprint's folder"
    if normal == ".":
        return "is the blueprint's folder itself"
    try:
        real_root = root.resolve()
        real = (root / normal).resolve()
    except (OSError, RuntimeError):
        return "cannot be resolved"
    if real != real_root and real_root not in real.parents:
        return "leaves the blueprint's folder through a symbolic link"
    return None


def function_paths(bp) -> Iterable[tuple[str, str, str, bool]]:
    """(function, key, path relative to the blueprint, written in the blueprint?) of every path a
    render reads for the stage blueprint `bp`: each function's code folder and, for compiled
    runtimes, its artifact, defaults included."""
    from generator.families.function.settings import compiled_artifact, default_code_dir, language, resolved

    for fname, fn in bp.functions.items():
        if fn.image is not None and fn.code is None and fn.artifact is None:
            continue  # a container image: no code folder is read
        code = fn.code if fn.code is not None else default_code_dir(fname)
        yield fname, "code", code, fn.code is not None
        if fn.artifact is not None:
            yield fname, "artifact", fn.artifact, True
        else:
            artifact, _ = compiled_artifact(fn, language(resolved(fn, bp, "runtime")), code)
            if artifact is not None:
                yield fname, "artifact", artifact, False


def check(ctx) -> Iterable[Diagnostic]:
    root = Path(ctx.doc.file).parent
    for stage, bp in ctx.stages.items():
        for fname, key, value, written in function_paths(bp):
            problem = path_problem(value, root)
            if not problem:
                continue
            if written:
                yield ctx.stage_diag(stage, "SLS313", ("functions", fname, key), f"'{value[:80]}' {problem}",
                                     hint="use a folder below the blueprint, e.g. src/" + fname)
            else:
                yield ctx.stage_diag(stage, "SLS313", ("functions", fname),
                                     f"the default {'code folder' if key == 'code' else 'artifact'} '{value[:80]}' "
                                     f"{problem}", hint=f"make {value} a real folder below the blueprint, or set "
                                     f"{key}: to one")
