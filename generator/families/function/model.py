"""Lambda functions: their settings, `iam:` statements and the `uses: {function: ...}` grant."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from generator.model.common import (
    Conditions,
    Int,
    Name,
    PhysicalName,
    SsmValue,
    Str,
    Strict,
    Tags,
    UseEntry,
)
from generator.model.evolution import Renamable

RUNTIMES = (
    "python3.11",
    "python3.12",
    "python3.13",
    "nodejs20.x",
    "nodejs22.x",
    "java17",
    "java21",
    "provided.al2023",
) + (
    "python3.14",
    "nodejs24.x",
    "java25",
)
# Runtimes hashicorp/aws 5.x does not accept: a blueprint needs `terraform: {aws_provider: "6"}`.
PROVIDER6_RUNTIMES = ("python3.14", "nodejs24.x", "java25")


Runtime = Literal[
    "python3.11", "python3.12", "python3.13", "nodejs20.x", "nodejs22.x", "java17", "java21", "provided.al2023",
    "python3.14", "nodejs24.x", "java25",
]


LogLevel = Literal["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]


class Logs(Strict):
    format: Literal["json", "text"] | None = Field(None, description="Lambda log format (default json)")
    level: LogLevel | None = Field(None, description="application and system log level (json format only)")
    retention_days: Int | None = Field(None, description="CloudWatch log retention in days", examples=[30])
    adopt: bool | None = Field(
        None, description="the log group /aws/lambda/<function> already exists (the function ran before sls-gen "
        "owned it): a Terraform `import` block takes it over instead of failing on the name", examples=[True],
    )


class Concurrency(Strict):
    reserved: Int | None = Field(None, ge=0, description="reserved concurrent executions")
    provisioned: Int | None = Field(None, ge=1, description="provisioned concurrency on the `live` alias")


class IamStatement(Strict):
    sid: str | None = Field(None, pattern=r"^[A-Za-z0-9]+$")
    effect: Literal["Allow", "Deny"] = "Allow"
    actions: list[str] = Field(min_length=1, description="IAM actions, e.g. ses:SendEmail")
    resources: list[str | SsmValue] = Field(min_length=1, description="resource ARNs")
    conditions: Conditions | None = Field(None, description="IAM conditions, in the policy JSON shape")
    allow_wildcard: str | None = Field(None, description="the reason a wildcard is acceptable here")


class Package(Strict):
    """How a function's code folder is packaged (generator/package/)."""

    requirements: str | None = Field(
        None, description="Python requirements file, relative to the code dir (default requirements.txt when present)",
    )

    exclude: list[str] | None = Field(
        None, description="globs of code-dir paths left out of the zip, added to the built-in excludes "
        "(defaults' and the function's add up)",
    )

    bundle: Literal["esbuild"] | None = Field(
        None, description="Node.js: bundle the handler's entry (TypeScript or ESM) with esbuild into one minified file",
    )
    sourcemap: bool | None = Field(None, description="with bundle: write <entry>.mjs.map and set NODE_OPTIONS=--enable-source-maps")

    @field_validator("requirements")
    @classmethod
    def _inside_code_dir(cls, value: str | None) -> str | None:
        if value is not None and (value.startswith("/") or "\\" in value or ":" in value
                                  or ".." in value.split("/") or not value.strip()):
            raise ValueError("must be a relative path inside the code dir (no '..')")
        return value
class Artifacts(Strict):
    """Where deployment packages are uploaded (`artifacts:`): through S3 instead of directly."""

    bucket: str = Field(min_length=1, max_length=255,
                        description="a bucket under `buckets:`, or an existing bucket's name (placeholders apply)")


class VpcSsmPaths(Strict):
    subnets: str = Field(description="StringList parameter holding the subnet ids")
    security_groups: str = Field(description="StringList parameter holding the security group ids")


class VpcFromSsm(Strict):
    ssm: VpcSsmPaths


