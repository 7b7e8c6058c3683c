"""Write a render's output folder: plan every file's status, then commit through a journal.

Design (docs/decisions/crash-safe-output.md): new contents go to `<file>.sls-gen-tmp` beside
each target while the old files stay in place; a journal naming every rename and removal is then
renamed into place (the commit point); the renames follow. A run killed before the commit leaves
the old files plus temp files the next run deletes; killed after it, the next run finishes the
journal. Only files listed in the manifest (or being created) are ever replaced or removed, so the
user's files (state, .terraform/, tfvars, their own .tf) are never moved at all.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import BlueprintError, Diagnostic
from generator.writer.manifest import (
    JOURNAL,
    MANIFEST,
    TMP,
    Damaged,
    entries_for,
    file_sha256,
    folders_in_the_way,
    fsync_dir,
    load_journal,
    load_manifest,
    manifest_bytes,
    read_regular,
    sha256,
    write_all,
    write_durably,
)

CHANGES = ("create", "update", "conflict", "remove")
NEVER_WALKED = frozenset({".terraform", ".git"})  # big trees of the user's we never need to look into


class WriteRefused(BlueprintError):
    """The output folder cannot take this render as it is (SLS6xx): it holds work sls-gen must not
    overwrite, its bookkeeping is damaged, a symlink is in the way, or it cannot be written."""

    committed = False  # True only when a write failed after the commit point: the next render finishes it


def _damaged(out_dir: Path, exc: Damaged) -> WriteRefused:
    """SLS603: a manifest or journal sls-gen cannot trust, with the way out."""
    path = out_dir / exc.name
    if exc.name == JOURNAL:
        hint = (f"it is not a journal sls-gen wrote; check the folder (git status), then delete {path} and render "
                "again: its temp files are swept, nothing else is touched")
    else:
        hint = (f"restore it (e.g. git checkout -- {path}), or pass --force to adopt the folder as it is: "
                "files that differ from the render are kept as <file>.orig, unlisted files are left alone")
    shown = exc.problems[:5] + ([f"and {len(exc.problems) - 5} more"] if len(exc.problems) > 5 else [])
    return WriteRefused([Diagnostic("SLS603", f"{exc.name} cannot be trusted: " + "; ".join(shown), file=str(path),
                                    hint=hint)])


def _not_a_folder(out_dir: Path) -> WriteRefused:
    return WriteRefused([Diagnostic("SLS601", "the output folder is not a folder (a file, or a symlink to nothing)",
                                    file=str(out_dir), hint="pick another --out, or move it away")])


def _in_the_way(out_dir: Path, found: dict[str, str]) -> WriteRefused:
    """SLS604: a symlink or a file where the render needs a plain folder, or a folder, FIFO, ...
    where it needs a file."""
    def message(rel: str, what: str) -> str:
        if what == "a symbolic link":
            return f"'{rel}' is a symbolic link: sls-gen never writes or deletes through one, wherever it points"
        if what == "a file":
            return f"'{rel}' is a file where sls-gen needs a folder"
        return f"'{rel}' is {what} where sls-gen writes a file"

    return WriteRefused([
        Diagnostic("SLS604", message(rel, what), file=str(out_dir / rel),
                   hint="make it a plain folder (or file) of the output folder, or move it away, or render into another --out")
        for rel, what in sorted(found.items())
    ])


@contextmanager
def _os_errors(out_dir: Path):
    """An OSError while reading or writing the output folder becomes SLS605 (exit 3), never a crash:
    before the commit point nothing was changed (temp files are swept by the next render); after it
    the next render finishes the journal."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or out_dir
        pending = os.path.lexists(out_dir / JOURNAL)
        refused = WriteRefused([Diagnostic(
            "SLS605", f"cannot read or write the output folder: {exc.strerror or type(exc).__name__}", file=str(where),
            hint="make it writable (e.g. chmod u+w) and render again"
                 + ("; the render is committed and the next one finishes it" if pending else "; nothing was changed"),
        )])
        refused.committed = pending
        raise refused from None


@dataclass
class FileStatus:
    status: str  # create | identical | update | conflict | remove | keep | skip
    rel: str
    new: bytes | None = None
    old: bytes | None = None  # what is on disk now (kept for `diff`)


