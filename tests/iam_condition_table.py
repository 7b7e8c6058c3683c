"""Derive generator/plan/iam_condition_keys.json from parliament's IAM database (a test dependency).

sls-gen validates IAM `conditions:` at render time without parliament or boto3: it ships this small
table. `tests/test_iam_conditions.py` regenerates it and fails when the shipped file differs; to
update it after a parliament upgrade:

    .venv/bin/python tests/iam_condition_table.py > generator/plan/iam_condition_keys.json

* `services`: every service prefix -> the condition keys its actions or resources take (`iam:`
  statements may name any service);
* `actions`: every action sls-gen grants from its access table -> the keys that action takes
  (a `uses` entry's conditions keep only the actions that take their keys).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def granted_actions() -> set[str]:
    from generator.plan.access import ACCESS, XRAY_ACTIONS

    return {a for levels in ACCESS.values() for grants in levels.values() for row in grants for a in row[0]} | set(
        XRAY_ACTIONS
    )


def _global(key: str) -> bool:
    # aws:* keys are global: sls-gen knows them itself (generator/plan/conditions.py)
    return key.lower().startswith("aws:")


def table() -> dict:
    from parliament import iam_definition

    services: dict[str, set[str]] = {}
    actions: dict[str, set[str]] = {}
    wanted = {a.lower() for a in granted_actions()}
    for svc in iam_definition:
        prefix = svc["prefix"]
        keys = services.setdefault(prefix, set())
        keys.update(c["condition"] for c in svc.get("conditions", []) if not _global(c["condition"]))
        for priv in svc.get("privileges", []):
            action = f"{prefix}:{priv['privilege']}"
            taken = {k for rt in priv.get("resource_types", []) for k in rt.get("condition_keys", []) if not _global(k)}
            keys.update(taken)
            if action.lower() in wanted:
                actions.setdefault(action, set()).update(taken)
    missing = wanted - {a.lower() for a in actions}
    if missing:
        raise SystemExit(f"parliament does not know {sorted(missing)}")
    return {
        "source": "parliament iam_definition.json (tests/iam_condition_table.py)",
        "services": {p: sorted(k) for p, k in sorted(services.items())},
        "actions": {a: sorted(k) for a, k in sorted(actions.items())},
    }


def text() -> str:
    """JSON with one line per service and per action: small, and a readable diff on update."""
    data = table()
    lines = ["{", f'"source": {json.dumps(data["source"])},']
    for section in ("services", "actions"):
        entries = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in data[section].items()]
        lines.append(f'"{section}": {{')
        lines += [e + ("," if i < len(entries) - 1 else "") for i, e in enumerate(entries)]
        lines.append("}," if section == "services" else "}")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(text())
