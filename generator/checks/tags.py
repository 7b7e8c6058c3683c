"""Blueprint tags (`tags:`, and `tags:` on any object, merged over them) within the limits AWS puts
on every taggable resource."""

from __future__ import annotations

import re
from typing import Iterable

from generator.checks.context import per_stage
from generator.diagnostics import Diagnostic

_TAG_RE = re.compile(r"[\w .:/=+\-@]*")  # AWS: letters, digits, spaces (not tabs or line breaks)
TAGS_MAX, TAG_KEY_MAX, TAG_VALUE_MAX = 50, 128, 256
GENERATED_TAGS = 3  # service, stage, managed-by (plan/build.py)


def check(ctx) -> Iterable[Diagnostic]:
    return per_stage(ctx, _tags)


def tagged(bp) -> Iterable[tuple[tuple, dict]]:
    """(path, tags) of every object of the blueprint that has its own `tags:`."""
    from generator.families import families

    for fam in families():
        value = getattr(bp, fam.section, None) if fam.section else None
        objects = value.items() if isinstance(value, dict) else [(None, value)] if value is not None else []
        for name, obj in objects:
            if getattr(obj, "tags", None):
                yield (fam.section,) + ((name,) if name is not None else ()), obj.tags


def _tags(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    if len(bp.tags) + GENERATED_TAGS > TAGS_MAX:
        yield ctx.stage_diag(stage, "SLS302", ("tags",),
                             f"{len(bp.tags)} tags plus {GENERATED_TAGS} sls-gen adds exceed the AWS limit of {TAGS_MAX}")
    yield from _pairs(ctx, stage, ("tags",), bp.tags)
    for at, tags in tagged(bp):
        merged = len(set(tags) | set(bp.tags)) + GENERATED_TAGS
        if merged > TAGS_MAX:
            yield ctx.stage_diag(stage, "SLS302", at + ("tags",),
                                 f"{merged} tags with the service's and the {GENERATED_TAGS} sls-gen adds exceed the AWS limit of {TAGS_MAX}")
        yield from _pairs(ctx, stage, at + ("tags",), tags)


def _pairs(ctx, stage: str, base: tuple, tags: dict) -> Iterable[Diagnostic]:
    for key, value in tags.items():
        path = base + (key,)
        if not 1 <= len(key) <= TAG_KEY_MAX or not _TAG_RE.fullmatch(key) or key.lower().startswith("aws:"):
            yield ctx.stage_diag(stage, "SLS302", path,
                                 f"tag key '{key[:60]}' is not allowed: 1-{TAG_KEY_MAX} characters of letters, digits, "
                                 "spaces and _.:/=+-@, not starting with aws:")
        elif len(value) > TAG_VALUE_MAX or not _TAG_RE.fullmatch(value):
            yield ctx.stage_diag(stage, "SLS302", path,
                                 f"tag value of '{key}' is not allowed: at most {TAG_VALUE_MAX} characters of letters, "
                                 "digits, spaces and _.:/=+-@")
