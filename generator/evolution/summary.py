"""Change summaries users can review before `terraform apply`: per stage, the Terraform addresses
created, changed, moved, imported, forgotten and destroyed, stateful destroys marked.

Two sources, one shape:
- `from_render`: the previous render (the files on disk) against this one (in memory), read from
  the generated Terraform itself (sls-gen's own formatting: a block starts at a line
  `resource "T" "N" {` and ends at the next line that is `}`). It sees what the files say, not
  what Terraform will do: an attribute that forces a replacement shows as a change here.
- `from_terraform`: Terraform's own plan (`terraform show -json`), which does know.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_RESOURCE = re.compile(r'resource "([a-z0-9_]+)" "([A-Za-z0-9_-]+)" \{')  # a whole line: fullmatch
_MOVED = re.compile(r"^moved \{\n  from = (\S+)\n  to += (\S+)\n\}(?![^\n])", re.M)
_REMOVED = re.compile(r"^removed \{\n  from = (\S+)\n", re.M)
_IMPORT = re.compile(r"^import \{\n  to += (\S+)\n", re.M)
KINDS = ("create", "change", "move", "import", "forget", "destroy")


@dataclass
class StageSummary:
    stage: str
    changes: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    stateful: set[str] = field(default_factory=set)  # destroyed addresses that hold data

    @property
    def destroys(self) -> int:
        return len(self.changes["destroy"])

    @property
    def stateful_destroys(self) -> int:
        return sum(a in self.stateful for a in self.changes["destroy"])

    def lines(self) -> list[str]:
        out = []
        for kind in KINDS:
            for item in self.changes[kind]:
                mark = "   !! STATEFUL: its data is lost" if kind == "destroy" and item in self.stateful else ""
                out.append(f"  {kind:<8} {item}{mark}")
        counts = ", ".join(f"{len(self.changes[k])} {k}" for k in KINDS if self.changes[k]) or "no change"
        if self.stateful_destroys:
            counts += f" ({self.stateful_destroys} stateful destroy{'s' if self.stateful_destroys > 1 else ''})"
        return [f"{self.stage}: {counts}", *out]


def stateful_types() -> frozenset[str]:
    """Resource types that hold data, as each family's plan module declares them (`STATEFUL_TYPES`)."""
    from generator.families import families

    return frozenset(t for f in families() for t in getattr(f.part("plan"), "STATEFUL_TYPES", ()))


def blocks(text: str) -> dict[str, str]:
    """address -> the block's body (its lines after the first) of every resource in a generated file."""
    out: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _RESOURCE.fullmatch(lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j] != "}":
            j += 1
        out[f"{m.group(1)}.{m.group(2)}"] = "\n".join(lines[i + 1:j])
        i = j + 1
    return out


def _stage_text(files: dict[str, bytes | None], stage: str) -> str:
    parts = []
    for rel in sorted(files):
        data = files[rel]
        if data is None or not rel.startswith(f"{stage}/") or not rel.endswith(".tf") or "/" in rel[len(stage) + 1:]:
            continue
        parts.append(data.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def held(evidence: list[dict]) -> set[str]:
    """Stateful addresses by the evidence: each stateful object's resource and those of its type (a
    queue and its dead-letter queue)."""
    out = set()
    for e in evidence:
        if e.get("stateful"):
            kind = e["address"].split(".", 1)[0]
            out.update(a for a in e["addresses"] if a.split(".", 1)[0] == kind)
    return out


def from_render(old: dict[str, bytes | None], new: dict[str, bytes | None], stages: Iterable[str],
                evidence: dict[str, list[dict]] | None = None) -> list[StageSummary]:
    """Summaries of the stages between the previous render's files (`old`, rel -> bytes or None when
    absent) and this render's (`new`); `evidence`: the previous render's, for what holds data."""
    types = stateful_types()
    out = []
    for stage in stages:
        before, after = _stage_text(old, stage), _stage_text(new, stage)
        old_blocks, new_blocks = blocks(before), blocks(after)
        moves = {f: t for f, t in _MOVED.findall(after) if f in old_blocks and t not in old_blocks}
        forgotten = [a for a in _REMOVED.findall(after) if a in old_blocks]
        imported = [a for a in _IMPORT.findall(after) if a not in old_blocks and a in new_blocks]
        targets = set(moves.values())
        s = StageSummary(stage)
        s.changes["move"] = [f"{f} -> {t}" for f, t in sorted(moves.items(), key=lambda m: m[1])]
        s.changes["import"] = sorted(imported)
        s.changes["forget"] = sorted(forgotten)
        s.changes["create"] = sorted(a for a in new_blocks if a not in old_blocks and a not in targets
                                     and a not in imported)
        s.changes["destroy"] = sorted(a for a in old_blocks if a not in new_blocks and a not in moves
                                      and a not in forgotten)
        pairs = [(a, a) for a in new_blocks if a in old_blocks] + list(moves.items())
        s.changes["change"] = sorted(t for f, t in pairs if _moved(old_blocks[f], moves) != new_blocks.get(t))
        s.stateful = _holding(s.changes["destroy"], (evidence or {}).get(stage), types)
        out.append(s)
    return out


def _moved(body: str, moves: dict[str, str]) -> str:
    """A block of the previous render with its references to moved addresses renamed: a reference
    that follows a move is no change."""
    if not moves:
        return body
    pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(f) for f in sorted(moves, key=len, reverse=True)) + r")(?!\w)")
    return pattern.sub(lambda m: moves[m.group(1)], body)


def _holding(destroyed: list[str], evidence: list[dict] | None, types: frozenset[str]) -> set[str]:
    """The destroyed addresses that hold data: by the previous render's evidence when it has some for
    the stage, else by resource type."""
    if evidence:
        held_now = held(evidence)
        return {a for a in destroyed if a.split(" ", 1)[0] in held_now}
    return {a for a in destroyed if a.split(".", 1)[0] in types}


def from_terraform(stage: str, plan_json: dict, evidence: list[dict] | None = None) -> StageSummary:
    """The summary of Terraform's plan (`terraform show -json <planfile>`); `evidence`: the render's."""
    types = stateful_types()
    s = StageSummary(stage)
    for rc in plan_json.get("resource_changes") or []:
        if rc.get("mode") != "managed":
            continue
        address, actions = rc.get("address", "?"), (rc.get("change") or {}).get("actions") or []
        previous = rc.get("previous_address")
        if previous:
            s.changes["move"].append(f"{previous} -> {address}")
        if (rc.get("change") or {}).get("importing"):
            s.changes["import"].append(address)
            actions = [a for a in actions if a != "create"]
        if "delete" in actions:  # a destroy, or the first half of a replacement
            s.changes["destroy"].append(address + (" (replaced)" if "create" in actions else ""))
        elif "create" in actions:
            s.changes["create"].append(address)
        elif "update" in actions:
            s.changes["change"].append(address)
        elif "forget" in actions:
            s.changes["forget"].append(address)
    for kind in KINDS:
        s.changes[kind].sort()
    s.stateful = _holding(s.changes["destroy"], evidence, types)
    return s
