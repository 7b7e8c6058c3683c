"""Blueprint (one stage) -> StagePlan: resolve defaults, names, references and IAM grants."""

from __future__ import annotations

import dataclasses
import posixpath
from collections import defaultdict

from generator.emit.hcl import Raw
from generator.model.blueprint import Blueprint
from generator.families.api.model import HttpEvent
from generator.families.bucket.model import UseBucket
from generator.families.bus.model import UseBus
from generator.families.function.model import Function, UseFunction
from generator.families.queue.model import QueueEvent, UseQueue
from generator.families.secret.model import UseSecret
from generator.families.table.model import StreamEvent, UseTable
from generator.families.topic.model import UseTopic
from generator.plan.access import XRAY_ACTIONS, Grant, expand, kms_level
from generator.plan.api import arn_path, rest_plan
from generator.plan.extras import compiled_artifact, extra_statements, invoked_function
from generator.plan.data import event_grants, plan_data
from generator.plan.messaging import build_messaging, failure_grants
from generator.plan.model import (
    ASYNC_TRIGGERS,
    ApiPlan,
    Authorizer,
    FunctionPlan,
    HttpRoute,
    IndexPlan,
    QueuePlan,
    QueueTrigger,
    StagePlan,
    Statement,
    TablePlan,
)
from generator.plan.naming import Names, camel, env_prefix, route_id, tf_id
from generator.plan.observability import plan_observability
from generator.plan.security import KMS_ARN, function_skips, http_route_skips, log_group_skips, table_skips

DEFAULTS = {
    "runtime": "python3.13",
    "architecture": "arm64",
    "memory": 512,
    "timeout": 10,
    "ephemeral_storage": 512,
    "tracing": True,
    "log_format": "json",
    "log_level": "INFO",
    "retention_days": 30,
}
SQS_DEFAULT_VISIBILITY = 30
SYSTEM_LEVEL = {"TRACE": "DEBUG", "DEBUG": "DEBUG", "INFO": "INFO", "WARN": "WARN", "ERROR": "WARN", "FATAL": "WARN"}
DIST_DIR = "dist"  # zips live beside the stage folders: out/<service>/dist/<function>.zip


def language(runtime: str) -> str:
    if runtime.startswith("python"):
        return "python"
    if runtime.startswith("nodejs"):
        return "node"
    if runtime.startswith("java"):
        return "java"
    return "provided"


def default_handler(runtime: str) -> str:
    return {
        "python": "handler.handler",
        "node": "index.handler",
        "java": "example.Handler::handleRequest",
        "provided": "bootstrap",
    }[language(runtime)]


def default_code_dir(name: str) -> str:
    return f"src/{name.replace('-', '_')}"


def resolved(fn: Function, bp: Blueprint, key: str):
    """A function setting: the function's own value, else `defaults`, else sls-gen's default."""
    value = getattr(fn, key, None)
    if value is None:
        value = getattr(bp.defaults, key, None)
    return DEFAULTS[key] if value is None else value


def consumer_timeouts(bp: Blueprint) -> dict[str, tuple[int, int]]:
    """queue name -> (longest consumer timeout, longest batch window)."""
    out: dict[str, tuple[int, int]] = {}
    for fn in bp.functions.values():
        timeout = resolved(fn, bp, "timeout")
        for ev in fn.events:
            if isinstance(ev, QueueEvent):
                t, w = out.get(ev.queue, (0, 0))
                out[ev.queue] = (max(t, timeout), max(w, ev.batch_window or 0))
    return out


def queue_visibility(bp: Blueprint, name: str, timeouts: dict[str, tuple[int, int]] | None = None) -> int:
    """Pass ``timeouts`` (from ``consumer_timeouts``) when asking for many queues: computing it
    walks every function, so asking per queue without it is quadratic in the blueprint's size."""
    q = bp.queues[name]
    if q.visibility_timeout != "auto":
        return q.visibility_timeout
    if timeouts is None:
        timeouts = consumer_timeouts(bp)
    timeout, window = timeouts.get(name, (0, 0))
    return 6 * timeout + window if timeout else SQS_DEFAULT_VISIBILITY


