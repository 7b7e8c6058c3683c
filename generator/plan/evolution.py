"""What a plan says about its own evolution: how each Terraform address is made, and from what.

Every family part lists the resources it writes in `named()` (generator/plan/model.py, Named). An
address that embeds a logical name is built here, by `derive` (tf_id parts, where `(kind, name)` is
a blueprint object) or `follow` (the address whose resource name it embeds), and keeps that
derivation. Made with the current names it is the address in the .tf files; made with each renamed
object's previous name (`renamed_from`) it is the address the previous render wrote, so `moved`
blocks come from one mechanism (generator/evolution) for every kind.

The primary entry of a blueprint object (`primary=True`: the table, the queue, ...) also carries
what the guard compares with the previous render: its physical name, whether it holds data, is
protected or retained, and how to import it (`adopt`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from generator.plan.model import Named
from generator.plan.naming import tf_id

# Stages that are protected only when asked: every other stage protects its data by default.
DEV_LIKE_STAGES = ("dev", "test")

# (kind, logical name) -> the logical name an address is derived from
NameOf = Callable[[str, str], str]


def same(kind: str, name: str) -> str:
    return name


@dataclass(frozen=True)
class Adopt:
    """How Terraform imports an existing resource: by `id` (a plain string or an HCL expression of
    values known at plan time), or, when the ID cannot be built from the name (an ARN with a random
    suffix), by the attribute of a data source: `lookup` = (data type, ((argument, value), ...), attribute)."""

    id: Any = None
    lookup: tuple[str, tuple[tuple[str, Any], ...], str] | None = None


def derive(type: str, parts: tuple, physical: Any = None, where: tuple = (), **facts) -> Named:
    """The entry of a resource named `tf_id(*parts)`; a part `(kind, name)` is a blueprint object's
    logical name, which a rename replaces: `derive("aws_dynamodb_table", (("table", "links"),))`."""
    return Named(f"{type}.{_name(parts, same)}", physical, where, parts=parts, **facts)


def follow(leader: str, type: str, prefix: str = "", suffix: str = "", physical: Any = None, where: tuple = (),
           **facts) -> Named:
    """The entry of a resource named after another one: `aws_sqs_queue_policy.x` follows `aws_sqs_queue.x`."""
    name = prefix + leader.split(".", 1)[1] + suffix
    return Named(f"{type}.{name}", physical, where, follows=leader, prefix=prefix, suffix=suffix, **facts)


def _name(parts: tuple, name_of: NameOf) -> str:
    return tf_id(*(name_of(*p) if isinstance(p, tuple) else p for p in parts))


def renamed_address(n: Named, name_of: NameOf, resolved: Callable[[str], str]) -> str:
    """`n`'s address with every object named by `name_of`; a follower asks `resolved` for the address
    of its leader. An entry made by neither `derive` nor `follow` keeps its address."""
    rtype = n.address.split(".", 1)[0]
    if n.follows is not None:
        return f"{rtype}.{n.prefix}{resolved(n.follows).split('.', 1)[1]}{n.suffix}"
    if n.parts:
        return f"{rtype}.{_name(n.parts, name_of)}"
    return n.address


def resolve(entries: Iterable[Named], name_of: NameOf) -> dict[str, str]:
    """Current address -> the address under `name_of` (followers follow their leader's renaming)."""
    entries = list(entries)
    by_current = {n.address: n for n in entries}
    out: dict[str, str] = {}

    def one(current: str, depth: int = 0) -> str:
        if current in out:
            return out[current]
        n = by_current.get(current)
        if n is None or depth > 8:  # a leader outside the plan (never renamed) keeps its name
            return current
        out[current] = renamed_address(n, name_of, lambda lead: one(lead, depth + 1))
        return out[current]

    for n in entries:
        one(n.address)
    return out


# ------------------------------------------------------------------------------ blueprint side
def protected_stage(bp, stage: str) -> bool:
    """The stage's default for `protect`: on, unless the stage is named dev or test or is ephemeral."""
    cfg = bp.stages.get(stage)
    return stage not in DEV_LIKE_STAGES and not (cfg is not None and cfg.ephemeral)


def protect(obj, default: bool) -> bool:
    """`protect:` as written, else the v1 `deletion_protection:` it supersedes, else `default`."""
    if getattr(obj, "protect", None) is not None:
        return obj.protect
    legacy = getattr(obj, "deletion_protection", None)
    return default if legacy is None else legacy


def renamed(bp) -> bool:
    """Does any object of the blueprint carry `renamed_from`?"""
    from generator.families import families

    sections = [getattr(bp, f.section, None) for f in families() if f.section]
    return any(getattr(obj, "renamed_from", None) for objs in sections if isinstance(objs, dict) for obj in objs.values())


def previous_name(bp, kind: str, name: str) -> str:
    """The logical name an object had in the previous render (`renamed_from`), else its name: the
    name its AWS resources were created with, and its addresses had."""
    from generator.families import family

    section = family(kind).section
    obj = (getattr(bp, section, None) or {}).get(name) if section else None
    return getattr(obj, "renamed_from", None) or name
