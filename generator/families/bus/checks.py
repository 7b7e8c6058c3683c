"""Bus checks EventBridge enforces only at apply: bus names, the names sls-gen derives for rules
(of functions and of queue subscriptions), the shape of event patterns and input paths."""

from __future__ import annotations

import re
from typing import Collection, Iterable

from generator.checks.context import per_stage
from generator.checks.names import NameRule, derived_too_long, name_problems
from generator.checks.patterns import pattern_problems
from generator.checks.references import Reference
from generator.diagnostics import Diagnostic
from generator.families.bus.model import EventBridgeEvent, UseBus
from generator.families.bus.plan import bus_name, rule_dlq_names, rule_names
from generator.families.queue.plan import dlq_name, queue_name
from generator.model.blueprint import Blueprint
from generator.plan.evolution import previous_name
from generator.plan.naming import Names, env_prefix
from generator.plan.placeholders import max_length

BUS_MAX = 256
# Custom buses: [/.-_A-Za-z0-9]; '/' only in partner event sources, which sls-gen does not create.
BUS_NAME = NameRule("event bus", re.compile(r"[A-Za-z0-9._-]+"), "letters, digits, '.', '_' and '-'", BUS_MAX)
RULE_NAME_MAX = 64  # EventBridge rule names
JSONPATH = re.compile(r"\$(\.[A-Za-z0-9_@-]+|\[\d+\])*")


def check(ctx) -> Iterable[Diagnostic]:
    read: dict = {}  # schema file -> Declared, or the diagnostic's (code, message, hint): each file read once
    yield from per_stage(ctx, _names, _patterns, lambda c, stage, bp: _schemas(c, stage, bp, read))
    for stage, bp in ctx.stages.items():
        yield from _rule_names(ctx, bp, Names(bp.service, stage))


