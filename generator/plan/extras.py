"""Plan pieces for `uses: function` and `iam:` escape-hatch statements."""

from __future__ import annotations

import posixpath

from generator.emit.hcl import Raw
from generator.plan.model import Statement
from generator.plan.naming import Names


def invoked_function(bp, name: str, names: Names) -> tuple[Raw, Raw]:
    """(FUNCTION_NAME value, ARN) of a function another function (or itself) invokes.

    Built from the physical name rather than `aws_lambda_function.x.arn`: a reference would make
    a function that invokes itself, or two functions that invoke each other, a Terraform cycle
    (function -> role policy -> other function -> its role policy -> ...). IAM does not need the
    target to exist first. When the target routes events through its `live` alias (provisioned
    concurrency, SnapStart), callers get the alias-qualified name so they hit warm capacity.
    """
    target = bp.functions[name]
    live = bool((target.concurrency and target.concurrency.provisioned) or target.snapstart)
    physical = names.physical(name)
    arn = f"arn:${{local.partition}}:lambda:${{local.region}}:${{local.account_id}}:function:{physical}"
    if live:
        return Raw(f'"{physical}:live"'), Raw(f'"{arn}:live"')
    return Raw(f'"{physical}"'), Raw(f'"{arn}"')


def extra_statements(iam) -> tuple[Statement, ...]:
    """`iam:` statements as written, after the generated ones; `allow_wildcard` stays in the blueprint."""
    out = []
    for i, st in enumerate(iam):
        out.append(
            Statement(
                sid=st.sid or f"Extra{i}",
                actions=tuple(st.actions),
                resources=tuple(st.resources),
                effect=st.effect,
            )
        )
    return tuple(out)


# What each compiled runtime's scaffold builds, and where (relative to the code dir).
BUILDS = {"java": ("target/function.jar", "mvn package"), "provided": ("build/function.zip", "make")}


def compiled_artifact(fn, language: str, code_dir: str) -> tuple[str | None, str | None]:
    """(artifact path relative to the blueprint, how to build it) for java*/provided.al2023."""
    if language not in BUILDS:
        return None, None
    default, command = BUILDS[language]
    if fn.artifact:  # the user's own build: sls-gen cannot say how to run it
        return posixpath.normpath(fn.artifact), f"build {posixpath.normpath(fn.artifact)}"
    return posixpath.join(code_dir, default), f"cd {code_dir} && {command}"
