"""Command line: click commands wiring the pipeline stages; no logic of its own.

Imports stay lazy so `sls-gen --help` starts fast (no pydantic, jinja or boto3 until needed).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import __version__

EXIT_INVALID = 2
EXIT_INTERNAL = 70  # a bug in sls-gen (EX_SOFTWARE); distinct from `diff`'s "changes" (1)
EXIT_CHANGES = 1  # `diff`: the output folder is out of date
EXIT_REFUSED = 3  # the output folder holds work sls-gen will not overwrite (SLS601/SLS602)
EXIT_UNAVAILABLE = 69  # a tool a command needs is not installed (EX_UNAVAILABLE): `graph --format svg` without Graphviz
EXIT_TERRAFORM = 4  # `plan`: terraform is missing or could not plan


def _print_diagnostics(diags, color: bool) -> None:
    sources: dict[str, list[str]] = {}
    text = []
    for d in diags:
        lines = None
        if d.file and color:
            if d.file not in sources:
                try:
                    sources[d.file] = Path(d.file).read_text(encoding="utf-8", errors="replace").splitlines()
                except OSError:
                    sources[d.file] = []
            lines = sources[d.file] or None
        text.append(d.format(lines, color=color))
    if text:
        click.echo("\n".join(text), err=True)  # one write: a large service can have many warnings


def _run(action, report: dict | None = None):
    """Run a command body: invalid blueprints exit 2 with diagnostics, bugs exit 70 in one line.
    `report` (many services at once, generator/fleet.py) receives the number of errors."""
    from generator.diagnostics import BlueprintError
    from generator.writer.tree import WriteRefused

    color = sys.stderr.isatty()
    try:
        return action()
    except WriteRefused as exc:
        _print_diagnostics(exc.diagnostics, color)
        n = len(exc.diagnostics)
        what = f"{n} file(s) refused" if all(d.code == "SLS602" for d in exc.diagnostics) else \
            f"{n} output folder problem(s)"
        done = "the render is committed: the next render finishes it" if exc.committed else "nothing was written"
        click.echo(f"{what}; {done}.", err=True)
        sys.exit(EXIT_REFUSED)
    except BlueprintError as exc:
        _print_diagnostics(exc.diagnostics, color)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        strict = len(exc.diagnostics) - errors
        if report is not None:
            report["errors"] = len(exc.diagnostics)
        extra = f" and {strict} warning(s) treated as errors (--strict)" if strict else ""
        click.echo(f"{errors} error(s){extra}; nothing was written.", err=True)
        sys.exit(EXIT_INVALID)
    except KeyboardInterrupt:
        sys.exit(130)
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - the user must never see a traceback
        click.echo(f"sls-gen: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sls-gen")
def main() -> None:
    """Render a serverless blueprint (YAML) into Terraform root modules and handler scaffolds.

    \b
    Quick start:
      sls-gen validate blueprint.yaml
      sls-gen render blueprint.yaml            # -> out/<service>/<stage>/*.tf
      cd out/<service>/dev && terraform init && terraform apply
    """


def _out_options(fn):
    fn = click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
                      help="Blueprints rendered at once, each in its own process, when several are given "
                           "(default: the number of CPUs).")(fn)
    fn = click.option("--strict", is_flag=True, help="Treat warnings as errors.")(fn)
    fn = click.option("--stage", help="Render only this stage (default: every stage).")(fn)
    fn = click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path),  # a file: SLS601 from the writer
                      help="Output folder (default: out/<service>/); with several blueprints, each service "
                           "goes into <folder>/<service>/ (default: out/<service>/).")(fn)
    # One blueprint file: as always. Several, or a folder (searched for blueprints): generator/fleet.py.
    return click.argument("blueprints", metavar="BLUEPRINT...", nargs=-1, required=True,
                          type=click.Path(path_type=Path))(fn)


def _many(blueprints: tuple[Path, ...]) -> bool:
    """Several blueprints, or a folder to search: rendered as a fleet (one summary, one exit status)."""
    return len(blueprints) > 1 or blueprints[0].is_dir()


def _render_for_write(
    blueprint: Path, out_dir: Path | None, stage: str | None, strict: bool, reuse: bool = True, seen=None,
    out_base: Path = Path("out"),
):
    from generator.package.reuse import previous_zips
    from generator.pipeline import render as do_render
    from generator.writer.guard import check_code_folders, check_output_dir
    from generator.writer.manifest import load_evidence

    if out_dir is not None:
        check_output_dir(out_dir, blueprint)  # before any work: a refused folder costs nothing
    lookup = (lambda service: previous_zips(out_dir or out_base / service)) if reuse else None
    rendered = do_render(blueprint, stage, strict, previous_zips=lookup, seen=seen,
                         previous=lambda service: load_evidence(out_dir or out_base / service))
    _print_diagnostics(rendered.warnings, sys.stderr.isatty())
    target = out_dir or out_base / rendered.service
    check_output_dir(target, blueprint)
    check_code_folders(target, blueprint, rendered.code_dirs)
    scope = (lambda rel: rel.startswith(f"{stage}/")) if stage else None
    return rendered, target, scope


def _summary(service: str, stages: list[str], target: Path, counts: dict[str, int], changed: bool) -> None:
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    if not changed:
        summary += "; nothing changed, nothing written"
    click.echo(f"Rendered {service} ({', '.join(stages)}) into {target}: {summary}.")


@main.command()
@_out_options
@click.option("--force", is_flag=True,
              help="Overwrite hand-edited generated files (a copy is kept as <file>.orig) and write into a "
                   "folder sls-gen did not create. Never touches scaffolds or your other files.")
def render(blueprints: tuple[Path, ...], out_dir: Path | None, stage: str | None, strict: bool, force: bool,
           jobs: int | None) -> None:
    """Render BLUEPRINT into one Terraform root module per stage, plus handler scaffolds.

    \b
    Every file gets a status: create, identical (left untouched), update, conflict (edited by hand:
    refused without --force), remove (no longer generated), keep (no longer generated but edited:
    left in place), skip (existing scaffold folder: never overwritten).

    \b
    Several blueprints, or folders (searched for *.yaml/*.yml files with a top-level `service:`):
    each renders into out/<service>/ (or <-o>/<service>/), in parallel (-j), and one summary
    follows; a blueprint with errors writes nothing, the others render (docs/many-services.md).
    """
    if _many(blueprints):
        from generator.fleet import run_many

        _run(lambda: sys.exit(run_many("render", blueprints, out_dir, stage, strict, force, jobs, render_one, _run)))
        return
    _run(lambda: render_one(blueprints[0], out_dir, stage, strict, force))


def render_one(blueprint: Path, out_dir: Path | None, stage: str | None, strict: bool, force: bool,
               report: dict | None = None, out_base: Path = Path("out")) -> None:
    """`render` of one blueprint; `report` (generator/fleet.py) receives service, target and changed files."""
    from generator.noop import Unchanged, check

    report = {} if report is None else report
    answer = check(blueprint, out_dir, stage, strict, force)
    if isinstance(answer, Unchanged):  # nothing changed since the last render: say so without rendering
        _print_diagnostics(answer.warnings, sys.stderr.isatty())
        counts = {"identical": answer.outputs, "skip": answer.skip}
        report.update(service=answer.service, target=str(answer.target), changed=0)
        _summary(answer.service, answer.stages, answer.target, {k: n for k, n in counts.items() if n}, False)
        return
    from generator import record
    from generator.writer import write_scaffolds, write_tree
    from generator.writer.tree import legacy_leftovers

    rendered, target, scope = _render_for_write(
        blueprint, out_dir, stage, strict, reuse=not force, seen=answer.seen, out_base=out_base
    )
    report.update(service=rendered.service, target=str(target))
    for leftover in legacy_leftovers(target):
        click.echo(f"sls-gen: warning: {leftover} was left by an interrupted render of an older sls-gen; "
                   "it may hold your terraform state: check it, then delete it.", err=True)
    scaffolded: list[tuple[str, str]] = []

    def before_commit(plan):  # the render is accepted: scaffolds first
        scaffolded.extend(write_scaffolds(rendered.scaffolds, blueprint.parent, rendered.code_dirs))

    def after_commit(plan):  # then what was read, in the user's cache (never in the folder)
        record.save(rendered, blueprint, stage, strict, plan.out_dir, plan.entries, plan.evidence)

    plan = write_tree(rendered.outputs, target, force=force, scope=scope, sources=rendered.sources,
                      before_commit=before_commit, after_commit=after_commit, evidence=rendered.evidence)
    statuses = [(f.status, f.rel) for f in plan.files] + scaffolded
    counts: dict[str, int] = {}
    for status, path in statuses:
        counts[status] = counts.get(status, 0) + 1
        if status not in ("identical", "skip"):
            kept = f"  (your version kept as {plan.backups[path]})" if path in plan.backups else ""
            click.echo(f"  {status:>9}  {path}{kept}")
    report["changed"] = sum(n for status, n in counts.items() if status not in ("identical", "skip"))
    _summary(rendered.service, [stage] if stage else rendered.stages, target, counts, plan.changed)


FAIL_ON = ("destroy", "stateful-destroy")


@main.command()
@_out_options
@click.option("--summary", is_flag=True,
              help="Per stage, the Terraform addresses created, changed, moved, imported, forgotten and destroyed "
                   "(stateful destroys marked) instead of the file diff.")
@click.option("--fail-on", "fail_on", type=click.Choice(FAIL_ON),
              help="Exit 1 only when the render would destroy an address (destroy) or a resource that holds data "
                   "(stateful-destroy), else 0: for CI.")
def diff(blueprints: tuple[Path, ...], out_dir: Path | None, stage: str | None, strict: bool,
         jobs: int | None, summary: bool, fail_on: str | None) -> None:
    """Show what `render` would change in the output folder, writing nothing (exit 0: no change, 1: changes).

    For CI drift checks: zips are reported as "Binary files ... differ", scaffolds that would be
    created are listed. Several blueprints or folders: as `render` (one summary; exit status the
    highest of the services'). `--summary` lists Terraform addresses instead; `--fail-on destroy`
    makes the exit status say whether anything would be destroyed (`sls-gen plan` asks Terraform
    itself), over several blueprints whether any of them would.
    """
    if _many(blueprints):
        from generator.fleet import run_many

        _run(lambda: sys.exit(run_many("diff", blueprints, out_dir, stage, strict, False, jobs, diff_one, _run,
                                       summary=summary, fail_on=fail_on)))
        return
    _run(lambda: diff_one(blueprints[0], out_dir, stage, strict, summary=summary, fail_on=fail_on))


def diff_one(blueprint: Path, out_dir: Path | None, stage: str | None, strict: bool, report: dict | None = None,
             out_base: Path = Path("out"), summary: bool = False, fail_on: str | None = None) -> None:
    """`diff` of one blueprint; `report` (generator/fleet.py) receives service, target and changed files."""
    from generator.writer import plan_write, scaffold_statuses
    from generator.writer.diff import diff_lines
    from generator.writer.manifest import load_evidence

    report = {} if report is None else report
    rendered, target, scope = _render_for_write(blueprint, out_dir, stage, strict, out_base=out_base)
    report.update(service=rendered.service, target=str(target))
    before = load_evidence(target)  # the previous render's: what holds data
    plan = plan_write(rendered.outputs, target, force=True, scope=scope, evidence=rendered.evidence)
    summaries = []
    if summary or fail_on:
        from generator.evolution.summary import from_render

        summaries = from_render({f.rel: f.old for f in plan.files}, {f.rel: f.new for f in plan.files},
                                [stage] if stage else rendered.stages, before)
    if summary:
        for s in summaries:
            click.echo("\n".join(s.lines()))
    else:
        for line in diff_lines(plan):
            click.echo(line, nl=False)
    scaffolds = [rel for status, rel in scaffold_statuses(rendered.scaffolds, blueprint.parent) if status == "create"]
    for rel in scaffolds:
        click.echo(f"# scaffold would be created: {rel}")
    changed = sum(f.status in ("create", "update", "conflict", "remove") for f in plan.files) + len(scaffolds)
    report["changed"] = changed or int(plan.changed)
    if fail_on:
        failing = sum(s.destroys if fail_on == "destroy" else s.stateful_destroys for s in summaries)
        report["destroys"] = failing
        if failing:
            what = "address(es)" if fail_on == "destroy" else "resource(s) that hold data"
            click.echo(f"{target}: the render would destroy {failing} {what}.", err=True)
            sys.exit(EXIT_CHANGES)
        click.echo(f"{target}: the render destroys nothing{'' if fail_on == 'destroy' else ' that holds data'}.",
                   err=True)
        return
    if plan.changed or scaffolds:
        click.echo(f"{target}: out of date with {blueprint}.", err=True)
        sys.exit(EXIT_CHANGES)
    click.echo(f"{target}: up to date with {blueprint}.", err=True)


@main.command("plan")
@click.argument("blueprint", type=click.Path(path_type=Path))
@click.option("--stage", help="Stage to plan (default: dev, else the first).")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), help="Output folder (default: out/<service>/).")
@click.option("--fail-on", "fail_on", type=click.Choice(FAIL_ON),
              help="Exit 1 when Terraform would destroy (or replace) an address, or one that holds data.")
@click.option("--terraform", "terraform_bin", default="terraform", show_default=True, help="The terraform binary.")
def plan_command(blueprint: Path, stage: str | None, out_dir: Path | None, fail_on: str | None,
                 terraform_bin: str) -> None:
    """Run `terraform plan` in a rendered stage and summarize it like `diff --summary`.

    \b
    Needs terraform and whatever the stage's backend and provider need (credentials, a state);
    runs `terraform init` first when the stage folder has no .terraform/. Render first: this
    plans the files as they are. Exit 0, 1 (--fail-on met), or 4 when Terraform cannot plan.
    """

    def action():
        from generator.evolution.terraform import TerraformFailed, plan_summary
        from generator.writer.manifest import load_evidence

        _bp, plan, stage_name, _doc = _stage_plan(blueprint, stage)
        target = out_dir or Path("out") / plan.service
        try:
            s = plan_summary(target / stage_name, stage_name, terraform_bin, load_evidence(target).get(stage_name))
        except TerraformFailed as exc:
            click.echo(f"sls-gen plan: {exc}", err=True)
            sys.exit(EXIT_TERRAFORM)
        click.echo("\n".join(s.lines()))
        if fail_on and (s.destroys if fail_on == "destroy" else s.stateful_destroys):
            sys.exit(EXIT_CHANGES)

    _run(action)


@main.command()
@click.argument("blueprints", metavar="BLUEPRINT...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def validate(blueprints: tuple[Path, ...], strict: bool) -> None:
    """Check BLUEPRINT and report every problem with its line; write nothing.

    Several blueprints, or folders (searched for blueprints as `render` does): each is checked,
    then one summary; the exit status is the highest of theirs."""
    if _many(blueprints):
        from generator.fleet import validate_many

        sys.exit(validate_many(blueprints, strict, validate_one, _run))
    _run(lambda: validate_one(blueprints[0], strict))


def validate_one(blueprint: Path, strict: bool, report: dict | None = None) -> None:
    """`validate` of one blueprint; `report` (generator/fleet.py) receives its service."""
    from generator.pipeline import validate as do_validate

    _doc, base, stages, warnings = do_validate(blueprint, strict)
    if report is not None:
        report["service"] = base.service
    _print_diagnostics(warnings, sys.stderr.isatty())
    click.echo(f"{blueprint}: valid ({base.service}; stages: {', '.join(stages)}; {len(warnings)} warning(s)).")


@main.command()
def schema() -> None:
    """Print the blueprint JSON Schema (for editors: yaml-language-server, VS Code, JetBrains)."""

    def action():
        from generator.model.schema import schema_text

        click.echo(schema_text(), nl=False)

    _run(action)


def _stage_plan(blueprint: Path, stage: str | None):
    """(stage blueprint, plan, stage name, document) of one stage: `--stage`, else `dev` if it exists, else the first."""
    from generator.diagnostics import BlueprintError, Diagnostic
    from generator.pipeline import validate as do_validate

    plans: dict = {}
    doc, _base, stages, _warnings = do_validate(blueprint, plans=plans)
    if stage is None:
        stage = "dev" if "dev" in stages else next(iter(stages))
    if stage not in stages:
        raise BlueprintError(
            [Diagnostic("SLS201", f"unknown stage '{stage}' (stages: {', '.join(stages)})", file=doc.file)]
        )
    return stages[stage], plans[stage], stage, doc


@main.command()
@click.argument("blueprint", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("events"),
              show_default=True, help="Folder for the event files.")
@click.option("--stage", help="Stage whose resource names the events carry (default: dev, else the first).")
def events(blueprint: Path, out_dir: Path, stage: str | None) -> None:
    """Write a sample event per function and trigger of BLUEPRINT (<function>.<n>.<kind>.json)."""

    def action():
        from generator.events import dumps, sample_events
        from generator.invoke import account_id

        bp, plan, stage_name, doc = _stage_plan(blueprint, stage)
        samples = sample_events(bp, stage_name, region=plan.region, account=account_id(), root=Path(doc.file).parent)
        out_dir.mkdir(parents=True, exist_ok=True)
        for sample in samples:
            (out_dir / sample.filename).write_text(dumps(sample.event), encoding="utf-8")
            click.echo(f"  {out_dir / sample.filename}")
        click.echo(f"Wrote {len(samples)} sample event(s) for {bp.service} ({stage_name}) into {out_dir}.")

    _run(action)


@main.command()
@click.argument("blueprint", type=click.Path(path_type=Path))
@click.option("--stage", help="Stage to draw (default: dev, else the first).")
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "svg", "png"]), default="mermaid", show_default=True,
              help="mermaid and dot are text; svg and png are drawn by Graphviz (`dot` on PATH).")
@click.option("-o", "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
def graph(blueprint: Path, stage: str | None, fmt: str, out_file: Path | None) -> None:
    """Draw BLUEPRINT's service: triggers -> functions -> what they use, grouped by kind, edges labelled by
    access level (the diagram of the stage README)."""

    def action():
        from generator.graph import GraphvizFailed, GraphvizMissing, condense, render
        from generator.plan.views import service_graph

        _bp, plan, stage_name, _doc = _stage_plan(blueprint, stage)
        try:
            data = render(condense(service_graph(plan)), fmt, f"{plan.service}-{stage_name}")
        except GraphvizMissing as exc:
            click.echo(f"sls-gen: {exc}.", err=True)
            sys.exit(EXIT_UNAVAILABLE)
        except GraphvizFailed as exc:
            raise click.ClickException(str(exc)) from None
        if out_file is not None:
            out_file.write_bytes(data)
            click.echo(f"Wrote the {fmt} diagram of {plan.service} ({stage_name}) to {out_file}.", err=True)
        elif fmt == "png" and sys.stdout.isatty():
            raise click.UsageError("a PNG is binary: pass -o FILE (or redirect stdout)")
        else:
            click.echo(data, nl=False)

    _run(action)


@main.command()
@click.argument("blueprint", type=click.Path(path_type=Path))
@click.argument("function")
@click.option("--stage", help="Stage to explain (default: dev, else the first).")
def explain(blueprint: Path, function: str, stage: str | None) -> None:
    """Everything about FUNCTION: its events, what it can touch and which blueprint line granted it, its
    alarms and its environment."""

    def action():
        from generator.explain import explain as describe

        bp, plan, _stage_name, doc = _stage_plan(blueprint, stage)
        if function not in bp.functions:
            raise click.UsageError(f"no function '{function}' in {blueprint} (functions: {', '.join(sorted(bp.functions))})")
        click.echo(describe(plan, doc, function), nl=False)

    _run(action)


@main.command()
@click.argument("name", required=False, default="blueprint")
@click.option("--profile", type=click.Path(path_type=Path),
              help="Start a service on this org profile: the blueprint `extends` it and sets only what differs.")
def init(name: str, profile: Path | None) -> None:
    """Write NAME.yaml (default blueprint.yaml): a commented starter blueprint that validates."""

    def action():
        from generator.starter import write_starter

        path = write_starter(name, profile=profile)
        click.echo(f"Wrote {path}. Next: sls-gen validate {path} && sls-gen render {path}")

    _run(action)


@main.command()
@click.argument("function")
@click.argument("blueprint", type=click.Path(path_type=Path))
@click.option("--event", "event_file", type=click.File("r", encoding="utf-8"),
              help="JSON file with the event to pass (`-` for stdin).")
@click.option("--sample", is_flag=True, help="Pass a generated sample event of the function's first trigger.")
@click.option("--stage", help="Stage whose resource names the handler sees (default: dev, else the first).")
@click.option("--env", "env_pairs", multiple=True, metavar="KEY=VALUE",
              help="Set an environment variable (e.g. one read from SSM when Terraform plans); repeatable.")
@click.option("--var", "var_pairs", multiple=True, metavar="NAME=VALUE",
              help="Value of a `variables:` entry (default: its declared default); repeatable.")
def invoke(function: str, blueprint: Path, event_file, sample: bool, stage: str | None, env_pairs, var_pairs) -> None:
    """Run FUNCTION's handler locally with the environment it gets in AWS; print its return value as JSON.

    \b
    Resource names are the stage's physical ones; the handler talks to whatever the AWS SDK
    environment points at (AWS_PROFILE, AWS_ENDPOINT_URL, ...). A Python function's packaged
    dependencies (its requirements.txt, installed for Lambda) come before the host's packages.
    Exit status 1 if the handler raises or a batch handler reports batchItemFailures.
    """
    if event_file and sample:
        raise click.UsageError("--event and --sample are mutually exclusive")
    given, variables = _pairs(env_pairs, "--env"), _pairs(var_pairs, "--var")

    def action():
        import json

        from generator.events import sample_event
        import tempfile

        from generator.invoke import (InvokeError, account_id, batch_failures, bundled, dependencies_dir, prepare,
                                      run, runtime_mismatch)

        bp, plan, stage_name, doc = _stage_plan(blueprint, stage)
        if function not in bp.functions:
            raise click.UsageError(f"no function '{function}' in {blueprint} (functions: {', '.join(sorted(bp.functions))})")
        if sample:
            from generator.events import trigger_count

            if not trigger_count(bp, function):
                raise click.UsageError(f"function '{function}' has no events to sample; pass --event FILE")
            event = sample_event(bp, stage_name, function, 1, region=plan.region, account=account_id(),
                                 root=Path(doc.file).parent).event
        elif event_file:
            event = json.load(event_file)
        else:
            event = {}
        from generator.plan.resolve import Unresolved

        try:
            inv = prepare(plan, function, blueprint.parent, given=given, variables=variables)
        except (Unresolved, InvokeError) as exc:
            raise click.ClickException(f"{function}: {exc}") from None
        mismatch = runtime_mismatch(inv)
        if mismatch:
            click.echo(f"sls-gen: warning: {mismatch}", err=True)
        try:
            with tempfile.TemporaryDirectory(prefix="sls-gen-invoke-") as tmp:
                installed = dependencies_dir(inv, blueprint.parent, Path(tmp))
                inv = bundled(inv, blueprint.parent, Path(tmp) / "bundle") or inv  # package.bundle: run the bundle
                outcome = run(inv, event, extra_paths=(str(installed),) if installed else ())
        except InvokeError as exc:
            raise click.ClickException(str(exc)) from None
        if outcome.stderr:
            click.echo(outcome.stderr.rstrip("\n"), err=True)
        if not outcome.ok:
            click.echo(f"sls-gen: {function} failed (exit {outcome.returncode})", err=True)
            sys.exit(1)
        click.echo(json.dumps(outcome.result, indent=2, sort_keys=True))
        failures = batch_failures(outcome.result)
        if failures:
            click.echo(f"sls-gen: {function} reported {failures} batch item failure(s)", err=True)
            sys.exit(1)

    _run(action)


def _pairs(pairs, option: str) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.UsageError(f"{option} takes KEY=VALUE, got {pair!r}")
        out[key] = value
    return out


if __name__ == "__main__":  # pragma: no cover
    main()
