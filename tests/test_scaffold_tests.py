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
    dirs = sorted({p.parent for p in SNAPSHOTS.glob("*/scaffolds/**/*") if p.name in ("test_handler.py", "package.json")})
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
