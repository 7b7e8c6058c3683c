"""The broken-blueprint corpus: tests/errors/<rule>.yaml, each with its exact diagnostics in <rule>.expected.

A `.expected` line is `LINE:COL CODE key.path` for every finding (`--strict`, so warnings count),
sorted as sls-gen reports them. SLS105 ("not yet supported") is left out so the corpus does not
change as families land.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import BlueprintError, path_str
from generator.pipeline import validate

ERRORS = Path(__file__).parent / "errors"
CASES = sorted(p.stem for p in ERRORS.glob("*.yaml"))


def findings(name: str) -> list[str]:
    with pytest.raises(BlueprintError) as info:
        validate(ERRORS / f"{name}.yaml", strict=True)
    return [f"{d.line}:{d.col} {d.code} {path_str(d.path)}" for d in info.value.diagnostics if d.code != "SLS105"]


@pytest.mark.parametrize("name", CASES)
def test_broken_blueprint_reports_exactly_the_expected_diagnostics(name):
    expected = (ERRORS / f"{name}.expected").read_text().splitlines()
    assert findings(name) == expected


def test_every_case_has_a_sidecar_and_every_sidecar_a_case():
    assert sorted(p.stem for p in ERRORS.glob("*.expected")) == CASES


def _documented_codes() -> list[str]:
    import re

    text = (Path(__file__).parents[1] / "docs" / "errors.md").read_text()
    section = text.split("## Codes", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| (SLS\d{3}) \|", section, re.M)


def test_every_code_is_documented_once_and_docs_name_no_unknown_code():
    from generator.diagnostics import CODES

    documented = _documented_codes()
    assert len(documented) == len(set(documented))
    assert sorted(documented) == sorted(CODES)


def test_limits_table_is_covered():
    """Each 'none' row mapped to a code: the code exists, and codes of this helper are exercised by the corpus."""
    import re

    from generator.diagnostics import CODES

    text = (Path(__file__).parents[1] / "docs" / "errors.md").read_text()
    table = text.split("## AWS rules", 1)[1]
    rows = re.findall(r"^\| (\d+) \| [^|]+ \| ([^|]+) \|", table, re.M)
    assert len(rows) >= 20
    exercised = {line.split()[1] for p in ERRORS.glob("*.expected") for line in p.read_text().splitlines()}
    others = {"SLS308", "SLS309"}  # owned by the scale checks
    for row, codes in rows:
        for code in re.findall(r"SLS\d{3}", codes):
            assert code in CODES, (row, code)
            assert code in exercised or code in others, f"row {row}: {code} has no case in tests/errors"


def test_unknown_key_suggestions_come_from_the_keys_allowed_at_that_place(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text(
        "service: demo\n"
        "queues:\n"
        "  jobs:\n"
        "    visibilty_timeout: 60\n"
        "functions:\n"
        "  a:\n"
        "    partition_keys: id\n"
        "    events:\n"
        "      - queue: jobs\n"
        "        batch_sise: 5\n"
    )
    with pytest.raises(BlueprintError) as info:
        validate(bp)
    hints = {path_str(d.path): d.hint for d in info.value.diagnostics}
    assert hints == {
        "queues.jobs.visibilty_timeout": "did you mean 'visibility_timeout'?",
        # partition_key exists on tables, not on functions: no misleading suggestion
        "functions.a.partition_keys": None,
        "functions.a.events[0].batch_sise": "did you mean 'batch_size'?",
    }


@pytest.mark.parametrize("tables, ok", [(["orders"], True), (["orders", "items"], False)])
def test_environment_budget_counts_generated_variables(tmp_path, tables, ok):
    # BLOB + value = 4054 bytes; ORDERS_TABLE_NAME=demo-dev-orders adds 32 (4086 fits), ITEMS_... 30 more does not
    uses = "".join(f"      - table: {t}\n" for t in tables)
    bp = tmp_path / "bp.yaml"
    bp.write_text(
        "service: demo\n"
        "tables:\n  orders: {partition_key: id}\n  items: {partition_key: id}\n"
        "functions:\n  a:\n"
        f"    environment:\n      BLOB: {'x' * 4050}\n"
        f"    uses:\n{uses}"
    )
    if ok:
        validate(bp)
        return
    with pytest.raises(BlueprintError) as info:
        validate(bp)
    assert [(d.code, d.line) for d in info.value.diagnostics] == [("SLS303", 7)]
    assert "4116 bytes" in info.value.diagnostics[0].message