class Vpc(Strict):
    subnets: list[str] = Field(min_length=1, max_length=16, description="subnet ids")
    security_groups: list[str] = Field(min_length=1, max_length=5, description="security group ids")


ALIAS_PATTERN = r"^[A-Za-z0-9_-]*[A-Za-z_-][A-Za-z0-9_-]*$"  # not only digits: that names a version


class FunctionSettings(Strict):
    """Settings a function inherits from `defaults` and may override."""

    runtime: Runtime | None = Field(None, description="Lambda runtime (default python3.13)")
    architecture: Literal["arm64", "x86_64"] | None = Field(None, description="default arm64")
    memory: Int | None = Field(None, description="MB, 128-10240 (default 512)")
    timeout: Int | None = Field(None, description="seconds, 1-900 (default 10)")
    ephemeral_storage: Int | None = Field(None, description="/tmp size in MB, 512-10240 (default 512)")
    tracing: bool | None = Field(None, description="X-Ray active tracing (default true)")
    logs: Logs | None = None
    package: Package | None = Field(None, description="how the code dir is packaged: dependencies, excludes")
    environment: dict[str, Str | SsmValue] | None = Field(None, description="environment variables (maps merge)")
    iam: list[IamStatement] | None = Field(None, description="extra statements, still linted")
    managed_policies: list[str] | None = Field(None, description="IAM managed policy ARNs attached to the role")
    alias: str | None = Field(None, pattern=ALIAS_PATTERN, max_length=128, description="publish versions and route every trigger through this alias")
    vpc: Vpc | VpcFromSsm | None = Field(None, description="subnets and security groups, or SSM StringList parameters naming them")
    layers: list[str] | None = Field(
        None, description="layers: names under `layers:`, layer version ARNs ({region} and {account} apply) or "
        "references read when Terraform plans (${ssm:/path}, ${var:name}); a function's are added after defaults' "
        "(at most 5 in all)",
    )

    @field_validator("environment", mode="before")
    @classmethod
    def _env_scalars(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: ("true" if v is True else "false" if v is False else v) for k, v in value.items()}
        return value


