"""REST API (API Gateway v1) plan: the resource tree, methods and caching from the routes.

The HTTP API needs no more than ApiPlan; a REST API also needs one aws_api_gateway_resource per
path segment, which is derived here so the template only loops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from generator.emit.hcl import Raw
from generator.plan.naming import tf_id
from generator.plan.security import rest_method_skips, rest_stage_skips

REST_API = "aws_api_gateway_rest_api.api"
_PARAM = re.compile(r"^\{([A-Za-z0-9._-]+)(\+?)\}$")


@dataclass(frozen=True)
class RestResource:
    tf: str
    path: str  # full path, e.g. /orders/{id}
    path_part: str
    parent_id: Raw  # HCL expression of the parent's id


@dataclass(frozen=True)
class RestMethod:
    route: HttpRoute
    tf: str
    resource_id: Raw
    authorization: str  # NONE | AWS_IAM
    path_params: tuple[str, ...]  # method.request.path.<name>, the cache keys of a cached route
    cached: bool
    method_path: str  # method settings key: `/` encoded as `~1`, e.g. ~1orders~1{id}/GET
    skips: tuple[tuple[str, str], ...] = ()  # checkov (check id, reason)


@dataclass(frozen=True)
class CorsMethod:
    tf: str
    resource_id: Raw


CORS_SKIPS = (
    ("CKV2_AWS_53", "CORS preflight mock integration has no input"),
    ("CKV_AWS_59", "CORS preflight requests carry no credentials"),
)


@dataclass(frozen=True)
class RestPlan:
    resources: tuple[RestResource, ...]
    methods: tuple[RestMethod, ...]
    cors: tuple[CorsMethod, ...]
    stage_name: str
    cache_size: str | None  # "0.5", "1.6", ...
    cache_ttl: int
    redeploy: tuple[str, ...]  # addresses whose change needs a new deployment
    cors_origin: str = ""  # CORS preflight header values, single-quoted as API Gateway wants them
    cors_methods: str = ""
    cors_headers: str = ""
    stage_skips: tuple[tuple[str, str], ...] = ()  # checkov skips: plan/security.py
    settings_skips: tuple[tuple[str, str], ...] = ()
    cors_skips: tuple[tuple[str, str], ...] = CORS_SKIPS

    @property
    def cached_methods(self) -> tuple[RestMethod, ...]:
        return tuple(m for m in self.methods if m.cached)


def resource_tf(path: str) -> str:
    """`/orders/{id}` -> `orders_id`; `/legacy/{proxy+}` -> `legacy_proxy`."""
    return tf_id(*[w for w in re.split(r"[^A-Za-z0-9]+", path) if w])


def segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def resource_id(path: str) -> Raw:
    if not segments(path):
        return Raw(f"{REST_API}.root_resource_id")
    return Raw(f"aws_api_gateway_resource.{resource_tf(path)}.id")


def rest_plan(api, stage: str):
    """ApiPlan for `type: rest`: the resource tree, methods, CORS preflights and caching."""
    resources: dict[str, RestResource] = {}
    for r in api.routes:
        parts = segments(r.path)
        for depth in range(1, len(parts) + 1):
            path = "/" + "/".join(parts[:depth])
            if path not in resources:
                parent = "/" + "/".join(parts[: depth - 1])
                resources[path] = RestResource(resource_tf(path), path, parts[depth - 1], resource_id(parent))
    methods = []
    for r in api.routes:
        params = tuple(m.group(1) for s in segments(r.path) if (m := _PARAM.match(s)))
        authorization = "AWS_IAM" if r.auth == "iam" else "NONE"
        methods.append(
            RestMethod(
                route=r,
                tf=r.tf,
                resource_id=resource_id(r.path),
                authorization=authorization,
                skips=rest_method_skips(authorization),
                path_params=tuple(f"method.request.path.{p}" for p in params),
                cached=bool(api.cache) and r.method == "GET" and r.cache,
                method_path=("~1" + "~1".join(segments(r.path)) if segments(r.path) else "~1") + "/" + r.method,
            )
        )
    cors = ()
    if api.cors:
        paths = sorted({r.path for r in api.routes})
        cors = tuple(CorsMethod(tf_id("cors", resource_tf(p) if segments(p) else "root"), resource_id(p)) for p in paths)
    redeploy = [f"aws_api_gateway_resource.{res.tf}" for res in sorted(resources.values(), key=lambda x: x.tf)]
    for m in methods:
        redeploy += [f"aws_api_gateway_method.{m.tf}", f"aws_api_gateway_integration.{m.tf}"]
    for c in cors:
        redeploy += [
            f"aws_api_gateway_{kind}.{c.tf}"
            for kind in ("method", "integration", "method_response", "integration_response")
        ]
    rest = RestPlan(
        resources=tuple(sorted(resources.values(), key=lambda x: x.path)),
        methods=tuple(methods),
        cors=cors,
        stage_name=stage,
        cache_size=_size(api.cache.size_gb) if api.cache else None,
        cache_ttl=api.cache.ttl if api.cache else 0,
        redeploy=tuple(redeploy),
        stage_skips=rest_stage_skips(bool(api.cache)),
        settings_skips=(
            ("CKV_AWS_225", "caching is turned on per cached GET route, never for writes")
            if api.cache
            else ("CKV_AWS_225", "no api.cache in the blueprint (cache cluster cost; dynamic responses)"),
        ),
        **(_cors_headers(api.cors) if api.cors else {}),
    )
    return replace(api, rest=rest)


def _size(gb: float) -> str:
    return str(int(gb)) if float(gb).is_integer() else str(gb)


def _cors_headers(cors) -> dict[str, str]:
    methods = sorted({m.upper() for m in cors.methods} | {"OPTIONS"}) if "*" not in cors.methods else ["*"]
    return {
        "cors_origin": f"'{cors.origins[0]}'",
        "cors_methods": "'" + ",".join(methods) + "'",
        "cors_headers": "'" + ",".join(cors.headers) + "'",
    }
