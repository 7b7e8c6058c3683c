"""Least-privilege audit of IAM policy documents, using the IAM linter parliament's action database.

audit_policy(doc) -> list of problems (empty = clean):
  * wildcard actions (`*`, `dynamodb:*`, `s3:Get*`) are refused outright;
  * every action must exist (parliament: UNKNOWN_PREFIX / UNKNOWN_ACTION, plus any other finding);
  * `*` resources only for the X-Ray write actions;
  * each (action, resource) pair must fit: the resource's most specific IAM resource type
    (``table/x/index/*`` is an *index*, not a table) must be one the action accepts.
"""

from __future__ import annotations

import functools
import json
import re

XRAY_ACTIONS = frozenset({"xray:PutTelemetryRecords", "xray:PutTraceSegments"})


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


# Resource-name variables that may contain "/" (every other ARN variable is one path segment).
_SLASHED_VARS = {
    "LogGroupName",
    "LogStreamName",
    "ObjectName",
    "RoleNameWithPath",
    "UserNameWithPath",
    "SecretId",  # Secrets Manager names may contain "/" (sls-gen names secrets {service}/{stage}/{name})
    "ParameterNameWithoutLeadingSlash",  # SSM hierarchies: /a/b/c is arn:...:parameter/a/b/c
}


# Actions AWS's own documentation grants on a resource type that parliament's snapshot of the
# Service Authorization Reference lists for no resource: (action, resource regex, where AWS says so).
DOCUMENTED_SCOPES = (
    (
        "dynamodb:liststreams",
        re.compile(r"^arn:aws[a-z-]*:dynamodb:[^:]+:\d{12}:table/[^/]+/stream/.+$"),
        "DynamoDB developer guide, 'IAM policy to allow an AWS Lambda function to access DynamoDB "
        "stream records' (Resource table/<name>/stream/*)",
    ),
)


@functools.lru_cache(maxsize=None)
def _format_regex(arn_format: str) -> re.Pattern:
    """An IAM ARN format as a regex over a *literal* ARN (a `*` in the ARN is one character)."""
    out, pos = [], 0
    for m in re.finditer(r"\$\{(.*?)\}", arn_format):
        out.append(re.escape(arn_format[pos:m.start()]))
        out.append(".+" if m.group(1) in _SLASHED_VARS else "[^/]+")
        pos = m.end()
    out.append(re.escape(arn_format[pos:]))
    return re.compile("".join(out))


@functools.lru_cache(maxsize=None)
def _allowed_actions(resource: str) -> frozenset[str]:
    """Lower-cased actions that can act on something ``resource`` names.

    ``resource`` is typed by the IAM resource formats it matches literally (``table/t/index/*``
    is an index, not a table, a stream or a backup). A trailing ``*`` also covers the types
    nested below that one (``log-group:g:*`` covers the group's log streams).
    """
    from parliament import get_privilege_matches_for_resource_type, get_resource_type_matches_from_arn

    candidates = get_resource_type_matches_from_arn(resource)  # glob matching: loose
    typed = [m for m in candidates if _format_regex(m["resource"]["arn"]).fullmatch(resource)]
    if resource.endswith("*"):
        formats = [m["resource"]["arn"] for m in typed]
        typed += [
            m
            for m in candidates
            if m not in typed and any(m["resource"]["arn"].startswith(f + sep) for f in formats for sep in ":/")
        ]
    documented = {action for action, pattern, _where in DOCUMENTED_SCOPES if pattern.match(resource)}
    return frozenset(
        f"{p['privilege_prefix']}:{p['privilege_name']}".lower()
        for p in get_privilege_matches_for_resource_type(typed)
    ) | documented


@functools.lru_cache(maxsize=None)
def _unscoped(action: str) -> bool:
    """An action IAM gives no resource type (secretsmanager:GetRandomPassword): "*" is all it takes."""
    from parliament import iam_definition

    prefix, _, name = action.partition(":")
    for service in iam_definition:
        if service["prefix"] == prefix:
            for p in service["privileges"]:
                if p["privilege"] == name:
                    return {r["resource_type"] for r in p["resource_types"]} == {""}
    return False


def audit_policy(doc: dict | str, where: str = "policy") -> list[str]:
    from parliament import analyze_policy_string

    text = doc if isinstance(doc, str) else json.dumps(doc)
    doc = json.loads(text)
    # parliament's own RESOURCE_MISMATCH splits ARNs on ":" and so misreads DynamoDB stream labels
    # (table/t/stream/2026-11-26T19:06:00.000); the typed (action, resource) check below replaces it.
    problems = [
        f"{where}: parliament {f.issue}: {f.detail}"
        for f in analyze_policy_string(text).findings
        if f.issue != "RESOURCE_MISMATCH"
    ]
    for st in _as_list(doc.get("Statement", [])):
        sid = st.get("Sid", "?")
        actions = _as_list(st.get("Action", []))
        resources = _as_list(st.get("Resource", []))
        if st.get("NotAction") or st.get("NotResource"):
            problems.append(f"{where}/{sid}: NotAction/NotResource")
        for action in actions:
            if "*" in action or "?" in action:
                problems.append(f"{where}/{sid}: wildcard action {action!r}")
        for resource in resources:
            if resource == "*":
                extra = sorted(a for a in actions if a not in XRAY_ACTIONS and not _unscoped(a))
                if extra:
                    problems.append(f"{where}/{sid}: '*' resource for {extra} (only actions without a resource type may use it)")
                continue
            allowed = _allowed_actions(resource)
            if not allowed:
                problems.append(f"{where}/{sid}: resource {resource!r} matches no IAM resource type")
                continue
            for action in actions:
                if "*" not in action and action.lower() not in allowed:
                    problems.append(f"{where}/{sid}: {action} does not act on {resource!r}")
    return problems


def policies_in_state(state: dict) -> dict[str, dict]:
    """``terraform show -json`` output -> {address: policy document} for every inline/managed policy."""
    out = {}

    def walk(module: dict) -> None:
        for res in module.get("resources", []):
            values = res.get("values") or {}
            if res["type"] in ("aws_iam_role_policy", "aws_iam_policy") and values.get("policy"):
                out[res["address"]] = json.loads(values["policy"])
            elif res["type"] == "aws_iam_role" and values.get("inline_policy"):
                for p in values["inline_policy"]:
                    if p.get("policy"):
                        out[f"{res['address']}/inline/{p.get('name')}"] = json.loads(p["policy"])
        for child in module.get("child_modules", []):
            walk(child)

    walk((state.get("values") or {}).get("root_module") or {})
    return out
