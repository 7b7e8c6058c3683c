"""IAM `conditions:` on `uses` entries and `iam:` statements: validation and narrowing.

A condition block is written in the policy JSON shape, `{Operator: {key: [values]}}`. Checks
refuse an operator IAM does not know and a condition key that exists neither globally (`aws:*`)
nor for the service of the statement's actions. The keys come from a table derived from the IAM
database the tests already use (parliament), shipped as `iam_condition_keys.json` beside this
module so that rendering needs neither parliament nor boto3 (tests/iam_condition_table.py
regenerates it; a test keeps it equal).

On a `uses` entry a condition narrows the generated grant: the statement keeps only the actions
that take every service key of the condition (IAM evaluates a condition whose key an action does
not carry as not met, so the others would be denied anyway; keeping them only under an
`...IfExists` operator would widen the grant instead). Global keys apply to every action.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

# IAM condition operators (the policy grammar); each may end in IfExists (but Null) and be
# prefixed by ForAllValues: / ForAnyValue: for multivalued keys.
OPERATORS = frozenset(
    {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
        "StringLike", "StringNotLike",
        "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
        "NumericGreaterThan", "NumericGreaterThanEquals",
        "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
        "DateGreaterThanEquals",
        "Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
        "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
        "Null",
    }
)
SET_PREFIXES = ("ForAllValues:", "ForAnyValue:")

# Global condition keys (IAM User Guide, "AWS global condition context keys"); a trailing `/`
# takes a tag key or similar after it.
GLOBAL_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CurrentTime", "aws:EpochTime",
        "aws:FederatedProvider", "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent", "aws:PrincipalAccount",
        "aws:PrincipalArn", "aws:PrincipalIsAWSService", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
        "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:PrincipalType", "aws:Referer",
        "aws:RequestedRegion", "aws:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceOrgPaths",
        "aws:SecureTransport", "aws:SourceAccount", "aws:SourceArn", "aws:SourceIdentity", "aws:SourceIp",
        "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpc", "aws:SourceVpce", "aws:TagKeys",
        "aws:TokenIssueTime", "aws:UserAgent", "aws:userid", "aws:username", "aws:ViaAWSService",
        "aws:VpcSourceIp", "aws:Ec2InstanceSourceVpc", "aws:Ec2InstanceSourcePrivateIPv4",
    )
)
GLOBAL_PREFIXES = tuple(p.lower() for p in ("aws:PrincipalTag/", "aws:RequestTag/", "aws:ResourceTag/"))


@lru_cache(maxsize=1)
def _table() -> dict:
    return json.loads((Path(__file__).with_name("iam_condition_keys.json")).read_text(encoding="utf-8"))


def operator_problem(operator: str) -> str | None:
    """Why IAM would refuse `operator`, or None."""
    base = operator
    for prefix in SET_PREFIXES:
        if base.startswith(prefix):
            base = base[len(prefix):]
            break
    if base.endswith("IfExists") and base != "IfExists":
        base = base[: -len("IfExists")]
        if base == "Null":
            return "Null takes no IfExists"
    if base not in OPERATORS:
        return f"unknown condition operator '{operator}'"
    return None


def is_global(key: str) -> bool:
    k = key.lower()
    return k in GLOBAL_KEYS or (k.startswith(GLOBAL_PREFIXES) and not k.endswith("/"))


def _matches(documented: str, key: str) -> bool:
    """A documented key (`s3:ExistingObjectTag/<key>`, `aws:ResourceTag/${TagKey}`) matches `key`."""
    documented, key = documented.lower(), key.lower()
    for marker in ("${", "<", "tag-key"):
        if marker in documented:
            stem = documented.split(marker)[0]
            return key.startswith(stem) and len(key) > len(stem)
    return documented == key


def service_of(action: str) -> str:
    return action.split(":", 1)[0].lower()


def service_known(service: str) -> bool:
    return service in _table()["services"]


def service_has_key(service: str, key: str) -> bool:
    return any(_matches(d, key) for d in _table()["services"].get(service, ()))


def action_takes(action: str, key: str) -> bool:
    """Does `action` (one sls-gen grants) carry the service condition key `key`? Global keys: always."""
    if is_global(key):
        return True
    keys = _action_keys().get(action.lower())
    return keys is not None and any(_matches(d, key) for d in keys)


@lru_cache(maxsize=1)
def _action_keys() -> dict[str, tuple[str, ...]]:
    return {a.lower(): tuple(keys) for a, keys in _table()["actions"].items()}


def keys_of(conditions: dict[str, dict[str, Any]] | None) -> list[str]:
    return [key for block in (conditions or {}).values() for key in block]


def narrowed_actions(actions: Iterable[str], conditions) -> tuple[str, ...]:
    """The actions of a generated grant that take every key of the conditions."""
    keys = keys_of(conditions)
    return tuple(a for a in actions if all(action_takes(a, k) for k in keys))


def key_problem(key: str, actions: Iterable[str]) -> str | None:
    """Why `key` cannot condition a statement of these actions (IAM's own keys per service), or None."""
    if is_global(key):
        return None
    prefix = key.split(":", 1)[0].lower() if ":" in key else ""
    if not prefix:
        return f"'{key}' is not a condition key (service:Key, or aws:Key for a global one)"
    services = {service_of(a) for a in actions if ":" in a}
    if prefix == "aws":
        return f"'{key}' is not a global condition key"
    if prefix not in services:
        return f"'{key}' belongs to service '{prefix}', but the actions are of {', '.join(sorted(services))}"
    if not service_known(prefix):
        return None  # a service newer than the shipped table: IAM decides
    if not service_has_key(prefix, key):
        return f"service '{prefix}' has no condition key '{key}'"
    return None


