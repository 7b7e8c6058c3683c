"""Sample trigger events: what AWS would deliver to a function for each of its `events`.

Used by `sls-gen events` / `sls-gen invoke --sample` and by the test suite. Each event kind's
family builds its own sample (`generator/families/<name>/events.py`, `sample(st, function, ev,
index, poison) -> (event, poison_id)`) in the shape AWS documents for that trigger; what they share
is in generator/samples.py. Resource names and ARNs are the physical ones of the stage. Pure data:
no boto3, no network, deterministic output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator.families import by_event, event_kinds, families, family, kind_of
from generator.samples import DEFAULT_ACCOUNT, POISON_BODY, Stage

if TYPE_CHECKING:
    from pathlib import Path

    from generator.model.blueprint import Blueprint

__all__ = ["DEFAULT_ACCOUNT", "POISON_BODY", "SampleEvent", "dumps", "event_kind", "sample_event", "sample_events"]


@dataclass(frozen=True)
class SampleEvent:
    function: str  # logical function name
    index: int  # position in the function's `events` list (1-based)
    kind: str  # the event kind: http | queue | topic | eventbridge | schedule | bucket | stream
    event: Any  # the payload the handler receives
    poison_id: str | None = None  # batch item id of the failing record, when one was added

    @property
    def filename(self) -> str:
        return f"{self.function}.{self.index}.{self.kind}.json"


def event_kind(ev: Any) -> str:
    return kind_of(ev, event_kinds())


def sample_event(
    bp: Blueprint,
    stage: str,
    function: str,
    index: int,
    *,
    region: str | None = None,
    account: str = DEFAULT_ACCOUNT,
    poison: bool = False,
    root: Path | None = None,
) -> SampleEvent:
    """The sample for `functions.<function>.events[index - 1]` of the stage blueprint `bp`.

    With `poison=True`, SQS batches get a second record whose body is not JSON; its id is
    `poison_id` (what a partial-batch handler must report in `batchItemFailures`). `root`, the
    blueprint's folder, lets files the blueprint names shape samples (a bus's declared schemas).
    """
    st = Stage(bp, stage, region, account, root)
    events = bp.functions[function].events
    if index > len(events):  # a trigger declared outside `events` (edge.functions)
        kind, entry = other_triggers(bp, function)[index - len(events) - 1]
        event, poison_id = family(kind).part("events").sample(st, function, entry, index, poison)
        return SampleEvent(function, index, kind, event, poison_id)
    ev = events[index - 1]
    kind = event_kind(ev)
    event, poison_id = by_event(kind).part("events").sample(st, function, ev, index, poison)
    return SampleEvent(function, index, kind, event, poison_id)


def other_triggers(bp: Blueprint, function: str) -> list[tuple[str, Any]]:
    """(family, entry) of each trigger of `function` a family declares outside the function's
    `events` (its events module's `triggers(bp, function)`: Lambda@Edge in `edge.functions`)."""
    out: list[tuple[str, Any]] = []
    for fam in families():
        hook = getattr(fam.part("events"), "triggers", None)
        if hook is not None:
            out += [(fam.name, entry) for entry in hook(bp, function)]
    return out


def trigger_count(bp: Blueprint, function: str) -> int:
    """How many samples a function has: its `events`, then the triggers other families declare."""
    return len(bp.functions[function].events) + len(other_triggers(bp, function))


def sample_events(
    bp: Blueprint,
    stage: str,
    *,
    region: str | None = None,
    account: str = DEFAULT_ACCOUNT,
    poison: bool = False,
    root: Path | None = None,
) -> list[SampleEvent]:
    """One sample per function and trigger, in blueprint order (functions sorted by name)."""
    out = []
    for name in sorted(bp.functions):
        for index in range(1, trigger_count(bp, name) + 1):
            out.append(sample_event(bp, stage, name, index, region=region, account=account, poison=poison, root=root))
    return out


def dumps(event: Any) -> str:
    return json.dumps(event, indent=2, sort_keys=True) + "\n"