@dataclass
class WritePlan:
    out_dir: Path
    files: list[FileStatus] = field(default_factory=list)
    manifest: bytes = b""
    manifest_changed: bool = False
    interrupted: bool = False  # a journal of an interrupted render is waiting to be finished
    backups: dict[str, str] = field(default_factory=dict)  # rel -> rel of the copy kept by --force
    entries: dict[str, dict] = field(default_factory=dict)  # the new manifest's files
    evidence: dict[str, list[dict]] = field(default_factory=dict)  # the new manifest's stages
    old_manifest: bytes | None = None

    @property
    def conflicts(self) -> list[FileStatus]:
        return [f for f in self.files if f.status == "conflict"]

    @property
    def changed(self) -> bool:
        return self.manifest_changed or self.interrupted or any(f.status in CHANGES for f in self.files)


def _crashpoint(name: str) -> None:
    """Test hook: SLS_GEN_CRASH_AT=<name>[:<n>] kills the process at the n-th pass of a named point."""
    spec = os.environ.get("SLS_GEN_CRASH_AT")
    if not spec:
        return
    point, _, count = spec.partition(":")
    if point != name:
        return
    left = int(count or 1) - 1
    os.environ["SLS_GEN_CRASH_AT"] = f"{point}:{left}"
    if left <= 0:
        os._exit(137)


def _foreign(out_dir: Path) -> bool:
    """A folder sls-gen did not create: holds a file that is not a leftover temp file of ours,
    and has neither manifest nor journal (an interrupted first render is not foreign)."""
    if not out_dir.exists():
        return False
    if not out_dir.is_dir():
        return True
    if {MANIFEST, JOURNAL} & set(os.listdir(out_dir)):
        return False
    for _dirpath, _dirnames, filenames in os.walk(out_dir):
        if any(not name.endswith(TMP) for name in filenames):
            return True
    return False


def plan_write(
    files: dict[str, bytes],
    out_dir: Path,
    force: bool = False,
    scope: Callable[[str], bool] | None = None,
    sources: dict[str, str] | None = None,
    evidence: dict[str, list[dict]] | None = None,
) -> WritePlan:
    """Compare a render with the folder; read-only. `scope` limits which old files may go stale
    (a `--stage` render must not remove the other stages). `sources`: zip -> tree fingerprint,
    kept in the manifest; without them (`diff`) an unchanged file keeps its recorded source, so
    only a change of content counts as a change. `evidence`: stage -> what the next render
    compares with (generator/evolution/evidence.py), for the stages this render produced; the
    other stages keep theirs under a `scope`, and lose it without one."""
    out_dir = Path(out_dir)
    with _os_errors(out_dir):
        return _plan_write(files, out_dir, force, scope, sources, evidence)


