"""`edge:` a CloudFront distribution in front of the API and/or buckets, with CloudFront Functions
and Lambda@Edge functions on its behaviors."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, field_validator

from generator.model.common import Name, Strict

VIEWER_EVENTS = ("viewer-request", "viewer-response")
LAMBDA_EVENTS = ("viewer-request", "origin-request", "origin-response", "viewer-response")
# An ACM certificate CloudFront can use lives in us-east-1, whatever the stage's region.
CERTIFICATE_PATTERN = r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+$"
WAF_PATTERN = r"^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:[a-z]+/webacl/[A-Za-z0-9_-]+/[A-Za-z0-9-]+$"
PATH_PATTERN = r"^/?[A-Za-z0-9_\-.*$/~\"'@:+?&=]+$"  # CloudFront path patterns: these characters, * and ? wildcards


class BucketOrigin(Strict):
    bucket: Name = Field(description="a bucket of this blueprint (read through origin access control)")
    path: str | None = Field(None, pattern=r"^/[A-Za-z0-9_.~/-]*[A-Za-z0-9_.~-]$", max_length=255,
                             description="folder inside the bucket CloudFront reads from (origin_path)")


class ApiOrigin(Strict):
    api: Literal[True] = Field(description="the blueprint's HTTP or REST API (a REST API's stage is the origin path)")


def _origin_kind(value: Any) -> str | None:
    keys = [k for k in ("bucket", "api") if (k in value if isinstance(value, dict) else hasattr(value, k))]
    return keys[0] if len(keys) == 1 else None


Origin = Annotated[
    Union[Annotated[BucketOrigin, Tag("bucket")], Annotated[ApiOrigin, Tag("api")]],
    Discriminator(_origin_kind),
]


class Behavior(Strict):
    path: str = Field(min_length=1, max_length=255, pattern=PATH_PATTERN,
                      description="path pattern this behavior serves, e.g. /api/*")
    origin: Name = Field(description="an origin of `edge.origins`")
    cache: Literal["optimized", "disabled"] | None = Field(
        None, description="managed cache policy: optimized (CachingOptimized) or disabled (CachingDisabled, all "
        "viewer headers but Host forwarded); default optimized for buckets, disabled for the API")
    methods: Literal["read", "all"] | None = Field(
        None, description="allowed methods: read (GET, HEAD, OPTIONS) or all; default read for buckets, all for the API")
    functions: "list[EdgeFunction] | None" = Field(
        None, description="CloudFront Functions and Lambda@Edge of this path, instead of edge.functions ([]: none)")


class Domain(Strict):
    name: str = Field(min_length=4, max_length=253, pattern=r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
                      description="the alternate domain name (CNAME) viewers use")
    certificate: str = Field(pattern=CERTIFICATE_PATTERN,
                             description="ACM certificate ARN in us-east-1 covering the name")
    zone: str | None = Field(None, pattern=r"^Z[A-Z0-9]{1,31}$",
                             description="Route 53 hosted zone id: an alias A/AAAA record for the name is created")


class Logging(Strict):
    bucket: str = Field(min_length=3, max_length=63, pattern=r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$",
                        description="physical name of an existing bucket with ACLs enabled (CloudFront standard logs)")
    prefix: str | None = Field(None, max_length=256, pattern=r"^[A-Za-z0-9_.!*'()/-]+$",
                               description="key prefix of the log files")
    cookies: bool = Field(False, description="include cookies in the logs")


class CloudFrontFunction(Strict):
    event: Literal["viewer-request", "viewer-response"] = Field(description="viewer-request or viewer-response")
    cloudfront_function: str = Field(min_length=1, max_length=1024, pattern=r"^[A-Za-z0-9_.][A-Za-z0-9_./-]*$",
                                     description="JavaScript file (cloudfront-js-2.0), relative to the blueprint")


class EdgeLambda(Strict):
    event: Literal["viewer-request", "origin-request", "origin-response", "viewer-response"] = Field(
        description="the CloudFront event that invokes the function")
    function: Name = Field(description="a blueprint function: deployed in us-east-1 as Lambda@Edge")
    include_body: bool = Field(False, description="expose the request body to the function (request events)")


def _function_kind(value: Any) -> str | None:
    keys = [k for k in ("cloudfront_function", "function") if (k in value if isinstance(value, dict) else hasattr(value, k))]
    return keys[0] if len(keys) == 1 else None


EdgeFunction = Annotated[
    Union[Annotated[CloudFrontFunction, Tag("cloudfront_function")], Annotated[EdgeLambda, Tag("function")]],
    Discriminator(_function_kind),
]


Behavior.model_rebuild()


class Edge(Strict):
    origins: dict[Name, Origin] = Field(min_length=1, description="origins by name: {bucket: NAME} or {api: true}")
    default_origin: Name | None = Field(None, description="origin of the default behavior (default: the only origin)")
    behaviors: list[Behavior] = Field(default_factory=list, description="path patterns served by another origin, "
                                      "in order of precedence")
    root_object: str | None = Field(None, max_length=255, pattern=r"^[A-Za-z0-9_.~-][A-Za-z0-9_.~/-]*$",
                                    description="object returned for / (default index.html when the default origin "
                                    "is a bucket)")
    price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = Field(
        "PriceClass_100", description="edge locations used (PriceClass_100: North America and Europe)")
    domain: Domain | None = Field(None, description="an alternate domain name with its us-east-1 ACM certificate")
    logging: Logging | None = Field(None, description="CloudFront standard access logs to an existing bucket")
    waf: str | None = Field(None, pattern=WAF_PATTERN,
                            description="WAFv2 web ACL ARN (scope CLOUDFRONT: created in us-east-1)")
    functions: list[EdgeFunction] = Field(default_factory=list,
                                          description="CloudFront Functions and Lambda@Edge on the default behavior "
                                          "and every behavior without its own `functions`")

    @field_validator("behaviors", "functions", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


def function_entries(edge) -> list[tuple[tuple, Any]]:
    """Every function entry once, with its blueprint path: edge.functions, then each behavior's own."""
    out = [(("edge", "functions", i), f) for i, f in enumerate(edge.functions)]
    for j, b in enumerate(edge.behaviors):
        out += [(("edge", "behaviors", j, "functions", i), f) for i, f in enumerate(b.functions or ())]
    return out


