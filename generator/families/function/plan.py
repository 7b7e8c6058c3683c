"""Plan Lambda functions: settings, environment, one least-privilege role each, and the on-failure
queue of every asynchronously invoked function.

`plan_functions` runs first of every plan step: each `uses` and `events` entry is handed to the
family of its kind (`use()` / `event()` in that family's plan.py), which says what it adds to the
function (environment, grants, key needs, an event source mapping).
"""

from __future__ import annotations

import dataclasses
import posixpath
from dataclasses import dataclass
from typing import Any

from generator.emit.hcl import Raw
from generator.families import by_event, by_use, event_kinds, families, kind_of, use_kinds
from generator.families.function.settings import (
    DEFAULTS,
    DIST_DIR,
    SYSTEM_LEVEL,
    compiled_artifact,
    default_code_dir,
    default_handler,
    language,
)
from generator.families.function.settings import resolved as _resolved
from generator.families.function.insights import VERSION as INSIGHTS_VERSION
from generator.families.function.insights import insights_layer, insights_tables
from generator.families.function.artifacts import upload
from generator.families.function.model import Vpc
from generator.families.layer.plan import layer_refs
from generator.plan.access import XRAY_ACTIONS, Grant, expand, kms_level
from generator.plan.conditions import narrowed_actions
from generator.plan.context import Access, PlanContext
from generator.plan.evolution import Adopt, derive, follow, previous_name
from generator.plan.iam import merge_statements
from generator.plan.model import DeliveryMetric, Export, FailureQueue, Named, Reason, Statement, async_kinds, condition_triples
from generator.plan.naming import Names, camel, env_prefix, tf_id
from generator.plan.placeholders import concat, hcl_value
from generator.plan.views import Edge, Node, duration, node_id
from generator.plan.security import KMS_ARN, function_skips, log_group_skips

# Lambda's own retries of an async invocation that returned an error (0-2) and how long an event may
# wait in the async queue (60-21600 s) before it goes to the on-failure queue.
ASYNC_RETRIES = 2
ASYNC_MAX_AGE = 3600
FAILURES_RETENTION = 14 * 86400


def failures_tf(function_tf: str) -> str:
    """Terraform id of a function's on-failure queue (an address: never change it)."""
    return f"{function_tf}_failures"


def failures_name(names: Names, function: str) -> str:
    return names.physical(function, "-failures")


def function_name(names: Names, name: str, fn) -> str:
    """The function's physical name as a template: `name:` (placeholders apply) or {service}-{stage}-<name>."""
    return names.template(fn.name) if fn is not None and fn.name else names.physical(name)


def role_template(names: Names, name: str, fn) -> str:
    """Its role's name: `role_name:` (placeholders apply) or {service}-{stage}-<name> (IAM is global:
    the default keeps the service and stage in it even when `name:` drops them)."""
    return names.template(fn.role_name) if fn is not None and fn.role_name else names.physical(name)


def alias_name(bp, fn) -> str | None:
    """The alias every trigger invokes: `alias:` (function, else defaults), `live` when provisioned
    concurrency or SnapStart needs published versions, else None ($LATEST)."""
    if fn.alias is not None:
        return fn.alias
    if bp.defaults.alias is not None:
        return bp.defaults.alias
    if (fn.concurrency and fn.concurrency.provisioned) or fn.snapstart:
        return "live"
    return None


def setting(bp, fn, key: str):
    """A function setting without a built-in default (iam, managed_policies, vpc): the function's
    own when it sets the key, else `defaults`' (which `layers` will append to instead)."""
    value = getattr(fn, key, None)
    return value if value is not None else getattr(bp.defaults, key, None)


VPC_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
INSIGHTS_POLICY = "arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy"


@dataclass(frozen=True)
class ManagedPolicy:
    tf: str  # aws_iam_role_policy_attachment address (derived from the policy's name)
    arn: Any  # str, or an HCL template ({account}, {region})