def _plan_write(files, out_dir: Path, force: bool, scope, sources, evidence=None) -> WritePlan:
    if os.path.lexists(out_dir) and not out_dir.is_dir():
        raise _not_a_folder(out_dir)
    if _foreign(out_dir) and not force:
        raise WriteRefused([Diagnostic(
            "SLS601", "output folder is not empty and was not written by sls-gen (no "
            f"{MANIFEST}); refusing to write into it", file=str(out_dir),
            hint="pick another --out, or pass --force to write beside its files; colliding files are kept as <file>.orig",
        )])
    try:
        load_journal(out_dir)  # the render would have to finish it: it must be one sls-gen wrote
    except Damaged as exc:
        raise _damaged(out_dir, exc) from None
    old_entries, old_raw, problems = load_manifest(out_dir)
    if problems and not force:
        raise _damaged(out_dir, Damaged(MANIFEST, problems))
    old_entries = old_entries or {}
    stale = [rel for rel in old_entries if rel not in files and (scope is None or scope(rel))]
    blocked = folders_in_the_way(out_dir, [*files, *stale, MANIFEST])
    if blocked:  # checked before any file is read: nothing is read through a symlink either
        raise _in_the_way(out_dir, blocked)
    plan = WritePlan(out_dir, interrupted=os.path.lexists(out_dir / JOURNAL), old_manifest=old_raw)
    prefix = os.path.join(out_dir, "")
    for rel, content in files.items():
        try:
            disk = read_regular(prefix + rel)
        except (FileNotFoundError, NotADirectoryError):
            plan.files.append(FileStatus("create", rel, content))
            continue
        if disk == content:
            plan.files.append(FileStatus("identical", rel, content, disk))
        elif disk is not None and rel in old_entries and sha256(disk) == old_entries[rel].get("sha256"):
            plan.files.append(FileStatus("update", rel, content, disk))
        else:
            if disk is None:
                what = _not_a_file(prefix + rel)
                if what:
                    blocked[rel] = what
            plan.files.append(FileStatus("conflict", rel, content, disk))
    for name in (MANIFEST, JOURNAL):
        what = _not_a_file(prefix + name)
        if what:
            blocked[name] = what
    if blocked:  # a folder, FIFO, socket or device where a file goes: --force cannot replace it either
        raise _in_the_way(out_dir, blocked)
    entries = entries_for(files, sources)
    if sources is None:
        for rel, entry in entries.items():
            old = old_entries.get(rel, {})
            if "source" in old and old.get("sha256") == entry["sha256"]:
                entry["source"] = old["source"]
    for rel, entry in old_entries.items():
        if rel in files:
            continue
        if scope is not None and not scope(rel):
            entries[rel] = entry  # outside this render: still ours, untouched
            continue
        try:
            disk = read_regular(prefix + rel)  # never follows a symlink: a link there is kept, not read
        except (FileNotFoundError, NotADirectoryError):
            continue
        status = "remove" if disk is not None and sha256(disk) == entry.get("sha256") else "keep"
        plan.files.append(FileStatus(status, rel, None, disk if status == "remove" else None))
    plan.files.sort(key=lambda f: f.rel)
    plan.entries = entries
    merged = {} if scope is None else {st: e for st, e in _old_evidence(old_raw).items() if not scope(f"{st}/")}
    merged.update(evidence or {})  # a `--stage` render keeps the other stages' evidence
    plan.evidence = {st: e for st, e in sorted(merged.items()) if e}
    plan.manifest = manifest_bytes(entries, plan.evidence)
    plan.manifest_changed = plan.manifest != old_raw
    return plan


def _old_evidence(raw: bytes | None) -> dict[str, list[dict]]:
    from generator.writer.manifest import evidence_in

    if not raw:
        return {}
    try:
        return evidence_in(json.loads(raw))[0]
    except (ValueError, RecursionError):
        return {}


