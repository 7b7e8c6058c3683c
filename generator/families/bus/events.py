"""Sample `eventbridge` event: an event matching the rule's pattern, after its input path; its
`detail` shaped by the bus's declared schema for the event's detail-type when there is one (its
required fields with their example, default, first enum value or a value of their type), the
pattern's literal values over it."""

from __future__ import annotations

from typing import Any

from generator.samples import SAMPLE_TIME, Stage, uid


def _first_str(value: Any, default: str) -> str:
    values = value if isinstance(value, list) else [value]
    return next((v for v in values if isinstance(v, str)), default)


_COMPARE = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b, "=": lambda a, b: a == b}


def _numeric(condition: Any) -> Any:
    """A number inside a `{"numeric": [">", 0, "<=", 5]}` range, or None."""
    if not isinstance(condition, list) or len(condition) % 2:
        return None
    pairs = list(zip(condition[::2], condition[1::2]))
    if not all(op in _COMPARE and isinstance(n, (int, float)) and not isinstance(n, bool) for op, n in pairs):
        return None
    bounds = [n for _, n in pairs]
    for candidate in [n for b in bounds for n in (b, b + 1, b - 1)] + [sum(bounds) / len(bounds)]:
        if all(_COMPARE[op](candidate, n) for op, n in pairs):
            return candidate
    return None


def _pattern_detail(pattern: Any) -> Any:
    """A detail object matching the pattern's literal values (nested maps followed) and numeric ranges."""
    if not isinstance(pattern, dict):
        return {}
    out = {}
    for key, value in pattern.items():
        if isinstance(value, dict):
            out[key] = _pattern_detail(value)
        elif isinstance(value, list):
            lit = next((v for v in value if not isinstance(v, dict)), None)
            if lit is None:
                lit = next((n for v in value if isinstance(v, dict) for n in [_numeric(v.get("numeric"))]
                            if n is not None), None)
            if lit is not None:
                out[key] = lit
    return out


def _apply_input_path(event: dict, path: str | None) -> Any:
    """EventBridge InputPath, for the simple `$.a.b` paths blueprints use."""
    if not path or path == "$":
        return event
    value: Any = event
    for part in path.removeprefix("$.").split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _merged(shape: Any, over: Any) -> Any:
    """The pattern's literals (`over`) laid over the schema's example (`shape`), maps merged."""
    if isinstance(shape, dict) and isinstance(over, dict):
        out = dict(shape)
        for key, value in over.items():
            out[key] = _merged(shape.get(key), value)
        return out
    return over


def _schema(st: Stage, spec) -> Any:
    """The declared schema the sample follows: the first of the pattern's detail-types that has one."""
    if getattr(st, "root", None) is None:
        return None
    from generator.families.bus.checks import declared_schemas, schemas_for

    schemas = schemas_for(declared_schemas(st.root, st.bp, spec.bus), spec.pattern or {})
    return schemas[0] if schemas else None


def sample(st: Stage, fn: str, ev, i: int, poison: bool) -> tuple[Any, str | None]:
    pattern = ev.eventbridge.pattern or {}
    schema = _schema(st, ev.eventbridge)
    detail = _pattern_detail(pattern.get("detail"))
    if schema is not None:
        from generator.families.bus.schemas import example

        detail = _merged(example(schema, schema.detail), detail)
    event = {
        "version": "0",
        "id": uid(fn, i, "event"),
        "detail-type": _first_str(pattern.get("detail-type"), (schema and schema.detail_type) or "Sample Event"),
        "source": _first_str(pattern.get("source"), (schema and schema.source) or "sls-gen.sample"),
        "account": st.account,
        "time": SAMPLE_TIME,
        "region": st.region,
        "resources": [],
        "detail": detail,
    }
    return _apply_input_path(event, ev.input_path), None
