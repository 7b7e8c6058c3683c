"""Read rendered Terraform back with python-hcl2: resources by address and the policy documents in them.

Policies are written as `jsonencode({...})`; python-hcl2 returns that call as text holding the object
(JSON in current releases) whose references are `${...}` strings.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

# Attributes that hold an IAM / resource policy document, by resource type.
POLICY_ATTRS = {
    "aws_iam_role_policy": "policy",
    "aws_iam_policy": "policy",
    "aws_iam_role": "assume_role_policy",
    "aws_sqs_queue_policy": "policy",
    "aws_sns_topic_policy": "policy",
    "aws_kms_key": "policy",
    "aws_s3_bucket_policy": "policy",
}


def value(v):
    """python-hcl2 wraps some attribute values in a one-element list; unwrap them."""
    while isinstance(v, list) and len(v) == 1 and not isinstance(v[0], dict):
        v = v[0]
    return v


def load_module(module: Path) -> dict[str, dict]:
    """'<type>.<name>' (data sources: 'data.<type>.<name>') -> block body, over every .tf file."""
    import hcl2

    out: dict[str, dict] = {}
    for tf in sorted(module.glob("*.tf")):
        with tf.open() as fh:
            doc = hcl2.load(fh)
        for prefix, key in (("", "resource"), ("data.", "data")):
            for block in doc.get(key, []):
                for rtype, named in block.items():
                    for name, body in named.items():
                        out[f"{prefix}{rtype}.{name}"] = dict(body, __file__=tf.name)
    return out


def parse_policy(text) -> dict | None:
    """A policy attribute -> the document (references stay `${...}` strings); None if not literal."""
    text = value(text)
    if isinstance(text, dict):
        return text
    if not isinstance(text, str):
        return None
    m = re.fullmatch(r"\$\{jsonencode\((.*)\)\}", text.strip(), re.S)
    if m:
        # References may hold quotes (local.x["k"]): park them, parse, put them back.
        refs: list[str] = []
        body = re.sub(r"\$\{[^{}]*\}", lambda r: refs.append(r.group(0)) or f"@@{len(refs) - 1}@@", m.group(1))
        try:
            doc = json.loads(body)  # python-hcl2 >= 5 writes the object as JSON
        except ValueError:
            doc = ast.literal_eval(body)  # older releases: a Python literal
        return _unpark(doc, refs)
    if text.lstrip().startswith("{"):
        return json.loads(text)
    return None


def _unpark(v, refs: list[str]):
    if isinstance(v, str):
        return re.sub(r"@@(\d+)@@", lambda m: refs[int(m.group(1))], v)
    if isinstance(v, list):
        return [_unpark(x, refs) for x in v]
    if isinstance(v, dict):
        return {k: _unpark(x, refs) for k, x in v.items()}
    return v


def policies(resources: dict[str, dict]) -> dict[str, dict]:
    """address -> policy document for every policy-bearing attribute written as a literal."""
    out = {}
    for address, body in resources.items():
        rtype = address.split(".")[0]
        attr = POLICY_ATTRS.get(rtype)
        if attr and attr in body:
            doc = parse_policy(body[attr])
            assert doc is not None, f"{address}.{attr} is not a jsonencode() literal: {body[attr]!r}"
            out[address] = doc
    return out


def as_list(v) -> list:
    return v if isinstance(v, list) else [v]


def statements(doc: dict) -> list[dict]:
    return as_list(doc.get("Statement", []))


# ---------------------------------------------------------------- concrete ARNs for a policy linter

ACCOUNT, REGION = "123456789012", "eu-west-1"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"

# Terraform reference -> an ARN of the shape AWS would return, so parliament can type the resource.
_REFERENCE_ARNS = {
    ("aws_dynamodb_table", "arn"): "arn:aws:dynamodb:{r}:{a}:table/{n}",
    # A real stream label has colons (2026-01-01T00:00:00.000), which parliament's ARN matcher splits on.
    ("aws_dynamodb_table", "stream_arn"): "arn:aws:dynamodb:{r}:{a}:table/{n}/stream/2026-01-01T00.00.00.000",
    ("aws_sqs_queue", "arn"): "arn:aws:sqs:{r}:{a}:{n}",
    ("aws_sns_topic", "arn"): "arn:aws:sns:{r}:{a}:{n}",
    ("aws_cloudwatch_event_bus", "arn"): "arn:aws:events:{r}:{a}:event-bus/{n}",
    ("aws_cloudwatch_event_rule", "arn"): "arn:aws:events:{r}:{a}:rule/{n}",
    ("aws_scheduler_schedule", "arn"): "arn:aws:scheduler:{r}:{a}:schedule/default/{n}",
    ("aws_s3_bucket", "arn"): "arn:aws:s3:::{n}-bucket",
    ("aws_secretsmanager_secret", "arn"): "arn:aws:secretsmanager:{r}:{a}:secret:{n}-AbCdEf",
    ("aws_ssm_parameter", "arn"): "arn:aws:ssm:{r}:{a}:parameter/svc/dev/{n}",
    ("aws_cloudwatch_log_group", "arn"): "arn:aws:logs:{r}:{a}:log-group:/aws/lambda/{n}",
    ("aws_lambda_function", "arn"): "arn:aws:lambda:{r}:{a}:function:{n}",
    ("aws_lambda_alias", "arn"): "arn:aws:lambda:{r}:{a}:function:{n}:live",
    ("aws_kms_key", "arn"): "arn:aws:kms:{r}:{a}:key/" + KEY_ID,
    ("aws_iam_role", "arn"): "arn:aws:iam::{a}:role/{n}",
}
# A word in an SSM data source's name -> the resource type whose ARN the parameter holds.
_SSM_KINDS = {"table": "aws_dynamodb_table", "queue": "aws_sqs_queue", "topic": "aws_sns_topic",
              "bus": "aws_cloudwatch_event_bus", "bucket": "aws_s3_bucket", "secret": "aws_secretsmanager_secret"}
_LOCALS = {
    "partition": "aws",
    "region": REGION,
    "account_id": ACCOUNT,
    "default_bus_arn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default",
    "kms_key_arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}",
}


def _concrete(expr: str) -> str:
    parts = expr.split(".")
    if parts[0] == "local":
        name = parts[1]
        if name.startswith("parameter_arns["):
            return f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{name.split(chr(34))[1]}"
        if name in _LOCALS:
            return _LOCALS[name]
    if parts[0] == "data":
        parts = parts[1:]
    if len(parts) == 3 and parts[0] == "aws_ssm_parameter" and parts[2] == "insecure_value":
        # an existing object's ARN read from SSM (existing: {ssm: ...}): the cases name the kind in the path
        kind = next((k for k in _SSM_KINDS if f"_{k}_" in parts[1] + "_"), None)
        if kind is not None:
            return _REFERENCE_ARNS[(_SSM_KINDS[kind], "arn")].format(r=REGION, a=ACCOUNT, n=kind)
    if len(parts) == 3 and (parts[0], parts[2]) in _REFERENCE_ARNS:
        return _REFERENCE_ARNS[(parts[0], parts[2])].format(r=REGION, a=ACCOUNT, n=parts[1].replace("_", "-"))
    raise KeyError(f"no example ARN for the reference {expr!r}: add it to tests/tf_audit.py")


def concrete_policy(doc: dict) -> dict:
    """The document with every `${reference}` replaced by an example ARN of the right shape."""

    def walk(v):
        if isinstance(v, str):
            return re.sub(r"\$\{([^}]+)\}", lambda m: _concrete(m.group(1)) if not m.group(1).startswith("aws:") else m.group(0), v)
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        return v

    return walk(doc)
