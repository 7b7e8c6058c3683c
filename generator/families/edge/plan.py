"""Plan `edge:`: one CloudFront distribution (origins, behaviors with managed cache policies, origin
access control for buckets, CloudFront Functions, Lambda@Edge), the us-east-1 provider alias that
Lambda@Edge functions and CloudFront's alarms need, and what the bucket policies admit.

CloudFront is global, but everything around it that is regional lives in us-east-1: Lambda@Edge
functions, ACM certificates, WAF web ACLs (scope CLOUDFRONT) and CloudFront's CloudWatch metrics
(dimension Region = Global). Those go through `provider "aws" { alias = "us_east_1" }`, which this
family declares with the same account guard and role as the stage's provider.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

from generator.emit.hcl import Raw
from generator.families.edge.model import (
    BucketOrigin,
    CloudFrontFunction,
    EdgeLambda,
    behavior_functions,
    function_entries,
)
from generator.plan.access import expand
from generator.plan.model import Export, Named
from generator.plan.naming import tf_id
from generator.plan.placeholders import concat, shown
from generator.plan.security import HSTS_PRELOAD
from generator.plan.views import Alert, Edge as GraphEdge, Node, Trigger, node_id

EDGE_REGION = "us-east-1"
PROVIDER = "aws.us_east_1"  # the provider alias every us-east-1 resource names
DISTRIBUTION = "aws_cloudfront_distribution.edge"

# AWS managed policies (CloudFront Developer Guide, "Use managed cache policies" / "Use managed
# origin request policies"): fixed ids in every account.
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"

READ_METHODS = ("GET", "HEAD", "OPTIONS")
ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
CACHED_METHODS = ("GET", "HEAD")

# Lambda@Edge quotas that differ by event type (CloudFront Developer Guide, "Quotas on Lambda@Edge").
VIEWER_MEMORY_MB = 128
VIEWER_TIMEOUT_S = 5
ORIGIN_TIMEOUT_S = 30
ORIGIN_MEMORY_MB = 10240
ERROR_RATE_PCT = 5  # 5xxErrorRate (Average, percent) that raises the alarm


def is_viewer(event: str) -> bool:
    return event.startswith("viewer-")


def edge_events(bp) -> dict[str, list[str]]:
    """Function name -> the CloudFront events it is a Lambda@Edge function for."""
    out: dict[str, list[str]] = {}
    edge = getattr(bp, "edge", None)
    for _path, entry in function_entries(edge) if edge else ():
        if isinstance(entry, EdgeLambda) and entry.event not in out.get(entry.function, []):
            out.setdefault(entry.function, []).append(entry.event)
    return out


def limits(events) -> tuple[int, int]:
    """(memory MB, timeout s) a Lambda@Edge function with these events may have at most."""
    viewer = any(is_viewer(e) for e in events)
    return (VIEWER_MEMORY_MB, VIEWER_TIMEOUT_S) if viewer else (ORIGIN_MEMORY_MB, ORIGIN_TIMEOUT_S)


def placements(bp) -> dict[str, dict]:
    """Functions this family deploys elsewhere (the function family asks every family): Lambda@Edge
    functions run in us-east-1, publish numbered versions, are assumed by edgelambda.amazonaws.com
    too, and take Lambda@Edge-compatible settings where the function sets none (x86_64, no X-Ray,
    memory and timeout within the event type's quota; `defaults` beyond it are capped). Settings
    Lambda@Edge refuses are not inherited from `defaults` (environment, VPC, alias, layers, Lambda
    Insights)."""
    from generator.families.function.settings import resolved

    out = {}
    for fname, events in edge_events(bp).items():
        fn = bp.functions.get(fname)
        if fn is None:
            continue
        memory, timeout = limits(events)
        out[fname] = {
            "provider": PROVIDER,
            "region": EDGE_REGION,
            "trust": ("edgelambda.amazonaws.com", "lambda.amazonaws.com"),
            "defaults": {
                "architecture": "x86_64",
                "tracing": False,
                "memory": min(resolved(fn, bp, "memory") if fn.memory is None else fn.memory, memory),
                "timeout": min(resolved(fn, bp, "timeout") if fn.timeout is None else fn.timeout, timeout),
            },
            "why": "Lambda@Edge (" + ", ".join(events) + ")",
            "trigger": "edge",  # its scaffold is shaped for CloudFront's events
        }
    return out


@dataclass(frozen=True)
class OriginPlan:
    id: str  # the origin name: origin_id in the distribution
    kind: str  # bucket | api
    domain: Raw
    path: Any = None  # origin_path: str or HCL expression
    oac_tf: str | None = None  # bucket origins: its aws_cloudfront_origin_access_control
    oac_name: str | None = None
    bucket: str | None = None  # logical bucket name
    bucket_tf: str | None = None


@dataclass(frozen=True)
class BehaviorPlan:
    path: str | None  # None: the default behavior
    origin: str
    cache_policy: str
    origin_request_policy: str | None
    methods: tuple[str, ...]
    where: tuple = ()
    cf_functions: tuple = ()  # CfFunctionPlan: function_association blocks
    lambdas: tuple = ()  # EdgeLambdaPlan: lambda_function_association blocks


@dataclass(frozen=True)
class CfFunctionPlan:
    tf: str
    name: str  # physical CloudFront function name
    event: str
    source: str  # path relative to the blueprint
    asset: str  # where the render copies it, relative to the output root (dist/edge/<tf>.js)
    where: tuple = ()


@dataclass(frozen=True)
class EdgeLambdaPlan:
    function: Any  # FunctionPlan (deployed in us-east-1)
    event: str
    include_body: bool
    where: tuple = ()


@dataclass(frozen=True)
class EdgeAlarm:
    tf: str
    name: str
    description: str
    metric: str
    statistic: str
    threshold: int | float
    where: tuple = ()


@dataclass(frozen=True)
class EdgePart:
    prefix: str
    terraform: Any  # the stage's TerraformPlan (assume_role, allowed_account_ids) or None
    origins: tuple[OriginPlan, ...]
    behaviors: tuple[BehaviorPlan, ...]  # the default behavior first
    cf_functions: tuple[CfFunctionPlan, ...]
    lambdas: tuple[EdgeLambdaPlan, ...]
    root_object: str | None
    price_class: str
    domain: Any = None  # model Domain
    logging: Any = None  # model Logging
    waf: str | None = None
    skips: tuple[tuple[str, str], ...] = ()
    header_skips: tuple[tuple[str, str], ...] = ()  # checkov, on the response headers policy
    alarms: tuple[EdgeAlarm, ...] = ()
    notify: tuple[str, ...] = ()

    # ------------------------------------------------------------ protocol
    def terraform_files(self) -> list[tuple[str, str]]:
        return [("edge.tf", "edge.tf.j2")]

    def assets(self) -> list[tuple[str, str]]:
        """(file the render writes, relative to the output root; source relative to the blueprint)."""
        return [(f.asset, f.source) for f in self.cf_functions]

    def exports(self) -> list[Export]:
        """The domain name viewers reach (point a CNAME or alias record at it), the id (cache
        invalidations) and the ARN: outputs `edge_<attr>`, and SSM `<prefix>/edge/<attr>` with exports."""
        return [Export("edge", None, "domain_name", Raw(f"{DISTRIBUTION}.domain_name")),
                Export("edge", None, "distribution_id", Raw(f"{DISTRIBUTION}.id")),
                Export("edge", None, "arn", Raw(f"{DISTRIBUTION}.arn"))]

    def bucket_statements(self) -> dict[str, list[dict]]:
        """Bucket tf -> statements its (one) bucket policy adds: CloudFront may read objects, for
        this distribution only (origin access control)."""
        out: dict[str, list[dict]] = {}
        for o in self.origins:
            if o.kind == "bucket":
                out.setdefault(o.bucket_tf, []).append({
                    "sid": f"CloudFrontReads{''.join(p.capitalize() for p in o.id.split('-'))}",
                    "service": "cloudfront.amazonaws.com",
                    "actions": ("s3:GetObject",),
                    "resource": Raw(f'"${{aws_s3_bucket.{o.bucket_tf}.arn}}/*"'),
                    "conditions": (("StringEquals", "AWS:SourceArn", Raw(f"{DISTRIBUTION}.arn")),),
                })
        return out

    def named(self) -> list[Named]:
        where = ("edge",)
        out = [Named(DISTRIBUTION, None, where),
               Named("aws_cloudfront_response_headers_policy.edge", f"{self.prefix}-security-headers", where)]
        out += [Named(f"aws_cloudfront_origin_access_control.{o.oac_tf}", o.oac_name, ("edge", "origins", o.id))
                for o in self.origins if o.oac_tf]
        out += [Named(f"aws_cloudfront_function.{f.tf}", f.name, f.where) for f in self.cf_functions]
        if self.domain is not None and self.domain.zone:
            out += [Named("aws_route53_record.edge_a", None, ("edge", "domain")),
                    Named("aws_route53_record.edge_aaaa", None, ("edge", "domain"))]
        if self.alarms:
            alarms = ("observability", "alarms")
            out += [Named("aws_kms_key.edge_alarms", None, alarms),
                    Named("aws_kms_alias.edge_alarms", f"alias/{self.prefix}-edge-alarms", alarms),
                    Named("aws_sns_topic.edge_alarms", f"{self.prefix}-edge-alarms", alarms),
                    Named("aws_sns_topic_policy.edge_alarms", None, alarms)]
            if self.notify:
                out.append(Named("aws_sns_topic_subscription.edge_alarms", None, alarms))
            out += [Named(f"aws_cloudwatch_metric_alarm.{a.tf}", a.name, a.where) for a in self.alarms]
        return out

    def graph(self, plan) -> tuple[list[Node], list[GraphEdge]]:
        facts = [("price class", self.price_class), ("viewer protocol", "redirect-to-https")]
        if self.domain is not None:
            facts.append(("domain", self.domain.name))
        if self.waf:
            facts.append(("WAF", "web ACL attached"))
        nodes = [Node(node_id("edge", "distribution"), "distribution", "Edge", "CloudFront", shape="hexagon",
                      facts=tuple(facts), rank=0)]
        edges = []
        for o in self.origins:
            if o.kind == "bucket":
                edges.append(GraphEdge(node_id("edge", "distribution"), node_id("bucket", o.bucket), "read (OAC)"))
        for l in self.lambdas:
            edges.append(GraphEdge(node_id("edge", "distribution"), node_id("function", l.function.name), l.event))
        return nodes, edges

    def invocations(self, plan) -> list[Trigger]:
        return [Trigger(l.function.name, "edge", f"CloudFront {l.event}",
                        "Lambda@Edge in us-east-1, numbered version" + ("; request body included" if l.include_body else ""),
                        "synchronous: CloudFront answers 5xx to the viewer", l.where) for l in self.lambdas]

    def alerts(self, plan) -> list[Alert]:
        notify = f"SNS topic {self.prefix}-edge-alarms (us-east-1)" + (
            f" (e-mail: {', '.join(self.notify)})" if self.notify else "")
        return [Alert(a.name, a.description, notify, tuple(l.function.name for l in self.lambdas)
                      if a.metric.startswith("Lambda") else ()) for a in self.alarms]


# ---------------------------------------------------------------- plan
def _origin(ctx, name: str, origin) -> OriginPlan:
    if isinstance(origin, BucketOrigin):
        btf = tf_id(origin.bucket)
        return OriginPlan(name, "bucket", Raw(f"aws_s3_bucket.{btf}.bucket_regional_domain_name"), origin.path,
                          oac_tf=tf_id("edge", name), oac_name=f"{ctx.names.prefix}-{name}"[:64],
                          bucket=origin.bucket, bucket_tf=btf)
    api = ctx.parts.get("api")
    if api is not None and api.type == "rest":
        domain = Raw('"${aws_api_gateway_rest_api.api.id}.execute-api.${local.region}.amazonaws.com"')
        return OriginPlan(name, "api", domain, Raw('"/${aws_api_gateway_stage.api.stage_name}"'))
    return OriginPlan(name, "api", Raw('replace(aws_apigatewayv2_api.api.api_endpoint, "https://", "")'))


def _behavior(path: str | None, origin: OriginPlan, cache: str | None, methods: str | None, where: tuple,
              functions=()) -> BehaviorPlan:
    cache = cache or ("disabled" if origin.kind == "api" else "optimized")
    methods = methods or ("all" if origin.kind == "api" else "read")
    return BehaviorPlan(
        path=path,
        origin=origin.id,
        cache_policy=CACHING_DISABLED if cache == "disabled" else CACHING_OPTIMIZED,
        # An API behind CloudFront needs the viewer's headers, cookies and query strings but not its
        # Host header (API Gateway answers only to its own host name).
        origin_request_policy=ALL_VIEWER_EXCEPT_HOST_HEADER if origin.kind == "api" and cache == "disabled" else None,
        methods=ALL_METHODS if methods == "all" else READ_METHODS,
        where=where,
        cf_functions=tuple(f for f in functions if isinstance(f, CfFunctionPlan)),
        lambdas=tuple(f for f in functions if isinstance(f, EdgeLambdaPlan)),
    )


def function_name(prefix: str, source: str, suffix: str) -> str:
    """CloudFront function names: at most 64 of [A-Za-z0-9_-]; the entry's position keeps them apart."""
    stem = posixpath.splitext(posixpath.basename(source.replace("\\", "/")))[0]
    clean = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in stem)
    return f"{prefix}-{clean}"[:63 - len(suffix)] + "-" + suffix