def _not_a_file(path: str) -> str | None:
    """What is at `path` when it is neither missing, a regular file nor a symlink (which are replaced
    whole, never written through): "a folder", "a FIFO", ..."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
        return None
    return "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a socket" \
        if stat.S_ISSOCK(mode) else "a device"


def _backup(path: Path) -> Path:
    """Copy a hand-edited file to the first free `<name>.orig[.N]` beside it; never overwrite one."""
    target = path.with_name(path.name + ".orig")
    n = 0
    while target.exists() or target.is_symlink():
        n += 1
        target = path.with_name(f"{path.name}.orig.{n}")
    import shutil

    tmp = target.with_name(target.name + TMP)
    shutil.copy2(path, tmp, follow_symlinks=False)
    os.replace(tmp, target)
    return target


def _prune_empty(path: Path, out_dir: Path) -> None:
    """Remove now-empty parent folders of a removed file, up to (not including) the output folder."""
    parent = path.parent
    while parent != out_dir and out_dir in parent.parents:
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent


def _parents(out_dir: Path, rels) -> list[Path]:
    """The distinct folders holding these files, shallowest first."""
    return sorted({(out_dir / rel).parent for rel in rels}, key=lambda p: (len(p.parts), p))


def _roll_forward(out_dir: Path, journal: dict) -> None:
    """Finish a committed render. `journal` is validated (load_journal, or built by apply_plan): every
    path is a file sls-gen may write inside the folder; none is reached through a symlink."""
    blocked = folders_in_the_way(out_dir, [*journal["put"], *journal["remove"]])
    if blocked:
        raise _in_the_way(out_dir, blocked)
    for rel in journal["put"]:
        target = out_dir / rel
        try:
            st = os.lstat(target)
        except OSError:
            st = None
        try:
            if st is not None and stat.S_ISREG(st.st_mode):  # the file keeps its mode (e.g. read-only stays so)
                os.chmod(out_dir / (rel + TMP), stat.S_IMODE(st.st_mode) & 0o777)
            os.replace(out_dir / (rel + TMP), target)
        except FileNotFoundError:
            continue  # renamed by an earlier, interrupted roll-forward
        _crashpoint("rename")
    for rel, digest in sorted(journal["remove"].items()):
        path = out_dir / rel
        if not path.is_symlink() and file_sha256(path) == digest:
            path.unlink()
            _prune_empty(path, out_dir)
        _crashpoint("remove")
    for folder in _parents(out_dir, [*journal["put"], *journal["remove"]]):  # the renames are durable
        fsync_dir(folder)  # before the journal that would redo them goes
    fsync_dir(out_dir)
    (out_dir / JOURNAL).unlink()


def legacy_leftovers(out_dir: Path) -> list[Path]:
    """Sibling folders an interrupted run of the pre-manifest writer left (they may hold moved state)."""
    out_dir = Path(out_dir).absolute()
    names = (f".{out_dir.name}.sls-gen-new", f".{out_dir.name}.sls-gen-old")
    return [out_dir.with_name(n) for n in names if out_dir.with_name(n).exists()]


def recover(out_dir: Path) -> bool:
    """Finish (journal present) or undo (temp files only) an interrupted render. True if it did anything."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return False
    did = False
    try:
        journal = load_journal(out_dir)
    except Damaged as exc:
        raise _damaged(out_dir, exc) from None
    if journal is not None:
        _roll_forward(out_dir, journal)
        did = True
    for dirpath, dirnames, filenames in os.walk(out_dir):
        dirnames[:] = [d for d in dirnames if d not in NEVER_WALKED and not os.path.islink(os.path.join(dirpath, d))]
        for name in filenames:
            if name.endswith(TMP):
                path = Path(dirpath) / name
                path.unlink()
                _prune_empty(path, out_dir)
                did = True
    return did


