"""What makes an `iam:` statement risky, as data a check or a platform guardrail can read.

`statement_risks(actions, resources, effect)` classifies one statement; it knows nothing of
blueprints or diagnostics, so the function family's check (SLS401 without `allow_wildcard`,
SLS403 with it) and a guardrail that forbids some kinds outright (issue 17) ask the same question
and get the same answer. Three kinds:

* `wildcard-action`: an action with `*` or `?` (`*`, `s3:Get*`, `iam:*`), which grows whenever AWS
  adds an action;
* `all-resources`: a resource that amounts to `*` (`*`, `*:*`, `arn:aws:*:*:*:*`, `arn:aws:s3:::*`,
  any ARN whose service or whole resource part is `*`) on an action AWS lets you scope;
* `escalation`: an action that lets the function give itself (or someone) more power than the
  role has: new keys or passwords for users, policies attached, written or re-versioned, roles
  assumed or passed without a resource restriction, another function's code replaced everywhere.
  A wildcard action that covers one is reported as such.

`Deny` statements carry no risk: a broad Deny only narrows access.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

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

# Privilege escalation whatever the resource: each lets the holder grant itself or another
# principal new permissions or credentials (Rhino Security Labs' IAM escalation methods, AWS IAM
# "confused deputy" guidance).
ESCALATION_ALWAYS = {
    "iam:CreatePolicyVersion": "publishes a new version of a managed policy (any permission)",
    "iam:SetDefaultPolicyVersion": "switches a managed policy to another version",
    "iam:AttachRolePolicy": "attaches any managed policy to a role",
    "iam:AttachUserPolicy": "attaches any managed policy to a user",
    "iam:AttachGroupPolicy": "attaches any managed policy to a group",
    "iam:PutRolePolicy": "writes an inline policy on a role",
    "iam:PutUserPolicy": "writes an inline policy on a user",
    "iam:PutGroupPolicy": "writes an inline policy on a group",
    "iam:PutRolePermissionsBoundary": "replaces a role's permissions boundary",
    "iam:DeleteRolePermissionsBoundary": "removes a role's permissions boundary",
    "iam:PutUserPermissionsBoundary": "replaces a user's permissions boundary",
    "iam:DeleteUserPermissionsBoundary": "removes a user's permissions boundary",
    "iam:CreateAccessKey": "creates access keys for a user",
    "iam:CreateLoginProfile": "sets a console password for a user",
    "iam:UpdateLoginProfile": "changes a user's console password",
    "iam:AddUserToGroup": "adds a user to a group (and its policies)",
    "iam:UpdateAssumeRolePolicy": "changes who may assume a role",
    "iam:CreateServiceLinkedRole": "creates a service-linked role",
}
# Privilege escalation when the resource is not restricted (`*`, or every resource of its type):
# scoped to one named role or function these are ordinary.
ESCALATION_UNRESTRICTED = {
    "iam:PassRole": "passes any role to a service",
    "sts:AssumeRole": "assumes any role",
    "lambda:UpdateFunctionCode": "replaces the code of any function",
    "lambda:UpdateFunctionConfiguration": "changes the role, layers and environment of any function",
    "lambda:CreateFunction": "creates functions (with any passed role)",
    "lambda:AddPermission": "lets anyone invoke any function",
    "ssm:SendCommand": "runs commands on any managed instance",
    "ec2:RunInstances": "starts instances (with any passed role)",
    "cloudformation:CreateStack": "creates stacks (with any passed role)",
    "glue:UpdateDevEndpoint": "replaces the SSH key of any Glue endpoint",
}

KINDS = ("wildcard-action", "all-resources", "escalation")


@dataclass(frozen=True)
class Risk:
    kind: str  # one of KINDS
    where: tuple  # ("actions", j) or ("resources", k): below the statement
    message: str


def is_wildcard_action(action: str) -> bool:
    return "*" in action or "?" in action


def amounts_to_star(resource: str) -> bool:
    """A resource that matches every resource of a service or of all: `*`, `*:*`, `arn:*`,
    `arn:aws:*:*:*:*`, `arn:aws:s3:::*`, `arn:aws:s3:::*/*`, `arn:aws:sqs:*:*:*`."""
    text = resource.strip()
    if not text.replace("*", "").replace(":", "").replace("/", ""):
        return True  # only wildcards and separators
    parts = text.split(":", 5)
    if parts[0] != "arn":
        return False
    if len(parts) < 6:
        return parts[-1] == "*"  # arn:*, arn:aws:*
    _, _, service, _, _, rest = parts
    return "*" in service or not rest.replace("*", "").replace("/", "").replace(":", "")


def unrestricted(resource: str) -> bool:
    """`*`-equivalent, or every resource of one type (`arn:aws:iam::123456789012:role/*`,
    `arn:aws:lambda:*:*:function:*`)."""
    if amounts_to_star(resource):
        return True
    parts = resource.strip().split(":", 5)
    if len(parts) < 6:
        return False
    rest = parts[5]
    for sep in ("/", ":"):
        kind, found, name = rest.partition(sep)
        if found and kind and not name.replace("*", "").replace("/", ""):
            return True
    return False


_ESCALATIONS = {a.lower(): a for a in (*ESCALATION_ALWAYS, *ESCALATION_UNRESTRICTED)}


def _escalations(action: str) -> list[str]:
    """The escalation actions an action names or (with a wildcard) covers (IAM matches actions
    case-insensitively)."""
    low = action.lower()
    if is_wildcard_action(low):
        return [name for key, name in _ESCALATIONS.items() if fnmatch.fnmatchcase(key, low)]
    return [_ESCALATIONS[low]] if low in _ESCALATIONS else []


def statement_risks(actions, resources, effect: str = "Allow") -> list[Risk]:
    """Every risk of one IAM statement, in order of its actions then its resources."""
    if effect == "Deny":
        return []
    actions, resources = list(actions), list(resources)
    risks: list[Risk] = []
    any_unrestricted = any(unrestricted(r) for r in resources)
    for j, action in enumerate(actions):
        covered = _escalations(action)
        if is_wildcard_action(action):
            if action.strip() == "*":
                extra = ": every action of every service, privilege escalation included"
            elif covered:
                extra = f", which covers {', '.join(covered[:3])}{' ...' if len(covered) > 3 else ''} (privilege escalation)"
            else:
                extra = ""
            risks.append(Risk("wildcard-action", ("actions", j), f"wildcard action '{action}'{extra}"))
            continue
        for name in covered:
            if name in ESCALATION_ALWAYS:
                risks.append(Risk("escalation", ("actions", j),
                                  f"'{action}' {ESCALATION_ALWAYS[name]}: privilege escalation"))
            elif any_unrestricted:
                risks.append(Risk("escalation", ("actions", j),
                                  f"'{action}' on an unrestricted resource {ESCALATION_UNRESTRICTED[name]}: "
                                  "privilege escalation"))
    scoped = [a for a in actions if not is_wildcard_action(a) and a.lower() not in UNSCOPED_ACTIONS]
    for k, resource in enumerate(resources):
        if amounts_to_star(resource) and scoped:
            what = "'*'" if resource.strip() == "*" else f"'{resource}', which amounts to '*',"
            risks.append(Risk(
                "all-resources", ("resources", k),
                f"resource {what} for {', '.join(scoped[:3])}{' ...' if len(scoped) > 3 else ''}, "
                "which AWS lets you scope to ARNs",
            ))
    return risks
