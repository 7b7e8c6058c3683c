"""Function checks Lambda and IAM enforce only at apply (or never, for a leaked credential):

* names (SLS301: the function's name is also its role's) and settings in range (SLS302);
* the environment (rule 5: 4 KB including the generated variables, names, reserved keys; SLS303)
  and credentials written in it (SLS402);
* `iam:` escape-hatch statements: no wildcard actions, no `*` resource where AWS can scope
  (SLS401). A statement may opt out with `allow_wildcard: "<reason>"`; the reason stays in the
  blueprint (it is reviewed there) and is never emitted to IAM;
* `artifact:` belongs to compiled runtimes only (sls-gen packages Python and Node.js itself);
* concurrency and SnapStart (aws-limits.md rows 10-12): per stage, reservations leave 100 of
  `account.concurrency_quota` unreserved (SLS308); SnapStart only on java17/java21/python3.12+,
  never with provisioned concurrency or a /tmp above 512 MB; provisioned concurrency never above
  the function's reserved concurrency (SLS309);
* the name of the failure queue sls-gen adds for async triggers.

The environment budget counts what sls-gen will emit: the user's variables (defaults merged with
the function's) plus the generated `<NAME>_TABLE_NAME`-style ones. A generated value is a
Terraform reference, so its length is bounded by the physical name (or URL / ARN) it resolves to;
each family says which variables its `uses` entries add (`env_lengths`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Collection, Iterable

from generator.checks.context import per_stage
from generator.checks.names import derived_too_long, too_long
from generator.checks.stages import Finding
from generator.checks.stages import per_stage as findings_per_stage
from generator.diagnostics import Diagnostic
from generator.families import by_use, kind_of, use_kinds
from generator.families.function.model import UseFunction
from generator.families.function.plan import failures_name
from generator.families.function.settings import DEFAULTS
from generator.model.blueprint import Blueprint
from generator.plan.model import async_kinds
from generator.plan.naming import Names, env_prefix

FUNCTION_MAX = 64  # also the IAM role name limit (rule 39): roles share the function's name
RANGES = {  # setting -> (min, max, unit), AWS Lambda quotas (rules 2-4)
    "memory": (128, 10240, "MB"),
    "timeout": (1, 900, "s"),
    "ephemeral_storage": (512, 10240, "MB"),
}
QUEUE_NAME_MAX = 80  # the failure queue's
MIN_UNRESERVED = 100  # AWS keeps this much of the regional quota for functions without reservations
SNAPSTART_RUNTIMES = ("java17", "java21", "python3.12", "python3.13")
ENV_MAX_BYTES = 4096
KEY_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]+$")
RESERVED = {
    "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "_HANDLER", "_X_AMZN_TRACE_ID", "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR", "TZ", "AWS_XRAY_CONTEXT_MISSING", "AWS_XRAY_DAEMON_ADDRESS", "_AWS_XRAY_DAEMON_ADDRESS",
    "_AWS_XRAY_DAEMON_PORT", "AWS_LAMBDA_RUNTIME_API",
}

SECRET_HINT = "declare it under secrets: and grant it with uses: [{secret: NAME}]; the function reads it at runtime"
_CREDENTIALS = (
    (re.compile(r"(?<![A-Z0-9])(AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}(?![A-Z0-9])"), "an AWS access key id"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a PEM private key"),
    (re.compile(r"(?i)\b(pass(word|wd)?|pwd|secret|token|api[_-]?key|auth)\s*[=:]\s*[^\s&;,]{4,}"), "a password=... assignment"),
    (re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@"), "a URL with a password"),
    (re.compile(r"\b(ghp|gho|ghs|ghu|github_pat|xox[abpr]|sk_live|rk_live|sk-[A-Za-z0-9]{2})_?[A-Za-z0-9_-]{16,}"),
     "an API token"),
)
_SECRET_KEY_RE = re.compile(r"^[A-Za-z0-9/+]{40}$")  # AWS secret access key shape
_SECRET_NAMES = re.compile(r"(?i)(^|_)(PASSWORD|PASSWD|SECRET_KEY|CLIENT_SECRET|PRIVATE_KEY|API_KEY|APIKEY|ACCESS_TOKEN|AUTH_TOKEN)$")
_TOKEN_RE = re.compile(r"^[A-Za-z0-9+/=_.-]{32,}$")

# Actions that accept no resource narrower than "*" (AWS's service authorization reference lists
# no resource types for them). A `*` resource on any other action is too broad.
UNSCOPED_ACTIONS = frozenset(
    a.lower()
    for a in (
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "cloudwatch:PutMetricData",
        "cloudwatch:GetMetricData",
        "cloudwatch:ListMetrics",
        "sts:GetCallerIdentity",
        "s3:ListAllMyBuckets",
        "sqs:ListQueues",
        "sns:ListTopics",
        "dynamodb:ListTables",
        "lambda:ListFunctions",
        "kms:ListKeys",
        "kms:ListAliases",
        "secretsmanager:ListSecrets",
        "secretsmanager:GetRandomPassword",
        "ssm:DescribeParameters",
        "logs:DescribeLogGroups",
        "ec2:DescribeNetworkInterfaces",
        "ec2:CreateNetworkInterface",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeVpcs",
        "events:ListEventBuses",
        "states:ListStateMachines",
        "iam:ListRoles",
    )
)


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, _name, _ranges, _provider6_runtimes)
    yield from _environment(ctx)
    yield from _iam(ctx)
    yield from _compiled(ctx)
    yield from findings_per_stage(ctx, budget)
    yield from findings_per_stage(ctx, snapstart)
    for stage, bp in ctx.stages.items():
        yield from _failure_queue(ctx, bp, Names(bp.service, stage))


# ---------------------------------------------------------------- names and settings
def _name(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    for fname in bp.functions:
        physical = names.physical(fname)
        if len(physical) > FUNCTION_MAX:
            yield too_long(ctx, stage, ("functions", fname), "function (and IAM role)", physical, FUNCTION_MAX)


def _provider6_runtimes(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    """python3.14, nodejs24.x and java25 exist only in hashicorp/aws 6: the blueprint must pin it."""
    from generator.families.function.model import PROVIDER6_RUNTIMES

    pinned = getattr(getattr(bp, "terraform", None), "aws_provider", None) == "6"
    if pinned:
        return
    if bp.defaults.runtime in PROVIDER6_RUNTIMES:
        yield _needs_provider6(ctx, stage, ("defaults", "runtime"), bp.defaults.runtime)
    for fname, fn in bp.functions.items():
        if fn.runtime in PROVIDER6_RUNTIMES:
            yield _needs_provider6(ctx, stage, ("functions", fname, "runtime"), fn.runtime)


def _needs_provider6(ctx, stage: str, path: tuple, runtime: str) -> Diagnostic:
    return ctx.stage_diag(stage, "SLS312", path, f"runtime {runtime} needs AWS provider 6",
                          hint='add `terraform: {aws_provider: "6"}` (versions.tf then pins ~> 6.0)')


def _ranges(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    for key, (low, high, unit) in RANGES.items():
        value = getattr(bp.defaults, key)
        if value is not None and not low <= value <= high:
            yield ctx.stage_diag(stage, "SLS302", ("defaults", key), f"{key} {value} {unit} is outside {low}-{high} {unit}")
    for fname, fn in bp.functions.items():
        for key, (low, high, unit) in RANGES.items():
            value = getattr(fn, key)
            if value is not None and not low <= value <= high:
                yield ctx.stage_diag(stage, "SLS302", ("functions", fname, key),
                                     f"{key} {value} {unit} is outside {low}-{high} {unit}")


# ---------------------------------------------------------------- environment
def entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def credential_kind(key: str, value: str) -> str | None:
    """What the value looks like, if it looks like a credential; None for ordinary configuration."""
    for pattern, kind in _CREDENTIALS:
        if pattern.search(value):
            return kind
    if _SECRET_KEY_RE.match(value) and any(c.isdigit() for c in value) and any(c.isupper() for c in value) \
            and any(c.islower() for c in value):
        return "an AWS secret access key"
    if _SECRET_NAMES.search(key) and len(value) >= 8 and not value.isdigit() and " " not in value:
        return f"a literal value for {key}"
    if _TOKEN_RE.match(value) and entropy(value) >= 4.3 and any(c.isdigit() for c in value) \
            and any(c.isupper() for c in value) and any(c.islower() for c in value):
        return "a high-entropy token"
    return None


def generated_env(bp, names: Names, fn) -> dict[str, int]:
    """Generated variable -> the longest value it can resolve to: each `uses` entry's family says."""
    out: dict[str, int] = {}
    for use in fn.uses:
        out.update(by_use(kind_of(use, use_kinds())).part("checks").env_lengths(bp, names, use))
    return out