def _syncfs():
    """syncfs(2) from libc (Linux), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        call = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    call.argtypes, call.restype = [ctypes.c_int], ctypes.c_int

    def syncfs(fd: int) -> bool:
        return call(fd) == 0

    return syncfs


def _write_temp_files(out_dir: Path, writes: list[FileStatus], puts: list[str]) -> None:
    """Write every `<file>.sls-gen-tmp`, then make them all durable before the commit point.

    One syncfs(2) of the output folder's filesystem (Linux) flushes them all, names included:
    ~0.01 s for 1,000 files where fsyncing each took 0.06-0.3 s even spread over threads
    (docs/decisions/speed-mechanisms.md). Where there is no syncfs, or it fails, each file is fsynced."""
    prefix = os.path.join(out_dir, "")
    for f in writes:
        fd = os.open(prefix + f.rel + TMP, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            write_all(fd, f.new)
        finally:
            os.close(fd)
        puts.append(f.rel)
        _crashpoint("tmp")
    syncfs = _syncfs()
    if syncfs is not None:
        fd = os.open(out_dir, os.O_RDONLY | os.O_CLOEXEC)
        try:
            if syncfs(fd):
                return
        finally:
            os.close(fd)
    for f in writes:  # fsync works on a read-only descriptor
        fd = os.open(prefix + f.rel + TMP, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def apply_plan(plan: WritePlan) -> None:
    """Commit a plan: temp files, then the journal (commit point), then the renames."""
    out_dir = plan.out_dir
    if not plan.changed:
        return  # nothing differs: not one file is touched, not even the manifest
    out_dir.mkdir(parents=True, exist_ok=True)
    writes = [f for f in plan.files if f.status in ("create", "update", "conflict")]
    for folder in _parents(out_dir, [f.rel for f in writes]):
        folder.mkdir(parents=True, exist_ok=True)  # once per folder, not once per file
    for f in writes:
        if f.status == "conflict" and os.path.lexists(out_dir / f.rel):
            plan.backups[f.rel] = _backup(out_dir / f.rel).relative_to(out_dir).as_posix()
    puts: list[str] = []
    _write_temp_files(out_dir, writes, puts)
    write_durably(out_dir / (MANIFEST + TMP), plan.manifest)
    puts.append(MANIFEST)
    for folder in _parents(out_dir, puts):  # the temp files' names are durable before the commit
        fsync_dir(folder)
    removes = {f.rel: sha256(f.old) for f in plan.files if f.status == "remove"}
    write_durably(out_dir / (JOURNAL + TMP), json.dumps({"put": puts, "remove": removes}, indent=1).encode())
    os.replace(out_dir / (JOURNAL + TMP), out_dir / JOURNAL)
    fsync_dir(out_dir)
    _crashpoint("commit")
    _roll_forward(out_dir, {"put": puts, "remove": removes})


def _read_only(out_dir: Path, rels: list[str]) -> list[Path]:
    """Existing folders the render must create, rename or delete files in but may not: found before
    anything is written, so a read-only stage folder refuses the render instead of breaking it."""
    found = []
    for folder in {out_dir, *_parents(out_dir, rels)}:
        if os.path.isdir(folder) and not os.access(folder, os.W_OK | os.X_OK):
            found.append(folder)
    return sorted(found)


@contextmanager
def _locked(out_dir: Path):
    """One writer per output folder: an flock on the folder itself (released if the process dies)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no locking
        yield
        return
    if not out_dir.is_dir():
        yield
        return
    fd = os.open(out_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WriteRefused([Diagnostic(
                "SLS601", "another sls-gen render is writing this folder", file=str(out_dir),
                hint="wait for it to finish",
            )]) from None
        yield
    finally:
        os.close(fd)


def write_tree(
    files: dict[str, bytes],
    out_dir: Path,
    force: bool = False,
    scope: Callable[[str], bool] | None = None,
    sources: dict[str, str] | None = None,
    before_commit: Callable[[WritePlan], None] | None = None,
    after_commit: Callable[[WritePlan], None] | None = None,
    evidence: dict[str, list[dict]] | None = None,
) -> WritePlan:
    """Recover an interrupted run, plan, refuse hand edits unless `force`, then commit.

    `before_commit` runs once the render is known to be accepted, before anything is written to
    the folder (the CLI writes the scaffolds there); `after_commit` once the folder holds the
    render, still under the folder's lock (the CLI records what the render read).
    """
    out_dir = Path(out_dir).absolute()
    created = False
    with _os_errors(out_dir):
        if os.path.lexists(out_dir) and not out_dir.is_dir():
            raise _not_a_folder(out_dir)
        if not out_dir.exists():  # a first render: create it so that it can be locked like any other
            out_dir.mkdir(parents=True, exist_ok=True)
            created = True
        try:
            with _locked(out_dir):
                return _write_locked(files, out_dir, force, scope, sources, before_commit, after_commit, evidence)
        except BaseException:
            if created:
                try:
                    out_dir.rmdir()  # only if this run left it empty
                except OSError:
                    pass
            raise


def _write_locked(files, out_dir, force, scope, sources=None, before_commit=None, after_commit=None,
                  evidence=None) -> WritePlan:
    if not _foreign(out_dir):  # never sweep a folder that is not ours
        recover(out_dir)
    plan = plan_write(files, out_dir, force, scope, sources, evidence)
    if plan.conflicts and not force:
        raise WriteRefused([
            Diagnostic(
                "SLS602", "generated file was edited by hand (or is not sls-gen's); refusing to overwrite it",
                file=str(out_dir / f.rel),
                hint="move your change elsewhere, or pass --force to overwrite it; your version is kept as <file>.orig",
            )
            for f in plan.conflicts
        ])
    if plan.changed:
        read_only = _read_only(out_dir, [f.rel for f in plan.files if f.status in CHANGES])
        if read_only:
            raise WriteRefused([Diagnostic(
                "SLS605", "cannot write the output folder: read-only folder", file=str(folder),
                hint="make it writable (e.g. chmod u+w) and render again; nothing was changed",
            ) for folder in read_only])
    if before_commit is not None:
        before_commit(plan)
    try:
        apply_plan(plan)
    except OSError:
        if not os.path.lexists(out_dir / JOURNAL):  # died before the commit: sweep this run's temp files now
            try:
                recover(out_dir)
            except (OSError, WriteRefused):
                pass
        raise
    if after_commit is not None:
        after_commit(plan)
    return plan
