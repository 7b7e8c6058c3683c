"""Shape of event patterns and filter policies, shared by the families that take them: EventBridge
patterns (bus), SNS filter policies (topic) and Lambda stream filters (table).

Terraform passes any JSON there; AWS refuses at apply a pattern whose field is a bare value
(`source: orders` instead of `source: [orders]`), an empty pattern or list, a matcher it does not
know, or (for SNS message-attribute policies) a nested object.
"""

from __future__ import annotations

from typing import Any, Iterable

from generator.diagnostics import Diagnostic

# Content-filtering matchers of EventBridge, SNS and Lambda event filtering (the union: each
# service refuses the few it lacks, but an unknown name is a typo everywhere).
MATCHERS = frozenset({"prefix", "suffix", "anything-but", "numeric", "exists", "cidr", "equals-ignore-case", "wildcard"})


def shape_problem(value: Any, *, nested: bool = True) -> tuple[tuple, str] | None:
    """(path below the pattern, message) of the first shape problem AWS would refuse, or None."""
    if not isinstance(value, dict) or not value:
        return (), "an empty pattern matches no event (list the fields to match, e.g. source: [orders])"
    for key, v in value.items():
        if key == "$or":
            if not isinstance(v, list) or len(v) < 2 or not all(isinstance(x, dict) for x in v):
                return (key,), "'$or' takes a list of at least two patterns"
            for j, alt in enumerate(v):
                found = shape_problem(alt, nested=nested)
                if found:
                    return (key, j) + found[0], found[1]
        elif isinstance(v, dict):
            if not nested:
                return (key,), f"'{key}' is a nested object, but this filter policy matches message attributes (flat keys only)"
            found = shape_problem(v, nested=nested)
            if found:
                return (key,) + found[0], found[1]
        elif isinstance(v, list):
            if not v:
                return (key,), f"'{key}' lists no value to match"
            for j, item in enumerate(v):
                if isinstance(item, dict):
                    if len(item) != 1 or next(iter(item)) not in MATCHERS:
                        return (key, j), (
                            f"'{key}' item {j} must be a value or one matcher ({', '.join(sorted(MATCHERS))})"
                        )
                elif isinstance(item, list):
                    return (key, j), f"'{key}' item {j} is a list: list the values directly"
        else:
            return (key,), f"'{key}' must be a list of values (write {key}: [{v}]) or a nested object"
    return None


def pattern_problems(ctx, stage: str, path: tuple, pattern: Any, *, nested: bool) -> Iterable[Diagnostic]:
    """The finding (SLS102) of the pattern or filter policy at `path`, if its shape is wrong."""
    found = shape_problem(pattern, nested=nested)
    if found:
        yield ctx.stage_diag(stage, "SLS102", path + found[0], found[1])

