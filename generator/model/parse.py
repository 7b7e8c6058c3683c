"""Validate loaded data against the models: the base blueprint, then one merged blueprint per stage.

pydantic errors become Diagnostics with the blueprint line of the offending key; errors inside a
stage's `overrides` point at the override line.
"""

from __future__ import annotations

import copy
import re
import difflib
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, Tag, ValidationError

from generator.diagnostics import BlueprintError, Diagnostic
from generator.loader import Document
from generator.model.blueprint import Blueprint
from generator.model.blueprint import EVENT_KINDS, NAMED_SECTIONS, SECTION_NOUNS, USE_KINDS

_TAG_SUFFIXES = ("~event", "~use", "~sub")


def deep_merge(base: Any, override: Any) -> Any:
    """Mappings merge key by key; anything else (lists included) is replaced by the override.

    A key set to null in the override removes it, as in JSON Merge Patch (RFC 7386): a stage can
    drop a function, table or setting (`functions: {nightly-report: null}`), which then takes its
    default. Before, null replaced it with an empty value, so a "removed" function still deployed.
    """
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(override)


def _clean_loc(loc: tuple) -> tuple:
    out = []
    for part in loc:
        if isinstance(part, str) and (part.endswith(_TAG_SUFFIXES) or part == "[key]"):
            continue
        out.append(part)
    return tuple(out)


def _value_at(data: Any, path: tuple) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _message(err: dict, data: Any, path: tuple) -> tuple[str, str, str | None, tuple]:
    """(code, message, hint, path) for one pydantic error."""
    kind = err["type"]
    if kind == "extra_forbidden":
        key = path[-1] if path else "?"
        hint = None
        allowed = _allowed_keys(tuple(err["loc"][:-1]))
        if isinstance(key, str) and allowed:
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if close:
                hint = f"did you mean '{close[0]}'?"
        return "SLS101", f"unknown key '{key}'", hint, path
    if kind == "missing":
        return "SLS103", f"missing required key '{path[-1]}'", None, path
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        kinds = EVENT_KINDS if "events" in path else USE_KINDS
        noun = "event" if "events" in path else "uses entry"
        value = _value_at(data, path)
        if isinstance(value, dict):
            found = [k for k in kinds if k in value]
            if len(found) > 1:
                return "SLS102", f"one {noun} has several kinds ({', '.join(found)}); split it into one entry per kind", None, path
        return "SLS102", f"a {noun} needs exactly one of: {', '.join(kinds)}", None, path
    if kind == "string_pattern_mismatch" and path and path[-1] != "service" and _is_name_key(err):
        return "SLS104", f"'{_short(path[-1])}' is not a valid name: use lower-case letters, digits and '-', starting with a letter", None, path
    if kind == "string_pattern_mismatch" and path == ("service",):
        return "SLS104", f"'{_short(err.get('input'))}' is not a valid service name: use lower-case letters, digits and '-', starting with a letter", None, path
    msg = err["msg"]
    if kind == "literal_error" and path and path[-1] == "runtime":
        return "SLS312", f"unsupported runtime {_short(err.get('input'))}: {msg}", None, path
    if kind == "literal_error":
        msg = f"{msg} (got {_short(err.get('input'))})"
    return "SLS102", msg, None, path


def _is_name_key(err: dict) -> bool:
    return "[key]" in err["loc"]


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def _flatten(tp) -> list:
    """Union / Optional / Annotated -> the concrete member types, each with its discriminator tag."""
    origin = get_origin(tp)
    if origin is Annotated:
        inner, *meta = get_args(tp)
        tags = [m.tag for m in meta if isinstance(m, Tag)]
        members = _flatten(inner)
        return [(t, tags[0] if tags else tag) for t, tag in members]
    if origin in (Union, UnionType):
        return [m for arg in get_args(tp) for m in _flatten(arg)]
    return [(tp, None)]


def _step(tp, part) -> list:
    out = []
    for member, _tag in _flatten(tp):
        if isinstance(member, type) and issubclass(member, BaseModel):
            field = member.model_fields.get(part) if isinstance(part, str) else None
            if field is not None:
                out.append(field.annotation)
            elif part == member.__name__:
                out.append(member)
            continue
        origin = get_origin(member)
        args = get_args(member)
        if origin is dict and args and part != "[key]":
            out.append(args[1])
        elif origin is list and args and isinstance(part, int):
            out.append(args[0])
    return out


