"""Org profiles: `extends: <relative path>` merges the blueprint over a profile in the same language.

Rules (docs/decisions/org-profiles.md):
- the path is relative to the file that names it; absolute paths, `~` and URLs are refused. It may
  leave the blueprint's folder (`../platform/acme.yaml` is the common case): a profile is input the
  user chose, like the blueprint itself. Symlinks are resolved; the resolved target must be a
  regular file, read under the loader's size limit.
- chains are allowed (a profile may extend another), up to MAX_CHAIN files; a cycle is refused with
  the chain named.
- merging is the stage overrides' deep merge (generator/model/parse.py `deep_merge`): mappings
  merge key by key, anything else is replaced, null removes.
- every location keeps the file it was written in (`loader.Loc`), so a diagnostic points at the
  profile's line for a value the profile set and at the blueprint's line for one the blueprint set.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import Any

from generator.diagnostics import BlueprintError, Diagnostic
from generator.loader import Document, Loc, load_file
from generator.model.parse import _value_at

MAX_CHAIN = 8  # files in one chain, the blueprint included
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclasses.dataclass(frozen=True)
class Profile:
    """One profile file a blueprint was merged over."""

    file: str  # as named from the blueprint's folder (relative, posix)
    real: str  # resolved path
    sha256: str  # of the bytes parsed
    doc: Document


def load_blueprint(path: str | os.PathLike) -> Document:
    """The blueprint merged over its profile chain; a blueprint without `extends` is returned as loaded."""
    doc = load_file(path)
    if not isinstance(doc.data, dict) or "extends" not in doc.data:
        return doc
    chain = [doc]
    seen = [os.path.realpath(doc.file)]
    current = doc
    while isinstance(current.data, dict) and current.data.get("extends") is not None:
        target = _resolve(current, doc, seen)
        if target in seen:
            names = " -> ".join(_show(p, doc) for p in seen[seen.index(target):] + [target])
            raise BlueprintError([current.diag("SLS011", ("extends",), f"profiles extend each other in a cycle: {names}",
                                               hint="remove one `extends:` of the chain")])
        if len(chain) >= MAX_CHAIN:
            raise BlueprintError([current.diag("SLS011", ("extends",), f"more than {MAX_CHAIN} files in one profile chain",
                                               hint="flatten the profiles")])
        seen.append(target)
        shown = _show(target, doc)
        try:
            loaded = load_file(target)
        except BlueprintError as exc:  # problems inside the profile are located in the profile
            raise BlueprintError([dataclasses.replace(d, file=shown) for d in exc.diagnostics]) from None
        current = dataclasses.replace(loaded, file=shown)
        chain.append(current)
    profiles = tuple(Profile(p.file, seen[i + 1], p.sha256 or "", p) for i, p in enumerate(chain[1:]))
    lowest = chain[-1]
    data, locations = lowest.data, _tagged(lowest)
    locks = _locks(lowest, locations)
    problems: list[Diagnostic] = []
    for upper in reversed(chain[:-1]):
        upper_locs = upper.locations if upper is doc else _tagged(upper)
        problems += _lock_breaches(locks, upper, upper_locs, doc)
        data, locations = merge_documents(data, locations, upper.data, upper_locs)
        locks += _locks(upper, upper_locs)
    if problems:
        raise BlueprintError(problems)
    data.pop("extends", None)
    if locks:
        data["locked"] = list(dict.fromkeys(lock for lock, _ in locks))
    return dataclasses.replace(doc, data=data, locations=locations, profiles=profiles)


def _locks(doc: Document, locs: dict) -> list[tuple[str, tuple]]:
    """(dotted key, where it was written) of each entry of a file's `locked:` list."""
    value = doc.data.get("locked") if isinstance(doc.data, dict) else None
    if not isinstance(value, list):
        return []
    return [(item, locs.get(("locked", i)) or locs.get(("locked",)) or (None, None))
            for i, item in enumerate(value) if isinstance(item, str) and item]