def behavior_functions(edge) -> list[list[tuple[tuple, Any]]]:
    """The (path, entry) pairs that run on the default behavior, then on each behavior in order."""
    inherited = [(("edge", "functions", i), f) for i, f in enumerate(edge.functions)]
    sets = [inherited]
    for j, b in enumerate(edge.behaviors):
        sets.append(inherited if b.functions is None else
                    [(("edge", "behaviors", j, "functions", i), f) for i, f in enumerate(b.functions)])
    return sets


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (Edge | None, None)
# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.edge": ("a CloudFront distribution in front of the API and/or buckets",
                       {"origins": {"site": {"bucket": "site"}, "api": {"api": True}}, "default_origin": "site",
                        "behaviors": [{"path": "/api/*", "origin": "api", "cache": "disabled"}]}),
    "Edge.origins": (None, {"site": {"bucket": "site"}, "api": {"api": True}}),
    "Edge.default_origin": (None, "site"),
    "Edge.behaviors": (None, [{"path": "/api/*", "origin": "api", "cache": "disabled"}]),
    "Edge.root_object": (None, "index.html"),
    "Edge.price_class": (None, "PriceClass_100"),
    "Edge.domain": (None, {"name": "www.example.com", "certificate":
                           "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"}),
    "Edge.logging": (None, {"bucket": "acme-cloudfront-logs", "prefix": "shop/"}),
    "Edge.waf": (None, "arn:aws:wafv2:us-east-1:123456789012:global/webacl/shop/0a1b2c3d-4e5f-6789-abcd-ef0123456789"),
    "Behavior.functions": (None, [{"event": "viewer-request", "cloudfront_function": "edge/api-headers.js"}]),
    "Edge.functions": (None, [{"event": "viewer-request", "cloudfront_function": "edge/rewrite.js"},
                              {"event": "origin-request", "function": "edge-auth"}]),
    "BucketOrigin.bucket": (None, "site"),
    "BucketOrigin.path": (None, "/public"),
    "ApiOrigin.api": (None, True),
    "Behavior.path": (None, "/api/*"),
    "Behavior.origin": (None, "api"),
    "Behavior.cache": (None, "disabled"),
    "Behavior.methods": (None, "all"),
    "Domain.name": (None, "www.example.com"),
    "Domain.certificate": (None, "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"),
    "Domain.zone": (None, "Z0123456789ABCDEFGHIJ"),
    "Logging.bucket": (None, "acme-cloudfront-logs"),
    "Logging.prefix": (None, "shop/"),
    "Logging.cookies": (None, False),
    "CloudFrontFunction.event": (None, "viewer-request"),
    "CloudFrontFunction.cloudfront_function": (None, "edge/rewrite.js"),
    "EdgeLambda.event": (None, "origin-request"),
    "EdgeLambda.function": (None, "edge-auth"),
    "EdgeLambda.include_body": (None, False),
}
