"""Cross-resource wiring rules AWS only enforces at apply: FIFO topic delivery, route syntax,
API Gateway per-API quotas and settings. (S3 notification overlaps: checks/data.py.)"""

from __future__ import annotations

import re
from typing import Iterable

from generator.checks.context import per_stage
from generator.diagnostics import Diagnostic
from generator.families.api.model import HttpEvent

HTTP_ROUTES_MAX = 300  # routes per HTTP API / resources per REST API (rules 27, 28)
AUTHORIZERS_MAX = 10
_SEGMENT = re.compile(r"^(?:[A-Za-z0-9._~!$&'()*,;=:@-]+|\{[A-Za-z_][A-Za-z0-9_]*\+?\})$")


def check(ctx) -> Iterable[Diagnostic]:
    return per_stage(ctx, _api_quotas, _routes, _api_settings)


def route_path_problem(path: str) -> str | None:
    if path == "/":
        return None
    segments = path[1:].split("/")
    for n, segment in enumerate(segments):
        if not _SEGMENT.match(segment):
            return f"path segment '{segment[:40]}' is not valid" if segment else "path has an empty segment"
        if segment.endswith("+}") and n != len(segments) - 1:
            return f"greedy variable '{segment}' must be the last path segment"
    return None


def _routes(ctx, stage, bp) -> Iterable[Diagnostic]:
    shapes: dict[str, str] = {}
    for fname, fn in bp.functions.items():
        for i, ev in enumerate(fn.events):
            if not isinstance(ev, HttpEvent):
                continue
            method, _, path = ev.http.strip().partition(" ")
            path = path.strip()
            if not path.startswith("/") or " " in path:
                continue  # references.py reports it
            where = ("functions", fname, "events", i, "http")
            problem = route_path_problem(path)
            if problem:
                yield ctx.stage_diag(stage, "SLS311", where, f"route '{ev.http}': {problem}",
                                     hint="segments are literal text, {name}, or a last {name+}")
                continue
            key = f"{method.upper()} {path}"
            shape = re.sub(r"\{[^}]*\}", "{}", key)
            if shape in shapes and shapes[shape] != key:
                yield ctx.stage_diag(stage, "SLS202", where,
                                     f"route '{key}' clashes with '{shapes[shape]}': only the variable names differ",
                                     hint="use the same variable name at the same place in both routes")
            shapes.setdefault(shape, key)


def _api_quotas(ctx, stage, bp) -> Iterable[Diagnostic]:
    # Both are default quotas that AWS raises on request, so they warn instead of refusing a service
    # whose account already has the increase (--strict turns them into errors).
    routes = [(f, i) for f, fn in bp.functions.items() for i, ev in enumerate(fn.events) if isinstance(ev, HttpEvent)]
    if len(routes) > HTTP_ROUTES_MAX:
        fname, i = routes[HTTP_ROUTES_MAX]
        yield ctx.stage_diag(stage, "SLS311", ("functions", fname, "events", i, "http"),
                             f"{len(routes)} routes; an API Gateway API allows {HTTP_ROUTES_MAX} by default",
                             hint="request a quota increase before applying, or split the service",
                             severity="warning")
    if bp.api and len(bp.api.authorizers) > AUTHORIZERS_MAX:
        yield ctx.stage_diag(stage, "SLS311", ("api", "authorizers"),
                             f"{len(bp.api.authorizers)} authorizers; an API allows {AUTHORIZERS_MAX} by default",
                             hint="request a quota increase before applying", severity="warning")


def _api_settings(ctx, stage, bp) -> Iterable[Diagnostic]:
    if bp.api is None:
        return
    cors = bp.api.cors
    if cors and cors.allow_credentials and "*" in cors.origins:
        yield ctx.stage_diag(stage, "SLS311", ("api", "cors", "allow_credentials"),
                             "API Gateway refuses allow_credentials with the origin '*'",
                             hint="list the allowed origins explicitly, e.g. origins: [https://app.example.com]")
    for name, auth in bp.api.authorizers.items():
        if not re.match(r"^https://[^\s/]+", auth.issuer):
            yield ctx.stage_diag(stage, "SLS311", ("api", "authorizers", name, "issuer"),
                                 f"JWT issuer '{auth.issuer[:60]}' must be an https:// URL",
                                 hint="e.g. https://cognito-idp.<region>.amazonaws.com/<user pool id>")
