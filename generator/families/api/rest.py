"""REST API (API Gateway v1) plan: the resource tree, methods and caching from the routes.

The HTTP API needs no more than ApiPlan; a REST API also needs one aws_api_gateway_resource per
path segment, which is derived here so the template only loops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from generator.emit.hcl import Raw
from generator.plan.naming import tf_id
from generator.plan.security import rest_method_skips, rest_settings_skips, rest_stage_skips

REST_API = "aws_api_gateway_rest_api.api"
_PARAM = re.compile(r"\{([A-Za-z0-9._-]+)(\+?)\}")


@dataclass(frozen=True)
class RestResource:
    tf: str
    path: str  # full path, e.g. /orders/{id}
    path_part: str
    parent_id: Raw  # HCL expression of the parent's id
    where: tuple = ()  # the first route below it, in the blueprint


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
    cors_max_age: str = ""
    cors_credentials: str = ""  # "'true'" with allow_credentials, else no header
    # (terraform id, DEFAULT_4XX | DEFAULT_5XX): API Gateway's own answers carry the CORS headers too
    gateway_responses: tuple[tuple[str, str], ...] = ()
    logging_level: str = "OFF"  # method settings: OFF | ERROR | INFO (api.logging.execution)
    stage_skips: tuple[tuple[str, str], ...] = ()  # checkov skips: plan/security.py
    settings_skips: tuple[tuple[str, str], ...] = ()
    cors_skips: tuple[tuple[str, str], ...] = CORS_SKIPS

    @property
    def cached_methods(self) -> tuple[RestMethod, ...]:
        return tuple(m for m in self.methods if m.cached)

    @property
    def cors_parameters(self) -> tuple[tuple[str, str], ...]:
        """(header, single-quoted value) of every CORS header, sorted: the preflight's method and
        integration responses and the gateway responses send the same set."""
        headers = {
            "Access-Control-Allow-Headers": self.cors_headers,
            "Access-Control-Allow-Methods": self.cors_methods,
            "Access-Control-Allow-Origin": self.cors_origin,
            "Access-Control-Allow-Credentials": self.cors_credentials,
        }
        return tuple(sorted((k, v) for k, v in headers.items() if v))

    @property
    def preflight_parameters(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(self.cors_parameters + (("Access-Control-Max-Age", self.cors_max_age),)))

    def named(self, api) -> list:
        """What ApiPlan.named() lists for a REST API beside its log group and permissions."""
        from generator.plan.model import Named

        out = [Named(f"aws_api_gateway_{kind}.{tf}", None, api.where)
               for kind, tf in (("rest_api", "api"), ("deployment", "api"), ("stage", "api"), ("method_settings", "all"))]
        if api.account_role:
            where = ("api", "logging", "account_role")
            out += [
                Named("aws_iam_role.api_gateway_cloudwatch", api.account_role, where),
                Named("aws_iam_role_policy_attachment.api_gateway_cloudwatch", None, where),
                Named("aws_api_gateway_account.api", None, where),
            ]
        out += [Named(f"aws_api_gateway_resource.{res.tf}", None, res.where) for res in self.resources]
        for m in self.methods:
            out += [
                Named(f"aws_api_gateway_method.{m.tf}", None, m.route.event_path),
                Named(f"aws_api_gateway_integration.{m.tf}", None, m.route.event_path),
            ]
            if m.cached:
                out.append(Named(f"aws_api_gateway_method_settings.cache_{m.tf}", None, m.route.event_path))
        for c in self.cors:
            out += [Named(f"aws_api_gateway_{kind}.{c.tf}", None, ("api", "cors"))
                    for kind in ("method", "integration", "method_response", "integration_response")]
        out += [Named(f"aws_api_gateway_gateway_response.{tf}", None, ("api", "cors")) for tf, _ in self.gateway_responses]
        return out


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
                resources[path] = RestResource(resource_tf(path), path, parts[depth - 1], resource_id(parent), r.event_path)
    methods = []
    for r in api.routes:
        params = tuple(m.group(1) for s in segments(r.path) if (m := _PARAM.fullmatch(s)))
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
    gateway_responses = tuple((gateway_response_tf(t), t) for t in ("DEFAULT_4XX", "DEFAULT_5XX")) if api.cors else ()
    redeploy += [f"aws_api_gateway_gateway_response.{tf}" for tf, _ in gateway_responses]
    rest = RestPlan(
        resources=tuple(sorted(resources.values(), key=lambda x: x.path)),
        methods=tuple(methods),
        cors=cors,
        stage_name=stage,
        cache_size=_size(api.cache.size_gb) if api.cache else None,
        cache_ttl=api.cache.ttl if api.cache else 0,
        redeploy=tuple(redeploy),
        gateway_responses=gateway_responses,
        logging_level=api.logging.execution.upper(),
        stage_skips=rest_stage_skips(bool(api.cache), api.logging),
        settings_skips=rest_settings_skips(bool(api.cache), api.logging),
        **(_cors_headers(api.cors) if api.cors else {}),
    )
    return replace(api, rest=rest)


def _size(gb: float) -> str:
    return str(int(gb)) if float(gb).is_integer() else str(gb)


def gateway_response_tf(response_type: str) -> str:
    """`DEFAULT_4XX` -> `cors_default_4xx`."""
    return tf_id("cors", response_type)


def _cors_headers(cors) -> dict[str, str]:
    methods = sorted({m.upper() for m in cors.methods} | {"OPTIONS"}) if "*" not in cors.methods else ["*"]
    return {
        "cors_origin": f"'{cors.origins[0]}'",
        "cors_methods": "'" + ",".join(methods) + "'",
        "cors_headers": "'" + ",".join(cors.headers) + "'",
        "cors_max_age": f"'{cors.max_age}'",
        "cors_credentials": "'true'" if cors.allow_credentials else "",
    }
