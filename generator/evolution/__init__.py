"""Between plan and emit: a stage's evolution from the previous render to this one.

From the plan alone: `moved` blocks for every address derived from a renamed object's previous
name (each part's `named()`, made by generator/plan/evolution.py) and `import` blocks for adopted
objects. Against the previous render's evidence (the objects it recorded in the output folder's
manifest, generator/evolution/evidence.py): `removed` blocks for retained objects that left the
blueprint, and refusals where Terraform would otherwise destroy data without being asked to:

- SLS701: a stateful object is dropped and one of its kind added (a rename without `renamed_from`);
- SLS702: a protected object is dropped without `retain`;
- SLS703: a stateful object keeps its address (or moves) but gets another AWS name, which AWS can
  only do by replacing it: an error when it is protected, a warning otherwise; the hint is the
  `name:` line that keeps the recorded name.

Returns the plan with its `evolution` part, the evidence this render records, and diagnostics.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from generator.diagnostics import Diagnostic
from generator.plan.evolution import previous_name, renamed, resolve
from generator.plan.model import Named


@dataclass(frozen=True)
class Import:
    to: str  # the address it imports into
    id: Any  # a string or an HCL expression (Raw)
    lookup: tuple | None = None  # (data type, data name, ((argument, value), ...)) read for the ID


@dataclass(frozen=True)
class Evolution:
    """The stage's `moved.tf` (moves and removals) and `imports.tf`, as the templates read them."""

    moves: tuple[tuple[str, str], ...] = ()  # (from, to)
    removed: tuple[str, ...] = ()  # addresses Terraform forgets without destroying them
    imports: tuple[Import, ...] = ()

    def terraform_files(self) -> list[tuple[str, str]]:
        wanted = (("moved.tf", self.moves or self.removed), ("imports.tf", self.imports))
        return [(f, f"terraform/{f}.j2") for f, present in wanted if present]

    def __bool__(self) -> bool:
        return bool(self.moves or self.removed or self.imports)


def section_of(kind: str) -> str:
    from generator.families import family

    return family(kind).section or kind


def evolve(plan, bp, doc, previous: list[dict] | None) -> tuple[Any, list[dict], list[Diagnostic]]:
    """(plan with its evolution, this stage's evidence, diagnostics) for one stage. `previous`: the
    validated evidence of the previous render of this stage, or None when there is none."""
    from generator.checks.unique import named  # the checks package is heavy: not for the no-op path

    stage = plan.stage
    addrs = named(plan)
    current = {a.address: a for a in addrs}
    old_of = resolve(addrs, lambda kind, name: previous_name(bp, kind, name)) if renamed(bp) else {}
    diags: list[Diagnostic] = []

    def diag(code: str, path: tuple, message: str, hint: str, severity: str = "error") -> Diagnostic:
        from generator.model.parse import locate_in_stage

        line, col = locate_in_stage(doc, stage, path)
        return Diagnostic(code, f"stage {stage}: {message}", path=path, file=doc.file, line=line, col=col,
                          severity=severity, hint=hint)

    moves: dict[str, str] = {}
    for to, frm in sorted(old_of.items()):
        if frm == to:
            continue
        a = current[to]
        if frm in current or frm in moves:  # an address still (or twice) in use: Terraform refuses the move
            kind, name = a.owner or ("", "")
            diags.append(diag("SLS704", (section_of(kind), name, "renamed_from") if kind else (),
                              f"{to} would move from {frm}, which this render still declares",
                              "renamed_from must name an object that no longer exists under that name"))
            continue
        moves[frm] = to
    imports = tuple(_import(a) for a in addrs if a.adopt is not None)
    evidence, removed = _compare(plan, addrs, current, moves, previous, diag, diags)
    evolution = Evolution(tuple(sorted(moves.items(), key=lambda m: m[1])), tuple(sorted(removed)), imports)
    return dataclasses.replace(plan, evolution=evolution if evolution else None), evidence, diags


def _import(a: Named) -> Import:
    if a.adopt.lookup is None:
        return Import(a.address, a.adopt.id)
    from generator.emit.hcl import Raw

    data_type, args, attribute = a.adopt.lookup
    name = "adopt_" + a.address.split(".", 1)[1]
    return Import(a.address, Raw(f"data.{data_type}.{name}.{attribute}"), (data_type, name, args))


def shown(physical: str, prefix: str) -> str:
    """An AWS name as the user would recognise it: a bucket's HCL template with its prefix filled in."""
    text = physical[1:-1] if len(physical) > 1 and physical[0] == physical[-1] == '"' else physical
    return text.replace("${local.prefix}", prefix).replace("${local.account_id}", "<account>")


