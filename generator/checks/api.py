"""API rules Terraform does not catch: caching is REST-only, REST APIs have no native JWT authorizer."""

from __future__ import annotations

from typing import Iterable

from generator.diagnostics import Diagnostic
from generator.families.api.model import HttpEvent


def check(ctx) -> Iterable[Diagnostic]:
    yield from rest_paths(ctx)
    for bp in ctx.stages.values():
        api_type = bp.api.type if bp.api else "http"
        if bp.api and bp.api.cache and api_type != "rest":
            yield ctx.diag(
                "SLS311", ("api", "cache"), "caching needs a REST API", hint="set api.type: rest, or remove cache"
            )
        if api_type == "rest":
            if not any(isinstance(ev, HttpEvent) for fn in bp.functions.values() for ev in fn.events):
                yield ctx.diag(
                    "SLS311", ("api", "type"), "a REST API needs at least one http route to deploy",
                    hint="add an http event to a function, or remove api",
                )
            for name in sorted(bp.api.authorizers):
                yield ctx.diag(
                    "SLS311",
                    ("api", "authorizers", name),
                    f"authorizer '{name}' is a JWT authorizer, which REST APIs cannot run natively",
                    hint="use api.type: http for JWT auth, or auth: iam on REST routes",
                )
        for fname, fn in bp.functions.items():
            for i, ev in enumerate(fn.events):
                if not isinstance(ev, HttpEvent) or ev.cache is None:
                    continue
                path = ("functions", fname, "events", i, "cache")
                if api_type != "rest":
                    yield ctx.diag("SLS311", path, "per-route cache applies to REST APIs only", hint="remove it")
                elif not bp.api.cache:
                    yield ctx.diag("SLS311", path, "per-route cache needs api.cache", hint="add api.cache or remove it")
                elif not ev.http.strip().upper().startswith("GET "):
                    yield ctx.diag("SLS311", path, "only GET routes are cached", hint="remove it")


def rest_paths(ctx) -> Iterable[Diagnostic]:
    """REST resource-tree rules API Gateway enforces only at apply time."""
    from generator.families.api.rest import resource_tf, segments

    for bp in ctx.stages.values():
        if not bp.api or bp.api.type != "rest":
            continue
        if bp.api.cors and len(bp.api.cors.origins) > 1:
            yield ctx.diag(
                "SLS311",
                ("api", "cors", "origins"),
                "a REST API's CORS preflight (a mock integration) can return only one origin",
                hint="list one origin, or use api.type: http",
            )
        variables: dict[str, tuple[str, tuple]] = {}  # parent path -> (variable part, where)
        ids: dict[str, tuple[str, tuple]] = {}
        for fname, fn in bp.functions.items():
            for i, ev in enumerate(fn.events):
                if not isinstance(ev, HttpEvent):
                    continue
                where = ("functions", fname, "events", i, "http")
                method, _, path = ev.http.strip().partition(" ")
                parts = segments(path.strip())
                if bp.api.cors and method.upper() == "OPTIONS":
                    yield ctx.diag("SLS311", where, "OPTIONS routes clash with the CORS preflight sls-gen adds", hint="remove api.cors or this route")
                for depth, part in enumerate(parts):
                    full = "/" + "/".join(parts[: depth + 1])
                    if part.endswith("+}") and depth != len(parts) - 1:
                        yield ctx.diag("SLS311", where, f"'{part}' must be the last path segment")
                    if part.startswith("{"):
                        parent = "/" + "/".join(parts[:depth])
                        seen = variables.setdefault(parent, (part, where))
                        if seen[0] != part:
                            yield ctx.diag(
                                "SLS311", where, f"'{part}' and '{seen[0]}' are sibling path variables under '{parent}'",
                                hint="use the same variable name at the same position",
                            )
                    seen_id = ids.setdefault(resource_tf(full), (full, where))
                    if seen_id[0] != full:
                        yield ctx.diag("SLS311", where, f"paths '{full}' and '{seen_id[0]}' map to the same Terraform address")