def _allowed_keys(loc: tuple) -> list[str]:
    """The keys the model at `loc` (the parent of the rejected key) accepts."""
    current = [Blueprint]
    for part in loc:
        if isinstance(part, str) and part.endswith(_TAG_SUFFIXES):
            picked = [m for t in current for m, tag in _flatten(t) if tag == part]
            current = picked or current
            continue
        nxt = []
        for tp in current:
            nxt.extend(_step(tp, part))
        current = nxt
        if not current:
            return []
    names: set[str] = set()
    for tp in current:
        for member, _tag in _flatten(tp):
            if isinstance(member, type) and issubclass(member, BaseModel):
                names.update(member.model_fields)
    return sorted(names)


_MEMBER = re.compile(r"([A-Z]\w*|literal\[.*\]|int|str|bool|float|none|dict\[.*\]|list\[.*\])")


def _union_members(loc: tuple, data: Any) -> tuple[tuple, list[tuple[tuple, str]]]:
    """Split pydantic's loc into the blueprint path and the union members it went through.

    `('tables', 't', 'billing', 'Capacity', 'reed')` -> path without 'Capacity', [(billing path, 'Capacity')].
    """
    path: list = []
    members: list[tuple[tuple, str]] = []
    value = data
    for part in _clean_loc(loc):
        if isinstance(part, str) and _MEMBER.fullmatch(part) and not (isinstance(value, dict) and part in value):
            members.append((tuple(path), part))
            continue
        path.append(part)
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            value = None
    return tuple(path), members


def _wrong_branch(members: list[tuple[tuple, str]], data: Any) -> bool:
    """An error from the union member that does not fit the input's shape (a mapping vs a scalar)."""
    for prefix, member in members:
        is_map = isinstance(_value_at(data, prefix), dict)
        if is_map != bool(member[0].isupper()):
            return True
    return False


def _diagnostics(exc: ValidationError, doc: Document, data: Any, locate) -> list[Diagnostic]:
    errors = [(err, *_union_members(err["loc"], data)) for err in exc.errors(include_url=False)]
    # Within one union, report the branches that fit the input's shape (a mapping or a scalar);
    # when no branch fits, every branch speaks.
    by_union: dict[tuple, list] = {}
    for entry in errors:
        by_union.setdefault(entry[2][0][0] if entry[2] else ("#", len(by_union)), []).append(entry)
    kept = []
    for group in by_union.values():
        fitting = [e for e in group if not _wrong_branch(e[2], data)]
        kept.extend(fitting or group)
    found: dict[tuple, tuple] = {}
    for err, path, _members in kept:
        code, msg, hint, path = _message(err, data, path)
        key = (code, path)
        if key in found and code == "SLS102":  # two scalar branches refused the same value
            msg = f"{found[key][0]}, or {msg[:1].lower()}{msg[1:]}"
        found[key] = (msg, hint)
    out = []
    for (code, path), (msg, hint) in found.items():
        loc = locate(path)
        line, col = loc
        out.append(Diagnostic(code, msg, path=path, file=doc.file_of(loc), line=line, col=col, hint=hint))
    return out


def locate_in_stage(doc: Document, stage: str, path: tuple) -> tuple:
    """(line, col) of `path` in the blueprint merged for `stage`.

    The override wins when it wrote this path, or replaced (not merged) an ancestor of it; an
    object the stage adds (`stages.<stage>.add`) is located where it was added.
    """
    prefix = ("stages", stage, "overrides")
    path = tuple(path)
    for cut in range(len(path), 0, -1):
        if (prefix + path[:cut]) in doc.locations:
            value = _value_at(doc.data, prefix + path[:cut])
            if cut == len(path) or not isinstance(value, dict) or path not in doc.locations:
                return doc.locate(prefix + path[:cut])
            break
    added = ("stages", stage, "add") + path[:2]
    if len(path) >= 2 and added in doc.locations and path[:2] not in doc.locations:
        return doc.locate(("stages", stage, "add") + path)
    return doc.locate(path)


def parse_blueprint(doc: Document) -> Blueprint:
    """The blueprint as written (no stage overrides applied)."""
    try:
        return Blueprint.model_validate(doc.data)
    except ValidationError as exc:
        # Report what the stage overrides themselves get wrong too, so one run shows everything.
        raise BlueprintError(_diagnostics(exc, doc, doc.data, doc.locate) + _override_problems(doc)) from None