def _lock_breaches(locks: list, upper: Document, upper_locs: dict, blueprint: Document) -> list[Diagnostic]:
    """Each key of `upper` (or of one of its stage overrides) that changes a key a lower profile locked."""
    found: list[Diagnostic] = []
    stages = upper.data.get("stages") if isinstance(upper.data, dict) else None
    roots = [()] + [("stages", name, "overrides") for name in (stages or {})] if isinstance(stages, dict) else [()]
    for lock, lock_loc in locks:
        parts = tuple(lock.split("."))
        for root in roots:
            hit = None
            for path in sorted(upper_locs, key=len):
                if path[: len(root)] != root or path == root:
                    continue
                rel = path[len(root):]
                if rel[: len(parts)] == parts:
                    hit = path
                    break
                if parts[: len(rel)] == rel and not isinstance(_value_at(upper.data, path), dict):
                    hit = path  # replaces (or removes) an ancestor of the locked key
                    break
            if hit is None:
                continue
            line, col = upper_locs[hit]
            where = f"{getattr(lock_loc, 'file', '?')}:{lock_loc[0]}" if lock_loc[0] else "the profile"
            found.append(Diagnostic(
                "SLS421", f"'{lock}' is locked by the org profile ({where}) and cannot be overridden",
                path=hit, file=getattr(upper_locs[hit], "file", upper.file), line=line, col=col,
                hint="remove this key; ask the platform team to change the profile"))
    return found


def _tagged(doc: Document) -> dict:
    return {path: Loc(loc, doc.file) for path, loc in doc.locations.items()}


def _show(real: str, doc: Document) -> str:
    """How a profile is named in messages: relative to the blueprint's folder."""
    base = os.path.realpath(os.path.dirname(os.path.abspath(doc.file)))
    rel = os.path.relpath(real, base).replace(os.sep, "/")
    folder = os.path.dirname(doc.file)
    return os.path.normpath(os.path.join(folder, rel)) if folder else rel


def _resolve(current: Document, blueprint: Document, seen: list[str]) -> str:
    value = current.data.get("extends")
    where = ("extends",)
    if not isinstance(value, str) or not value.strip():
        raise BlueprintError([current.diag("SLS011", where, "`extends` takes the relative path of a profile file",
                                           hint="for example `extends: ../platform/acme.yaml`")])
    if os.path.isabs(value) or value.startswith(("~", "\\")) or _SCHEME.match(value):
        raise BlueprintError([current.diag(
            "SLS011", where, f"profile path '{value}' must be relative to this file",
            hint="absolute paths, `~` and URLs are refused: the same blueprint must render the same on every machine")])
    base = os.path.dirname(os.path.realpath(current.file)) if current is blueprint else os.path.dirname(seen[-1])
    target = os.path.realpath(os.path.join(base, value))
    if not os.path.isfile(target):
        what = "does not exist" if not os.path.lexists(os.path.join(base, value)) else "is not a regular file"
        raise BlueprintError([current.diag("SLS011", where, f"profile '{value}' {what}",
                                           hint="the path is relative to the file that names it")])
    return target


def merge_documents(base: Any, base_locs: dict, over: Any, over_locs: dict) -> tuple[Any, dict]:
    """deep_merge(base, over) and the locations of the result: each path located where its value was written."""
    from generator.model.parse import deep_merge

    over = {k: v for k, v in over.items() if k not in ("locked", "extends")} if isinstance(over, dict) else over
    base = {k: v for k, v in base.items() if k not in ("locked", "extends")} if isinstance(base, dict) else base
    data = deep_merge(base, over)
    locations = {path: loc for path, loc in base_locs.items() if path and not _replaced(path, base, over)}
    locations.update(over_locs)
    return data, locations


_MISSING = object()


def _replaced(path: tuple, base: Any, over: Any) -> bool:
    """Whether `over` replaced or removed the base value at `path` or at one of its ancestors."""
    for part in path:
        if not isinstance(over, dict) or not isinstance(base, dict):
            return True  # an ancestor was replaced (a list or scalar cannot merge)
        if part not in over:
            return False
        over, base = over[part], base.get(part, _MISSING)
        if over is None:
            return True
    return not (isinstance(over, dict) and isinstance(base, dict))


def profile_inputs(doc: Document) -> list[Profile]:
    return list(getattr(doc, "profiles", ()) or ())


__all__ = ["MAX_CHAIN", "Profile", "load_blueprint", "merge_documents", "profile_inputs"]
