"""Many services at once: `sls-gen render|diff` over several blueprints, or folders searched for them.

A platform repository holds dozens of blueprints; CI checks them in one step (docs/many-services.md):

- **What is a blueprint** in a searched folder: a `*.yaml` / `*.yml` file whose text has a top-level
  `service:` key (a line starting with `service:`), unless it is an org profile another file found
  there names in `extends:`, or a Serverless Framework file (a top-level `provider:`, a key the
  blueprint language does not have). Hidden folders, `node_modules`, symlinked folders and output
  folders (holding `.sls-gen-manifest.json`) are not searched. Files named on the command line are
  blueprints whatever they hold.
- **Where each one goes**: `out/<service>/`, or `<-o>/<service>/`. Two blueprints of one service
  would write one folder: both are refused (SLS012), the others render.
- **Parallel, deterministic**: every blueprint renders in a worker process (`-j`, default: the
  machine's cores); blueprints of one folder run one after another in one worker, in name order,
  because they may share code folders (a scaffold is written once). Each service's output and
  diagnostics are printed in blueprint order once all are done, exactly as a one-blueprint run
  prints them, followed by one summary on stderr; the text does not depend on `-j`.
- **Errors**: a blueprint with errors writes nothing (its diagnostics keep their file:line); the
  others still render. The exit status is the highest of the services' (0 done, 1 `diff` found
  changes, 2 invalid, 3 output folder refused, 70 internal error).
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

SUFFIXES = (".yaml", ".yml")
SKIP_DIRS = frozenset({"node_modules", "__pycache__"})
OUTPUT_MARKER = ".sls-gen-manifest.json"
MAX_SCAN = 4 * 1024 * 1024  # bytes read to recognise a blueprint (the loader's limit)
SERVICE_NAME = re.compile(r"[a-z][a-z0-9-]*")
# Workers fork after the imports on Linux; elsewhere (macOS: fork is unsafe with its system
# libraries; Windows: no fork) each worker starts a fresh interpreter.
START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"
_TOP_KEY = re.compile(r"(service|extends|provider)[ \t]*:(.*)")


# ------------------------------------------------------------------------------------ discovery


def _top_keys(path: Path) -> dict[str, str] | None:
    """Top-level `service`, `extends`, `provider` keys of a YAML file, read as text (a file that does
    not parse is still recognised: the render reports its error with its line), or None if unreadable."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_SCAN)
    except OSError:
        return None
    found: dict[str, str] = {}
    for line in raw.decode("utf-8", errors="replace").splitlines():
        match = _TOP_KEY.fullmatch(line)
        if match and match.group(1) not in found:
            found[match.group(1)] = match.group(2)
    return found


def _scalar(text: str) -> str:
    """The plain or quoted scalar after `key:` on one line (no trailing comment)."""
    text = text.strip()
    if text[:1] in ("'", '"'):
        end = text.find(text[0], 1)
        return text[1:end] if end > 0 else text[1:]
    return re.split(r"\s+#", text, maxsplit=1)[0].strip()


def _yaml_files(folder: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):  # symlinked folders are not followed
        if OUTPUT_MARKER in filenames:
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if name.endswith(SUFFIXES) and not name.startswith(".") and path.is_file():
                yield path


def search(folder: Path) -> list[Path]:
    """The blueprints under `folder` (see the module's doc), sorted by path."""
    candidates: list[Path] = []
    profiles: set[str] = set()
    for path in _yaml_files(folder):
        keys = _top_keys(path)
        if keys is None:
            continue
        if "extends" in keys and _scalar(keys["extends"]):
            profiles.add(os.path.realpath(path.parent / _scalar(keys["extends"])))
        if "service" in keys and "provider" not in keys:
            candidates.append(path)
    return sorted((p for p in candidates if os.path.realpath(p) not in profiles), key=lambda p: p.as_posix())