def _environment(ctx) -> Iterable[Diagnostic]:
    for stage, bp in ctx.stages.items():
        names = Names(bp.service, stage)
        for key, value in (bp.defaults.environment or {}).items():
            yield from _variable(ctx, stage, ("defaults", "environment", key), key, value)
        for fname, fn in bp.functions.items():
            path = ("functions", fname, "environment")
            for key, value in (fn.environment or {}).items():
                yield from _variable(ctx, stage, path + (key,), key, value)
            user = {**(bp.defaults.environment or {}), **(fn.environment or {})}
            generated = generated_env(bp, names, fn)
            for key in sorted(set(user) & set(generated)):
                where = path + (key,) if key in (fn.environment or {}) else ("defaults", "environment", key)
                yield ctx.stage_diag(stage, "SLS303", where,
                                     f"'{key}' is set by sls-gen for function '{fname}' (from its uses:)",
                                     hint="rename the variable; sls-gen's value would replace yours")
            total = sum(len(k.encode()) + len(v.encode()) for k, v in user.items() if k not in generated)
            total += sum(len(k) + n for k, n in generated.items())
            if total > ENV_MAX_BYTES:
                where = path if fn.environment else ("functions", fname)
                yield ctx.stage_diag(
                    stage, "SLS303", where,
                    f"environment of function '{fname}' can reach {total} bytes in stage '{stage}' "
                    f"(including {len(generated)} generated variable(s)); Lambda allows {ENV_MAX_BYTES} in total",
                    hint="move large values to a secret, an SSM parameter or a file in the package",
                )