def _names(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    for bname, b in bp.buses.items():
        if b.existing is not None:
            if b.existing.name:
                yield from name_problems(ctx, stage, ("buses", bname, "existing", "name"), BUS_NAME,
                                         names.template(b.existing.name))
            continue
        path = ("buses", bname, "name") if b.name else ("buses", bname)
        text = bus_name(names, previous_name(bp, "bus", bname), b)
        yield from name_problems(ctx, stage, path, BUS_NAME, text,
                                 hint=None if b.name else "shorten the logical name, the service or the stage name")
        if text == "default":
            yield ctx.stage_diag(stage, "SLS301", path, "a custom bus cannot be named 'default' (the account's own bus)",
                                 hint="use bus: default in events and uses to reach the default bus")


def _rule_names(ctx, bp: Blueprint, names: Names) -> Iterable[Diagnostic]:
    for fname, fn in bp.functions.items():
        per_bus: dict[str, int] = {}
        for i, ev in enumerate(fn.events):
            path = ("functions", fname, "events", i)
            if isinstance(ev, EventBridgeEvent):
                bus = ev.eventbridge.bus
                per_bus[bus] = per_bus.get(bus, 0) + 1
                _, name = rule_names(names, fname, bus, per_bus[bus])
                if len(name) > RULE_NAME_MAX:
                    yield derived_too_long(ctx, path + ("eventbridge",), "EventBridge rule name", name, RULE_NAME_MAX)
    declared = {queue_name(names, q, c) for q, c in bp.queues.items()}
    declared |= {dlq_name(names, q, c) for q, c in bp.queues.items() if c.dead_letter}
    for qname, q in bp.queues.items():
        subs = [i for i, sub in enumerate(q.subscribe) if getattr(sub, "eventbridge", None) is not None]
        if subs:  # the dead-letter queue of the rules that fan into this queue
            # Its name (`<queue>-events-dlq`, SQS: 80) is never longer than a rule's name on the
            # default bus (`<queue>-default-sqs`, EventBridge: 64), checked below: only a clash remains.
            _, dlq = rule_dlq_names(names, qname)
            path = ("queues", qname, "subscribe", subs[0])
            if dlq in declared:
                yield ctx.diag(
                    "SLS301", path,
                    f"the dead-letter queue of the rules that deliver into '{qname}' would be named '{dlq}', like a "
                    "declared queue",
                    hint=f"rename one of the queues (sls-gen names it {{service}}-{{stage}}-{qname}-events-dlq)",
                )
        per_bus = {}
        for i, sub in enumerate(q.subscribe):
            eb = getattr(sub, "eventbridge", None)
            if eb is None:
                continue
            per_bus[eb.bus] = per_bus.get(eb.bus, 0) + 1
            _, name = rule_names(names, qname, eb.bus, per_bus[eb.bus], queue=True)
            if len(name) > RULE_NAME_MAX:
                path = ("queues", qname, "subscribe", i, "eventbridge")
                yield derived_too_long(ctx, path, "EventBridge rule name", name, RULE_NAME_MAX)


def _patterns(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    """Event patterns of rules (function events and queue subscriptions) and their input paths."""
    for fname, fn in bp.functions.items():
        for i, ev in enumerate(fn.events):
            if isinstance(ev, EventBridgeEvent):
                base = ("functions", fname, "events", i)
                yield from pattern_problems(ctx, stage, base + ("eventbridge", "pattern"), ev.eventbridge.pattern,
                                            nested=True)
    for qname, q in bp.queues.items():
        for i, sub in enumerate(q.subscribe):
            if getattr(sub, "eventbridge", None) is not None:
                base = ("queues", qname, "subscribe", i)
                yield from pattern_problems(ctx, stage, base + ("eventbridge", "pattern"), sub.eventbridge.pattern,
                                            nested=True)
    for fname, fn in bp.functions.items():
        for i, ev in enumerate(fn.events):
            if isinstance(ev, EventBridgeEvent) and ev.input_path is not None and not JSONPATH.fullmatch(ev.input_path):
                yield ctx.stage_diag(
                    stage,
                    "SLS102",
                    ("functions", fname, "events", i, "input_path"),
                    f"input_path '{ev.input_path}' is not a JSONPath",
                    hint="start at the event's root, e.g. $.detail or $.detail.order",
                )


def env_lengths(bp, names: Names, use: UseBus) -> dict[str, int]:
    """The variables a `uses` entry of this kind adds, with the longest value each can resolve to
    (mirrors the plan; counted in the function's 4 KB environment, SLS303)."""
    if use.bus == "default":
        return {f"{env_prefix(use.bus)}_BUS_NAME": len("default")}
    return {f"{env_prefix(use.bus)}_BUS_NAME": max_length(bus_name(names, use.bus, bp.buses.get(use.bus)))}



def declared(bp) -> Collection[str]:
    """The names a reference to a bus may take (checks/references.py): the account's default bus too."""
    return set(bp.buses) | {"default"}


def event_refs(bp, entry) -> Iterable[Reference]:
    """An eventbridge event, or a queue's eventbridge subscription, is a rule on a bus."""
    yield ("eventbridge", "bus"), "bus", entry.eventbridge.bus, declared(bp)


def invoke_permissions(bp, names: Names, region: str, fname: str, fn):
    """One statement per rule that targets the function (families/bus/plan.py)."""
    from generator.checks.names import arn
    from generator.families.function.checks import Permission
    from generator.plan.naming import camel

    per_bus: dict[str, int] = {}
    for ev in fn.events:
        if not isinstance(ev, EventBridgeEvent):
            continue
        bus = ev.eventbridge.bus
        per_bus[bus] = per_bus.get(bus, 0) + 1
        tf, physical = rule_names(names, fname, bus, per_bus[bus])
        path = physical if bus == "default" else f"{names.physical(bus)}/{physical}"
        yield Permission(f"AllowEvents{camel(tf)}", "events.amazonaws.com", arn("events", region, f"rule/{path}"),
                         False, "EventBridge rule")


REGISTRY_MAX = 64  # CreateRegistry RegistryName
REGISTRY_NAME = re.compile(r"[.\-_A-Za-z0-9]+")
SCHEMA_NAME_MAX = 385  # CreateSchema SchemaName
SCHEMA_NAME = re.compile(r"[.\-_A-Za-z0-9@]+")


def declared_schemas(root, bp, bus: str, read: dict | None = None) -> list:
    """The schemas of `bus` that were read and accepted (generator/families/bus/schemas.py); files with
    a problem are left out (their checks report them)."""
    b = bp.buses.get(bus)
    if b is None or b.schemas is None or not b.schemas.files:
        return []
    out = []
    for rel in b.schemas.files:
        got = _read(root, rel, read if read is not None else {})
        if not isinstance(got, tuple):
            out.append(got)
    return out


def _read(root, rel: str, read: dict):
    from generator.checks.paths import path_problem
    from generator.families.bus.schemas import SchemaProblem
    from generator.families.bus.schemas import read as read_schema

    if rel in read:
        return read[rel]
    problem = path_problem(rel, root)
    if problem:
        got = ("SLS337", f"'{rel[:80]}' {problem}", "keep schema files below the blueprint, e.g. schemas/order-placed.json")
    elif not (root / rel).is_file():
        got = ("SLS337", f"'{rel[:80]}' is not a file", "write the event's schema (JSON Schema draft 4 or OpenAPI 3) there")
    else:
        try:
            got = read_schema(root, rel)
        except OSError as exc:
            got = ("SLS337", f"cannot read '{rel[:80]}': {exc.strerror or exc}", "make the file readable")
        except SchemaProblem as exc:
            got = ("SLS338", f"'{rel[:80]}' {exc}", None)
    read[rel] = got
    return got


def _schemas(ctx, stage: str, bp, read: dict) -> Iterable[Diagnostic]:
    """Declared schema files: inside the folder, readable, accepted; their names and the registry's;
    and the fields rule patterns on the bus match in `detail` (SLS513, a warning)."""
    from pathlib import Path

    root = Path(ctx.doc.file).parent
    names = Names(bp.service, stage)
    for bname, b in bp.buses.items():
        if b.schemas is None or not b.schemas.files or b.existing is not None:
            continue  # an existing bus refuses `schemas` (SLS212)
        at = ("buses", bname, "schemas", "files")
        registry = names.physical(bname)
        if len(registry) > REGISTRY_MAX or not REGISTRY_NAME.fullmatch(registry):
            yield ctx.stage_diag(stage, "SLS339", at, f"the schema registry would be named '{registry[:80]}'; a registry "
                                 f"name has at most {REGISTRY_MAX} letters, digits, '.', '-' or '_'",
                                 hint="shorten the bus's logical name, the service or the stage name")
        taken: dict[str, int] = {}
        for i, rel in enumerate(b.schemas.files):
            from generator.families.bus.schemas import schema_name

            name = schema_name(rel)
            if not SCHEMA_NAME.fullmatch(name) or len(name) > SCHEMA_NAME_MAX:
                yield ctx.stage_diag(stage, "SLS339", at + (i,), f"schema name '{name[:80]}' (the file's name) is not "
                                     f"{SCHEMA_NAME_MAX} letters, digits, '.', '-', '_' or '@' at most",
                                     hint="rename the file")
            elif name in taken:
                yield ctx.stage_diag(stage, "SLS339", at + (i,), f"'{rel[:80]}' would be schema '{name}' of the "
                                     f"registry, like files[{taken[name]}]", hint="rename one of the files")
            taken.setdefault(name, i)
            got = _read(root, rel, read)
            if isinstance(got, tuple):
                code, message, hint = got
                yield ctx.stage_diag(stage, code, at + (i,), message, hint=hint)
    yield from _pattern_fields(ctx, stage, bp, root, read)


def _rules(bp) -> Iterable[tuple[tuple, object]]:
    for fname, fn in bp.functions.items():
        for i, ev in enumerate(fn.events):
            if isinstance(ev, EventBridgeEvent):
                yield ("functions", fname, "events", i), ev.eventbridge
    for qname, q in bp.queues.items():
        for i, sub in enumerate(q.subscribe):
            if getattr(sub, "eventbridge", None) is not None:
                yield ("queues", qname, "subscribe", i), sub.eventbridge


def schemas_for(schemas: list, pattern: dict) -> list:
    """The declared schemas a pattern's events can have: every schema of the bus when the pattern names
    no detail-type; those of its detail-types when each has one; none (nothing to hold the pattern
    to) when it matches a detail-type no schema declares, or matches detail-types by an operator."""
    if not isinstance(pattern, dict) or "detail-type" not in pattern:
        return schemas
    wanted = pattern["detail-type"]
    if not isinstance(wanted, list) or not all(isinstance(v, str) for v in wanted):
        return []
    declared = {s.detail_type for s in schemas}
    if not wanted or any(v not in declared for v in wanted):
        return []
    return [s for s in schemas if s.detail_type in wanted]


def _pattern_fields(ctx, stage: str, bp, root, read: dict) -> Iterable[Diagnostic]:
    from generator.families.bus.schemas import unknown_fields

    for where, spec in _rules(bp):
        if not isinstance(spec.pattern, dict) or not isinstance(spec.pattern.get("detail"), dict):
            continue
        schemas = schemas_for(declared_schemas(root, bp, spec.bus, read), spec.pattern)
        if not schemas:
            continue
        types = sorted({s.detail_type or s.name for s in schemas})
        for path, field in unknown_fields(spec.pattern["detail"], schemas):
            yield ctx.stage_diag(
                stage, "SLS513", where + ("eventbridge", "pattern", "detail") + path,
                f"no declared schema of bus '{spec.bus}' for {', '.join(types)} has a detail field '{field}': "
                "the rule matches no event of that shape", severity="warning",
                hint="fix the field's name, or declare it in the schema")
