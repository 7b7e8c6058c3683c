"""Function checks: Lambda environment variables (rule 5) and secrets hygiene (SLS402).

The 4 KB budget counts what sls-gen will emit: the user's variables (defaults merged with the
function's) plus the generated `<NAME>_TABLE_NAME`-style ones. A generated value is a Terraform
reference, so its length is bounded by the physical name (or URL / ARN) it resolves to.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable

from generator.diagnostics import Diagnostic
from generator.families import by_use, kind_of, use_kinds
from generator.families.function.model import UseFunction
from generator.plan.naming import Names, env_prefix

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


def check(ctx) -> Iterable[Diagnostic]:
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
