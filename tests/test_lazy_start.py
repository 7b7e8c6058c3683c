"""Start-up stays lazy: `sls-gen --help` and `--version` load no family (generator/families/*)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["render", "--help"]])
def test_help_imports_no_family(args):
    code = (
        "import sys\n"
        "from generator.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('generator.families') or m in ('pydantic', 'jinja2'))\n"
        "print('LOADED=' + ','.join(loaded), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stderr.strip().splitlines()[-1] == "LOADED=", proc.stderr
