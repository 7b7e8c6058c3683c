"""The evidence one render leaves for the next: per stage, the objects whose loss matters.

Kept in the output folder's manifest (`stages`: stage -> [entry]), beside the file list: each
stateful, protected or retained object of the render with its kind, logical name, Terraform
addresses and AWS name, and the retained objects that already left the blueprint (`removed`: their
`removed` blocks are written until the name is used again). The next render compares its plan with
it (generator/evolution/__init__.py).

The manifest is read from a folder anyone may have edited: every entry is checked here before
anything is built from it (an address lands in a `removed` block verbatim, so only the shape
`tf_id.tf_id` passes), and an invalid one is a damaged manifest (SLS603).
"""

from __future__ import annotations

import hashlib
import json
import re

ADDRESS = re.compile(r"[a-z][a-z0-9_]{0,63}\.[a-z][a-z0-9_]{0,254}")
NAME = re.compile(r"[a-z][a-z0-9-]{0,254}")
KEYS = {"kind", "name", "address", "addresses", "physical", "stateful", "protect", "retain", "removed"}
FLAGS = ("stateful", "protect", "retain", "removed")
MAX_ENTRIES = 100_000
MAX_ADDRESSES = 1_000
MAX_PHYSICAL = 2_048


def kinds() -> frozenset[str]:
    from generator.families import families

    return frozenset(f.name for f in families() if f.section)


def validate(stages: object) -> tuple[dict[str, list[dict]], list[str]]:
    """(the valid entries by stage, a problem per invalid one) of a manifest's `stages` value."""
    from generator.writer.quote import show

    if stages is None:
        return {}, []
    if not isinstance(stages, dict):
        return {}, ['"stages" is not an object']
    known = kinds()
    clean: dict[str, list[dict]] = {}
    problems: list[str] = []
    for stage, entries in stages.items():
        if not isinstance(stage, str) or not NAME.fullmatch(stage):
            problems.append(f"stages: {show(stage)} is not a stage name")
            continue
        if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
            problems.append(f"stages.{stage} is not a list of objects")
            continue
        good = []
        for entry in entries:
            problem = _entry_problem(entry, known)
            if problem:
                problems.append(f"stages.{stage}: {problem}")
            else:
                good.append({k: entry[k] for k in sorted(entry)})
        clean[stage] = good
    return clean, problems


def _entry_problem(entry: object, known: frozenset[str]) -> str | None:
    from generator.writer.quote import show

    if not isinstance(entry, dict) or set(entry) - KEYS or not {"kind", "name", "address", "addresses"} <= set(entry):
        return f"{show(entry)} is not an object entry"
    if entry["kind"] not in known or not isinstance(entry["name"], str) or not NAME.fullmatch(entry["name"]):
        return f"{show(entry.get('kind'))}/{show(entry.get('name'))} is not a kind and logical name"
    addresses = entry["addresses"]
    if not isinstance(addresses, list) or len(addresses) > MAX_ADDRESSES or entry["address"] not in addresses or \
            not all(isinstance(a, str) and ADDRESS.fullmatch(a) for a in addresses):
        return f"the addresses of {entry['kind']}/{entry['name']} are not Terraform resource addresses"
    physical = entry.get("physical", "")
    if not isinstance(physical, str) or len(physical) > MAX_PHYSICAL or not physical.isprintable():
        return f"the physical name of {entry['kind']}/{entry['name']} is not a name"
    if not all(isinstance(entry.get(flag, False), bool) for flag in FLAGS):
        return f"{entry['kind']}/{entry['name']}: {', '.join(FLAGS)} must be true or false"
    return None


def normal(entries: list[dict]) -> list[dict]:
    """Entries with every field present (what the guard reads)."""
    return [{"physical": "", **{f: False for f in FLAGS}, **e} for e in entries]


def digest(stages: dict | None) -> str | None:
    """A digest of the evidence (a render record ties itself to it: generator/record.py)."""
    if not stages:
        return None
    return hashlib.sha256(json.dumps(stages, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
