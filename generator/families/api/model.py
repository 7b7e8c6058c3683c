"""The API (HTTP or REST) and the `http` event that adds a route."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.model.common import Int, Name, PhysicalName, Strict, Tags

class HttpEvent(Strict):
    http: str = Field(description='"METHOD /path" (ANY allowed)', examples=["POST /orders"])
    auth: str | None = Field(None, description="an authorizer name, `iam`, or `none` (default none)")
    cache: bool | None = Field(None, description="REST APIs with api.cache: `false` opts this GET route out")


class Cors(Strict):
    origins: list[str] = Field(default_factory=lambda: ["*"], min_length=1)
    methods: list[str] = Field(default_factory=lambda: ["*"])
    headers: list[str] = Field(default_factory=lambda: ["content-type", "authorization"])
    allow_credentials: bool = False
    max_age: Int = Field(300, ge=0, le=86400)


class Throttling(Strict):
    rate: float = Field(gt=0, description="steady-state requests per second")
    burst: Int = Field(ge=0, description="burst capacity")


class Authorizer(Strict):
    type: Literal["jwt"] = "jwt"
    issuer: str
    audience: list[str] = Field(min_length=1)
    identity_source: str = "$request.header.Authorization"


class ApiCache(Strict):
    size_gb: Literal[0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237] = Field(0.5, description="cache cluster size")
    ttl: Int = Field(300, ge=0, le=3600, description="seconds")


class ApiLogging(Strict):
    access: bool = True
    execution: Literal["off", "error", "info"] = "off"
    data_trace: bool = False
    metrics: bool = True
    account_role: Literal["create", "existing"] = "existing"


class Api(Strict):
    name: PhysicalName | None = Field(None, description="API name (default {service}-{stage}-api)")
    tags: Tags = Field(default_factory=dict, description="tags of the API, over the service's")
    type: Literal["http", "rest"] = "http"
    cors: Cors | None = None
    throttling: Throttling | None = None
    authorizers: dict[Name, Authorizer] = Field(default_factory=dict)
    cache: ApiCache | None = None
    logging: ApiLogging = Field(default_factory=ApiLogging)


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (Api | None, None)
EVENT = HttpEvent
# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.api": ("the service's API Gateway API (routes come from http events)", {"type": "http"}),
    "Api.name": (None, "orders-{stage}"),
    "Api.tags": (None, {"owner": "orders"}),
    "Api.type": ("http (API Gateway v2, default) or rest (v1)", "http"),
    "Api.cors": ("CORS settings; omit for no CORS", {"origins": ["https://example.com"]}),
    "Api.throttling": ("stage-wide throttling", {"rate": 100, "burst": 200}),
    "Api.authorizers": ("named JWT authorizers routes refer to with auth:", {"cognito": {"issuer": "https://issuer.example.com", "audience": ["api"]}}),
    "Api.cache": ("REST API cache cluster", {"size_gb": 0.5, "ttl": 300}),
    "Api.logging": ("access logs, execution logs (REST), metrics", {"execution": "error", "account_role": "create"}),
    "ApiLogging.access": ("access logs to the API's own log group (default true)", True),
    "ApiLogging.execution": (
        "REST execution logging: off (default), error or info; needs the account's API Gateway CloudWatch role",
        "error",
    ),
    "ApiLogging.data_trace": ("REST: log full requests and responses in execution logs (default false)", False),
    "ApiLogging.metrics": ("detailed CloudWatch metrics per method or route (default true)", True),
    "ApiLogging.account_role": (
        "REST: create the account's API Gateway CloudWatch role (one per account and region) or use the existing one "
        "(default)",
        "existing",
    ),
    "ApiCache.size_gb": (None, 0.5),
    "ApiCache.ttl": (None, 300),
    "Authorizer.type": ("authorizer type (only jwt)", "jwt"),
    "Authorizer.issuer": ("JWT issuer URL", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"),
    "Authorizer.audience": ("accepted audiences (client ids)", ["my-client-id"]),
    "Authorizer.identity_source": ("where the token is read from", "$request.header.Authorization"),
    "Cors.origins": ("allowed origins", ["https://example.com"]),
    "Cors.methods": ("allowed methods", ["GET", "POST"]),
    "Cors.headers": ("allowed request headers", ["content-type", "authorization"]),
    "Cors.allow_credentials": ("allow cookies and credentials", False),
    "Cors.max_age": ("preflight cache seconds (0-86400)", 300),
    "HttpEvent.auth": (None, "cognito"),
    "HttpEvent.cache": (None, False),
    "Throttling.rate": (None, 100),
    "Throttling.burst": (None, 200),
    "HttpEvent.http": (None, "POST /orders"),
}
