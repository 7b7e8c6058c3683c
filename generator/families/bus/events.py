"""Sample `eventbridge` event: an event matching the rule's pattern, after its input path."""

from __future__ import annotations

from typing import Any

from generator.samples import SAMPLE_TIME, Stage, uid


def _first_str(value: Any, default: str) -> str:
    values = value if isinstance(value, list) else [value]
    return next((v for v in values if isinstance(v, str)), default)


def _pattern_detail(pattern: Any) -> Any:
    """A detail object matching the pattern's literal values (nested maps followed)."""
    if not isinstance(pattern, dict):
        return {}
    out = {}
    for key, value in pattern.items():
        if isinstance(value, dict):
            out[key] = _pattern_detail(value)
        elif isinstance(value, list):
            lit = next((v for v in value if not isinstance(v, dict)), None)
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


def sample(st: Stage, fn: str, ev, i: int, poison: bool) -> tuple[Any, str | None]:
    pattern = ev.eventbridge.pattern or {}
    event = {
        "version": "0",
        "id": uid(fn, i, "event"),
        "detail-type": _first_str(pattern.get("detail-type"), "Sample Event"),
        "source": _first_str(pattern.get("source"), "sls-gen.sample"),
        "account": st.account,
        "time": SAMPLE_TIME,
        "region": st.region,
        "resources": [],
        "detail": _pattern_detail(pattern.get("detail")),
    }
    return _apply_input_path(event, ev.input_path), None
