"""Resolve the plan's Terraform expressions to the values a deployed stage would have.

The plan holds environment values as HCL expressions (`aws_dynamodb_table.orders.name`,
`aws_sqs_queue.fulfilment.url`, ...). Running a handler locally (`sls-gen invoke`) needs the
physical values instead: names come from the plan, ARNs and queue URLs are synthesized from the
stage's region and an account id (AWS does the same, deterministically, for these types).
"""

from __future__ import annotations

import re
from typing import Any

from generator.plan.model import StagePlan

DEFAULT_ACCOUNT = "000000000000"
_REF = re.compile(r"(aws_[a-z0-9_]+)\.([a-z][a-z0-9_]*)\.([a-z_]+)")


class _Expr(str):
    """An expression (not a literal) found inside a template string."""


class Unresolved(ValueError):
    """An expression this helper cannot turn into a value (it names what it could not resolve)."""


def _physicals(plan: StagePlan) -> dict[tuple[str, str], str]:
    """(terraform type, tf id) -> physical name, from every part that names its resources (`physicals()`)."""
    out: dict[tuple[str, str], str] = {}
    for part in plan.parts:
        if hasattr(part, "physicals"):
            out.update(part.physicals())
    return out


def _attribute(tf_type: str, physical: str, attr: str, region: str, account: str) -> str | None:
    arn = {
        "aws_lambda_function": f"arn:aws:lambda:{region}:{account}:function:{physical}",
        "aws_dynamodb_table": f"arn:aws:dynamodb:{region}:{account}:table/{physical}",
        "aws_sqs_queue": f"arn:aws:sqs:{region}:{account}:{physical}",
        "aws_sns_topic": f"arn:aws:sns:{region}:{account}:{physical}",
        "aws_cloudwatch_event_bus": f"arn:aws:events:{region}:{account}:event-bus/{physical}",
        "aws_s3_bucket": f"arn:aws:s3:::{physical}",
        # AWS appends a random 6-character suffix to secret ARNs; the SDKs accept the name too.
        "aws_secretsmanager_secret": f"arn:aws:secretsmanager:{region}:{account}:secret:{physical}",
        "aws_iam_role": f"arn:aws:iam::{account}:role/{physical}",
        "aws_cloudwatch_log_group": f"arn:aws:logs:{region}:{account}:log-group:{physical}",
        "aws_ssm_parameter": f"arn:aws:ssm:{region}:{account}:parameter/{physical.lstrip('/')}",
    }.get(tf_type)
    if attr == "arn":
        return arn
    if attr in ("name", "function_name", "bucket", "id") and tf_type != "aws_sqs_queue":
        return physical
    if tf_type == "aws_sqs_queue" and attr in ("url", "id"):
        return f"https://sqs.{region}.amazonaws.com/{account}/{physical}"
    if tf_type == "aws_sqs_queue" and attr == "name":
        return physical
    return None


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _template(body: str, plan: StagePlan, account: str, variables: dict[str, str] | None) -> str:
    """The text of an HCL template string: `${expr}` resolved, `$${` and backslash escapes undone."""
    out, i = [], 0
    while i < len(body):
        if body.startswith("$${", i):
            out.append("${")
            i += 3
        elif body.startswith("${", i):
            end = body.index("}", i)
            out.append(resolve_value(_Expr(body[i + 2:end]), plan, account, variables))
            i = end + 1
        elif body[i] == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def resolve_value(value: Any, plan: StagePlan, account: str = DEFAULT_ACCOUNT,
                  variables: dict[str, str] | None = None) -> str:
    """A plan value (plain string or HCL expression) -> the string the stage would have.

    `variables` gives values of `variables:` entries (default: their declared defaults)."""
    if type(value) is str:  # a literal (Raw is a str subclass: expressions are never plain str)
        return value
    expr = str(value).strip()
    if expr.startswith('"') and expr.endswith('"'):  # a template: "${aws_dynamodb_table.t.arn}/index/*"
        return _template(expr[1:-1], plan, account, variables)
    if expr.startswith("var."):
        name = expr[4:]
        given = (variables or {}).get(name)
        if given is not None:
            return given
        declared = next((v for v in plan.variables if v.name == name), None)
        if declared is not None and declared.default is not None and not isinstance(declared.default, (list, dict)):
            return str(declared.default).lower() if isinstance(declared.default, bool) else str(declared.default)
        raise Unresolved(f"variable '{name}' has no default: pass --var {name}=VALUE")
    if expr.startswith("data.aws_ssm_parameter."):
        tf = expr.split(".")[2]
        path = next((str(p) for t, p in plan.ssm_parameters if t == tf), tf)
        raise Unresolved(f"the value of SSM parameter {path} is read when Terraform plans: pass it with --env")
    if expr.startswith("data.") or "(" in expr and "data.aws_ssm_parameter." in expr:
        # an existing object's ARN read from SSM (or a name cut from it), a secret looked up by name
        ssm = re.search(r"data\.aws_ssm_parameter\.([a-z0-9_]+)\.", expr)
        what = next((str(p) for t, p in plan.ssm_parameters if ssm and t == ssm.group(1)), None)
        if what is not None:
            raise Unresolved(f"the value of SSM parameter {what} is read when Terraform plans: pass it with --env")
        if expr != "data.aws_partition.current.dns_suffix":
            raise Unresolved(f"{expr} is looked up when Terraform plans: pass the value with --env")
    if expr == "data.aws_partition.current.dns_suffix":
        return "amazonaws.com.cn" if plan.region.startswith("cn-") else "amazonaws.com"
    if expr == "local.account_id":
        return account
    if expr == "local.region":
        return plan.region
    if expr == "local.prefix":
        return plan.prefix
    if expr == "local.partition":
        return "aws-cn" if plan.region.startswith("cn-") else "aws-us-gov" if plan.region.startswith("us-gov-") else "aws"
    m = _REF.fullmatch(expr)
    if m:
        tf_type, tf, attr = m.groups()
        physical = _physicals(plan).get((tf_type, tf))
        if physical is not None and type(physical) is not str:  # e.g. a bucket name with the account id
            physical = resolve_value(physical, plan, account)
        if physical is not None:
            resolved = _attribute(tf_type, physical, attr, plan.region, account)
            if resolved is not None:
                return resolved
    raise Unresolved(f"cannot resolve {expr!r} to a value for stage {plan.stage}")


def function_environment(plan: StagePlan, function: str, account: str = DEFAULT_ACCOUNT,
                         given: dict[str, str] | None = None, variables: dict[str, str] | None = None) -> dict[str, str]:
    """The environment variables the function's configuration sets, with physical values; `given`
    values (invoke --env) win and are not resolved."""
    fn = next((f for f in plan.functions if f.name == function), None)
    if fn is None:
        raise KeyError(function)
    given = given or {}
    out = {}
    for key, value in fn.environment:
        try:
            out[key] = given[key] if key in given else resolve_value(value, plan, account, variables)
        except Unresolved as exc:
            raise Unresolved(f"{key}: {exc}") from None
    return out