def edge_skips(edge, default_is_bucket: bool) -> tuple[tuple[str, str], ...]:
    from generator.plan.security import distribution_skips

    return distribution_skips(domain=edge.domain is not None, logging=edge.logging is not None,
                              waf=edge.waf is not None, root_object=default_is_bucket or bool(edge.root_object))


def plan(ctx) -> EdgePart | None:
    edge = ctx.bp.edge
    if edge is None:
        return None
    origins = {name: _origin(ctx, name, o) for name, o in edge.origins.items()}
    default = edge.default_origin or next(iter(edge.origins))
    planned: dict[tuple, Any] = {}
    for where, entry in function_entries(edge):
        if isinstance(entry, CloudFrontFunction):
            tf = tf_id(*map(str, where))
            suffix = "-".join(str(p) for p in where if isinstance(p, int))
            planned[where] = CfFunctionPlan(tf, function_name(ctx.names.prefix, entry.cloudfront_function, suffix),
                                            entry.event, entry.cloudfront_function, f"dist/edge/{tf}.js", where)
        else:
            planned[where] = EdgeLambdaPlan(ctx.functions[entry.function], entry.event, entry.include_body, where)
    sets = [[planned[w] for w, _ in pairs] for pairs in behavior_functions(edge)]
    behaviors = [_behavior(None, origins[default], None, None, ("edge", "default_origin"), sets[0])]
    behaviors += [_behavior(b.path, origins[b.origin], b.cache, b.methods, ("edge", "behaviors", i), sets[i + 1])
                  for i, b in enumerate(edge.behaviors)]
    cf = [p for p in planned.values() if isinstance(p, CfFunctionPlan)]
    lambdas = [p for p in planned.values() if isinstance(p, EdgeLambdaPlan)]
    default_is_bucket = origins[default].kind == "bucket"
    root = edge.root_object if edge.root_object is not None else ("index.html" if default_is_bucket else None)
    settings = ctx.bp.observability.alarms
    alarms = ()
    if settings is not None:
        prefix = ctx.names.prefix
        alarms = (EdgeAlarm("edge_5xx_rate", f"{prefix}-edge-5xx-rate",
                            f"CloudFront: more than {ERROR_RATE_PCT}% of viewer requests answered 5xx in 5 minutes",
                            "5xxErrorRate", "Average", ERROR_RATE_PCT, ("edge",)),)
        if lambdas:
            alarms += (
                EdgeAlarm("edge_lambda_execution_errors", f"{prefix}-edge-lambda-execution-errors",
                          "Lambda@Edge: 1 or more execution errors (function failed or timed out) in 5 minutes",
                          "LambdaExecutionError", "Sum", 1, ("edge", "functions")),
                EdgeAlarm("edge_lambda_validation_errors", f"{prefix}-edge-lambda-validation-errors",
                          "Lambda@Edge: 1 or more invalid function responses in 5 minutes",
                          "LambdaValidationError", "Sum", 1, ("edge", "functions")),
            )
    return EdgePart(
        prefix=ctx.names.prefix,
        terraform=None,  # filled in by finish(): the stage's provider settings
        origins=tuple(origins.values()),
        behaviors=tuple(behaviors),
        cf_functions=tuple(cf),
        lambdas=tuple(lambdas),
        root_object=root,
        price_class=edge.price_class,
        domain=edge.domain,
        logging=edge.logging,
        waf=edge.waf,
        skips=edge_skips(edge, default_is_bucket),
        header_skips=(HSTS_PRELOAD,),
        alarms=alarms,
        notify=tuple(sorted(set(settings.notify))) if settings is not None else (),
    )


def finish(ctx, stage) -> EdgePart | None:
    """The alias provider repeats the stage provider's account guard and role (stage.terraform)."""
    import dataclasses

    part = ctx.parts.get("edge")
    if part is None:
        return None
    return dataclasses.replace(part, terraform=stage.terraform)


# Logs of a Lambda@Edge function's replicas: CloudWatch log groups /aws/lambda/us-east-1.<name> in
# whichever regions the function runs; Lambda creates them on first use.
def replica_log_grants(physical) -> list:
    arn = concat(Raw('"arn:${local.partition}:logs:*:${local.account_id}:log-group:/aws/lambda/us-east-1."'),
                 physical if isinstance(physical, Raw) else Raw('"' + physical + '"'))
    return expand("edge_log_group", "write", arn=arn)


__all__ = ["EdgePart", "placements", "plan", "finish", "replica_log_grants", "shown"]
