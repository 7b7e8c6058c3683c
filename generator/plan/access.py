"""Least-privilege IAM kept as data: resource kind x access level -> actions and ARN patterns
(and, where a grant holds only in a context, its IAM conditions).

`{arn}` is the resource's ARN expression, `{stream_arn}` a table's stream ARN and `{region}` the
stage's region; `expand` substitutes them. Nothing else in sls-gen invents IAM actions for `uses`
or triggers.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.emit.hcl import Raw
from generator.plan.placeholders import _is_template

# kind -> access -> list of (actions, resource patterns) or (actions, resource patterns, conditions)
ACCESS: dict[str, dict[str, list[tuple]]] = {
    "table": {
        "read": [
            (
                (
                    "dynamodb:BatchGetItem",
                    "dynamodb:ConditionCheckItem",
                    "dynamodb:DescribeTable",
                    "dynamodb:GetItem",
                    "dynamodb:Query",
                    "dynamodb:Scan",
                ),
                ("{arn}",),
            ),
            # Only Query and Scan act on an index; the item and table actions have no index resource type.
            (("dynamodb:Query", "dynamodb:Scan"), ("{arn}/index/*",)),
        ],
        "write": [
            (
                (
                    "dynamodb:BatchWriteItem",
                    "dynamodb:ConditionCheckItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:DescribeTable",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                ),
                ("{arn}",),
            )
        ],
    },
    "queue": {
        "send": [(("sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"), ("{arn}",))],
        "consume": [
            (
                ("sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"),
                ("{arn}",),
            )
        ],
        # Lambda's on-failure destination (stream event source mappings) only sends.
        "on_failure": [(("sqs:SendMessage",), ("{arn}",))],
    },
    "topic": {"publish": [(("sns:Publish",), ("{arn}",))]},
    # An on-failure destination / dead-letter queue: sending is all AWS needs (no GetQueueUrl etc.).
    "dead_letter": {"send": [(("sqs:SendMessage",), ("{arn}",))]},
    "bus": {"publish": [(("events:PutEvents",), ("{arn}",))]},
    "bucket": {
        "read": [(("s3:GetObject", "s3:GetObjectVersion"), ("{arn}/*",)), (("s3:ListBucket",), ("{arn}",))],
        "write": [(("s3:AbortMultipartUpload", "s3:DeleteObject", "s3:PutObject"), ("{arn}/*",))],
    },
    "secret": {
        "read": [(("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"), ("{arn}",))],
        # A secret's rotation function (`secrets.<name>.rotation`), as the Secrets Manager user guide's
        # "Permissions for rotation" lists them: the four steps read and stage versions of this secret
        # only; GetRandomPassword has no resource type (IAM accepts it on "*" alone).
        "rotate": [
            (
                (
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:PutSecretValue",
                    "secretsmanager:UpdateSecretVersionStage",
                ),
                ("{arn}",),
            ),
            (("secretsmanager:GetRandomPassword",), ("*",)),
        ],
    },
    # SSM parameters: an existing SecureString (secrets: {x: {ssm: ...}}) or a String the service owns.
    "parameter": {"read": [(("ssm:GetParameter",), ("{arn}",))], "write": [(("ssm:PutParameter",), ("{arn}",))]},
    "function": {"invoke": [(("lambda:InvokeFunction",), ("{arn}",))]},
    "stream": {
        "consume": [
            (
                ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
                ("{stream_arn}",),
            ),
            # AWS's stream-processing policies grant ListStreams too (AWSLambdaDynamoDBExecutionRole,
            # on "*"); the DynamoDB developer guide's Lambda example scopes it to the table's streams
            # ("IAM policy to allow an AWS Lambda function to access DynamoDB stream records").
            (("dynamodb:ListStreams",), ("{arn}/stream/*",)),
        ]
    },
    # The customer key of an existing SSM SecureString (`secrets: {x: {ssm: ..., kms_key: ...}}`):
    # GetParameter with decryption has SSM call kms:Decrypt as the caller; the grant holds only for
    # calls SSM makes in the stage's region, never for direct KMS calls.
    "parameter_key": {
        "decrypt": [
            (("kms:Decrypt",), ("{arn}",), {"StringEquals": {"kms:ViaService": "ssm.{region}.amazonaws.com"}}),
        ]
    },
    "log_group": {"write": [(("logs:CreateLogStream", "logs:PutLogEvents"), ("{arn}:*",))]},
    # A Lambda@Edge function's replicas: Lambda creates /aws/lambda/us-east-1.<name> in each region it runs in.
    "edge_log_group": {"write": [
        (("logs:CreateLogGroup",), ("arn:${local.partition}:logs:*:${local.account_id}:log-group:/aws/lambda/us-east-1.{name}",)),
        (("logs:CreateLogStream", "logs:PutLogEvents"),
         ("arn:${local.partition}:logs:*:${local.account_id}:log-group:/aws/lambda/us-east-1.{name}:*",)),
    ]},
    "kms_key": {"decrypt": [(("kms:Decrypt",), ("{arn}",))], "encrypt": [(("kms:Decrypt", "kms:GenerateDataKey"), ("{arn}",))]},
}
for _kind in ("table", "bucket"):
    ACCESS[_kind]["read_write"] = ACCESS[_kind]["read"] + ACCESS[_kind]["write"]

# What a use of a resource encrypted with the blueprint's `kms_key` needs on that key: readers
# decrypt, writers also generate data keys (SQS senders, SNS publishers, DynamoDB/S3 writers).
# A (kind, access) pair missing here needs nothing on the key.
KMS_ACCESS: dict[tuple[str, str], str] = {
    ("table", "read"): "decrypt",
    ("table", "write"): "encrypt",
    ("table", "read_write"): "encrypt",
    ("queue", "send"): "encrypt",
    ("queue", "consume"): "decrypt",
    ("queue", "on_failure"): "encrypt",
    ("dead_letter", "send"): "encrypt",
    ("topic", "publish"): "encrypt",
    ("bucket", "read"): "decrypt",
    ("bucket", "write"): "encrypt",
    ("bucket", "read_write"): "encrypt",
    ("secret", "read"): "decrypt",
    ("secret", "rotate"): "encrypt",  # reads the current version, writes the pending one
    ("stream", "consume"): "decrypt",
    ("environment", "read"): "decrypt",  # Lambda decrypts a CMK-encrypted environment as the function's role
}


def kms_level(needs: set[str]) -> str | None:
    """The one kms_key access level that covers every need of a function (None: no need)."""
    levels = {KMS_ACCESS[n] for n in needs if n in KMS_ACCESS}
    return "encrypt" if "encrypt" in levels else "decrypt" if levels else None

# X-Ray's write actions accept no resource narrower than "*" (AWS offers no resource types for
# them). With UNSCOPED_ACTIONS below, the only place in sls-gen where a "*" resource is allowed.
XRAY_ACTIONS = ("xray:PutTelemetryRecords", "xray:PutTraceSegments")
# Every action IAM offers no resource type for, the only ones a grant may hold on "*" (the X-Ray
# writes, and Secrets Manager's password generator that rotation functions call).
UNSCOPED_ACTIONS = XRAY_ACTIONS + ("secretsmanager:GetRandomPassword",)


@dataclass(frozen=True)
class Grant:
    """Actions on resources, where each resource is an HCL expression (emit.hcl.Raw).

    ``scope`` names what part of the resource a grant covers when one access level needs more
    than one statement (a table's indexes, a bucket's objects); it ends the statement's Sid.
    """

    actions: tuple[str, ...]
    resources: tuple[str, ...]
    scope: str = ""
    # IAM conditions as sorted (operator, key, HCL value) triples: grants with different conditions
    # never merge into one statement.
    conditions: tuple[tuple[str, str, str], ...] = ()


# A resource pattern's tail -> the scope its grant is named by (see Grant).
SCOPES = {"{arn}/index/*": "Indexes", "{arn}/*": "Objects", "{arn}/stream/*": "Streams"}


def _resource(pattern: str, refs: dict[str, str]) -> str:
    if "{" not in pattern:
        return Raw('"' + pattern + '"')
    for key, expr in refs.items():
        token = "{" + key + "}"
        if pattern == token:
            return Raw(expr)
        # a quoted template (an existing object's ARN built from its name) is spliced in, any other
        # expression interpolated
        pattern = pattern.replace(token, expr[1:-1] if _is_template(expr) else "${" + expr + "}")
    if "{" in pattern.replace("${", ""):
        raise ValueError(f"unexpanded placeholder in {pattern!r}")
    return Raw('"' + pattern + '"')


REGION = "local.region"  # the stage's region, as main.tf resolves it


def _conditions(conditions: dict, refs: dict[str, str]) -> tuple[tuple[str, str, str], ...]:
    return tuple(sorted(
        (operator, key, _resource(pattern, {"region": REGION, **refs}))
        for operator, pairs in conditions.items()
        for key, pattern in pairs.items()
    ))


def expand(kind: str, access: str, **refs: str) -> list[Grant]:
    """Grants for `kind`/`access` with placeholders replaced by Terraform expressions."""
    return [
        Grant(
            tuple(sorted(row[0])),
            tuple(_resource(p, refs) for p in row[1]),
            SCOPES.get(row[1][0], ""),
            _conditions(row[2], refs) if len(row) > 2 else (),
        )
        for row in ACCESS[kind][access]
    ]
