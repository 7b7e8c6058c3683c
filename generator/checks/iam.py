"""Lint `iam:` escape-hatch statements (no wildcard actions, no `*` resource where AWS can scope)
and the top-level `kms_key` (an alias, key id or ARN).

A statement may opt out with `allow_wildcard: "<reason>"`; the reason stays in the blueprint
(it is reviewed there) and is never emitted to IAM.
"""

from __future__ import annotations

from typing import Iterable

from generator.diagnostics import Diagnostic
from generator.plan.security import KMS_KEY_PATTERN

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


def is_wildcard_action(action: str) -> bool:
    return "*" in action or "?" in action


def check(ctx) -> Iterable[Diagnostic]:
    for stage, bp in ctx.stages.items():
        if bp.kms_key and not KMS_KEY_PATTERN.match(bp.kms_key):
            yield ctx.diag(
                "SLS102",
                ("kms_key",),
                f"kms_key '{bp.kms_key}' is not a KMS key alias, id or ARN",
                hint="write alias/<name>, a key id, or arn:aws:kms:<region>:<account>:key/<id>",
            )
        elif bp.kms_key and bp.kms_key.startswith("arn:"):
            key_region, region = bp.kms_key.split(":")[3], ctx.region(stage)
            if key_region != region:  # KMS keys are regional: no service of this stage can use it
                yield ctx.stage_diag(
                    stage,
                    "SLS314",
                    ("kms_key",),
                    f"stage {stage}: kms_key is a key in {key_region}, but the stage deploys to {region}",
                    hint="write alias/<name> (resolved in each stage's region), or a key ARN of the stage's region "
                    "in stages.<stage>.overrides.kms_key",
                )
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
