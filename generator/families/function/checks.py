"""Function checks Lambda and IAM enforce only at apply (or never, for a leaked credential):

* names (SLS301): `name:` and `role_name:` in Lambda's and IAM's charsets and lengths (by default
  the function's name is also its role's), and settings in range (SLS302);
* the environment (rule 5: 4 KB including the generated variables, names, reserved keys; one
  source per variable, `env:` renames included; SLS303) and references in its values (SLS201);
  credentials written in it, as in any field, are generator/checks/secrets.py's (SLS402);
* `iam:` escape-hatch statements (the function's and `defaults.iam`): no wildcard action, no
  resource that amounts to `*` where AWS can scope, no privilege-escalation action
  (checks/iam_risk.py; SLS401). `allow_wildcard: "<reason>"` turns each into a warning that stays
  (SLS403, an error under --strict); the reason stays in the blueprint (it is reviewed there) and
  is never emitted to IAM;
* `artifact:` belongs to compiled runtimes only (sls-gen packages Python and Node.js itself);
* concurrency and SnapStart (aws-limits.md rows 10-12): per stage, reservations leave 100 of
  `account.concurrency_quota` unreserved (SLS308); SnapStart only on java17/java21/python3.12+,
  never with provisioned concurrency or a /tmp above 512 MB; provisioned concurrency never above
  the function's reserved concurrency (SLS309);
* the name of the failure queue sls-gen adds for async triggers;
* the function's resource-based policy: every trigger that invokes it through a permission (an API,
  an EventBridge rule, an SNS subscription, a bucket) adds a statement, and Lambda refuses a policy
  above 20 KB at apply (SLS316). Each trigger family says what it adds (`invoke_permissions`).

The environment budget counts what sls-gen will emit: the user's variables (defaults merged with
the function's) plus the generated `<NAME>_TABLE_NAME`-style ones. A generated value is a
Terraform reference, so its length is bounded by the physical name (or URL / ARN) it resolves to;
each family says which variables its `uses` entries add (`env_lengths`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Collection, Iterable, NamedTuple

from generator.checks.context import per_stage
from generator.checks.iam_risk import UNSCOPED_ACTIONS, statement_risks  # noqa: F401 (UNSCOPED_ACTIONS: tests)
from generator.checks.names import NameRule, arn, derived_too_long, name_problems
from generator.checks.stages import Finding
from generator.checks.stages import per_stage as findings_per_stage
from generator.diagnostics import Diagnostic, path_str
from generator.families import by_event, by_use, event_kinds, families, kind_of, use_kinds
from generator.families.function.access_checks import iam_blocks
from generator.families.function.model import UseFunction
from generator.families.function.plan import alias_name, failures_name, function_name, role_template
from generator.families.function.settings import DEFAULTS, language
from generator.families.queue.plan import dlq_name, queue_name
from generator.model.blueprint import Blueprint
from generator.plan import refs
from generator.plan.model import async_kinds
from generator.plan.naming import Names, env_prefix
from generator.plan.placeholders import max_length

FUNCTION_MAX = 64  # also the IAM role name limit (rule 39): roles share the function's name
RANGES = {  # setting -> (min, max, unit), AWS Lambda quotas (rules 2-4)
    "memory": (128, 10240, "MB"),
    "timeout": (1, 900, "s"),
    "ephemeral_storage": (512, 10240, "MB"),
}
QUEUE_NAME_MAX = 80  # the failure queue's
POLICY_MAX_BYTES = 20480  # Lambda quota "Function resource-based policy: 20 KB" (not adjustable)
MIN_UNRESERVED = 100  # AWS keeps this much of the regional quota for functions without reservations
SNAPSTART_RUNTIMES = ("java17", "java21", "python3.12", "python3.13")
ENV_MAX_BYTES = 4096
KEY_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9_]+")
RESERVED = {
    "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "_HANDLER", "_X_AMZN_TRACE_ID", "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR", "TZ", "AWS_XRAY_CONTEXT_MISSING", "AWS_XRAY_DAEMON_ADDRESS", "_AWS_XRAY_DAEMON_ADDRESS",
    "_AWS_XRAY_DAEMON_PORT", "AWS_LAMBDA_RUNTIME_API",
}

def check(ctx) -> Iterable[Diagnostic]:
    from generator.families.function import access_checks, artifacts, bundle_checks, image

    yield from per_stage(ctx, _name, _ranges, _handler, _provider6_runtimes)
    yield from _environment(ctx)
    yield from _iam(ctx)
    yield from access_checks.check(ctx)
    yield from _compiled(ctx)
    yield from findings_per_stage(ctx, budget)
    yield from findings_per_stage(ctx, snapstart)
    for stage, bp in ctx.stages.items():
        yield from _failure_queue(ctx, bp, Names(bp.service, stage))
    yield from per_stage(ctx, _resource_policy)
    yield from image.check(ctx)
    yield from artifacts.check(ctx)
    yield from bundle_checks.check(ctx)


# ---------------------------------------------------------------- names and settings
FUNCTION_NAME = NameRule("function", re.compile(r"[A-Za-z0-9_-]+"), "letters, digits, '_' and '-'", FUNCTION_MAX)
FUNCTION_AND_ROLE = NameRule("function (and IAM role)", FUNCTION_NAME.charset, FUNCTION_NAME.allowed, FUNCTION_MAX)
ROLE_NAME = NameRule("IAM role", re.compile(r"[A-Za-z0-9+=,.@_-]+"), "letters, digits and +=,.@_-", FUNCTION_MAX)


def _name(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    for fname, fn in bp.functions.items():
        base = ("functions", fname)
        if not fn.name and not fn.role_name:  # the function and its role share {service}-{stage}-<name>
            yield from name_problems(ctx, stage, base, FUNCTION_AND_ROLE, names.physical(fname),
                                     hint="shorten the logical name, the service or the stage name")
            continue
        yield from name_problems(ctx, stage, base + ("name",) if fn.name else base, FUNCTION_NAME,
                                 function_name(names, fname, fn))
        yield from name_problems(ctx, stage, base + ("role_name",) if fn.role_name else base, ROLE_NAME,
                                 role_template(names, fname, fn),
                                 hint=None if fn.role_name else "set role_name, or shorten the logical name")


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


# ---------------------------------------------------------------- handler
HANDLER_MAX = 128  # Lambda's Handler: at most 128 characters, no whitespace
_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_JAVA = r"[A-Za-z_$][A-Za-z0-9_$]*"
HANDLER_SHAPES = {  # language -> (pattern, what it looks like)
    "python": (re.compile(rf"[A-Za-z0-9_][A-Za-z0-9_-]*(?:[./][A-Za-z0-9_][A-Za-z0-9_-]*)*\.{_IDENT}"),
               "module.function (app/main.handler, app.main.handler)"),
    "node": (re.compile(r"[A-Za-z0-9_@$][A-Za-z0-9_@$.-]*(?:/[A-Za-z0-9_@$][A-Za-z0-9_@$.-]*)*\.[A-Za-z_$][A-Za-z0-9_$]*"),
             "file.export (index.handler, lib/fn.handler)"),
    "java": (re.compile(rf"{_JAVA}(?:\.{_JAVA})*(?:::{_JAVA})?"), "package.Class::method"),
    "provided": (re.compile(r"[^\s\\]+"), "a name without whitespace"),
}


def handler_problem(handler: str, language: str) -> tuple[str, str] | None:
    """(code, why) when `handler` is not a handler of `language` that stays in its code folder."""
    from generator.emit.escape import JAVA_KEYWORDS

    if "\\" in handler or handler.startswith(("/", "~")) or re.match(r"[A-Za-z]:", handler) \
            or ".." in handler.replace("\\", "/").split("/"):
        return "SLS313", "leaves the code folder (no '..', absolute path or backslash)"
    if len(handler) > HANDLER_MAX:
        return "SLS102", f"is {len(handler)} characters; Lambda allows {HANDLER_MAX}"
    pattern, shape = HANDLER_SHAPES[language]
    if not pattern.fullmatch(handler):
        return "SLS102", f"is not a {language} handler: write {shape}"
    if language == "java" and any(w in JAVA_KEYWORDS for w in re.split(r"\.|::", handler)):
        return "SLS102", "uses a Java keyword as a package, class or method name"
    return None


def _handler(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    for fname, fn in bp.functions.items():
        if fn.handler is None:
            continue
        found = handler_problem(fn.handler, language(fn.runtime or bp.defaults.runtime or DEFAULTS["runtime"]))
        if found:
            code, why = found
            yield ctx.stage_diag(stage, code, ("functions", fname, "handler"), f"handler '{fn.handler[:80]}' {why}",
                                 hint="the handler names a file inside the function's code folder")


# ---------------------------------------------------------------- environment
def generated_env(bp, names: Names, fn) -> dict[str, int]:
    """Generated variable -> the longest value it can resolve to: each `uses` entry's family says
    (under the entry's `env:` name when it has one), and each event's family whose trigger needs a
    variable (`event_env_lengths`)."""
    return {**_uses_env(bp, names, fn), **_events_env(bp, names, fn)}


def _uses_env(bp, names: Names, fn) -> dict[str, int]:
    out: dict[str, int] = {}
    for use in fn.uses:
        lengths = by_use(kind_of(use, use_kinds())).part("checks").env_lengths(bp, names, use)
        out.update({use.env: n for n in lengths.values()} if use.env else lengths)
    return out


def _events_env(bp, names: Names, fn) -> dict[str, int]:
    out: dict[str, int] = {}
    for ev in fn.events:
        hook = getattr(by_event(kind_of(ev, event_kinds())).part("checks"), "event_env_lengths", None)
        if hook is not None:
            out.update(hook(bp, names, ev))
    return out
def _where(ctx, stage: str, path: tuple) -> str:
    from generator.model.parse import locate_in_stage

    line, _col = locate_in_stage(ctx.doc, stage, path)
    return f"{path_str(path)} (line {line})" if line else path_str(path)


def _use_path(fname: str, i: int, use) -> tuple:
    return ("functions", fname, "uses", i) + (("env",) if use.env else ())


def _sources(ctx, stage: str, bp, names: Names, fname: str, fn, path: tuple) -> Iterable[Diagnostic]:
    """One variable, one source: two `uses` entries (of different objects), or a use and an
    `environment:` key, that set the same variable are refused, naming both lines."""
    seen: dict[str, tuple[int, tuple]] = {}
    for i, use in enumerate(fn.uses):
        where = _use_path(fname, i, use)
        if use.env is not None and (not KEY_RE.fullmatch(use.env) or use.env in RESERVED or use.env.startswith("AWS_LAMBDA_")):
            yield ctx.stage_diag(stage, "SLS303", where, f"'{use.env}' cannot name an environment variable",
                                 hint="letters, digits and '_', starting with a letter; not a name Lambda reserves")
            continue
        kind = kind_of(use, use_kinds())
        target = (kind, getattr(use, kind))
        keys = list(by_use(kind).part("checks").env_lengths(bp, names, use))
        for key in [use.env] if use.env else keys:
            if key in seen and seen[key][1] != target:
                first = _use_path(fname, seen[key][0], fn.uses[seen[key][0]])
                yield ctx.stage_diag(stage, "SLS303", where,
                                     f"'{key}' is also set by {_where(ctx, stage, first)} for {seen[key][1][0]} "
                                     f"'{seen[key][1][1]}'", hint="give one of them another env: name")
            seen.setdefault(key, (i, target))
    user = {**(bp.defaults.environment or {}), **(fn.environment or {})}
    for key in sorted(set(user) & set(seen)):
        at = path + (key,) if key in (fn.environment or {}) else ("defaults", "environment", key)
        i = seen[key][0]
        yield ctx.stage_diag(stage, "SLS303", at,
                             f"'{key}' is set by sls-gen for function '{fname}' from "
                             f"{_where(ctx, stage, _use_path(fname, i, fn.uses[i]))}",
                             hint="rename the variable, or the use's env: name; sls-gen's value would replace yours")


def _value_problems(ctx, stage: str, bp, names: Names, path: tuple, value) -> Iterable[Diagnostic]:
    for code, message, hint in refs.problems(value, bp, names):
        yield ctx.stage_diag(stage, code, path, message, hint=hint)


def _length(value) -> int:
    """Bytes a value takes as written: an SSM value or reference is counted as its text (its value
    is known only when Terraform plans)."""
    return len(value.encode()) if isinstance(value, str) else 0


def _environment(ctx) -> Iterable[Diagnostic]:
    for stage, bp in ctx.stages.items():
        names = Names(bp.service, stage)
        for key, value in (bp.defaults.environment or {}).items():
            yield from _variable(ctx, stage, ("defaults", "environment", key), key, value)
            yield from _value_problems(ctx, stage, bp, names, ("defaults", "environment", key), value)
        for fname, fn in bp.functions.items():
            path = ("functions", fname, "environment")
            for key, value in (fn.environment or {}).items():
                yield from _variable(ctx, stage, path + (key,), key, value)
                yield from _value_problems(ctx, stage, bp, names, path + (key,), value)
            user = {**(bp.defaults.environment or {}), **(fn.environment or {})}
            from_events = _events_env(bp, names, fn)
            generated = {**_uses_env(bp, names, fn), **from_events}
            yield from _sources(ctx, stage, bp, names, fname, fn, path)
            for key in sorted(set(user) & set(from_events)):
                where = path + (key,) if key in (fn.environment or {}) else ("defaults", "environment", key)
                yield ctx.stage_diag(stage, "SLS303", where,
                                     f"'{key}' is set by sls-gen for function '{fname}' (from its events:)",
                                     hint="rename the variable; sls-gen's value would replace yours")
            total = sum(len(k.encode()) + _length(v) for k, v in user.items() if k not in generated)
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
    if not KEY_RE.fullmatch(key):
        yield ctx.stage_diag(stage, "SLS303", path, f"'{key}' is not a valid variable name",
                             hint="start with a letter; use letters, digits and '_' (at least 2 characters)")
    elif key in RESERVED or key.startswith("AWS_LAMBDA_"):
        yield ctx.stage_diag(stage, "SLS303", path, f"'{key}' is reserved by the Lambda runtime and cannot be set")


def env_lengths(bp, names: Names, use: UseFunction) -> dict[str, int]:
    """The variables a `uses: {function: ...}` entry adds, with the longest value each can resolve to."""
    target = bp.functions.get(use.function)
    alias = len(f":{alias_name(bp, target)}") if target is not None and alias_name(bp, target) else 0
    return {f"{env_prefix(use.function)}_FUNCTION_NAME": max_length(function_name(names, use.function, target)) + alias}


# ---------------------------------------------------------------- iam statements
def _iam(ctx) -> Iterable[Diagnostic]:
    """Every risk of an `iam:` statement (checks/iam_risk.py): an error (SLS401), or with
    `allow_wildcard: "<reason>"` a warning (SLS403) that stays in every run and fails --strict."""
    for bp in ctx.stages.values():
        for at, statements in iam_blocks(bp):
            sids: set[str] = set()
            for i, st in enumerate(statements):
                if st.sid and st.sid in sids:
                    yield ctx.diag("SLS102", at + (i, "sid"), f"duplicate sid '{st.sid}'")
                sids.add(st.sid or "")
                base = at + (i,)
                reason = (st.allow_wildcard or "").strip()
                # an ARN read from SSM when Terraform plans is no wildcard sls-gen can see
                resources = [r if isinstance(r, str) else f"<ssm:{r.ssm}>" for r in st.resources]
                for risk in statement_risks(st.actions, resources, st.effect):
                    if reason:
                        yield ctx.diag("SLS403", base + risk.where, f"{risk.message}; allowed by allow_wildcard",
                                       hint="--strict refuses it; a platform guardrail may too", severity="warning")
                    else:
                        yield ctx.diag("SLS401", base + risk.where, risk.message,
                                       hint='scope it, or add allow_wildcard: "<reason>" to the statement')


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
    declared = {queue_name(names, q, c) for q, c in bp.queues.items()}
    declared |= {dlq_name(names, q, c) for q, c in bp.queues.items() if c.dead_letter}
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


# ---------------------------------------------------------------- resource-based policy
class Permission(NamedTuple):
    """One statement a trigger adds to a function's resource-based policy (aws_lambda_permission)."""

    sid: str
    principal: str  # a service principal
    source_arn: str  # at its longest in the stage (ArnLike condition)
    source_account: bool  # also pinned by account (StringEquals condition)
    what: str = "trigger"  # how the message counts it: "API", "EventBridge rule", ...


def policy_bytes(function_arn: str, permissions: Iterable[tuple]) -> int:
    """Size of the policy document Lambda stores for these permissions (compact JSON, as GetPolicy
    returns it); the quota counts this document."""
    statements = []
    for sid, principal, source_arn, source_account, *_ in permissions:
        condition: dict = {}
        if source_account:
            condition["StringEquals"] = {"AWS:SourceAccount": "123456789012"}
        condition["ArnLike"] = {"AWS:SourceArn": source_arn}
        statements.append({
            "Sid": sid,
            "Effect": "Allow",
            "Principal": {"Service": principal},
            "Action": "lambda:InvokeFunction",
            "Resource": function_arn,
            "Condition": condition,
        })
    return len(json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": statements}, separators=(",", ":")))


def _resource_policy(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names, region = Names(bp.service, stage), ctx.region(stage)
    hooks = [h for fam in families() if fam.event and (h := getattr(fam.part("checks"), "invoke_permissions", None))]
    for fname, fn in bp.functions.items():
        perms = {p.sid: p for hook in hooks for p in hook(bp, names, region, fname, fn)}  # one statement per id
        if not perms:
            continue
        live = bool((fn.concurrency and fn.concurrency.provisioned) or fn.snapstart)
        function_arn = arn("lambda", region, f"function:{names.physical(fname)}" + (":live" if live else ""))
        size = policy_bytes(function_arn, perms.values())
        if size <= POLICY_MAX_BYTES:
            continue
        counts = Counter(p.what for p in perms.values())
        parts = ", ".join(f"{n} {what}{'s' if n > 1 else ''}" for what, n in counts.items())
        yield ctx.stage_diag(
            stage, "SLS316", ("functions", fname),
            f"function '{fname}' gets {len(perms)} invoke permissions from its triggers ({parts}): about "
            f"{size} bytes of resource-based policy; Lambda allows {POLICY_MAX_BYTES} (20 KB) and refuses the "
            "rest at apply",
            hint="fan the sources in through one queue (subscribe:) or one bus rule, or split the function",
        )
