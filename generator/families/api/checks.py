"""API checks API Gateway enforces only at apply: routes (syntax, one function per route, path
segments, variables), per-API quotas, CORS and authorizer settings, caching (REST only), the REST
resource tree; and the best practices it accepts (public routes, timeouts above the API's limit).
"""

from __future__ import annotations

import re
from typing import Iterable

from generator.checks.context import per_stage
from generator.checks.names import NameRule, name_problems
from generator.checks.references import Reference
from generator.diagnostics import Diagnostic
from generator.families.api.model import HttpEvent
from generator.families.api.plan import api_name
from generator.families.function.settings import resolved
from generator.plan.naming import Names

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY")
HTTP_ROUTES_MAX = 300  # routes per HTTP API / resources per REST API (rules 27, 28)
AUTHORIZERS_MAX = 10
ROLE_NAME_MAX = 64  # IAM role names
API_TIMEOUT = {"http": 30, "rest": 29}  # seconds: HTTP API hard limit; REST default quota (rules 27, 28)
_SEGMENT = re.compile(r"(?:[A-Za-z0-9._~!$&'()*,;=:@-]+|\{[A-Za-z_][A-Za-z0-9_]*\+?\})")


def route_of(ev: HttpEvent) -> tuple[str, str] | None:
    """(METHOD, /path) of an http event, or None when it is not "METHOD /path"."""
    method, _, route = ev.http.strip().partition(" ")
    route = route.strip()
    if method.upper() not in HTTP_METHODS or not route.startswith("/") or " " in route:
        return None
    return method.upper(), route


def check(ctx) -> Iterable[Diagnostic]:
    for bp in ctx.stages.values():
        yield from _declared_routes(ctx, bp)
    yield from per_stage(ctx, _api_quotas, _routes, _api_settings, _practices, _logging, _name)
    yield from rest_paths(ctx)
    yield from _settings(ctx)


# API Gateway takes most characters, but its access log group is /aws/apigateway/<name>: the name
# keeps to what a log group name may hold.
API_NAME = NameRule("API", re.compile(r"[A-Za-z0-9._/#-]+"), "letters, digits and ._/#-", 128)


def _name(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    if bp.api is not None and bp.api.name:
        yield from name_problems(ctx, stage, ("api", "name"), API_NAME, api_name(Names(bp.service, stage), bp.api))


def _declared_routes(ctx, bp) -> Iterable[Diagnostic]:
    """Every http event is "METHOD /path", and no two functions share one."""
    routes: dict[str, tuple] = {}
    for fname, fn in bp.functions.items():
        for i, ev in enumerate(fn.events):
            if not isinstance(ev, HttpEvent):
                continue
            path = ("functions", fname, "events", i)
            route = route_of(ev)
            if route is None:
                yield ctx.diag(
                    "SLS102",
                    path + ("http",),
                    f"'{ev.http[:60]}' is not a route",
                    hint='write "METHOD /path", e.g. "GET /orders/{id}"',
                )
                continue
            key = f"{route[0]} {route[1]}"
            if key in routes:
                yield ctx.diag("SLS202", path + ("http",), f"route '{key}' is already used by function '{routes[key][1]}'")
            else:
                routes[key] = (path, fname)


def _settings(ctx) -> Iterable[Diagnostic]:
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


def route_path_problem(path: str) -> str | None:
    if path == "/":
        return None
    segments = path[1:].split("/")
    for n, segment in enumerate(segments):
        if not _SEGMENT.fullmatch(segment):
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
                continue  # _declared_routes reports it
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
        if not re.fullmatch(r"https://[^\s/]+(/\S*)?", auth.issuer):
            yield ctx.stage_diag(stage, "SLS311", ("api", "authorizers", name, "issuer"),
                                 f"JWT issuer '{auth.issuer[:60]}' must be an https:// URL",
                                 hint="e.g. https://cognito-idp.<region>.amazonaws.com/<user pool id>")


def _logging(ctx, stage, bp) -> Iterable[Diagnostic]:
    """`api.logging`: execution logs (and their data trace and account role) exist on REST APIs only;
    a data trace is written into execution logs; the role sls-gen may create has an IAM name."""
    from generator.checks.names import too_long
    from generator.families.api.plan import account_role_name
    from generator.plan.naming import Names

    if bp.api is None:
        return
    logging = bp.api.logging
    base = ("api", "logging")
    if bp.api.type != "rest":
        for key in ("execution", "data_trace", "account_role"):
            if key in logging.model_fields_set:
                yield ctx.stage_diag(stage, "SLS311", base + (key,), "HTTP APIs have no execution logs",
                                     hint="remove it (HTTP APIs log access only), or use api.type: rest")
        return
    if logging.data_trace and logging.execution == "off":
        yield ctx.stage_diag(
            stage, "SLS311", base + ("data_trace",),
            "data trace writes full requests and responses into execution logs, which are off (execution: off)",
            hint="set execution: info, or remove data_trace",
        )
    role = account_role_name(Names(bp.service, stage))
    if logging.account_role == "create" and len(role) > ROLE_NAME_MAX:
        yield too_long(ctx, stage, base + ("account_role",), "API Gateway CloudWatch role", role, ROLE_NAME_MAX)


def _practices(ctx, stage, bp) -> Iterable[Diagnostic]:
    """Best practices AWS accepts: warnings with codes; `--strict` makes them errors."""
    api_type = bp.api.type if bp.api else "http"
    limit = API_TIMEOUT[api_type]
    for fname, fn in bp.functions.items():
        http = [(i, ev) for i, ev in enumerate(fn.events) if isinstance(ev, HttpEvent)]
        for i, ev in http:
            if ev.auth is None:
                yield ctx.stage_diag(
                    stage, "SLS501", ("functions", fname, "events", i, "http"),
                    f"route '{ev.http}' is public: anyone can call it", severity="warning",
                    hint="add auth: <authorizer>, or auth: none to make a public route explicit",
                )
        timeout = resolved(fn, bp, "timeout")
        if http and timeout > limit:
            where = ("functions", fname, "timeout") if fn.timeout is not None else ("functions", fname)
            yield ctx.stage_diag(
                stage, "SLS502", where,
                f"timeout {timeout} s is above the {api_type.upper()} API limit of {limit} s: "
                "callers get a 504 while the function keeps running",
                severity="warning", hint=f"use timeout: {limit} or less, or move the slow work to a queue",
            )


def event_refs(bp, ev: HttpEvent) -> Iterable[Reference]:
    """A route names its authorizer (none and iam are built in); a malformed route is reported by
    _declared_routes alone."""
    if route_of(ev) is None:
        return
    auth = ev.auth or "none"
    authorizers = set(bp.api.authorizers) if bp.api else set()
    yield ("auth",), "authorizer", auth, authorizers | {"none", "iam"}


def invoke_permissions(bp, names, region: str, fname: str, fn):
    """What this function's routes add to its resource-based policy: one statement for the API
    (families/api/plan.py grants per function, never per route)."""
    from generator.checks.names import arn
    from generator.families.function.checks import Permission

    if any(isinstance(ev, HttpEvent) for ev in fn.events):
        yield Permission("AllowApiGateway", "apigateway.amazonaws.com",
                         arn("execute-api", region, "abcdefghij/*/*/*"), False, "API")


def event_env_lengths(bp, names, ev: HttpEvent) -> dict[str, int]:
    """The variables a route adds to its function (families/api/plan.py cors_environment), with
    their length (counted in the function's 4 KB environment, SLS303)."""
    from generator.families.api.plan import cors_environment

    return {key: len(value) for key, value in cors_environment(bp.api).items()}
