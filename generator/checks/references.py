"""Every name a blueprint refers to must exist (SLS201).

The walk is generic: it asks each entry's family what the entry refers to. A family's checks
module (generator/families/<kind>/checks.py) answers with these functions:

* `declared(bp)`: the names a `uses` entry of its kind may take (its section, and for buses the
  default bus); a `uses` entry refers to one of them by the family's `use` key;
* `event_refs(bp, entry)` (families with an event): what an `events` entry of its kind refers to,
  as (path below the entry, kind, name, names it may take): a stream event names a table, an
  eventbridge event a bus, an http route an authorizer;
* `references(bp)` (optional): references from the family's own objects, as (path, kind, name,
  names it may take): a queue's `subscribe` entries name topics and buses.
"""

from __future__ import annotations

import difflib
from typing import Collection, Iterable

from generator.diagnostics import Diagnostic
from generator.families import by_event, by_use, event_kinds, families, kind_of, use_kinds
from generator.model.blueprint import Blueprint

# (path, kind of what it names, name, names it may take)
Reference = tuple[tuple, str, str, Collection[str]]


def check(ctx) -> Iterable[Diagnostic]:
    for bp in ctx.stages.values():
        for path, kind, name, known in references(bp):
            if name not in known:
                yield unknown(ctx, path, kind, name, known)


def references(bp: Blueprint) -> Iterable[Reference]:
    uses, events = use_kinds(), event_kinds()
    for fname, fn in bp.functions.items():
        base = ("functions", fname)
        for i, use in enumerate(fn.uses):
            fam = by_use(kind_of(use, uses))
            yield base + ("uses", i, fam.use), fam.name, getattr(use, fam.use), fam.part("checks").declared(bp)
        for i, ev in enumerate(fn.events):
            for below, kind, name, known in by_event(kind_of(ev, events)).part("checks").event_refs(bp, ev):
                yield base + ("events", i) + below, kind, name, known
    for fam in families():
        own = getattr(fam.part("checks"), "references", None)
        if own is not None:
            yield from own(bp)


def unknown(ctx, path: tuple, kind: str, name: str, known: Iterable[str]) -> Diagnostic:
    section = next((f.section for f in families() if f.name == kind), None)  # None: not a family (authorizer)
    declared = getattr(ctx.base, section, None) if section else None
    if isinstance(declared, dict) and name in declared:  # declared, but a stage override removed it
        return ctx.diag(
            "SLS201",
            path,
            f"{kind} '{name}' is removed (set to null) by a stage override, but this still refers to it",
            hint="remove the reference in that stage's overrides too",
        )
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else (f"declare it under '{kind}s:'" if section else None)
    return ctx.diag("SLS201", path, f"unknown {kind} '{name}'", hint=hint)