@dataclass(frozen=True)
class FunctionPlan:
    name: str
    tf: str
    physical: Any  # str, or an HCL template when `name:` holds {region}/{account}
    description: str
    runtime: str
    handler: str
    architecture: str
    memory: int
    timeout: int
    ephemeral_storage: int
    tracing: bool
    log_format: str
    log_level: str
    system_log_level: str
    retention_days: int
    log_group: Any  # /aws/lambda/<physical>: str or HCL template
    environment: tuple[tuple[str, Any], ...]  # sorted (key, HCL value)
    package: str  # path of the zip relative to the stage module
    code_dir: str  # relative to the blueprint
    language: str  # python | node | java | provided
    role_name: Any  # str, or an HCL template
    statements: tuple[Statement, ...]
    mappings: tuple[Any, ...] = ()  # event source mappings it owns (families.queue.plan.QueueTrigger)
    reserved: int | None = None
    provisioned: int | None = None
    snapstart: bool = False
    trigger_kinds: tuple[str, ...] = ()
    artifact: str | None = None  # java*/provided.al2023: the built zip or jar, relative to the blueprint
    build_command: str | None = None  # how to build it, for the plan-time error when it is missing
    requirements: str | None = None  # package.requirements: a Python requirements file named in the blueprint
    exclude: tuple[str, ...] = ()  # package.exclude of defaults and of the function: globs left out of the zip
    kms_key_arn: Any = None  # HCL expression: the blueprint's kms_key encrypts the environment
    skips: tuple[tuple[str, str], ...] = ()  # checkov (check id, reason) on the function
    log_skips: tuple[tuple[str, str], ...] = ()  # ... and on its log group
    reasons: tuple[Reason, ...] = ()  # why it holds each grant and variable (explain, README)
    env_sources: tuple[tuple[str, tuple], ...] = ()  # (variable, blueprint path that set it), sorted
    failures_physical: str = ""  # name of its on-failure queue ({service}-{stage}-<name>-failures), if async
    alias_name: str | None = None  # the alias triggers invoke (`alias:`, or live), None for $LATEST
    tags: tuple[tuple[str, str], ...] = ()
    managed_policies: tuple[ManagedPolicy, ...] = ()  # attached to its role
    vpc: tuple[Any, Any] | None = None  # (subnet ids, security group ids) as HCL values
    layers: tuple[Any, ...] = ()  # layer ARNs (HCL values)
    # Deployed through another provider by a family's `placements()` (Lambda@Edge: aws.us_east_1),
    # with the service principals its role trusts and whether it publishes numbered versions.
    provider: str | None = None
    trust: tuple[str, ...] = ("lambda.amazonaws.com",)
    placed_by: str = ""  # why it is placed there, for people (README facts)

    @property
    def publish(self) -> bool:
        return self.alias or self.provider is not None

    @property
    def qualified_arn(self) -> str:
        """The numbered version a published function's last apply created (Lambda@Edge needs one)."""
        return f"aws_lambda_function.{self.tf}.qualified_arn"
    layer_names: tuple[str, ...] = ()  # the layers of this blueprint among them (generator/families/layer)
    layer_labels: tuple[str, ...] = ()  # `layers` as people read them: names, ARNs with placeholders (README)
    image: Any = None  # `image:` (an ECR URI as an HCL value): a container image function, no zip
    image_label: str = ""  # the image as people read it: the URI with placeholders, or "SSM /path"
    upload: Any = None  # artifacts.Upload: the zip goes through S3 (`artifacts:`), else None: `filename`
    bundle: str | None = None  # package.bundle: "esbuild" (Node.js), else None: the folder is zipped
    sourcemap: bool = False  # package.sourcemap, with bundle
    old_code_dir: str | None = None  # a renamed function's default code dir under its old name
    adopt_logs: bool = False  # logs.adopt: import the existing log group

    # Every trigger (API integration, event source mapping, subscription, rule or schedule target,
    # invoke permission) goes through these, so that an alias (`alias:`, provisioned concurrency,
    # SnapStart) receives every event in one place.
    @property
    def alias(self) -> bool:
        return self.alias_name is not None

    @property
    def alias_tf(self) -> str:
        """Name of the aws_lambda_alias (and of its provisioned concurrency config): `<fn>_live` for `live`."""
        return tf_id(self.tf, self.alias_name or "live")

    @property
    def role_description(self):
        return concat("Execution role of ", self.physical)

    @property
    def async_invoked(self) -> bool:
        return bool(async_kinds() & set(self.trigger_kinds))

    @property
    def failures_arn(self) -> str:
        """ARN of the on-failure queue of an async-invoked function (planned below)."""
        return f"aws_sqs_queue.{failures_tf(self.tf)}.arn"

    @property
    def address(self) -> str:
        return f"aws_lambda_function.{self.tf}"

    @property
    def arn(self) -> str:
        """The unqualified function ARN (IAM resources, `uses: function`)."""
        return f"aws_lambda_function.{self.tf}.arn"

    @property
    def target_arn(self) -> str:
        """What triggers invoke: the `live` alias when there is one, else the function."""
        return f"aws_lambda_alias.{self.alias_tf}.arn" if self.alias else self.arn

    @property
    def invoke_arn(self) -> str:
        """API Gateway integration URI."""
        return f"aws_lambda_alias.{self.alias_tf}.invoke_arn" if self.alias else f"aws_lambda_function.{self.tf}.invoke_arn"

    @property
    def permission_qualifier(self) -> str | None:
        """`qualifier` for aws_lambda_permission when triggers go through the alias."""
        return f"aws_lambda_alias.{self.alias_tf}.name" if self.alias else None