def collect(paths: tuple[Path, ...]) -> tuple[list[Path], list[Path]]:
    """(blueprints, folders that hold none): files as given, folders searched; each file once."""
    found: list[Path] = []
    empty: list[Path] = []
    seen: set[str] = set()
    for path in paths:
        if path.is_dir():
            inside = search(path)
            if not inside:
                empty.append(path)
        else:
            inside = [path]
        for bp in inside:
            key = os.path.realpath(bp)
            if key not in seen:
                seen.add(key)
                found.append(bp)
    return found, empty


# ------------------------------------------------------------------------------------ one service


@dataclass
class Outcome:
    """What one blueprint's run printed and how it ended."""

    blueprint: str
    code: int = 0
    stdout: str = ""
    stderr: str = ""
    report: dict = field(default_factory=dict)  # service, target, changed, errors (cli.py fills it)


@dataclass(frozen=True)
class Identity:
    """A blueprint's service name as its merged document says, and where it is written."""

    service: str | None
    file: str | None = None
    line: int | None = None
    col: int | None = None


def identify(blueprint: Path) -> Identity:
    """Read (not validate) the blueprint and its profiles for its `service`. Never raises: a blueprint
    that does not load is reported by its render."""
    try:
        from generator.platform.profiles import load_blueprint

        doc = load_blueprint(blueprint)
        service = doc.data.get("service") if isinstance(doc.data, dict) else None
        if not isinstance(service, str) or not SERVICE_NAME.fullmatch(service):
            return Identity(None)
        loc = doc.locations.get(("service",))
        return Identity(service, doc.file_of(loc) if loc else doc.file, *(loc or (None, None)))
    except Exception:  # noqa: BLE001 - its render says what is wrong
        return Identity(None)


def run_one(body: Callable[[dict], None], blueprint: str, runner: Callable) -> Outcome:
    """Run one command body as the one-blueprint CLI would (`runner`: the CLI's, which turns
    diagnostics and bugs into exit statuses), with its stdout and stderr captured."""
    outcome = Outcome(blueprint)
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        runner(lambda: body(outcome.report), outcome.report)
    except SystemExit as exc:
        outcome.code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdout, sys.stderr = saved
    outcome.stdout, outcome.stderr = out.getvalue(), err.getvalue()
    return outcome


# ------------------------------------------------------------------------------------ many


@dataclass(frozen=True)
class Job:
    command: str  # "render" | "diff"
    blueprint: Path
    out_dir: Path | None  # None: the service's name is not known before rendering (it fails validation)
    out_base: Path
    stage: str | None
    strict: bool
    force: bool = False
    # the CLI's one-blueprint command body and runner (module-level functions: a spawned worker
    # unpickles them by name), passed in so that this module does not import the CLI back
    body: Callable | None = None
    runner: Callable | None = None
    options: tuple[tuple[str, object], ...] = ()  # the command's own options (diff: summary, fail_on)


def _run_job(job: Job) -> Outcome:
    if job.command == "render":
        return run_one(lambda report: job.body(job.blueprint, job.out_dir, job.stage, job.strict, job.force,
                                               report=report, out_base=job.out_base), str(job.blueprint), job.runner)
    return run_one(lambda report: job.body(job.blueprint, job.out_dir, job.stage, job.strict,
                                           report=report, out_base=job.out_base, **dict(job.options)),
                   str(job.blueprint), job.runner)


def _run_group(jobs: list[Job]) -> list[Outcome]:
    return [_run_job(job) for job in jobs]


class _Serial:
    """The executor of -j 1: everything in this process, in order."""

    def map(self, fn, items):
        return map(fn, items)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _executor(jobs: int, work: int):
    if jobs <= 1 or work <= 1:
        return _Serial()
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if START_METHOD == "fork":
        _preload()
    return ProcessPoolExecutor(max_workers=min(jobs, work), mp_context=multiprocessing.get_context(START_METHOD))


