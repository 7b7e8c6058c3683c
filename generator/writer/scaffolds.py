"""Handler scaffolds: written once, into code folders that do not exist yet; never overwritten or deleted.

A code folder that exists belongs to the user (even if it still holds the untouched scaffold), so
it is reported as `skip` whatever its content, with or without --force.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path


def scaffold_statuses(
    scaffolds: dict[str, dict[str, str]], blueprint_dir: Path, code_dirs: list[str] = ()
) -> list[tuple[str, str]]:
    """`create` per scaffold file to write, `skip` per code folder that already exists."""
    out: list[tuple[str, str]] = []
    odd = {d: _not_a_folder(blueprint_dir / d) for d in scaffolds}
    if any(odd.values()):  # a scaffold would be zipped, but could never be written there
        from generator.diagnostics import BlueprintError, Diagnostic

        raise BlueprintError([
            Diagnostic("SLS313", f"code folder '{d}' {what}", file=str(blueprint_dir / d),
                       hint="make it a folder holding the function's code, or remove it to get a scaffold")
            for d, what in sorted(odd.items()) if what
        ])
    for code_dir in sorted(set(scaffolds) | set(code_dirs)):
        if (blueprint_dir / code_dir).exists():
            out.append(("skip", code_dir))
        else:
            out.extend(("create", f"{code_dir}/{name}") for name in sorted(scaffolds.get(code_dir, {})))
    return out


def _not_a_folder(path: Path) -> str | None:
    """Why a code folder to scaffold cannot be one: a symlink to nothing, a file; None when it is
    missing (it gets its scaffold) or a folder."""
    if path.is_dir() or not os.path.lexists(path):
        return None
    return "is a symbolic link that leads nowhere" if path.is_symlink() else "is a file, not a folder"


def write_scaffolds(
    scaffolds: dict[str, dict[str, str]], blueprint_dir: Path, code_dirs: list[str] = ()
) -> list[tuple[str, str]]:
    """Write missing scaffolds; each code folder appears whole or not at all (temp folder + rename).
    Renders of one blueprint into several output folders at once take turns here (an flock on the
    blueprint's folder): a temp folder seen under the lock is a leftover of a killed run."""
    with _locked(blueprint_dir):
        return _write_scaffolds(scaffolds, blueprint_dir, code_dirs)


@contextmanager
def _locked(folder: Path):
    try:
        import fcntl

        fd = os.open(folder, os.O_RDONLY | os.O_CLOEXEC)
    except (ImportError, OSError):  # pragma: no cover - not POSIX, or an unreadable folder: no lock
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # blocking: writing scaffolds takes milliseconds
        yield
    finally:
        os.close(fd)


def _write_scaffolds(scaffolds, blueprint_dir: Path, code_dirs) -> list[tuple[str, str]]:
    import shutil

    statuses = scaffold_statuses(scaffolds, blueprint_dir, code_dirs)
    for parent in sorted({(blueprint_dir / d).parent for d in set(scaffolds) | set(code_dirs)}):
        for leftover in parent.glob(".*.sls-gen-tmp"):  # of a run killed while writing a scaffold
            shutil.rmtree(leftover, ignore_errors=True)
    for code_dir, files in sorted(scaffolds.items()):
        target = blueprint_dir / code_dir
        if target.exists():
            continue
        tmp = target.with_name(f".{target.name}.sls-gen-tmp")
        try:
            tmp.mkdir(parents=True)
            for name, content in sorted(files.items()):
                (tmp / name).parent.mkdir(parents=True, exist_ok=True)
                (tmp / name).write_text(content, encoding="utf-8")
            os.replace(tmp, target)
        except OSError as exc:  # e.g. a read-only blueprint folder: a coded refusal, not a crash
            shutil.rmtree(tmp, ignore_errors=True)
            from generator.diagnostics import Diagnostic
            from generator.writer.tree import WriteRefused

            raise WriteRefused([Diagnostic(
                "SLS605", f"cannot write the scaffold of '{code_dir}': {exc.strerror or type(exc).__name__}",
                file=str(exc.filename or target),
                hint="make the folder writable, or create the code folder yourself; the output folder was not changed",
            )]) from None
    return statuses
