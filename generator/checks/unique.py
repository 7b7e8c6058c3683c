"""Two blueprint objects never meet at one Terraform address or one AWS name (SLS207).

Names are derived (`{service}-{stage}-{name}` plus a suffix, addresses through tf_id), so different
objects can land on the same one: function `a-scheduler` and the scheduler role of `a`, queue `z-dlq`
and the dead-letter queue of `z`, functions `a` and `a-` (both `aws_lambda_function.a`), routes
`GET /a-b` and `GET /a/b`, a topic `alarms` and the alarm topic, and across stages function `a-b`
in stage `dev` and function `b` in stage `dev-a` (both `shop-dev-a-b`). Terraform would refuse the
first kind at validate without a blueprint line; AWS would refuse the second at apply, or, worse,
two stages would share one resource.

The check is generic: it runs on the planned stages and asks every part for `named()`, the
(address, AWS name, blueprint path) of each resource it emits (generator/plan/model.py, Named), and
compares them all. It reads the names the parts hold, whatever produced them. Addresses are unique
per stage (each stage is its own Terraform module); AWS names per resource type and scope, across
every stage that deploys to the same region (IAM roles, S3 buckets and dashboards: to any region).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from generator.diagnostics import Diagnostic
from generator.plan.model import Named

#: AWS names that are unique in an account (or, for buckets, everywhere), not per region.
GLOBAL_TYPES = frozenset({"aws_iam_role", "aws_iam_policy", "aws_s3_bucket", "aws_cloudwatch_dashboard"})

_TEMPLATE = re.compile(r'"((?:[^"\\]|\\.)*)"')


def named(plan) -> list[Named]:
    """Everything a stage's parts emit (each part's `named()`)."""
    return [n for part in plan.parts if hasattr(part, "named") for n in part.named()]


def outputs(plan) -> list[Named]:
    """The outputs the stage's parts add (`exports()`): table `a-stream`'s arn and table `a`'s
    stream_arn would both be `table_a_stream_arn`."""
    return [Named(f"output.{e.output}", None, e.where) for e in plan.exports if e.new_output]


def physical_text(value: Any, plan) -> str | None:
    """The AWS name as text: a string as is; an HCL template string with `${local.prefix}` and
    `${local.region}` filled in (other references stay as written: they are the same in every
    stage of one account); None for an expression no name can be read from."""
    if value is None:
        return None
    from generator.emit.hcl import Raw

    if not isinstance(value, Raw):
        return str(value)
    m = _TEMPLATE.fullmatch(str(value).strip())
    if not m:
        return None
    return m.group(1).replace("${local.prefix}", plan.prefix).replace("${local.region}", plan.region)


def _line(doc, where: tuple) -> int:
    return doc.locate(where)[0] or 0


def _label(doc, where: tuple) -> str:
    from generator.diagnostics import path_str

    line = _line(doc, where)
    return f"{path_str(where) or 'the blueprint'}" + (f" (line {line})" if line else "")


def collisions(doc, plans: dict) -> list[Diagnostic]:
    """SLS207 for every pair of blueprint objects that share an address (in a stage) or an AWS name
    (in a scope, across stages), located at the later one and naming the earlier."""
    found: dict[tuple, Diagnostic] = {}
    by_address: dict[tuple, tuple[str, Named]] = {}
    by_name: dict[tuple, tuple[str, Named]] = {}
    for stage, plan in plans.items():
        for n in named(plan) + outputs(plan):
            rtype = n.address.split(".", 1)[0]
            _pair(doc, found, by_address, (stage, n.address), stage, n, plans, "address")
            text = physical_text(n.physical, plan)
            if text is not None:
                region = "" if rtype in GLOBAL_TYPES else plan.region
                _pair(doc, found, by_name, (rtype, region, n.scope, text), stage, n, plans, "name", text)
    return list(found.values())


def _pair(doc, found, seen, key, stage, n: Named, plans, kind: str, text: str = "") -> None:
    first_stage, other = seen.setdefault(key, (stage, n))
    if other is n or other.where == n.where and (kind == "address" or first_stage == stage):
        return  # one object (a fixed name in several stages is a clash: a bucket_name written once)
    a, b = sorted(((first_stage, other), (stage, n)), key=lambda sn: (_line(doc, sn[1].where), sn[0]))
    pair = tuple(sorted((a[1].where, b[1].where), key=repr))
    if (pair, "address") in found or (pair, kind) in found:
        return  # once per pair of objects (an address clash usually brings a name clash along)

    def where(stage_name):
        return f" in stage {stage_name}" if len(plans) > 1 else ""

    if kind == "address":
        message = (f"Terraform address {b[1].address}{where(b[0])} is also made for {_label(doc, a[1].where)}")
        hint = "rename one of them: a module holds one resource per address"
    else:
        message = (f"AWS name '{text}' of {b[1].address}{where(b[0])} is also the name of {a[1].address}"
                   f"{where(a[0])}, made for {_label(doc, a[1].where)}")
        hint = "rename one of them: AWS keeps one resource per name"
    found[(pair, kind)] = doc.diag("SLS207", b[1].where, message, hint=hint)