def name_value(physical: str, prefix: str) -> str:
    """A recorded AWS name as the `name:` value that pins it in every stage: the stage's prefix and
    the account and region Terraform fills in written as placeholders."""
    text = physical[1:-1] if len(physical) > 1 and physical[0] == physical[-1] == '"' else physical
    text = text.replace("${local.prefix}", "{service}-{stage}").replace("${local.account_id}", "{account}")
    text = text.replace("${local.region}", "{region}")
    return "{service}-{stage}" + text[len(prefix):] if text.startswith(prefix + "-") else text


def _entry(a: Named, owned: dict[tuple[str, str], set[str]]) -> dict:
    kind, name = a.owner
    return {
        "kind": kind, "name": name, "address": a.address,
        "addresses": sorted(owned[a.owner]),
        "physical": str(a.physical), "stateful": a.stateful, "protect": a.protect, "retain": a.retain,
    }


def _compare(plan, addrs, current, moves, previous, diag, diags) -> tuple[list[dict], set[str]]:
    """Compare with the previous render's evidence: this render's evidence and the addresses to
    forget (`removed` blocks), appending refusals to `diags`."""
    recorded = [a for a in addrs if a.primary and a.owner and (a.stateful or a.retain or a.protect)]
    owned: dict[tuple[str, str], set[str]] = {}
    for b in addrs:
        if b.owner is not None:
            owned.setdefault(b.owner, set()).add(b.address)
    evidence = [_entry(a, owned) for a in recorded]
    removed: set[str] = set()
    previous = previous or []
    objects_now = {a.owner for a in addrs if a.primary}
    before = {e["address"] for e in previous}
    # objects that existed under no address of the previous render: created by this one
    moved_into = {to: frm for frm, to in moves.items()}
    new = [a for a in recorded if a.stateful and a.address not in before and moved_into.get(a.address) not in before]
    dropped = []
    for e in previous:
        if e.get("removed"):  # forgotten earlier: keep forgetting it until its name is used again
            if (e["kind"], e["name"]) not in objects_now and not any(x in current or x in moves for x in e["addresses"]):
                removed.update(e["addresses"])
                evidence.append(e)
            continue
        now = e["address"] if e["address"] in current else moves.get(e["address"])
        if now is None:
            dropped.append(e)
            continue
        a = current[now]
        if e["stateful"] and a.primary and str(a.physical) != e["physical"]:
            protected = e["protect"] or a.protect
            kind, name = a.owner
            diags.append(diag(
                "SLS703", (section_of(kind), name),
                f"{kind} '{name}' would be replaced: its AWS name changes from {shown(e['physical'], plan.prefix)} to "
                f"{shown(str(a.physical), plan.prefix)}, "
                "and Terraform can only destroy the old one and create an empty new one",
                f"to keep it, pin its AWS name: `name: \"{name_value(e['physical'], plan.prefix)}\"` under "
                f"{section_of(kind)}.{name}; to replace it on purpose, "
                + ("set protect: false first, render and apply" if protected else "go ahead: this is a warning"),
                "error" if protected else "warning",
            ))
    for e in dropped:
        kind = e["kind"]
        rivals = [a for a in new if a.owner[0] == kind]
        if e["stateful"] and rivals and not e["retain"]:
            for a in rivals:
                diags.append(diag(
                    "SLS701", (section_of(kind), a.owner[1]),
                    f"the previous render had {kind} '{e['name']}' ({shown(e['physical'], plan.prefix)}) and this one drops "
                    f"it and adds "
                    f"{kind} '{a.owner[1]}': Terraform would destroy '{e['name']}' with its data and create an empty one",
                    f"if '{a.owner[1]}' is '{e['name']}' renamed, add `renamed_from: {e['name']}` under "
                    f"{section_of(kind)}.{a.owner[1]}; to delete '{e['name']}', remove it in one render and add "
                    f"'{a.owner[1]}' in the next",
                ))
        elif e["retain"]:
            removed.update(x for x in e["addresses"] if x not in current and x not in moves)
            evidence.append({**e, "removed": True})
        elif e["protect"]:
            diags.append(diag(
                "SLS702", (section_of(kind), e["name"]),
                f"{kind} '{e['name']}' ({shown(e['physical'], plan.prefix)}) is protected and this render drops it",
                f"to keep it in AWS and let Terraform forget it, put it back with `retain: true`, render, then remove it; "
                f"to delete it, put it back with `protect: false`, render and apply, then remove it",
            ))
    evidence.sort(key=lambda e: (e["kind"], e["name"]))
    return evidence, removed