class Planner:
    def __init__(self, bp: Blueprint, stage: str, blueprint_name: str):
        self.bp = bp
        self.stage = stage
        self.names = Names(bp.service, stage)
        self.blueprint_name = blueprint_name
        self.kms = Raw(KMS_ARN) if bp.kms_key else None

    # ------------------------------------------------------------ resources
    def tables(self) -> tuple[TablePlan, ...]:
        plans = []
        for name in sorted(self.bp.tables):
            t = self.bp.tables[name]
            attrs: dict[str, str] = {}

            def key(spec: str | None) -> str | None:
                if spec is None:
                    return None
                attr, _, typ = spec.partition(":")
                attrs[attr] = typ or "S"
                return attr

            hash_key, range_key = key(t.partition_key), key(t.sort_key)
            indexes = []
            for iname in sorted(t.indexes):
                idx = t.indexes[iname]
                proj = idx.projection
                indexes.append(
                    IndexPlan(
                        name=iname,
                        hash_key=key(idx.partition_key),
                        range_key=key(idx.sort_key),
                        projection="INCLUDE" if isinstance(proj, list) else proj.upper(),
                        non_key_attributes=tuple(sorted(proj)) if isinstance(proj, list) else (),
                    )
                )
            provisioned = not isinstance(t.billing, str)
            stream = t.stream or ("new_and_old_images" if t.replicas else None)
            plans.append(
                TablePlan(
                    name=name,
                    tf=tf_id(name),
                    physical=self.names.physical(name),
                    hash_key=hash_key,
                    range_key=range_key,
                    attributes=tuple(sorted(attrs.items())),
                    billing_mode="PROVISIONED" if provisioned else "PAY_PER_REQUEST",
                    read_capacity=t.billing.read if provisioned else None,
                    write_capacity=t.billing.write if provisioned else None,
                    ttl=t.ttl,
                    stream_view_type=stream.upper() if stream else None,
                    pitr=t.point_in_time_recovery,
                    deletion_protection=t.deletion_protection,
                    indexes=tuple(indexes),
                    replicas=tuple(t.replicas),
                    kms_key_arn=self.kms,
                    skips=table_skips(kms=bool(self.kms), pitr=t.point_in_time_recovery, provisioned=provisioned),
                )
            )
        return tuple(plans)

    def queues(self) -> tuple[QueuePlan, ...]:
        plans = []
        timeouts = consumer_timeouts(self.bp)
        for name in sorted(self.bp.queues):
            q = self.bp.queues[name]
            dlq = q.dead_letter
            plans.append(
                QueuePlan(
                    name=name,
                    tf=tf_id(name),
                    physical=self.names.queue(name, q.fifo),
                    fifo=q.fifo,
                    content_based_deduplication=bool(q.content_based_deduplication) and q.fifo,
                    visibility_timeout=queue_visibility(self.bp, name, timeouts),
                    retention_seconds=q.retention_days * 86400,
                    delay_seconds=q.delay_seconds,
                    dlq_tf=tf_id(name, "dlq") if dlq else None,
                    dlq_physical=self.names.dlq(name, q.fifo) if dlq else None,
                    dlq_retention_seconds=(dlq.retention_days * 86400) if dlq else 0,
                    max_receives=dlq.max_receives if dlq else 0,
                    kms_key_arn=self.kms,
                )
            )
        return tuple(plans)

    # ------------------------------------------------------------ functions
    def function(self, name: str, fn: Function, queue_fifo: dict[str, bool]) -> FunctionPlan:
        bp, names = self.bp, self.names
        ftf = tf_id(name)
        runtime = resolved(fn, bp, "runtime")
        logs_fn, logs_def = fn.logs, bp.defaults.logs

        def log_setting(key: str, default_key: str):
            for source in (logs_fn, logs_def):
                value = getattr(source, key, None) if source else None
                if value is not None:
                    return value
            return DEFAULTS[default_key]

        env: dict[str, object] = {}
        env.update(bp.defaults.environment or {})
        env.update(fn.environment or {})
        grants: list[tuple[str, Grant]] = []

        for use in fn.uses:
            if isinstance(use, UseTable):
                ref = f"aws_dynamodb_table.{tf_id(use.table)}"
                env[f"{env_prefix(use.table)}_TABLE_NAME"] = Raw(f"{ref}.name")
                grants += [(camel("table", use.table, use.access), g) for g in expand("table", use.access, arn=f"{ref}.arn")]
            elif isinstance(use, UseQueue):
                ref = f"aws_sqs_queue.{tf_id(use.queue)}"
                env[f"{env_prefix(use.queue)}_QUEUE_URL"] = Raw(f"{ref}.url")
                grants += [(camel("queue", use.queue, use.access), g) for g in expand("queue", use.access, arn=f"{ref}.arn")]
            elif isinstance(use, UseTopic):
                ref = f"aws_sns_topic.{tf_id(use.topic)}"
                env[f"{env_prefix(use.topic)}_TOPIC_ARN"] = Raw(f"{ref}.arn")
                grants += [(camel("topic", use.topic, "publish"), g) for g in expand("topic", "publish", arn=f"{ref}.arn")]
            elif isinstance(use, UseBus):
                if use.bus == "default":
                    name_expr, arn = '"default"', "local.default_bus_arn"
                else:
                    ref = f"aws_cloudwatch_event_bus.{tf_id(use.bus)}"
                    name_expr, arn = f"{ref}.name", f"{ref}.arn"
                env[f"{env_prefix(use.bus)}_BUS_NAME"] = Raw(name_expr)
                grants += [(camel("bus", use.bus, "publish"), g) for g in expand("bus", "publish", arn=arn)]
            elif isinstance(use, UseBucket):
                ref = f"aws_s3_bucket.{tf_id(use.bucket)}"
                env[f"{env_prefix(use.bucket)}_BUCKET_NAME"] = Raw(f"{ref}.bucket")
                grants += [(camel("bucket", use.bucket, use.access), g) for g in expand("bucket", use.access, arn=f"{ref}.arn")]
            elif isinstance(use, UseSecret):
                secret = bp.secrets[use.secret]
                if secret.ssm:
                    env[f"{env_prefix(use.secret)}_PARAMETER_NAME"] = secret.ssm
                    arn = f"local.parameter_arns[\"{use.secret}\"]"
                    grants += [(camel("parameter", use.secret, "read"), g) for g in expand("parameter", "read", arn=arn)]
                else:
                    ref = f"aws_secretsmanager_secret.{tf_id(use.secret)}"
                    env[f"{env_prefix(use.secret)}_SECRET_ARN"] = Raw(f"{ref}.arn")
                    grants += [(camel("secret", use.secret, "read"), g) for g in expand("secret", "read", arn=f"{ref}.arn")]
            elif isinstance(use, UseFunction):
                fn_name, fn_arn = invoked_function(bp, use.function, names)
                env[f"{env_prefix(use.function)}_FUNCTION_NAME"] = fn_name
                grants += [(camel("function", use.function, "invoke"), g) for g in expand("function", "invoke", arn=fn_arn)]

        triggers = []
        kinds = []
        for ev in fn.events:
            kind = next(k for k in ("http", "queue", "topic", "eventbridge", "schedule", "bucket", "stream") if hasattr(ev, k))
            if kind not in kinds:
                kinds.append(kind)
            if isinstance(ev, QueueEvent):
                qtf = tf_id(ev.queue)
                fifo = queue_fifo[ev.queue]
                triggers.append(
                    QueueTrigger(
                        tf=tf_id(name, ev.queue),
                        queue_tf=qtf,
                        batch_size=ev.batch_size or 10,
                        batch_window=ev.batch_window or 0,
                        max_concurrency=ev.max_concurrency,
                        fifo=fifo,
                    )
                )
                grants += [
                    (camel("queue", ev.queue, "consume"), g)
                    for g in expand("queue", "consume", arn=f"aws_sqs_queue.{qtf}.arn")
                ]

        grants += event_grants(name, fn)
        grants += failure_grants(ftf, kinds)
        grants.append(("Logs", expand("log_group", "write", arn=f"aws_cloudwatch_log_group.{ftf}.arn")[0]))
        env_kms = self.kms if env else None
        if self.kms:
            needs = set(uses_access(fn, bp))
            if triggers:
                needs.add(("queue", "consume"))
            if any(isinstance(ev, StreamEvent) for ev in fn.events):
                needs |= {("stream", "consume"), ("queue", "on_failure")}
            if ASYNC_TRIGGERS & set(kinds):  # the failures queue: on-failure destination and DLQ
                needs.add(("dead_letter", "send"))
            if env_kms:
                needs.add(("environment", "read"))
            level = kms_level(needs)
            if level:
                grants += [("KmsKey", g) for g in expand("kms_key", level, arn=KMS_ARN)]
        tracing = resolved(fn, bp, "tracing")
        if tracing:
            grants.append(("XRay", Grant(XRAY_ACTIONS, ("*",))))

        code_dir = fn.code or default_code_dir(name)
        artifact, build_command = compiled_artifact(fn, language(runtime), code_dir)
        conc = fn.concurrency
        log_level = log_setting("level", "log_level")
        return FunctionPlan(
            name=name,
            tf=ftf,
            physical=names.physical(name),
            description=fn.description or "",
            runtime=runtime,
            handler=fn.handler or default_handler(runtime),
            architecture=resolved(fn, bp, "architecture"),
            memory=resolved(fn, bp, "memory"),
            timeout=resolved(fn, bp, "timeout"),
            ephemeral_storage=resolved(fn, bp, "ephemeral_storage"),
            tracing=tracing,
            log_format=log_setting("format", "log_format"),
            log_level=log_level,
            system_log_level=SYSTEM_LEVEL[log_level],
            retention_days=log_setting("retention_days", "retention_days"),
            log_group=names.log_group(name),
            environment=tuple(sorted(env.items())),
            package=posixpath.join("..", DIST_DIR, f"{name}.zip"),
            code_dir=code_dir,
            language=language(runtime),
            role_name=names.physical(name),
            statements=merge_statements(grants) + extra_statements(fn.iam),
            queue_triggers=tuple(triggers),
            reserved=conc.reserved if conc else None,
            provisioned=conc.provisioned if conc else None,
            snapstart=bool(fn.snapstart),
            trigger_kinds=tuple(kinds),
            artifact=artifact,
            build_command=build_command,
            kms_key_arn=env_kms,
            skips=function_skips(
                reserved=conc.reserved if conc else None, kinds=tuple(kinds), has_env=bool(env), kms=bool(self.kms)
            ),
            log_skips=log_group_skips(retention_days=log_setting("retention_days", "retention_days"), kms=bool(self.kms)),
        )

    # ------------------------------------------------------------ api
    def api(self, functions: dict[str, FunctionPlan]) -> ApiPlan | None:
        bp = self.bp
        routes = []
        for fname in sorted(bp.functions):
            for ev in bp.functions[fname].events:
                if not isinstance(ev, HttpEvent):
                    continue
                method, _, path = ev.http.strip().partition(" ")
                method, path = method.upper(), path.strip()
                auth = ev.auth or "none"
                arn_method = "*" if method == "ANY" else method
                routes.append(
                    HttpRoute(
                        tf=route_id(f"{method} {path}"),
                        route_key=f"{method} {path}",
                        method=method,
                        path=path,
                        function=functions[fname],
                        auth=auth,
                        authorizer_tf=tf_id(auth) if auth not in ("none", "iam") else None,
                        source_arn=Raw(f'"${{aws_apigatewayv2_api.api.execution_arn}}/*/{arn_method}{arn_path(path)}"'),
                        cache=ev.cache is not False,
                        skips=http_route_skips(auth),
                    )
                )
        if not routes and bp.api is None:
            return None
        api = bp.api
        log_retention = (bp.defaults.logs.retention_days if bp.defaults.logs else None) or DEFAULTS["retention_days"]
        routes.sort(key=lambda r: (r.path, r.method))
        authorizers = tuple(
            Authorizer(tf_id(n), n, a.issuer, tuple(a.audience), a.identity_source)
            for n, a in sorted((api.authorizers if api else {}).items())
        )
        plan = ApiPlan(
            type=api.type if api else "http",
            tf="api",
            name=self.names.physical("api"),
            routes=tuple(routes),
            authorizers=authorizers,
            cors=_cors(api.cors, routes) if api and api.cors else None,
            throttling=api.throttling if api else None,
            cache=api.cache if api else None,
            integrations=tuple(functions[n] for n in sorted({r.function.name for r in routes})),
            log_group=f"/aws/apigateway/{self.names.physical('api')}",
            log_retention_days=log_retention,
            log_skips=log_group_skips(retention_days=log_retention, kms=bool(self.kms), key="defaults.logs.retention_days"),
        )
        return rest_plan(plan, self.stage) if plan.type == "rest" else plan

    def build(self) -> StagePlan:
        bp = self.bp
        queue_fifo = {n: q.fifo for n, q in bp.queues.items()}
        functions = tuple(self.function(n, bp.functions[n], queue_fifo) for n in sorted(bp.functions))
        stage_cfg = bp.stages.get(self.stage)
        region = (stage_cfg.region if stage_cfg else None) or bp.region
        tags = {"service": bp.service, "stage": self.stage, "managed-by": "sls-gen"}
        tags.update(bp.tags)
        plan = StagePlan(
            service=bp.service,
            stage=self.stage,
            region=region,
            prefix=self.names.prefix,
            description=bp.description or "",
            blueprint_name=self.blueprint_name,
            tags=tuple(sorted(tags.items())),
            kms_key=bp.kms_key,
            functions=functions,
            tables=self.tables(),
            queues=self.queues(),
            api=self.api({f.name: f for f in functions}),
            data=plan_data(bp, self.names, {f.name: f for f in functions}),
            messaging=build_messaging(bp, self.names, functions),
        )
        # Last: alarms and the dashboard cover whatever the other steps planned.
        return dataclasses.replace(plan, observability=plan_observability(plan, bp.observability))


