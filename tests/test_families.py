"""Every registered family provides each part of the checklist in docs/adding-a-family.md, or says
in its `__init__.py` (`WHY_NOT = {part: reason}`) why that part does not apply."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from e2e_sets import applied_blueprints
from rendering import ROOT

from generator.families import families
from generator.loader import load_file
from generator.model import parse_blueprint
from generator.plan.build import build_plan

PARTS = ("model", "checks", "plan", "terraform", "emulator", "events", "scaffold", "alarms", "docs", "case")
CASES = sorted((ROOT / "tests" / "cases").glob("*/blueprint.yaml"))
LANGUAGE = (ROOT / "docs" / "blueprint-language.md").read_text()


def _uses(bp, fam) -> bool:
    """Does this blueprint have an object, a use or an event of the family's kind?"""
    if fam.section and getattr(bp, fam.section, None):
        return True
    for fn in bp.functions.values():
        if fam.use and any(hasattr(u, fam.use) for u in fn.uses):
            return True
        if fam.event and any(hasattr(e, fam.event) for e in fn.events):
            return True
    return False


def _blueprints(paths):
    return [parse_blueprint(load_file(p)) for p in paths]


@pytest.fixture(scope="module")
def cases():
    return _blueprints(CASES)


@pytest.fixture(scope="module")
def applied():
    """The blueprints tests/test_e2e.py applies on the emulator (listed in tests/e2e_sets.py)."""
    return _blueprints(applied_blueprints())


def _why_not(fam) -> dict[str, str]:
    reasons = getattr(importlib.import_module(f"generator.families.{fam.name}"), "WHY_NOT", {})
    assert set(reasons) <= set(PARTS), f"{fam.name}: WHY_NOT names unknown parts {set(reasons) - set(PARTS)}"
    assert all(isinstance(r, str) and len(r) > 10 for r in reasons.values()), f"{fam.name}: give each reason in words"
    return reasons


@pytest.mark.parametrize("fam", families(), ids=lambda f: f.name)
def test_family_provides_every_part_or_says_why_not(fam, cases, applied):
    why_not = _why_not(fam)
    folder = Path(importlib.import_module(f"generator.families.{fam.name}").__file__).parent
    model, checks, plan = fam.part("model"), fam.part("checks"), fam.part("plan")
    have = {
        "model": model is not None and any(hasattr(model, a) for a in ("SECTION_FIELD", "USE", "EVENT"))
        and bool(getattr(model, "FIELD_DOCS", None)),
        "checks": checks is not None and callable(getattr(checks, "check", None)),
        "plan": plan is not None and any(callable(getattr(plan, h, None)) for h in ("plan", "finish", "use", "event")),
        "terraform": any(folder.glob("*.tf.j2")),
        "events": fam.part("events") is not None and callable(getattr(fam.part("events"), "sample", None)),
        "scaffold": (folder / "scaffolds").is_dir(),
        "docs": all(
            f"`{key}" in LANGUAGE or f"{key}:" in LANGUAGE or f"| {key} |" in LANGUAGE
            for key in (fam.section, fam.use, fam.event) if key
        ),
        "case": any(_uses(bp, fam) for bp in cases),
        "emulator": any(_uses(bp, fam) for bp in applied),
    }
    # Alarms: a part that can hold failures offers dead_letters(); the plan of a case that uses the
    # family shows whether it does.
    planned = [build_plan(bp, "dev", "blueprint.yaml").parts for bp in cases if _uses(bp, fam)]
    part_of = [getattr(parts, fam.name) for parts in planned if getattr(parts, fam.name) is not None]
    have["alarms"] = any(hasattr(p, "dead_letters") for p in part_of)
    if not fam.event:  # only trigger kinds have sample events and handler scaffolds shaped for them
        have["events"] = have["scaffold"] = True
    missing = [part for part in PARTS if not have[part] and part not in why_not]
    assert not missing, f"family {fam.name} lacks {missing} and does not say why (WHY_NOT in its __init__.py)"
    stale = [part for part in why_not if have.get(part)]
    assert not stale, f"family {fam.name} says why it lacks {stale}, but it has them: drop the reason"
