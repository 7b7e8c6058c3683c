"""Plan the API: HTTP API (API Gateway v2) or REST API (v1, generator/families/api/rest.py), its routes
from `http` events, JWT authorizers, CORS, throttling and caching."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.emit.hcl import Raw
from generator.families.api.model import HttpEvent
from generator.families.api.rest import rest_plan
from generator.families.function.settings import DEFAULTS
from generator.plan.context import Access, PlanContext
from generator.plan.evolution import derive
from generator.plan.model import Export, Named
from generator.plan.naming import route_id, tf_id
from generator.families.api.model import ApiLogging
from generator.plan.naming import Names
from generator.plan.placeholders import concat, hcl_value
from generator.plan.security import http_route_skips, http_stage_skips, log_group_skips
from generator.plan.views import Edge, Node, Trigger, node_id

SIGV4_HEADERS = ("x-amz-date", "x-amz-security-token", "x-amz-content-sha256")
CORS_ORIGIN_VAR, CORS_CREDENTIALS_VAR = "CORS_ALLOW_ORIGIN", "CORS_ALLOW_CREDENTIALS"
EXECUTION_ARN = {"http": "aws_apigatewayv2_api.api.execution_arn", "rest": "aws_api_gateway_rest_api.api.execution_arn"}


@dataclass(frozen=True)
class HttpRoute:
    tf: str
    route_key: str
    method: str
    path: str
    function: Any  # FunctionPlan
    auth: str  # "none" | "iam" | authorizer name
    authorizer_tf: str | None
    cache: bool = True
    skips: tuple[tuple[str, str], ...] = ()  # checkov (check id, reason): plan/security.py
    event_path: tuple = ()  # the `http` event it comes from


@dataclass(frozen=True)
class ApiPermission:
    """API Gateway may invoke one function: one statement in its resource-based policy, whatever
    the number of its routes (docs/decisions/api-permissions.md)."""

    tf: str
    function: Any  # FunctionPlan
    source_arn: Any  # HCL expression: the API's execution ARN, any stage, method and path

    statement_id = "AllowApiGateway"


def permissions(functions, execution_arn: str) -> tuple[ApiPermission, ...]:
    """One invoke permission per function behind the API, scoped to the API with a wildcard for
    stage, method and path (`<execution arn>/<stage>/<METHOD>/<path>`)."""
    return tuple(
        ApiPermission(tf=tf_id("api", fn.tf), function=fn, source_arn=Raw(f'"${{{execution_arn}}}/*/*/*"'))
        for fn in functions
    )


@dataclass(frozen=True)
class Authorizer:
    tf: str
    name: str
    issuer: str
    audience: tuple[str, ...]
    identity_source: str


@dataclass(frozen=True)
class ApiPlan:
    type: str  # http | rest
    tf: str
    name: Any  # str, or an HCL template when `api.name` holds {region}/{account}
    routes: tuple[HttpRoute, ...]
    authorizers: tuple[Authorizer, ...]
    cors: Any  # families.api.model.Cors | None
    throttling: Any  # Throttling | None
    cache: Any  # ApiCache | None
    integrations: tuple[Any, ...]  # FunctionPlans with at least one route
    permissions: tuple[ApiPermission, ...]  # one per function in integrations
    log_group: str
    log_retention_days: int
    rest: Any = None  # families.api.rest.RestPlan when type == "rest"
    log_skips: tuple[tuple[str, str], ...] = ()  # checkov skips of the access log group
    logging: ApiLogging = field(default_factory=ApiLogging)  # api.logging as merged for the stage
    account_role: str | None = None  # name of the API Gateway CloudWatch role sls-gen creates, if any
    stage_skips: tuple[tuple[str, str], ...] = ()  # checkov skips of the HTTP API stage
    where: tuple = ()  # `api:`, or the first route when the blueprint has no `api:` section
    tags: tuple[tuple[str, str], ...] = ()

    def terraform_files(self) -> list[tuple[str, str]]:
        return [("api.tf", f"api_{self.type}.tf.j2")]

    def exports(self) -> list[Export]:
        """The URL clients call (v1's `api_url` output already carries it), its id and execution ARN."""
        ref = "aws_apigatewayv2_api.api" if self.type == "http" else "aws_api_gateway_rest_api.api"
        url = "aws_apigatewayv2_stage.default.invoke_url" if self.type == "http" else "aws_api_gateway_stage.api.invoke_url"
        return [Export("api", None, "url", Raw(url), new_output=False), Export("api", None, "id", Raw(f"{ref}.id")),
                Export("api", None, "execution_arn", Raw(f"{ref}.execution_arn"))]

    @property
    def title(self) -> str:
        return "HTTP API" if self.type == "http" else "REST API"

    def graph(self, plan) -> tuple[list[Node], list[Edge]]:
        nodes, edges = [], []
        for r in self.routes:
            rid = node_id("api", r.route_key)
            nodes.append(Node(rid, "route", self.title, r.route_key, _auth(r), facts=(("auth", _auth(r)),), rank=0))
            edges.append(Edge(rid, node_id("function", r.function.name), "invoke"))
        return nodes, edges

    def invocations(self, plan) -> list[Trigger]:
        api = [f"{self.title}"]
        if self.throttling:
            api.append(f"throttled at {self.throttling.rate:g} requests/s, bursts of {self.throttling.burst}")
        out = []
        for r in self.routes:
            settings = [_auth(r), *api]
            if self.rest and any(m.cached and m.tf == r.tf for m in self.rest.methods):
                settings.append(f"cached {self.rest.cache_ttl} s")
            out.append(Trigger(r.function.name, "http", r.route_key, "; ".join(settings),
                               "synchronous: the caller gets the error, nothing is retried", r.event_path))
        return out

    def scaffold_hints(self) -> list[tuple[str, dict]]:
        """(function tf id, template variables): an HTTP scaffold answers its (last) route; a REST
        API's handlers get the Lambda proxy payload 1.0 and answer with the CORS headers
        (families/api/scaffolds/)."""
        hints = [(r.function.tf, {"sample_route": r.route_key}) for r in self.routes]  # the last route wins
        return hints + [(fn.tf, {"api_type": self.type}) for fn in self.integrations]

    def named(self) -> list[Named]:
        first: dict[str, tuple] = {}  # each function's first route: where its integration and permission come from
        for r in self.routes:
            first.setdefault(r.function.name, r.event_path)
        out = []
        if self.logging.access:
            out.append(Named("aws_cloudwatch_log_group.api_access", self.log_group, self.where))
        out += [derive("aws_lambda_permission", ("api", ("function", p.function.name)), p.statement_id,
                       first.get(p.function.name, self.where), scope=p.function.physical,
                       owner=("function", p.function.name)) for p in self.permissions]
        if self.rest is not None:
            return out + self.rest.named(self)
        out += [
            Named("aws_apigatewayv2_api.api", None, self.where),  # API names need not be unique
            Named("aws_apigatewayv2_stage.default", None, self.where),
        ]
        out += [Named(f"aws_apigatewayv2_authorizer.{a.tf}", a.name, ("api", "authorizers", a.name), f"{self.name} authorizers")
                for a in self.authorizers]
        out += [derive("aws_apigatewayv2_integration", (("function", fn.name),), None, first.get(fn.name, self.where),
                       owner=("function", fn.name)) for fn in self.integrations]
        out += [Named(f"aws_apigatewayv2_route.{r.tf}", r.route_key, r.event_path, f"{self.name} routes") for r in self.routes]
        return out


def _auth(route: HttpRoute) -> str:
    return {"none": "public (no auth)", "iam": "IAM (SigV4)"}.get(route.auth, f"JWT authorizer {route.auth}")
def api_name(names: Names, api) -> str:
    """The API's name as a template: `api.name` (placeholders apply) or {service}-{stage}-api."""
    return names.template(api.name) if api is not None and api.name else names.physical("api")


def has_api(bp) -> bool:
    return bp.api is not None or any(isinstance(ev, HttpEvent) for fn in bp.functions.values() for ev in fn.events)


def attributes(bp, names: Names, name: str | None) -> dict[str, Any]:
    """What `${api:<attr>}` may read (generator/plan/refs.py): the URL clients call and the
    stage-agnostic execute-api ARN (grants append /<stage>/<method>/<path>). Built from the API
    itself, never from its stage or integrations, so a function may read them without a cycle."""
    if not has_api(bp):
        return {}
    if bp.api is not None and bp.api.type == "rest":
        ref = "aws_api_gateway_rest_api.api"
        url = Raw(f'"https://${{{ref}.id}}.execute-api.${{local.region}}.${{data.aws_partition.current.dns_suffix}}/{names.stage}"')
        return {"url": url, "execution_arn": Raw(f"{ref}.execution_arn"), "id": Raw(f"{ref}.id")}
    ref = "aws_apigatewayv2_api.api"  # the $default stage: the API's endpoint is its URL
    return {"url": Raw(f"{ref}.api_endpoint"), "execution_arn": Raw(f"{ref}.execution_arn"), "id": Raw(f"{ref}.id")}


def _cors(cors, routes):
    """The API's CORS settings; a browser signs `auth: iam` calls (SigV4), so unless the blueprint lists
    its own `headers`, the preflight also admits the signature headers those calls carry."""
    if "headers" in cors.model_fields_set or not any(r.auth == "iam" for r in routes):
        return cors
    return cors.model_copy(update={"headers": [*cors.headers, *SIGV4_HEADERS]})


def cors_environment(api) -> dict[str, str]:
    """What a handler behind a REST API with CORS reads to answer with the CORS headers itself: a
    Lambda proxy integration passes the function's response through, so API Gateway adds nothing.
    (An HTTP API adds them to every response: its handlers need nothing.)"""
    if api is None or api.type != "rest" or api.cors is None:
        return {}
    env = {CORS_ORIGIN_VAR: api.cors.origins[0]}
    if api.cors.allow_credentials:
        env[CORS_CREDENTIALS_VAR] = "true"
    return env


def event(ev, ctx: PlanContext, function: str) -> Access:
    return Access(env=cors_environment(ctx.bp.api))


def plan(ctx: PlanContext) -> ApiPlan | None:
    bp, functions = ctx.bp, ctx.functions
    routes = []
    for fname in sorted(bp.functions):
        for i, ev in enumerate(bp.functions[fname].events):
            if not isinstance(ev, HttpEvent):
                continue
            method, _, path = ev.http.strip().partition(" ")
            method, path = method.upper(), path.strip()
            auth = ev.auth or "none"
            routes.append(
                HttpRoute(
                    tf=route_id(f"{method} {path}"),
                    route_key=f"{method} {path}",
                    method=method,
                    path=path,
                    function=functions[fname],
                    auth=auth,
                    authorizer_tf=tf_id(auth) if auth not in ("none", "iam") else None,
                    cache=ev.cache is not False,
                    skips=http_route_skips(auth),
                    event_path=("functions", fname, "events", i),
                )
            )
    if not routes and bp.api is None:
        return None
    api = bp.api
    log_retention = (bp.defaults.logs.retention_days if bp.defaults.logs else None) or DEFAULTS["retention_days"]
    logging = api.logging if api else ApiLogging()
    routes.sort(key=lambda r: (r.path, r.method))
    api_type = api.type if api else "http"
    integrations = tuple(functions[n] for n in sorted({r.function.name for r in routes}))
    authorizers = tuple(
        Authorizer(tf_id(n), n, a.issuer, tuple(a.audience), a.identity_source)
        for n, a in sorted((api.authorizers if api else {}).items())
    )
    plan = ApiPlan(
        type=api_type,
        tf="api",
        name=hcl_value(api_name(ctx.names, api)),
        routes=tuple(routes),
        authorizers=authorizers,
        cors=_cors(api.cors, routes) if api and api.cors else None,
        throttling=api.throttling if api else None,
        cache=api.cache if api else None,
        integrations=integrations,
        permissions=permissions(integrations, EXECUTION_ARN[api_type]),
        log_group=concat("/aws/apigateway/", hcl_value(api_name(ctx.names, api))),
        log_retention_days=log_retention,
        log_skips=log_group_skips(retention_days=log_retention, kms=bool(ctx.kms), key="defaults.logs.retention_days"),
        logging=logging,
        account_role=account_role_name(ctx.names) if api_type == "rest" and logging.account_role == "create" else None,
        stage_skips=http_stage_skips(logging),
        where=("api",) if api else min((r.event_path for r in routes), default=()),
        tags=tuple(sorted(api.tags.items())) if api else (),
    )
    return rest_plan(plan, ctx.stage) if plan.type == "rest" else plan


def account_role_name(names: Names) -> str:
    """The account's API Gateway CloudWatch role when `api.logging.account_role: create`."""
    return names.physical("api-gateway-logs")