@dataclass(frozen=True)
class AsyncFailureQueue:
    """On-failure destination (and DLQ) of one async-invoked function."""

    tf: str
    physical: str
    function: FunctionPlan
    retention_seconds: int
    maximum_retry_attempts: int
    maximum_event_age_in_seconds: int
    kms_key_arn: Any = None  # HCL expression, or None for SSE-SQS


@dataclass(frozen=True)
class FunctionPart:
    """What the function family plans beyond the functions themselves (plan.functions)."""

    functions: tuple[FunctionPlan, ...]
    failure_queues: tuple[AsyncFailureQueue, ...] = ()
    insights: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # (architecture, ((region, layer ARN), ...))
    insights_version: str = INSIGHTS_VERSION

    def dead_letters(self) -> list[FailureQueue]:
        return [
            FailureQueue(q.tf, q.physical, f"async invocation failures of {q.function.name}", (q.function.name,),
                         where=("functions", q.function.name))
            for q in self.failure_queues
        ]

    def graph(self, plan) -> tuple[list[Node], list[Edge]]:
        """Functions (the hubs), what their `uses` reach, and their on-failure queues."""
        nodes = [
            Node(node_id("function", fn.name), "function", "Functions", fn.name,
                 f"{'image' if fn.image is not None else fn.runtime}, {fn.memory} MB, {fn.timeout} s",
                 shape="round", facts=function_facts(fn), rank=2, hub=True)
            for fn in self.functions
        ]
        edges = [
            Edge(node_id("function", fn.name), node_id(r.family, r.target), r.access)
            for fn in self.functions for r in fn.reasons if r.what == "uses"
        ]
        for q in self.failure_queues:
            nodes.append(Node(node_id("failures", q.tf), "failure queue", "Failure queues", q.physical[len(plan.prefix) + 1:],
                              shape="queue", facts=(("retention", duration(q.retention_seconds)),), rank=4))
            edges.append(Edge(node_id("function", q.function.name), node_id("failures", q.tf), "on failure", failure=True))
        return nodes, edges

    def exports(self) -> list[Export]:
        return [e for fn in self.functions for e in (Export("function", fn.name, "name", Raw(f"aws_lambda_function.{fn.tf}.function_name")),
                                                      Export("function", fn.name, "arn", Raw(f"aws_lambda_function.{fn.tf}.arn")))]

    def delivery_metrics(self) -> list[DeliveryMetric]:
        """An async function's failed events go to its failure queue twice over (dead-letter queue and
        on-failure destination): when Lambda cannot write there, the event is lost and only these
        metrics say so."""
        out = []
        for q in self.failure_queues:
            fn = q.function
            dims = (("FunctionName", Raw(f"aws_lambda_function.{fn.tf}.function_name")),)
            out += [
                DeliveryMetric(
                    f"fn_{fn.tf}_dead_letter_errors", concat(fn.physical, "-dead-letter-errors"),
                    f"{fn.name}: failed events that could not be written to its dead-letter queue (lost)",
                    "AWS/Lambda", "DeadLetterErrors", dims, ("functions", fn.name),
                    (fn.address, "fn_", "_dead_letter_errors"),
                ),
                DeliveryMetric(
                    f"fn_{fn.tf}_destination_delivery_failures", concat(fn.physical, "-destination-failures"),
                    f"{fn.name}: invocation records that could not be sent to its on-failure destination",
                    "AWS/Lambda", "DestinationDeliveryFailures", dims, ("functions", fn.name),
                    (fn.address, "fn_", "_destination_delivery_failures"),
                ),
            ]
        return out

    def named(self) -> list[Named]:
        out = []
        for fn in self.functions:
            where, o = ("functions", fn.name), ("function", fn.name)
            out += [
                derive("aws_lambda_function", (o,), fn.physical, where, owner=o, primary=True),
                derive("aws_iam_role", (o,), fn.role_name, where, owner=o),
                derive("aws_iam_role_policy", (o,), None, where, owner=o),
                derive("aws_cloudwatch_log_group", (o,), fn.log_group, where, owner=o,
                       adopt=Adopt(fn.log_group) if fn.adopt_logs else None),
            ]
            # named after the function: `<function>_<policy>`, `<function>_<alias>`
            out += [follow(fn.address, "aws_iam_role_policy_attachment", suffix=p.tf[len(fn.tf):], where=where, owner=o)
                    for p in fn.managed_policies]
            if fn.upload:
                out.append(follow(fn.address, "aws_s3_object", suffix=fn.upload.tf[len(fn.tf):], where=where, owner=o))
            if fn.alias:
                out.append(follow(fn.address, "aws_lambda_alias", suffix=fn.alias_tf[len(fn.tf):], where=where, owner=o))
            if fn.provisioned:
                out.append(follow(fn.address, "aws_lambda_provisioned_concurrency_config",
                                  suffix=fn.alias_tf[len(fn.tf):], where=where, owner=o))
            # event source mappings the function owns (a queue trigger): templates of their family
            out += [n for m in fn.mappings for n in m.named(where)]
        for q in self.failure_queues:
            where, o = ("functions", q.function.name, "events"), ("function", q.function.name)
            out += [
                derive("aws_sqs_queue", (o, "failures"), q.physical, where, owner=o),
                derive("aws_lambda_function_event_invoke_config", (o,), None, where, owner=o),
            ]
        return out

    def physicals(self) -> dict[tuple[str, str], str]:
        out = {}
        for fn in self.functions:
            out[("aws_lambda_function", fn.tf)] = fn.physical
            out[("aws_iam_role", fn.tf)] = fn.role_name
            out[("aws_cloudwatch_log_group", fn.tf)] = fn.log_group
        for q in self.failure_queues:
            out[("aws_sqs_queue", q.tf)] = q.physical
        return out

    def terraform_files(self) -> list[tuple[str, str]]:
        files = []
        if self.functions:
            files += [("iam.tf", "iam.tf.j2"), ("lambda.tf", "lambda.tf.j2")]
        if any(fn.alias for fn in self.functions):
            files.append(("aliases.tf", "aliases.tf.j2"))
        if self.failure_queues:
            files.append(("async.tf", "async.tf.j2"))
        if self.insights:
            files.append(("insights.tf", "insights.tf.j2"))
        return files


