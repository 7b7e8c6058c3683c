"""The unit test sls-gen scaffolds beside each handler passes out of the box (python and node).

Runs the scaffolds of every snapshot case, in a copy, the way a user would right after a render.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from rendering import SNAPSHOTS
from requires import require_node


FIXTURE_TEST = re.compile(r"^def test_\w+\(\s*\w", re.M)  # a test that asks pytest for a fixture
RUN_PY_TESTS = """
import glob, runpy
ran = 0
for path in sorted(glob.glob("test_*.py")):
    ns = runpy.run_path(path)
    for name in sorted(n for n in ns if n.startswith("test_") and callable(ns[n])):
        ns[name]()
        print("passed", path, name)
        ran += 1
assert ran, "no scaffold tests found"
"""


def scaffold_dirs() -> list[str]:
    dirs = sorted({p.parent for p in SNAPSHOTS.glob("*/scaffolds/**/*") if (p.name.startswith("test_") and p.suffix == ".py") or p.name == "package.json"})
    return [d.relative_to(SNAPSHOTS).as_posix() for d in dirs]


@pytest.mark.parametrize("rel", scaffold_dirs())
def test_scaffold_unit_test_passes(rel, tmp_path):
    work = tmp_path / "fn"
    shutil.copytree(SNAPSHOTS / rel, work)
    if (work / "package.json").is_file():
        cmd = [require_node(), "--test"]
    elif any(FIXTURE_TEST.search(p.read_text()) for p in work.glob("test_*.py")):
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "."]
    else:
        # Tests without fixtures are called directly (a pytest start-up per folder is slow).
        cmd = [sys.executable, "-c", RUN_PY_TESTS]
    result = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{rel}: {' '.join(cmd)}\n{result.stdout}\n{result.stderr}"


def test_a_repository_with_three_scaffolded_functions_runs_pytest_from_its_root(tmp_path):
    """Every function's scaffold test has its own file name and imports its own handler module:
    `pytest` over several code folders neither fails with "import file mismatch" nor tests one
    function's handler three times."""
    from click.testing import CliRunner

    from generator.cli import main

    bp = tmp_path / "blueprint.yaml"
    bp.write_text(
        "service: shop\nqueues:\n  jobs: {}\nfunctions:\n"
        "  get-order:\n    events: [{http: \"GET /orders/{id}\"}]\n"
        "  worker:\n    events: [{queue: jobs}]\n"
        "  nightly:\n    events: [{schedule: rate(1 day)}]\n"
    )
    result = CliRunner().invoke(main, ["render", str(bp), "-o", str(tmp_path / "out")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    tests = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("src/*/test_*.py"))
    assert tests == ["src/get_order/test_get_order.py", "src/nightly/test_nightly.py", "src/worker/test_worker.py"]
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    passed = re.search(r"(\d+) passed", done.stdout)
    assert passed and int(passed.group(1)) >= 3, done.stdout
    # each test ran against its own handler: the http one returns a response, the queue one reports failures
    assert "import file mismatch" not in done.stdout