def _variable(ctx, stage, path, key: str, value: str) -> Iterable[Diagnostic]:
    if not KEY_RE.match(key):
        yield ctx.stage_diag(stage, "SLS303", path, f"'{key}' is not a valid variable name",
                             hint="start with a letter; use letters, digits and '_' (at least 2 characters)")
    elif key in RESERVED or key.startswith("AWS_LAMBDA_"):
        yield ctx.stage_diag(stage, "SLS303", path, f"'{key}' is reserved by the Lambda runtime and cannot be set")
    kind = credential_kind(key, value)
    if kind:
        yield ctx.stage_diag(stage, "SLS402", path,
                             f"the value looks like {kind}: credentials must not be written in a blueprint",
                             hint=SECRET_HINT)


def env_lengths(bp, names: Names, use: UseFunction) -> dict[str, int]:
    """The variables a `uses: {function: ...}` entry adds, with the longest value each can resolve to."""
    return {f"{env_prefix(use.function)}_FUNCTION_NAME": len(names.physical(use.function))}


# ---------------------------------------------------------------- iam statements
def is_wildcard_action(action: str) -> bool:
    return "*" in action or "?" in action


def _iam(ctx) -> Iterable[Diagnostic]:
    for bp in ctx.stages.values():
        for fname, fn in bp.functions.items():
            sids: set[str] = set()
            for i, st in enumerate(fn.iam):
                if st.sid and st.sid in sids:
                    yield ctx.diag("SLS102", ("functions", fname, "iam", i, "sid"), f"duplicate sid '{st.sid}'")
                sids.add(st.sid or "")
                if (st.allow_wildcard and st.allow_wildcard.strip()) or st.effect == "Deny":
                    continue  # a reviewed reason, or a Deny: a broad Deny narrows access, never widens it
                base = ("functions", fname, "iam", i)
                hint = 'scope it, or add allow_wildcard: "<reason>" to the statement'
                for j, action in enumerate(st.actions):
                    if is_wildcard_action(action):
                        yield ctx.diag("SLS401", base + ("actions", j), f"wildcard action '{action}'", hint=hint)
                scoped = [a for a in st.actions if not is_wildcard_action(a) and a.lower() not in UNSCOPED_ACTIONS]
                for k, resource in enumerate(st.resources):
                    if resource.strip() == "*" and scoped:
                        yield ctx.diag(
                            "SLS401",
                            base + ("resources", k),
                            f"resource '*' for {', '.join(scoped[:3])}{' ...' if len(scoped) > 3 else ''}, "
                            "which AWS lets you scope to ARNs",
                            hint=hint,
                        )


# ---------------------------------------------------------------- compiled artifacts
def _compiled(ctx) -> Iterable[Diagnostic]:
    for bp in ctx.stages.values():
        for fname, fn in bp.functions.items():
            runtime = fn.runtime or bp.defaults.runtime or "python3.13"
            if fn.artifact and not (runtime.startswith("java") or runtime == "provided.al2023"):
                yield ctx.diag(
                    "SLS102",
                    ("functions", fname, "artifact"),
                    f"artifact applies to java17, java21 and provided.al2023, not {runtime}",
                    hint="sls-gen packages the code dir itself: remove artifact",
                )
            elif fn.artifact and (fn.artifact.startswith(("/", "\\")) or ":" in fn.artifact):
                # An absolute path would land in the generated Terraform and differ per machine.
                yield ctx.diag(
                    "SLS313", ("functions", fname, "artifact"), "artifact must be relative to the blueprint"
                )