def function_facts(fn: FunctionPlan) -> tuple[tuple[str, str], ...]:
    facts = [
        ("image", f"{fn.image_label} ({fn.architecture})") if fn.image is not None else
        ("runtime", f"{fn.runtime} ({fn.architecture})"),
        ("memory", f"{fn.memory} MB"),
        ("timeout", f"{fn.timeout} s"),
        ("/tmp", f"{fn.ephemeral_storage} MB"),
        ("logs", f"{fn.log_format}, {fn.log_level}, {fn.retention_days} days"),
        ("tracing", "X-Ray active" if fn.tracing else "off"),
    ]
    if fn.reserved is not None:
        facts.append(("reserved concurrency", str(fn.reserved)))
    if fn.provisioned:
        facts.append(("provisioned concurrency", f"{fn.provisioned} on the live alias"))
    if fn.snapstart:
        facts.append(("SnapStart", "on published versions (live alias)"))
    if fn.layer_labels:
        facts.append(("layers", ", ".join(fn.layer_labels)))
    if fn.image is None:
        facts.append(("code", fn.artifact or fn.code_dir))
    return tuple(facts)


def async_failure(fn: FunctionPlan) -> str:
    """What Lambda does with an async invocation that keeps failing (every async trigger says it)."""
    return (f"Lambda retries {ASYNC_RETRIES} times within {duration(ASYNC_MAX_AGE)}, "
            f"then the event goes to {fn.failures_physical}")