def uses_access(fn: Function, bp: Blueprint) -> list[tuple[str, str]]:
    """(kind, access) of every `uses` entry, for the kms_key grant. An existing SSM parameter
    (`secrets: {x: {ssm: ...}}`) is encrypted with its own key, not the blueprint's."""
    out = []
    for use in fn.uses:
        for kind in ("table", "queue", "topic", "bus", "bucket", "secret", "function"):
            if hasattr(use, kind):
                if kind == "secret" and bp.secrets[use.secret].ssm:
                    kind = "parameter"
                out.append((kind, use.access))
    return out


def merge_statements(grants: list[tuple[str, Grant]]) -> tuple[Statement, ...]:
    """Merge grants with the same resources; sort actions, resources and statements."""
    by_resources: dict[tuple, tuple[list[str], set[str]]] = {}
    order: list[tuple] = []
    for sid, grant in grants:
        sid += grant.scope
        key = tuple(sorted(str(r) for r in grant.resources))
        if key not in by_resources:
            by_resources[key] = ([], set())
            order.append(key)
        sids, actions = by_resources[key]
        if sid not in sids:
            sids.append(sid)
        actions.update(grant.actions)
    resources_by_key = {}
    for _, grant in grants:
        key = tuple(sorted(str(r) for r in grant.resources))
        resources_by_key.setdefault(key, tuple(sorted(grant.resources, key=str)))
    statements = []
    used: defaultdict[str, int] = defaultdict(int)
    for key in order:
        sids, actions = by_resources[key]
        sid = sids[0] if len(sids) == 1 else "".join(sorted(sids))[:100]
        used[sid] += 1
        if used[sid] > 1:
            sid = f"{sid}{used[sid]}"
        statements.append(Statement(sid, tuple(sorted(actions)), resources_by_key[key]))
    return tuple(sorted(statements, key=lambda s: s.sid))


def build_plan(bp: Blueprint, stage: str, blueprint_name: str) -> StagePlan:
    return Planner(bp, stage, blueprint_name).build()


SIGV4_HEADERS = ("x-amz-date", "x-amz-security-token", "x-amz-content-sha256")


def _cors(cors, routes):
    """The API's CORS settings; a browser signs `auth: iam` calls (SigV4), so unless the blueprint lists
    its own `headers`, the preflight also admits the signature headers those calls carry."""
    if "headers" in cors.model_fields_set or not any(r.auth == "iam" for r in routes):
        return cors
    return cors.model_copy(update={"headers": [*cors.headers, *SIGV4_HEADERS]})