def _preload() -> None:
    """Import what every render needs (pydantic models, every family, the Jinja environment) once,
    before forking: the workers share it instead of each importing it again (~0.15 s CPU each)."""
    import generator.checks  # noqa: F401
    import generator.emit.readme  # noqa: F401
    import generator.emit.terraform  # noqa: F401
    import generator.noop  # noqa: F401
    import generator.package.stage  # noqa: F401
    import generator.pipeline  # noqa: F401
    import generator.plan.build  # noqa: F401
    import generator.record  # noqa: F401
    import generator.writer  # noqa: F401
    from generator.emit.templates import environment
    from generator.families import families
    from generator.platform.profiles import load_blueprint  # noqa: F401

    families()
    environment()


def clashes(blueprints: list[Path], identities: list[Identity], out_base: Path) -> dict[int, list]:
    """Blueprint index -> SLS012 diagnostics: two blueprints of one service would write one folder."""
    from generator.diagnostics import Diagnostic

    by_service: dict[str, list[int]] = {}
    for i, ident in enumerate(identities):
        if ident.service:
            by_service.setdefault(ident.service, []).append(i)
    found: dict[int, list] = {}
    for service, indexes in by_service.items():
        if len(indexes) < 2:
            continue
        for i in indexes:
            others = ", ".join(str(blueprints[j]) for j in indexes if j != i)
            ident = identities[i]
            found[i] = [Diagnostic(
                "SLS012", f"'{service}' is also the service of {others}: both would render into {out_base / service}",
                path=("service",), file=ident.file or str(blueprints[i]), line=ident.line, col=ident.col,
                hint="give each blueprint its own service name, or render them in separate runs with their own -o")]
    return found


def nothing_found(folder: Path, command: str) -> Outcome:
    """SLS013: a folder to search that holds no blueprint."""
    from generator.diagnostics import Diagnostic

    diag = Diagnostic("SLS013", f"no blueprint found under '{folder}'", file=str(folder),
                      hint="a blueprint is a *.yaml or *.yml file with a top-level `service:` key; "
                           f"name a blueprint file to {command} it whatever it holds")
    return Outcome(str(folder), 2, "", diag.format() + "\n", {"errors": 1})


def run_many(command: str, paths: tuple[Path, ...], out_dir: Path | None, stage: str | None, strict: bool,
             force: bool, jobs: int | None, body: Callable, runner: Callable, **options) -> int:
    """Render (or diff) every blueprint of `paths` with the CLI's one-blueprint `body` (run by its
    `runner`, given `options` too); print each one's output, then one summary. The exit status."""
    jobs = jobs or os.cpu_count() or 1
    out_base = out_dir if out_dir is not None else Path("out")
    blueprints, empty = collect(paths)
    outcomes: list[Outcome] = [nothing_found(folder, command) for folder in empty]
    groups: dict[str, list[int]] = {}
    for i, bp in enumerate(blueprints):  # one folder's blueprints may share code folders: one worker
        groups.setdefault(os.path.realpath(bp.parent), []).append(i)
    with _executor(jobs, len(blueprints)) as pool:
        identities = list(pool.map(identify, blueprints))
        refused = clashes(blueprints, identities, out_base)
        planned: list[list[Job]] = []
        for indexes in groups.values():
            group = [Job(command, blueprints[i], out_base / identities[i].service if identities[i].service else None,
                         out_base, stage, strict, force, body, runner, tuple(sorted(options.items())))
                     for i in indexes if i not in refused]
            if group:
                planned.append(group)
        done: dict[str, Outcome] = {}
        for group, results in zip(planned, pool.map(_run_group, planned) if len(planned) > 1 else map(_run_group, planned)):
            for job, outcome in zip(group, results):
                done[str(job.blueprint)] = outcome
    for i, bp in enumerate(blueprints):
        if i in refused:
            text = "\n".join(d.format() for d in refused[i]) + "\n"
            outcomes.append(Outcome(str(bp), 2, "", text + "1 error(s); nothing was written.\n",
                                    {"service": identities[i].service, "errors": len(refused[i])}))
        else:
            outcomes.append(done[str(bp)])
            outcomes[-1].report.setdefault("service", identities[i].service)
    for outcome in outcomes:  # flushed per blueprint: a CI log that merges both streams stays in order
        sys.stdout.write(outcome.stdout)
        sys.stdout.flush()
        sys.stderr.write(outcome.stderr)
        sys.stderr.flush()
    sys.stderr.write(summary(command, outcomes, options.get("fail_on")))
    sys.stderr.flush()
    return max((o.code for o in outcomes), default=0)