# ---------------------------------------------------------------- uses: {function: NAME}
def invoked_function(bp, name: str, names: Names) -> tuple[Raw, Raw]:
    """(FUNCTION_NAME value, ARN) of a function another function (or itself) invokes.

    Built from the physical name rather than `aws_lambda_function.x.arn`: a reference would make
    a function that invokes itself, or two functions that invoke each other, a Terraform cycle
    (function -> role policy -> other function -> its role policy -> ...). IAM does not need the
    target to exist first. When the target routes events through its `live` alias (provisioned
    concurrency, SnapStart), callers get the alias-qualified name so they hit warm capacity.
    """
    target = bp.functions[name]
    alias = alias_name(bp, target)
    physical = hcl_value(function_name(names, previous_name(bp, "function", name), target))
    arn = concat(FUNCTION_ARN_PREFIX, physical)
    if alias:
        return _quoted(concat(physical, f":{alias}")), _quoted(concat(arn, f":{alias}"))
    return _quoted(physical), _quoted(arn)


FUNCTION_ARN_PREFIX = Raw('"arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:"')


def _quoted(value) -> Raw:
    """A plan value as an HCL expression (a plain name stays a quoted literal, marked as HCL so that
    sample environments treat it like the other generated values)."""
    return value if isinstance(value, Raw) else Raw('"' + value + '"')


def attributes(bp, names: Names, name: str) -> dict[str, Any]:
    """What `${function:<name>.<attr>}` may read (generator/plan/refs.py). Built from the physical
    name, not from aws_lambda_function: a function may name itself or its callers without a cycle."""
    physical = hcl_value(function_name(names, previous_name(bp, "function", name), bp.functions.get(name)))
    return {"name": physical, "arn": concat(FUNCTION_ARN_PREFIX, physical)}


def use(entry, ctx: PlanContext, function: str) -> Access:
    fn_name, fn_arn = invoked_function(ctx.bp, entry.function, ctx.names)
    return Access(
        env={f"{env_prefix(entry.function)}_FUNCTION_NAME": fn_name},
        grants=[(camel("function", entry.function, "invoke"), g) for g in expand("function", "invoke", arn=fn_arn)],
        kms=(("function", entry.access),),
    )


def extra_statements(iam, refs=None) -> tuple[Statement, ...]:
    """`iam:` statements as written (the function's, else defaults'), after the generated ones;
    resources and condition values may hold references and placeholders; `allow_wildcard` stays
    in the blueprint."""
    value = (lambda v: refs.value(v, iam=True)) if refs is not None else (lambda v: v)
    return tuple(
        Statement(
            sid=st.sid or f"Extra{i}",
            actions=tuple(st.actions),
            resources=tuple(value(r) for r in st.resources),
            effect=st.effect,
            conditions=condition_triples(st.conditions, value),
        )
        for i, st in enumerate(iam or ())
    )


def narrowed(access: Access, entry, refs) -> list[tuple[str, Grant]]:
    """A `uses` entry's grants under its `conditions:`: each keeps the actions that take the
    condition's keys (generator/plan/conditions.py); a grant left with none is dropped."""
    if not getattr(entry, "conditions", None):
        return access.grants
    cond = condition_triples(entry.conditions, lambda v: refs.value(v, iam=True))
    out = []
    for sid, grant in access.grants:
        actions = narrowed_actions(grant.actions, entry.conditions)
        if actions:
            out.append((sid, dataclasses.replace(grant, actions=actions, conditions=tuple(sorted(grant.conditions + cond, key=str)))))
    return out


def renamed(access: Access, entry) -> dict[str, Any]:
    """The variables a `uses` entry adds, under its `env:` name when it has one."""
    env_name = getattr(entry, "env", None)
    if not env_name:
        return access.env
    return {env_name: value for value in access.env.values()}


def _policy_tf(function_tf: str, arn: str) -> str:
    return tf_id(function_tf, "policy", str(arn).rstrip('"').rsplit("/", 1)[-1])


def managed_policies(ctx: PlanContext, ftf: str, fn, vpc: bool, insights: bool) -> tuple[ManagedPolicy, ...]:
    """`managed_policies:` (placeholders apply), plus the AWS policies VPC access and Lambda Insights need."""
    arns = [hcl_value(ctx.names.template(a)) for a in setting(ctx.bp, fn, "managed_policies") or ()]
    arns += [VPC_POLICY] * vpc + [INSIGHTS_POLICY] * insights
    out: dict[str, ManagedPolicy] = {}
    for arn in dict.fromkeys(arns):  # one attachment per policy
        tf, n = _policy_tf(ftf, arn), 2
        while tf in out:  # two policies of one name under different paths or accounts
            tf, n = f"{_policy_tf(ftf, arn)}_{n}", n + 1
        out[tf] = ManagedPolicy(tf, arn)
    return tuple(sorted(out.values(), key=lambda p: p.tf))


