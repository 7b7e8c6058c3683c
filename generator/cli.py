"""Command line: click commands wiring the pipeline stages; no logic of its own.

Imports stay lazy so `sls-gen --help` starts fast (no pydantic, jinja or boto3 until needed).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import __version__

EXIT_INVALID = 2
EXIT_INTERNAL = 1


def _print_diagnostics(diags, color: bool) -> None:
    sources: dict[str, list[str]] = {}
    for d in diags:
        lines = None
        if d.file and color:
            if d.file not in sources:
                try:
                    sources[d.file] = Path(d.file).read_text(encoding="utf-8", errors="replace").splitlines()
                except OSError:
                    sources[d.file] = []
            lines = sources[d.file] or None
        click.echo(d.format(lines, color=color), err=True)


def _run(action):
    """Run a command body: invalid blueprints exit 2 with diagnostics, bugs exit 1 in one line."""
    from generator.diagnostics import BlueprintError

    color = sys.stderr.isatty()
    try:
        return action()
    except BlueprintError as exc:
        _print_diagnostics(exc.diagnostics, color)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        click.echo(f"{errors} error(s); nothing was written.", err=True)
        sys.exit(EXIT_INVALID)
    except KeyboardInterrupt:
        sys.exit(130)
    except click.exceptions.Exit:
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


@main.command()
@click.argument("blueprint", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: out/<service>/).")
@click.option("--stage", help="Render only this stage (default: every stage).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def render(blueprint: Path, out_dir: Path | None, stage: str | None, strict: bool) -> None:
    """Render BLUEPRINT into one Terraform root module per stage, plus handler scaffolds."""

    def action():
        from generator.pipeline import render as do_render
        from generator.writer import WriteReport, write_scaffolds, write_tree

        rendered = do_render(blueprint, stage, strict)
        _print_diagnostics(rendered.warnings, sys.stderr.isatty())
        target = out_dir or Path("out") / rendered.service
        report = WriteReport()
        write_tree(rendered.outputs, target, report)
        write_scaffolds(rendered, blueprint.parent, report)
        counts: dict[str, int] = {}
        for status, path in report.statuses:
            counts[status] = counts.get(status, 0) + 1
            if status != "identical":
                click.echo(f"  {status:>9}  {path}")
        stages = [stage] if stage else rendered.stages
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        click.echo(f"Rendered {rendered.service} ({', '.join(stages)}) into {target}: {summary}.")

    _run(action)


@main.command()
@click.argument("blueprint", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def validate(blueprint: Path, strict: bool) -> None:
    """Check BLUEPRINT and report every problem with its line; write nothing."""

    def action():
        from generator.pipeline import validate as do_validate

        _doc, base, stages, warnings = do_validate(blueprint, strict)
        _print_diagnostics(warnings, sys.stderr.isatty())
        click.echo(f"{blueprint}: valid ({base.service}; stages: {', '.join(stages)}; {len(warnings)} warning(s)).")

    _run(action)


if __name__ == "__main__":  # pragma: no cover
    main()
