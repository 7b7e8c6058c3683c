"""tests/e2e_sets.py, the list of what the end-to-end test applies, is complete and can be applied:
every snapshot case and bundled blueprint is applied or says why not, each stage exists, and no two
members of a group would create the same physical names."""

from __future__ import annotations

from collections import Counter

import pytest
from e2e_sets import CASES, GROUPS, NOT_APPLIED, applied_blueprints, members
from rendering import bundled_blueprints, case_names

from generator.pipeline import validate


def _sources() -> set[str]:
    return {f"case:{c}" for c in case_names()} | {
        f"blueprint:{p.parent.name}/{p.name}" for p in bundled_blueprints()
    }


def test_every_case_and_bundled_blueprint_is_applied_or_says_why_not():
    applied = {m.source for _g, m in members()}
    assert not applied & set(NOT_APPLIED), "applied and also listed as not applied"
    missing = _sources() - applied - set(NOT_APPLIED)
    assert not missing, f"not applied on the emulator and no reason in NOT_APPLIED: {sorted(missing)}"
    unknown = (applied | set(NOT_APPLIED)) - _sources()
    assert not unknown, f"no such case or bundled blueprint: {sorted(unknown)}"
    assert all(len(reason) > 20 for reason in NOT_APPLIED.values())


def test_members_are_unique_and_their_stages_exist():
    labels = Counter(m.label for _g, m in members())
    assert [label for label, n in labels.items() if n > 1] == []
    for _group, m in members():
        _doc, _base, stages, _w = validate(m.path)
        assert m.stage in stages, f"{m.label}: no stage {m.stage}"
        assert (m.stage == "dev") != bool(m.why_stage), f"{m.label}: say why a stage other than dev, and only then"


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_no_two_members_of_a_group_share_physical_names(group):
    """Physical names are {service}-{stage}-...; IAM role names are global, so one service and stage
    per group whatever the regions."""
    seen = Counter()
    for m in GROUPS[group]:
        _doc, base, _stages, _w = validate(m.path)
        seen[(base.service, m.stage)] += 1
    assert [key for key, n in seen.items() if n > 1] == []


def test_applied_blueprints_are_files():
    paths = applied_blueprints()
    assert paths and all(p.is_file() for p in paths)
    assert any(p.parent.parent == CASES for p in paths)
