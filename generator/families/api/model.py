"""The API (HTTP or REST) and the `http` event that adds a route."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.model.common import Int, Name, Strict

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


class Api(Strict):
    type: Literal["http", "rest"] = "http"
    cors: Cors | None = None
    throttling: Throttling | None = None
    authorizers: dict[Name, Authorizer] = Field(default_factory=dict)
    cache: ApiCache | None = None


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (Api | None, None)
EVENT = HttpEvent
