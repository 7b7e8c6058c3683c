"""`requires: ">=0.1,<0.2"`: the sls-gen versions a blueprint (or its org profile) is written for.

A small PEP 440 subset, so `packaging` need not be a runtime dependency: comma-separated clauses
with ==, !=, >=, <=, >, <, ~= on release numbers (`1`, `0.3`, `1.2.3`; `==0.3.*` too). A
mismatch is SLS010, reported before the rest of the blueprint is read: a blueprint for a newer
sls-gen may use keys this one does not know.
"""

from __future__ import annotations

import re

_CLAUSE = re.compile(r"\s*(==|!=|>=|<=|~=|>|<)\s*([0-9]+(?:\.[0-9]+)*)(\.\*)?\s*")


class SpecifierError(ValueError):
    pass


def _release(text: str) -> tuple[int, ...]:
    match = re.match(r"^\s*v?([0-9]+(?:\.[0-9]+)*)", text)
    if not match:
        raise SpecifierError(f"'{text}' is not a version")
    return tuple(int(p) for p in match.group(1).split("."))


def _pad(a: tuple, b: tuple) -> tuple[tuple, tuple]:
    size = max(len(a), len(b))
    return a + (0,) * (size - len(a)), b + (0,) * (size - len(b))


def satisfies(version: str, spec: str) -> bool:
    """Whether `version` matches every clause of `spec`; raises SpecifierError on a malformed spec."""
    have = _release(version)
    clauses = [c for c in spec.split(",")]
    if not spec.strip() or any(not c.strip() for c in clauses):
        raise SpecifierError("empty clause")
    for clause in clauses:
        match = _CLAUSE.fullmatch(clause)
        if not match:
            raise SpecifierError(f"'{clause.strip()}' is not a version clause")
        op, text, star = match.groups()
        want = tuple(int(p) for p in text.split("."))
        if star:
            if op not in ("==", "!="):
                raise SpecifierError(f"'{clause.strip()}': .* only follows == or !=")
            hit = have[: len(want)] == want
            if hit != (op == "=="):
                return False
            continue
        a, b = _pad(have, want)
        if op == "~=":
            if len(want) < 2:
                raise SpecifierError(f"'{clause.strip()}': ~= needs at least two parts")
            if not (a >= b and have[: len(want) - 1] == want[:-1]):
                return False
        elif not {"==": a == b, "!=": a != b, ">=": a >= b, "<=": a <= b, ">": a > b, "<": a < b}[op]:
            return False
    return True


def check_requires(doc) -> None:
    """Raise BlueprintError (SLS010) when the blueprint's `requires` excludes this sls-gen."""
    from generator import __version__
    from generator.diagnostics import BlueprintError

    spec = doc.data.get("requires") if isinstance(doc.data, dict) else None
    if spec is None:
        return
    if not isinstance(spec, str):
        raise BlueprintError([doc.diag("SLS010", ("requires",), "`requires` takes a version range as a string",
                                       hint='for example requires: ">=0.1,<0.2"')])
    try:
        ok = satisfies(__version__, spec)
    except SpecifierError as exc:
        raise BlueprintError([doc.diag("SLS010", ("requires",), f"`requires: {spec}` is not a version range: {exc}",
                                       hint='for example requires: ">=0.1,<0.2"')]) from None
    if not ok:
        loc = doc.locations.get(("requires",))
        where = doc.file_of(loc) if loc else doc.file
        who = "this blueprint" if where == doc.file else "the org profile this blueprint extends"
        raise BlueprintError([doc.diag(
            "SLS010", ("requires",), f"{who} requires sls-gen {spec}; this is sls-gen {__version__}",
            hint="install a matching sls-gen: pip install 'sls-gen" + spec.replace(" ", "") + "'")])