class Function(FunctionSettings, Renamable):
    name: PhysicalName | None = Field(None, description="physical function name (default {service}-{stage}-<name>)")
    role_name: PhysicalName | None = Field(None, description="IAM role name (default {service}-{stage}-<name>)")
    tags: Tags = Field(default_factory=dict, description="tags of the function, its role and log group")
    description: str | None = None
    code: str | None = Field(None, description="code dir relative to the blueprint (default src/<name>)")
    handler: str | None = Field(None, description="handler entry (default handler.handler / index.handler)")
    artifact: str | None = Field(None, description="built zip or jar for java*/provided.al2023")
    events: list[Event] = Field(default_factory=list)
    uses: list[Use] = Field(default_factory=list)
    concurrency: Concurrency | None = None
    snapstart: bool | None = Field(None, description="SnapStart (Java, Python 3.12+)")
    layers_replace: bool | None = Field(None, description="the function's `layers` replace defaults' instead of adding to them")
    image: str | SsmValue | None = Field(
        None, description="container image (ECR URI with a tag or digest; placeholders apply, or {ssm: /path}): "
        "no runtime, handler, code, layers or package",
    )

    @field_validator("events", "uses", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


class UseFunction(UseEntry):
    function: Name
    access: Literal["invoke"] = "invoke"


# What the model stage plugs into the blueprint (generator/model/blueprint.py).
SECTION_FIELD = (dict[Name, Function], Field(default_factory=dict))
USE = UseFunction
# "Model.field" -> (description, or None to keep the model's; example) for the JSON Schema.
FIELD_DOCS = {
    "Blueprint.functions": ("Lambda functions by logical name", {"get-order": {"events": [{"http": "GET /orders/{id}"}]}}),
    "Concurrency.reserved": (None, 10),
    "Concurrency.provisioned": (None, 2),
    "Function.description": ("free text", "Creates an order"),
    "Function.code": (None, "src/create_order"),
    "Function.handler": (None, "handler.handler"),
    "Function.artifact": (None, "build/app.zip"),
    "Function.events": ("what invokes the function: one key per entry", [{"http": "POST /orders"}]),
    "Function.uses": ("resources the function may access (least-privilege IAM + env vars)", [{"table": "orders", "access": "read_write"}]),
    "Function.name": (None, "legacy-process"),
    "Function.role_name": (None, "{service}-{stage}-process-role"),
    "Function.tags": (None, {"owner": "payments"}),
    "FunctionSettings.iam": (None, [{"actions": ["ses:SendEmail"], "resources": ["arn:aws:ses:eu-west-1:123456789012:identity/example.com"]}]),
    "FunctionSettings.managed_policies": (None, ["arn:aws:iam::aws:policy/AWSXrayReadOnlyAccess"]),
    "FunctionSettings.alias": (None, "live"),
    "FunctionSettings.vpc": (None, {"subnets": ["subnet-0a1"], "security_groups": ["sg-0c3"]}),
    "IamStatement.conditions": (None, {"StringEquals": {"aws:RequestedRegion": ["eu-west-1"]}}),
    "Vpc.subnets": (None, ["subnet-0a1", "subnet-0b2"]),
    "Vpc.security_groups": (None, ["sg-0c3"]),
    "VpcFromSsm.ssm": ("SSM StringList parameters read when Terraform plans", {"subnets": "/network/subnets", "security_groups": "/network/lambda-sgs"}),
    "VpcSsmPaths.subnets": (None, "/network/private-subnets"),
    "VpcSsmPaths.security_groups": (None, "/network/lambda-security-groups"),
    "Function.concurrency": ("reserved and provisioned concurrency", {"reserved": 10}),
    "Function.snapstart": (None, False),
    "FunctionSettings.package": (None, {"requirements": "requirements.txt", "exclude": ["*.md"]}),
    "Package.requirements": (None, "requirements.txt"),
    "Package.exclude": (None, ["tests/**", "*.md"]),
    "Package.bundle": (None, "esbuild"),
    "Package.sourcemap": (None, True),
    "FunctionSettings.runtime": (None, "python3.13"),
    "FunctionSettings.architecture": (None, "arm64"),
    "FunctionSettings.memory": (None, 512),
    "FunctionSettings.timeout": (None, 10),
    "FunctionSettings.ephemeral_storage": (None, 512),
    "FunctionSettings.tracing": (None, True),
    "FunctionSettings.logs": ("log format, level and retention", {"level": "INFO", "retention_days": 30}),
    "FunctionSettings.environment": (None, {"LOG_LEVEL": "INFO"}),
    "IamStatement.sid": ("statement id (letters and digits)", "SendEmail"),
    "IamStatement.effect": ("Allow (default) or Deny", "Allow"),
    "IamStatement.actions": (None, ["ses:SendEmail"]),
    "IamStatement.resources": (None, ["arn:aws:ses:eu-west-1:123456789012:identity/example.com"]),
    "IamStatement.allow_wildcard": (None, "SES identities are created outside this service"),
    "Logs.format": (None, "json"),
    "Logs.level": (None, "INFO"),
    "UseFunction.function": ("function name", "send-email"),
    "UseFunction.access": ("invoke", "invoke"),
    "Logs.retention_days": (None, 30),
    "FunctionSettings.layers": (None, ["common", "arn:aws:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:7"]),
    "Function.layers_replace": (None, True),
    "Function.image": (None, "111111111111.dkr.ecr.eu-west-1.amazonaws.com/resize:1.4.2"),
    "Blueprint.artifacts": ("upload every zip (functions and layers) through S3: needed above 50 MB zipped",
                            {"bucket": "acme-lambda-artifacts-{region}"}),
    "Artifacts.bucket": (None, "acme-lambda-artifacts-{region}"),
}
