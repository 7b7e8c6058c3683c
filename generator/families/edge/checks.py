"""Edge checks CloudFront and Lambda enforce only at apply (or never, failing at the edge instead).

Lambda@Edge ("Restrictions on Lambda@Edge" and "Quotas on Lambda@Edge", CloudFront Developer
Guide): Node.js and Python runtimes only; x86_64 only; no environment variables (so no `uses`,
whose grants come with one), no layers (Lambda Insights), no VPC, no dead-letter queue (so no
asynchronous triggers), no container images, no provisioned concurrency, no X-Ray, at most 512 MB
of ephemeral storage; numbered versions, never an alias or $LATEST; memory 128 MB and timeout 5 s
on viewer events, timeout 30 s on origin events (SLS340, SLS341). CloudFront: one function per
event type and behavior (a CloudFront Function and a Lambda@Edge function may not share a viewer
event), CloudFront Function code at most 10 KB, behaviors unique by path, the certificate and web
ACL in us-east-1 (SLS342-SLS344).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from generator.checks.context import per_stage
from generator.checks.paths import path_problem
from generator.diagnostics import Diagnostic
from generator.families.edge.model import (
    ApiOrigin,
    BucketOrigin,
    CloudFrontFunction,
    EdgeLambda,
    behavior_functions,
    function_entries,
)
from generator.families.edge.plan import ORIGIN_TIMEOUT_S, VIEWER_MEMORY_MB, VIEWER_TIMEOUT_S, is_viewer
from generator.families.function.settings import language

CF_FUNCTION_MAX_BYTES = 10 * 1024  # CloudFront Functions: maximum function size
EPHEMERAL_MAX_MB = 512
ORIGIN_MEMORY_MAX_MB = 10240


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, _distribution, _functions, _lambdas)


def references(bp):
    """Origins name buckets, behaviors and the default origin name origins, Lambda@Edge entries name
    functions (generator/checks/references.py)."""
    edge = bp.edge
    if edge is None:
        return
    for name, origin in edge.origins.items():
        if isinstance(origin, BucketOrigin):
            yield ("edge", "origins", name, "bucket"), "bucket", origin.bucket, bp.buckets
    if edge.default_origin is not None:
        yield ("edge", "default_origin"), "origin", edge.default_origin, edge.origins
    for i, b in enumerate(edge.behaviors):
        yield ("edge", "behaviors", i, "origin"), "origin", b.origin, edge.origins
    for where, f in function_entries(edge):
        if isinstance(f, EdgeLambda):
            yield where + ("function",), "function", f.function, bp.functions


def _distribution(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    edge = bp.edge
    if edge is None:
        return
    apis = [n for n, o in edge.origins.items() if isinstance(o, ApiOrigin)]
    has_api = bp.api is not None or any(
        hasattr(ev, "http") for fn in bp.functions.values() for ev in fn.events)
    for name in apis:
        if not has_api:
            yield ctx.stage_diag(stage, "SLS342", ("edge", "origins", name, "api"),
                                 "origin 'api: true' needs an HTTP or REST API: this blueprint has no http routes",
                                 hint="add functions with http events, or drop this origin")
    for name in apis[1:]:
        yield ctx.stage_diag(stage, "SLS342", ("edge", "origins", name),
                             f"the API is already origin '{apis[0]}': one origin per API",
                             hint=f"route behaviors to '{apis[0]}'")
    if edge.default_origin is None and len(edge.origins) > 1:
        yield ctx.stage_diag(stage, "SLS342", ("edge", "origins"),
                             "more than one origin: say which serves the default behavior",
                             hint="set edge.default_origin")
    seen: dict[str, int] = {}
    for i, b in enumerate(edge.behaviors):
        if b.path in seen:
            yield ctx.stage_diag(stage, "SLS342", ("edge", "behaviors", i, "path"),
                                 f"path pattern '{b.path}' is already behaviors[{seen[b.path]}]; CloudFront "
                                 "refuses two behaviors with one path pattern")
        seen.setdefault(b.path, i)
        origin = edge.origins.get(b.origin)
        if isinstance(origin, ApiOrigin) and b.cache == "optimized":
            yield ctx.stage_diag(stage, "SLS520", ("edge", "behaviors", i, "cache"),
                                 "API responses are cached at the edge with CachingOptimized, which forwards no "
                                 "headers, cookies or query strings: every viewer gets the first viewer's answer and "
                                 "Authorization never reaches the API", hint="use cache: disabled for API paths",
                                 severity="warning")
    if len(edge.behaviors) > 75:
        yield ctx.stage_diag(stage, "SLS342", ("edge", "behaviors"),
                             f"{len(edge.behaviors)} behaviors; CloudFront allows 75 cache behaviors per distribution")
    if edge.logging is not None and edge.logging.bucket in {
        b.name or b.bucket_name or "" for b in bp.buckets.values()} | set(bp.buckets):
        yield ctx.stage_diag(stage, "SLS342", ("edge", "logging", "bucket"),
                             "CloudFront standard logs need a bucket with ACLs enabled; sls-gen's buckets enforce "
                             "bucket-owner object ownership (ACLs off)",
                             hint="name an existing log bucket with ACLs enabled")
    if edge.domain is not None and ":acm:us-east-1:" not in edge.domain.certificate:
        yield ctx.stage_diag(stage, "SLS344", ("edge", "domain", "certificate"),
                             "CloudFront uses ACM certificates from us-east-1 only",
                             hint="request or import the certificate in us-east-1")
    if edge.waf is not None and not (":wafv2:us-east-1:" in edge.waf and ":global/webacl/" in edge.waf):
        yield ctx.stage_diag(stage, "SLS344", ("edge", "waf"),
                             "a distribution takes a WAFv2 web ACL of scope CLOUDFRONT (arn:aws:wafv2:us-east-1:"
                             "<account>:global/webacl/...)", hint="create the web ACL with scope CLOUDFRONT")


def _functions(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    edge = bp.edge
    if edge is None:
        return
    root = Path(ctx.doc.file).parent
    reported: set[tuple] = set()
    for pairs in behavior_functions(edge):
        taken: dict[str, tuple] = {}
        for where, f in pairs:
            if f.event in taken and where not in reported:
                reported.add(where)
                yield ctx.stage_diag(stage, "SLS342", where + ("event",),
                                     f"{_shown(taken[f.event])} already runs on {f.event} of this behavior; a behavior "
                                     "takes one function per event type (CloudFront Function or Lambda@Edge)",
                                     hint="do both in one function, or give the path its own behavior functions")
            taken.setdefault(f.event, where)
    for where, f in function_entries(edge):
        if isinstance(f, EdgeLambda) and f.include_body and f.event.endswith("-response"):
            yield ctx.stage_diag(stage, "SLS342", where + ("include_body",),
                                 f"include_body applies to request events; {f.event} has no request body to expose",
                                 hint="drop include_body")
        if not isinstance(f, CloudFrontFunction):
            continue
        at = where + ("cloudfront_function",)
        problem = path_problem(f.cloudfront_function, root)
        if problem:
            yield ctx.stage_diag(stage, "SLS313", at, f"'{f.cloudfront_function[:80]}' {problem}",
                                 hint="keep the function's code below the blueprint, e.g. edge/rewrite.js")
            continue
        file = root / f.cloudfront_function
        if not file.is_file():
            yield ctx.stage_diag(stage, "SLS343", at, f"'{f.cloudfront_function[:80]}' is not a file",
                                 hint="write the function (cloudfront-js-2.0) there")
            continue
        size = file.stat().st_size
        if size > CF_FUNCTION_MAX_BYTES:
            yield ctx.stage_diag(stage, "SLS343", at,
                                 f"'{f.cloudfront_function[:80]}' is {size} bytes; a CloudFront Function holds at most "
                                 f"{CF_FUNCTION_MAX_BYTES}", hint="move the logic to a Lambda@Edge function")


def _shown(where: tuple) -> str:
    from generator.diagnostics import path_str

    return path_str(where[1:])


def _lambdas(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    edge = bp.edge
    if edge is None:
        return
    from generator.families.edge.plan import edge_events

    for fname, events in edge_events(bp).items():
        fn = bp.functions.get(fname)
        if fn is None:
            continue  # SLS201
        at = ("functions", fname)
        why = "Lambda@Edge"

        def refuse(key, message, hint=None, code="SLS340"):
            return ctx.stage_diag(stage, code, at + tuple(key), f"{fname} runs as {why}: {message}", hint=hint)

        runtime = fn.runtime or bp.defaults.runtime or "python3.13"
        if language(runtime) not in ("python", "node"):
            yield refuse(("runtime",) if fn.runtime else (), f"runtime {runtime} is not supported (Node.js and Python only)",
                         hint="use a python3.x or nodejs runtime")
        if fn.architecture == "arm64":
            yield refuse(("architecture",), "arm64 is not supported (x86_64 only)", hint="drop architecture: or set x86_64")
        if fn.environment:
            yield refuse(("environment",), "environment variables are not supported",
                         hint="put configuration in the code, or read it from SSM at cold start")
        for i, _use in enumerate(fn.uses):
            yield refuse(("uses", i), "`uses` adds environment variables, which Lambda@Edge does not support",
                         hint="grant access with iam: statements and name the resource in the code")
        for i, _ev in enumerate(fn.events):
            yield refuse(("events", i), "a Lambda@Edge function is invoked by CloudFront only (it lives in us-east-1, "
                         "and a dead-letter queue for asynchronous triggers is not supported)",
                         hint="give this trigger its own function")
        if fn.vpc is not None:
            yield refuse(("vpc",), "VPC access is not supported")
        if getattr(fn, "layers", None):
            yield refuse(("layers",), "layers are not supported")
        if getattr(fn, "image", None):
            yield refuse(("image",), "container images are not supported")
        if getattr(fn, "dead_letter", None):
            yield refuse(("dead_letter",), "dead-letter queues are not supported")
        if getattr(fn, "destinations", None):
            yield refuse(("destinations",), "asynchronous destinations do not apply: CloudFront invokes it synchronously")
        if fn.concurrency is not None and fn.concurrency.provisioned:
            yield refuse(("concurrency", "provisioned"), "provisioned concurrency is not supported")
        if fn.alias is not None:
            yield refuse(("alias",), "CloudFront needs a numbered version, not an alias",
                         hint="drop alias: sls-gen publishes a version on every change")
        if fn.snapstart:
            yield refuse(("snapstart",), "SnapStart needs an alias or version sls-gen does not give CloudFront",
                         hint="drop snapstart:")
        if fn.tracing:
            yield refuse(("tracing",), "AWS X-Ray is not supported", hint="drop tracing: (it is off for Lambda@Edge)")
        if fn.ephemeral_storage is not None and fn.ephemeral_storage > EPHEMERAL_MAX_MB:
            yield refuse(("ephemeral_storage",), f"at most {EPHEMERAL_MAX_MB} MB of /tmp")
        viewer = [e for e in events if is_viewer(e)]
        if viewer:
            if fn.memory is not None and fn.memory > VIEWER_MEMORY_MB:
                yield refuse(("memory",), f"{viewer[0]} functions have {VIEWER_MEMORY_MB} MB (got {fn.memory})",
                             code="SLS341")
            if fn.timeout is not None and fn.timeout > VIEWER_TIMEOUT_S:
                yield refuse(("timeout",), f"{viewer[0]} functions time out after at most {VIEWER_TIMEOUT_S} s "
                             f"(got {fn.timeout})", code="SLS341")
        else:
            if fn.timeout is not None and fn.timeout > ORIGIN_TIMEOUT_S:
                yield refuse(("timeout",), f"origin event functions time out after at most {ORIGIN_TIMEOUT_S} s "
                             f"(got {fn.timeout})", code="SLS341")
            if fn.memory is not None and fn.memory > ORIGIN_MEMORY_MAX_MB:
                yield refuse(("memory",), f"at most {ORIGIN_MEMORY_MAX_MB} MB", code="SLS341")
