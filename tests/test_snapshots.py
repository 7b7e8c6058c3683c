"""Golden tests: each case under tests/cases/<feature>/ renders to exactly tests/snapshots/<feature>/,
and each bundled blueprints/<name>/<file>.yaml to tests/snapshots/blueprint-<name>/.

Update with `make update-snapshots` (or `pytest tests/test_snapshots.py --update-snapshots`) and
review the diff: it is the change users will see.
"""

from __future__ import annotations

import shutil

import pytest
from rendering import CASES, SNAPSHOTS, bundled_blueprints, case_names, render_copy, snapshot_tree

UPDATE_HINT = "run `make update-snapshots` and review the diff if this change is intended"


SOURCES = {c: (CASES / c, "blueprint.yaml") for c in case_names()}
SOURCES.update({f"blueprint-{p.parent.name}": (p.parent, p.name) for p in bundled_blueprints()})


@pytest.mark.parametrize("case", sorted(SOURCES))
def test_case_matches_snapshot(case, tmp_path, request):
    folder, name = SOURCES[case]
    result, out, src = render_copy(folder, name, tmp_path)
    assert result.exit_code == 0, result.output
    tree = snapshot_tree(out, src, folder)
    expected_dir = SNAPSHOTS / case
    if request.config.getoption("--update-snapshots"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        for rel, text in tree.items():
            (expected_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / rel).write_text(text, encoding="utf-8")
        return
    assert expected_dir.is_dir(), f"no snapshot for case {case}: {UPDATE_HINT}"
    expected = {
        p.relative_to(expected_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(expected_dir.rglob("*"))
        if p.is_file()
    }
    assert sorted(tree) == sorted(expected), f"files differ from the snapshot: {UPDATE_HINT}"
    for rel in expected:
        assert tree[rel] == expected[rel], f"{case}/{rel} differs from the snapshot: {UPDATE_HINT}"


def test_every_case_has_a_snapshot_and_no_orphans():
    cases = set(SOURCES)
    snapshots = {p.name for p in SNAPSHOTS.iterdir() if p.is_dir()} if SNAPSHOTS.is_dir() else set()
    assert cases, "no snapshot cases found"
    assert snapshots == cases, f"snapshot folders without a case or cases without a snapshot: {UPDATE_HINT}"