# ---------------------------------------------------------------- concurrency and SnapStart
def budget(bp: Blueprint, where) -> Iterable[Finding]:
    """Walk the functions in blueprint order; report the reservation that first breaks the budget.

    Provisioned concurrency on a function without a reservation comes out of the unreserved pool
    too (AWS rejects it with the same error), so it counts.
    """
    quota = bp.account.concurrency_quota
    allowed = max(quota - MIN_UNRESERVED, 0)
    total = 0
    for fname, fn in bp.functions.items():
        conc = fn.concurrency
        if conc is None:
            continue
        if conc.reserved is not None:
            amount, key, what = conc.reserved, "reserved", "reserved concurrency"
        elif conc.provisioned:
            amount, key, what = conc.provisioned, "provisioned", "provisioned concurrency"
        else:
            continue
        total += amount
        if amount and total > allowed:
            yield (
                "SLS308",
                where(("functions", fname, "concurrency", key)),
                f"{what} {amount} brings the stage's reservations to {total}, above {allowed}: AWS keeps "
                f"{MIN_UNRESERVED} of the account's concurrency quota ({quota}) unreserved",
                "lower the reservations, or set account.concurrency_quota to your account's real quota",
            )
            return


def snapstart(bp: Blueprint, where) -> Iterable[Finding]:
    for fname, fn in bp.functions.items():
        base = ("functions", fname)
        conc = fn.concurrency
        if conc and conc.provisioned and conc.reserved is not None and conc.provisioned > conc.reserved:
            yield (
                "SLS309",
                where(base + ("concurrency", "provisioned")),
                f"provisioned concurrency {conc.provisioned} is above the function's reserved concurrency {conc.reserved}",
                "AWS rejects it: raise reserved or lower provisioned",
            )
        if not fn.snapstart:
            continue
        runtime = fn.runtime or bp.defaults.runtime or DEFAULTS["runtime"]
        if runtime not in SNAPSTART_RUNTIMES:
            yield (
                "SLS309",
                where(base + ("snapstart",)),
                f"SnapStart does not support runtime {runtime}",
                f"SnapStart runs on {', '.join(SNAPSTART_RUNTIMES)}",
            )
        if conc and conc.provisioned:
            yield (
                "SLS309",
                where(base + ("concurrency", "provisioned")),
                "provisioned concurrency cannot be combined with SnapStart",
                "use one of them: SnapStart for cheaper cold starts, provisioned concurrency for none at all",
            )
        storage = fn.ephemeral_storage if fn.ephemeral_storage is not None else bp.defaults.ephemeral_storage
        if storage is not None and storage > 512:
            path = base + ("ephemeral_storage",) if fn.ephemeral_storage is not None else ("defaults", "ephemeral_storage")
            yield (
                "SLS309",
                where(path),
                f"SnapStart does not support ephemeral storage above 512 MB (got {storage})",
                None,
            )


# ---------------------------------------------------------------- failure queue
def _failure_queue(ctx, bp: Blueprint, names: Names) -> Iterable[Diagnostic]:
    declared = {names.queue(q, c.fifo) for q, c in bp.queues.items()}
    declared |= {names.dlq(q, c.fifo) for q, c in bp.queues.items() if c.dead_letter}
    for fname, fn in bp.functions.items():
        kinds = set()
        for ev in fn.events:
            kinds |= {k for k in async_kinds() if hasattr(ev, k)}
        if kinds:
            name = failures_name(names, fname)
            path = ("functions", fname, "events")
            if len(name) > QUEUE_NAME_MAX:
                yield derived_too_long(ctx, path, "failure queue name", name, QUEUE_NAME_MAX)
            if name in declared:
                yield ctx.diag(
                    "SLS301",
                    path,
                    f"the failure queue of function '{fname}' would be named '{name}', like a declared queue",
                    hint=f"rename the queue or the function (sls-gen names it {{service}}-{{stage}}-{fname}-failures)",
                )


def declared(bp) -> Collection[str]:
    """The names a reference to a function may take (checks/references.py)."""
    return bp.functions
