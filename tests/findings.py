"""What `validate` refuses a blueprint for, for the tests of the checks (tests/families/)."""

from __future__ import annotations

import textwrap

from generator.diagnostics import BlueprintError
from generator.pipeline import validate


def problems(tmp_path, text: str) -> list[tuple[str, int, str]]:
    """(code, line, message) of every error a blueprint raises; [] when it is valid."""
    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent(text))
    try:
        validate(bp)
    except BlueprintError as err:
        return [(d.code, d.line, d.message) for d in err.diagnostics]
    return []


def codes_at(found, code):
    return [(line, msg) for c, line, msg in found if c == code]


def cli_validate(tmp_path, text: str):
    """(blueprint path, result) of `sls-gen validate` on a blueprint."""
    from click.testing import CliRunner

    from generator.cli import main

    bp = tmp_path / "bp.yaml"
    bp.write_text(text)
    return bp, CliRunner().invoke(main, ["validate", str(bp)])