def validate_many(paths: tuple[Path, ...], strict: bool, body: Callable, runner: Callable) -> int:
    """`validate` of every blueprint of `paths` (files as given, folders searched), one after the
    other (checks write nothing and take a fraction of a render), with the CLI's one-blueprint
    `body` run by its `runner`; each one's output, then one summary. The exit status: the highest."""
    blueprints, empty = collect(paths)
    outcomes: list[Outcome] = [nothing_found(folder, "validate") for folder in empty]
    for outcome in outcomes:
        sys.stderr.write(outcome.stderr)
    for bp in blueprints:
        outcome = run_one(lambda report, bp=bp: body(bp, strict, report=report), str(bp), runner)
        outcome.report.setdefault("service", identify(bp).service)
        outcomes.append(outcome)
        sys.stdout.write(outcome.stdout)
        sys.stdout.flush()
        sys.stderr.write(outcome.stderr)
        sys.stderr.flush()
    rows = [(o.report.get("service") or "-", o.blueprint,
             "valid" if o.code == 0 else f"{o.report['errors']} error(s)" if o.report.get("errors")
             else "internal error; see above" if o.code == 70 else f"failed (exit {o.code}); see above")
            for o in outcomes]
    valid = sum(o.code == 0 for o in outcomes)
    sys.stderr.write(_table("validate", rows, f"{valid} valid, {len(outcomes) - valid} failed."))
    sys.stderr.flush()
    return max((o.code for o in outcomes), default=0)


def summary(command: str, outcomes: list[Outcome], fail_on: str | None = None) -> str:
    """One line per blueprint (service, where, what changed or what went wrong) and a total;
    `fail_on` (diff --fail-on): what each would destroy, and a total of those that would."""
    rows = []
    tally = {"changed": 0, "unchanged": 0, "failed": 0}
    for o in outcomes:
        r = o.report
        service = r.get("service") or "-"
        where = f"{o.blueprint} -> {r['target']}" if r.get("target") else o.blueprint
        if fail_on and o.code in (0, 1) and "destroys" in r:
            n = r["destroys"]
            what = f"would destroy {n} {'address(es)' if fail_on == 'destroy' else 'resource(s) that hold data'}" \
                if n else "destroys nothing" + ("" if fail_on == "destroy" else " that holds data")
            tally["changed" if n else "unchanged"] += 1
        elif o.code in (0, 1) and "changed" in r:
            n = r["changed"]
            verb = "would change" if command == "diff" else "changed"
            what = f"{n} file(s) {verb}" if n else "up to date"
            tally["changed" if n else "unchanged"] += 1
        else:
            tally["failed"] += 1
            if r.get("errors"):
                what = f"{r['errors']} error(s); nothing written"
            elif o.code == 3:
                what = "output folder refused (SLS6xx); see above"
            elif o.code == 70:
                what = "internal error; see above"
            else:
                what = f"failed (exit {o.code}); see above"
        rows.append((service, where, what))
    if fail_on:
        total = f"{tally['changed']} would destroy, {tally['unchanged']} destroy nothing, {tally['failed']} failed."
    else:
        changed = "would change" if command == "diff" else "changed"
        total = f"{tally['changed']} {changed}, {tally['unchanged']} up to date, {tally['failed']} failed."
    return _table(command, rows, total)


def _table(command: str, rows: list[tuple[str, str, str]], total: str) -> str:
    """The closing summary: a header, one aligned line per blueprint (service, where, what), the total."""
    width = max((len(s) for s, _, _ in rows), default=1)
    lines = [f"sls-gen {command}: {len(rows)} blueprint(s)"]
    lines += [f"  {service:<{width}}  {where}: {what}" for service, where, what in rows]
    return "\n".join(lines + [total]) + "\n"
