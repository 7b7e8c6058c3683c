"""tests/e2e_sets.py, the list of what the end-to-end test applies, is complete and can be applied:
every snapshot case and bundled blueprint is applied or says why not, each stage exists, and no two
members of a group would create the same physical names."""

from __future__ import annotations

from collections import Counter

import pytest
from e2e_sets import CASES, GROUPS, NOT_APPLIED, TESTS, applied_blueprints, members
from rendering import ROOT, bundled_blueprints, case_names

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


def test_what_members_read_before_they_deploy_has_a_value():
    """SSM parameters read at plan time and variables without a default: the e2e puts or passes
    them (e2e_sets.SSM_VALUES, VARIABLES); a member that needs one not listed would fail to plan."""
    from e2e_sets import SSM_VALUES, VARIABLES

    from generator.plan.build import build_plan

    needed_ssm, needed_vars = set(), set()
    for _group, m in members():
        _doc, _base, stages, _w = validate(m.path)
        plan = build_plan(stages[m.stage], m.stage, m.path.name)
        needed_ssm |= {str(path) for _tf, path in plan.ssm_parameters}
        needed_vars |= {v.name for v in plan.variables if v.default is None}
    assert sorted(needed_ssm - set(SSM_VALUES)) == []
    assert sorted(needed_vars - set(VARIABLES)) == []
    assert needed_ssm and needed_vars, "no member reads SSM or needs a variable: the lists are dead"
    assert sorted(set(SSM_VALUES) - needed_ssm) == [] and sorted(set(VARIABLES) - needed_vars) == []


def _snapshot(m):
    kind, _, name = m.source.partition(":")
    folder = name if kind == "case" else f"blueprint-{m.path.parent.name}"
    return TESTS / "snapshots" / folder / m.stage


def test_every_resource_type_sls_gen_renders_is_applied():
    """Every AWS resource type a template can write is in the rendered stage (its snapshot golden)
    of some member the e2e applies: a family or option whose resources no applied blueprint
    renders fails here, not only a family no applied blueprint uses."""
    import re

    written = {
        t for tpl in (ROOT / "generator").rglob("*.j2")
        for t in re.findall(r'^resource "(aws_[a-z0-9_]+)"', tpl.read_text(encoding="utf-8"), re.M)
    }
    assert len(written) > 30, "no templates found"
    applied = set()
    for _group, m in members():
        folder = _snapshot(m)
        assert folder.is_dir(), f"{m.label}: no snapshot golden {folder.relative_to(TESTS)}"
        applied |= {t for tf in folder.glob("*.tf")
                    for t in re.findall(r'^resource "(aws_[a-z0-9_]+)"', tf.read_text(encoding="utf-8"), re.M)}
    from e2e_sets import NOT_APPLIED_TYPES

    assert sorted(written - applied - set(NOT_APPLIED_TYPES)) == []
    assert sorted(set(NOT_APPLIED_TYPES) - (written - applied)) == [], "applied now: drop the reason"


def test_statements_the_audit_accepts_belong_to_applied_members_and_say_why():
    from e2e_sets import AUDIT_ACCEPTED

    applied = {m.source for _g, m in members()}
    assert set(AUDIT_ACCEPTED) <= applied
    assert all(len(reason) > 20 for sids in AUDIT_ACCEPTED.values() for reason in sids.values())