def vpc_config(ctx: PlanContext, fn) -> tuple[Any, Any] | None:
    """(subnet ids, security group ids) as HCL values: lists as written, or StringList parameters
    read when Terraform plans."""
    vpc = setting(ctx.bp, fn, "vpc")
    if vpc is None:
        return None
    if isinstance(vpc, Vpc):
        return tuple(vpc.subnets), tuple(vpc.security_groups)
    return (Raw(f'split(",", {ctx.refs.ssm(vpc.ssm.subnets)})'), Raw(f'split(",", {ctx.refs.ssm(vpc.ssm.security_groups)})'))


# ---------------------------------------------------------------- functions
def gathered_placements(bp) -> dict[str, dict]:
    """Functions a family deploys elsewhere (its plan's `placements(bp)`: function -> {provider,
    region, trust, defaults, why}); a function placed there takes the placement's `defaults` where
    it sets none itself, and inherits no environment, VPC, alias or Lambda Insights from `defaults`."""
    from generator.families import families

    out: dict[str, dict] = {}
    for fam in families():
        hook = getattr(fam.part("plan"), "placements", None) if fam.name != "function" else None
        if hook is not None:
            out.update(hook(bp))
    return out


def plan_function(ctx: PlanContext, name: str, fn, placement: dict | None = None) -> FunctionPlan:
    bp, names, kms = ctx.bp, ctx.names, ctx.kms
    ftf = tf_id(name)
    placed = placement or {}
    if placement is not None:
        kms = None  # the stage's key is regional: nothing placed in another region encrypts with it

    def resolved(fn, bp, key):  # noqa: F811 - the placement's defaults come before `defaults`
        if getattr(fn, key, None) is None and key in placed.get("defaults", {}):
            return placed["defaults"][key]
        return _resolved(fn, bp, key)

    runtime = resolved(fn, bp, "runtime")
    logs_fn, logs_def = fn.logs, bp.defaults.logs

    def log_setting(key: str, default_key: str):
        for source in (logs_fn, logs_def):
            value = getattr(source, key, None) if source else None
            if value is not None:
                return value
        return DEFAULTS[default_key]

    env: dict[str, object] = {}
    env_from: dict[str, tuple] = {}
    inherited = () if placement is not None else ((("defaults", "environment"), bp.defaults.environment),)
    for path, values in (*inherited, (("functions", name, "environment"), fn.environment)):
        env.update((key, ctx.refs.value(value)) for key, value in (values or {}).items())  # references, SSM, placeholders
        env_from.update((key, (*path, key)) for key in values or {})
    bundle = package_setting(fn, bp, "bundle") if language(runtime) == "node" and fn.image is None else None
    if bundle and package_setting(fn, bp, "sourcemap") and "NODE_OPTIONS" not in env:
        env["NODE_OPTIONS"] = "--enable-source-maps"  # the stack traces read the .map
        env_from["NODE_OPTIONS"] = ("functions", name, "package", "sourcemap") if fn.package and fn.package.sourcemap \
            else ("defaults", "package", "sourcemap")
    grants: list[tuple[str, Grant]] = []
    needs: set[tuple[str, str]] = set()
    reasons: list[Reason] = []
    for i, entry in enumerate(fn.uses):
        kind = kind_of(entry, use_kinds())
        family = by_use(kind)
        access = family.part("plan").use(entry, ctx, name)
        added, granted = renamed(access, entry), narrowed(access, entry, ctx.refs)  # env:, conditions:
        env.update(added)
        path = ("functions", name, "uses", i)
        env_from.update((key, path) for key in added)
        grants += granted
        needs.update(access.kms)
        reasons.append(Reason("uses", path, family.name, getattr(entry, kind), entry.access, tuple(granted), tuple(added)))

    mappings = []
    kinds: list[str] = []
    for i, ev in enumerate(fn.events):
        kind = kind_of(ev, event_kinds())
        if kind not in kinds:
            kinds.append(kind)
        family = by_event(kind)
        hook = getattr(family.part("plan"), "event", None)
        access = hook(ev, ctx, name) if hook else Access()
        env.update(access.env)
        grants += access.grants
        needs.update(access.kms)
        if access.mapping is not None:
            mappings.append(access.mapping)
        value = getattr(ev, kind)
        reasons.append(Reason("events", ("functions", name, "events", i), family.name,
                              value if isinstance(value, str) else None, kind, tuple(access.grants)))

    if placement is not None and placement.get("trigger") and placement["trigger"] not in kinds:
        kinds.append(placement["trigger"])  # invoked from the placing family's section (edge.functions)
    # What objects elsewhere in the blueprint add to a function they name (a secret's rotation
    # function): each family's `function_access(ctx, function)` -> [(trigger kind, Reason, Access)].
    for fam in families():
        hook = getattr(fam.part("plan"), "function_access", None)
        for kind, reason, access in hook(ctx, name) if hook else ():
            if kind not in kinds:
                kinds.append(kind)
            env.update(access.env)
            env_from.update((key, reason.path) for key in access.env)
            grants += access.grants
            needs.update(access.kms)
            reasons.append(dataclasses.replace(reason, grants=tuple(access.grants), env=tuple(access.env)))

    def builtin(what: str, new: list[tuple[str, Grant]], access: str = "") -> None:
        grants.extend(new)
        reasons.append(Reason(what, access=access, grants=tuple(new)))

    is_async = bool(async_kinds() & set(kinds))
    if is_async:  # the on-failure queue: Lambda's destination and DLQ
        builtin("failures", [("FailureQueue", g) for g in expand("dead_letter", "send", arn=f"aws_sqs_queue.{failures_tf(ftf)}.arn")], "send")
        needs.add(("dead_letter", "send"))
    builtin("logs", [("Logs", expand("log_group", "write", arn=f"aws_cloudwatch_log_group.{ftf}.arn")[0])], "write")
    if placement is not None:  # Lambda@Edge replicas log in every region they run in, into groups Lambda creates
        physical_name = hcl_value(function_name(names, name, fn))
        quoted = physical_name if not isinstance(physical_name, str) else '"' + physical_name + '"'
        builtin("logs", [("ReplicaLogs", g) for g in expand("edge_log_group", "write", name=str(quoted))], "write")
    env_kms = kms if env else None
    if kms:
        if env_kms:
            needs.add(("environment", "read"))
        level = kms_level(needs)
        if level:
            builtin("kms", [("KmsKey", g) for g in expand("kms_key", level, arn=KMS_ARN)], level)
    tracing = resolved(fn, bp, "tracing")
    if tracing:
        builtin("tracing", [("XRay", Grant(XRAY_ACTIONS, ("*",)))], "write")
    extra = extra_statements(setting(bp, fn, "iam"), ctx.refs)
    iam_at = ("functions", name, "iam") if fn.iam is not None else ("defaults", "iam")
    reasons += [
        Reason("iam", iam_at + (i,), access=st.effect,
               grants=((st.sid, Grant(st.actions, st.resources, conditions=st.conditions)),))
        for i, st in enumerate(extra)
    ]

    code_dir = fn.code or default_code_dir(name)
    old_code_dir = default_code_dir(fn.renamed_from) if fn.renamed_from and not fn.code else None
    origin = ctx.origin("function", name)  # a renamed function keeps its AWS names
    artifact, build_command = compiled_artifact(fn, language(runtime), code_dir)
    conc = fn.concurrency
    log_level = log_setting("level", "log_level")
    physical = hcl_value(function_name(names, origin, fn))
    architecture = resolved(fn, bp, "architecture")
    insights = bool(bp.observability.insights) and placement is None
    vpc = vpc_config(ctx, fn) if placement is None or fn.vpc is not None else None
    # Lambda@Edge takes no layers: its own are refused (SLS340), `defaults.layers` are not inherited
    layers, layer_names, layer_labels = layer_refs(ctx, name, fn) if placement is None else ((), (), ())
    image = image_uri(ctx, fn)
    return FunctionPlan(
        name=name,
        tf=ftf,
        physical=physical,
        description=fn.description or "",
        runtime=runtime,
        handler=fn.handler or default_handler(runtime),
        architecture=architecture,
        memory=resolved(fn, bp, "memory"),
        timeout=resolved(fn, bp, "timeout"),
        ephemeral_storage=resolved(fn, bp, "ephemeral_storage"),
        tracing=tracing,
        log_format=log_setting("format", "log_format"),
        log_level=log_level,
        system_log_level=SYSTEM_LEVEL[log_level],
        retention_days=log_setting("retention_days", "retention_days"),
        log_group=concat("/aws/lambda/", physical),
        environment=tuple(sorted(env.items())),
        package=posixpath.join("..", DIST_DIR, f"{name}.zip"),
        code_dir=code_dir,
        language=language(runtime),
        role_name=hcl_value(role_template(names, origin, fn)),
        statements=merge_statements(grants) + extra,
        mappings=tuple(mappings),
        reserved=conc.reserved if conc else None,
        provisioned=conc.provisioned if conc else None,
        snapstart=bool(fn.snapstart),
        trigger_kinds=tuple(kinds),
        artifact=artifact,
        build_command=build_command,
        requirements=package_requirements(fn, bp),
        exclude=package_exclude(fn, bp),
        bundle=bundle,
        sourcemap=bool(bundle and package_setting(fn, bp, "sourcemap")),
        kms_key_arn=env_kms,
        skips=function_skips(
            reserved=conc.reserved if conc else None, async_invoked=is_async, has_env=bool(env), kms=bool(kms),
            vpc=vpc is not None,
        ),
        log_skips=log_group_skips(retention_days=log_setting("retention_days", "retention_days"), kms=bool(kms),
                                  elsewhere=placed.get("region")),
        reasons=tuple(reasons),
        env_sources=tuple(sorted(env_from.items())),
        failures_physical=failures_name(names, origin) if is_async else "",
        alias_name=alias_name(bp, fn) if placement is None or fn.alias is not None else None,
        tags=tuple(sorted(fn.tags.items())),
        managed_policies=managed_policies(ctx, ftf, fn, vpc=vpc is not None, insights=insights),
        vpc=vpc,
        layers=layers + ((insights_layer(architecture),) if insights and image is None else ()),
        layer_names=layer_names,
        layer_labels=layer_labels,
        image=image,
        upload=upload(bp, names, kms, "functions", name, ftf) if image is None else None,
        image_label=("" if fn.image is None else names.template(fn.image) if isinstance(fn.image, str)
                     else f"SSM {names.template(fn.image.ssm)}"),
        provider=placed.get("provider"),
        trust=tuple(placed.get("trust", ("lambda.amazonaws.com",))),
        placed_by=placed.get("why", ""),
        old_code_dir=old_code_dir if old_code_dir != code_dir else None,
        adopt_logs=next((s.adopt for s in (logs_fn, logs_def) if s is not None and s.adopt is not None), False),
    )


