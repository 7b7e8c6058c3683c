"""Every registered family provides the checks part the checks stage asks it for."""

from __future__ import annotations

import pytest

from generator.families import families

FAMILIES = families()


@pytest.mark.parametrize("fam", FAMILIES, ids=[f.name for f in FAMILIES])
def test_family_has_checks(fam):
    checks = fam.part("checks")
    assert checks is not None, f"generator/families/{fam.name}/checks.py is missing"
    assert callable(checks.check)
    if fam.use:  # checks/references.py and the environment budget ask for these
        assert callable(checks.declared) and callable(checks.env_lengths)
    if fam.event:
        assert callable(checks.event_refs)


def test_check_modules_do_not_import_the_checks_package():
    """Family checks import generator.checks.<module>, never the package that imports them back."""
    import ast
    from pathlib import Path

    import generator.families

    root = Path(generator.families.__file__).parent
    for fam in FAMILIES:
        tree = ast.parse((root / fam.name / "checks.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "generator.checks", f"{fam.name}/checks.py imports generator.checks"
