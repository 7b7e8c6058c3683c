"""IAM statements from grants: one place merges, names and sorts them for every role sls-gen writes."""

from __future__ import annotations

from collections import defaultdict

from generator.plan.access import Grant
from generator.plan.model import Statement


def _key(grant: Grant) -> tuple:
    return tuple(sorted(str(r) for r in grant.resources)), grant.condition


def merge_statements(grants: list[tuple[str, Grant]]) -> tuple[Statement, ...]:
    """Merge grants with the same resources (and conditions); sort actions, resources and statements."""
    by_resources: dict[tuple, tuple[list[str], set[str]]] = {}
    order: list[tuple] = []
    for sid, grant in grants:
        sid += grant.scope
        key = tuple(sorted(str(r) for r in grant.resources)) + tuple(map(str, grant.conditions))
        if key not in by_resources:
            by_resources[key] = ([], set())
            order.append(key)
        sids, actions = by_resources[key]
        if sid not in sids:
            sids.append(sid)
        actions.update(grant.actions)
    resources_by_key, conditions_by_key = {}, {}
    for _, grant in grants:
        key = tuple(sorted(str(r) for r in grant.resources)) + tuple(map(str, grant.conditions))
        resources_by_key.setdefault(key, tuple(sorted(grant.resources, key=str)))
        conditions_by_key.setdefault(key, grant.conditions)
    statements = []
    used: defaultdict[str, int] = defaultdict(int)
    for key in order:
        sids, actions = by_resources[key]
        sid = sids[0] if len(sids) == 1 else "".join(sorted(sids))[:100]
        used[sid] += 1
        if used[sid] > 1:
            sid = f"{sid}{used[sid]}"
        statements.append(Statement(sid, tuple(sorted(actions)), resources_by_key[key], conditions=conditions_by_key[key]))
    return tuple(sorted(statements, key=lambda s: s.sid))