def image_uri(ctx: PlanContext, fn):
    """`image:` as the plan holds it: placeholders applied, or an SSM parameter read at plan time."""
    if fn.image is None:
        return None
    if isinstance(fn.image, str):
        return hcl_value(ctx.names.template(fn.image))
    return ctx.refs.ssm(fn.image.ssm)


def package_setting(fn, bp, key: str):
    """A `package` key: the function's, else defaults'."""
    for settings in (fn.package, bp.defaults.package):
        if settings is not None and getattr(settings, key) is not None:
            return getattr(settings, key)
    return None


def package_requirements(fn, bp) -> str | None:
    for settings in (fn.package, bp.defaults.package):
        if settings is not None and settings.requirements is not None:
            return settings.requirements
    return None


def package_exclude(fn, bp) -> tuple[str, ...]:
    globs = [g for settings in (bp.defaults.package, fn.package) if settings for g in settings.exclude or ()]
    return tuple(dict.fromkeys(globs))


def plan_functions(ctx: PlanContext) -> tuple[FunctionPlan, ...]:
    placed = gathered_placements(ctx.bp)
    functions = tuple(plan_function(ctx, n, ctx.bp.functions[n], placed.get(n)) for n in sorted(ctx.bp.functions))
    ctx.functions.update((f.name, f) for f in functions)
    return functions


def plan(ctx: PlanContext) -> FunctionPart:
    functions = tuple(ctx.functions[n] for n in sorted(ctx.functions))
    return FunctionPart(
        functions=functions,
        insights=insights_tables(sorted({fn.architecture for fn in functions if fn.image is None})) if ctx.bp.observability.insights else (),
        failure_queues=tuple(
            AsyncFailureQueue(
                tf=failures_tf(fn.tf),
                physical=failures_name(ctx.names, ctx.origin("function", fn.name)),
                function=fn,
                retention_seconds=FAILURES_RETENTION,
                maximum_retry_attempts=ASYNC_RETRIES,
                maximum_event_age_in_seconds=ASYNC_MAX_AGE,
                kms_key_arn=ctx.kms,
            )
            for fn in functions
            if fn.async_invoked
        ),
    )