def _override_problems(doc: Document) -> list[Diagnostic]:
    """Best effort while the base is invalid: problems located inside a stage's `overrides`."""
    stages = doc.data.get("stages") if isinstance(doc.data, dict) else None
    found: list[Diagnostic] = []
    for stage, spec in (stages or {}).items() if isinstance(stages, dict) else ():
        overrides = spec.get("overrides") if isinstance(spec, dict) else None
        add = spec.get("add") if isinstance(spec, dict) else None
        if not isinstance(overrides, dict) or not overrides:
            overrides = {}
        added = {k: v for k, v in add.items() if k in NAMED_SECTIONS and isinstance(v, dict)} if isinstance(add, dict) else {}
        if not overrides and not added:
            continue
        prefixes = (("stages", stage, "overrides"), ("stages", stage, "add"))
        within = {
            loc for path, loc in doc.locations.items()
            for prefix in prefixes if path[: len(prefix)] == prefix and len(path) > len(prefix)
        }
        merged = deep_merge(deep_merge(doc.data, added), overrides)
        try:
            Blueprint.model_validate(merged)
        except ValidationError as exc:
            diags = _diagnostics(exc, doc, merged, lambda p, s=stage: locate_in_stage(doc, s, p))
            found += [d for d in diags if (d.line, d.col) in within]
    return found


def _stage_data(doc: Document, stage_name: str, stage) -> tuple[dict, list[Diagnostic]]:
    """The blueprint data of one stage: the base, plus the objects the stage adds, with its overrides
    deep-merged; and what `add` and `overrides` get wrong.

    An override changes (or, set to null, removes) what the blueprint or this stage's `add`
    declares: one that names nothing is refused with a did-you-mean, never turned into a new object
    (v1 did that, so a typo created a function in one stage). An object of one stage only goes under
    `add` (named sections only: functions, tables, queues, ...), which may not redeclare a base object.
    """
    problems: list[Diagnostic] = []
    stage_path = ("stages", stage_name)
    added: dict[str, dict] = {}
    for section, items in stage.add.items():
        where = stage_path + ("add", section)
        if section not in NAMED_SECTIONS:
            close = difflib.get_close_matches(section, NAMED_SECTIONS, n=1, cutoff=0.6)
            problems.append(doc.diag(
                "SLS101", where, f"unknown key '{section}'",
                hint=f"did you mean '{close[0]}'?" if close else f"a stage adds objects to: {', '.join(NAMED_SECTIONS)}",
            ))
            continue
        if not isinstance(items, dict):
            problems.append(doc.diag("SLS102", where, f"add.{section} maps names to objects, like the top-level {section}"))
            continue
        declared = doc.data.get(section) or {}
        for name, spec in items.items():
            if name in declared:
                problems.append(doc.diag(
                    "SLS206", where + (name,),
                    f"stage {stage_name} adds {SECTION_NOUNS[section]} '{name}', which the blueprint already declares",
                    hint=f"change it under stages.{stage_name}.overrides.{section}.{name}",
                ))
            else:
                added.setdefault(section, {})[name] = spec
    data = deep_merge(doc.data, added) if added else doc.data
    overrides = dict(stage.overrides)
    for section, items in stage.overrides.items():
        if section not in NAMED_SECTIONS or not isinstance(items, dict):
            continue
        declared = data.get(section) or {}
        kept = {}
        for name, spec in items.items():
            if name in declared:
                kept[name] = spec
                continue
            noun = SECTION_NOUNS[section]
            close = difflib.get_close_matches(str(name), [str(n) for n in declared], n=1, cutoff=0.6)
            problems.append(doc.diag(
                "SLS206", stage_path + ("overrides", section, name),
                f"stage {stage_name} overrides {noun} '{name}', which the blueprint does not declare",
                hint=(f"did you mean '{close[0]}'? " if close else "")
                + f"A {noun} that exists in this stage only goes under stages.{stage_name}.add.{section}.{name} "
                "(v2: overrides change only what the blueprint declares)",
            ))
        overrides[section] = kept
    return (deep_merge(data, overrides) if overrides else data), problems


def stage_blueprints(doc: Document, base: Blueprint) -> dict[str, Blueprint]:
    """One validated blueprint per stage, with the objects it `add`s and its `overrides` deep-merged."""
    result: dict[str, Blueprint] = {}
    problems: list[Diagnostic] = []
    for stage_name, stage in base.stages.items():
        if not stage.overrides and not stage.add:
            result[stage_name] = base
            continue
        merged, found = _stage_data(doc, stage_name, stage)
        problems += found

        def locate(path: tuple, _stage=stage_name) -> tuple:
            return locate_in_stage(doc, _stage, path)

        try:
            result[stage_name] = Blueprint.model_validate(merged)
        except ValidationError as exc:
            problems.extend(_diagnostics(exc, doc, merged, locate))
    if problems:
        raise BlueprintError(problems)
    return result
