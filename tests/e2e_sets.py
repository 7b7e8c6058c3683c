"""What tests/test_e2e.py applies on the emulator: the one list that test and tests/test_families.py
("applied on the emulator") both read.

Every snapshot case and bundled blueprint is applied, in a stage that shows its feature, unless
NOT_APPLIED says why not. They are applied in a few groups: one moto server and one `terraform
apply` of a wrapper root module (one `module` block per member) per group. Most of an apply is
the provider waiting (SQS ~25 s per queue, S3 lifecycle ~55 s, Lambda ~5 s per function, one
function at a time per provider), so applying many stages at once costs little more than the
slowest one. Within a group, physical names must not collide: no two members share a service
and stage (IAM role names are global). Groups are balanced so that each takes about as long.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CASES = TESTS / "cases"
BLUEPRINTS = TESTS.parent / "blueprints"


@dataclass(frozen=True)
class Member:
    """One stage of one blueprint, applied as `module.<module>` of its group's root."""

    source: str  # "case:<name>" or "blueprint:<dir>/<file>"
    stage: str = "dev"
    why_stage: str = ""  # why a stage other than dev (the feature lives there)

    @property
    def path(self) -> Path:
        kind, _, name = self.source.partition(":")
        return CASES / name / "blueprint.yaml" if kind == "case" else BLUEPRINTS / name

    @property
    def label(self) -> str:
        kind, _, name = self.source.partition(":")
        stem = name if kind == "case" else self.path.stem
        return f"{kind}-{stem}-{self.stage}"

    @property
    def module(self) -> str:
        return self.label.replace("-", "_")


def case(name: str, stage: str = "dev", why_stage: str = "") -> Member:
    return Member(f"case:{name}", stage, why_stage)


def blueprint(rel: str, stage: str = "dev") -> Member:
    return Member(f"blueprint:{rel}", stage)


PROD_ONLY = "provisioned concurrency (the live alias, its config, alarms and widgets) is a prod override"

GROUPS: dict[str, tuple[Member, ...]] = {
    "a": (
        case("alarms"),
        case("async_failures"),
        case("dashboard", "prod", PROD_ONLY),
        case("dynamodb_stream_consumer"),
        case("eventbridge_rules"),
        case("global_table"),
        case("http_api_jwt"),
        case("image_pipeline"),
        case("minimal"),
        case("parameters"),
        case("s3_bucket_events"),
        case("snapstart"),
        case("uses_function"),
    ),
    "b": (
        case("fifo_queue"),
        case("http_api_iam_auth"),
        case("java_function"),
        case("kms_key"),
        case("logs_settings"),
        case("node_function"),
        case("order_saga_bus"),
        case("provided_runtime"),
        case("queue_subscriptions"),
        case("rest_api_cache"),
        case("schedules"),
        case("sns_topic_fanout"),
        blueprint("orders/orders.yaml"),
    ),
    "c": (
        case("alarms_rest", "prod", PROD_ONLY),
        case("dynamodb_table"),
        case("kms_key_arn"),
        case("provisioned_concurrency", "prod", PROD_ONLY),
        case("rest_api"),
        case("secrets"),
        case("sqs_consumer"),
        case("stages_overrides"),
        case("iam_statements"),
        blueprint("commerce/commerce.yaml"),
    ),
    "d": (
        case("env_names"),
        case("exports"),
        case("function_defaults"),
        case("iam_conditions"),
        case("physical_names"),
        case("references"),
        case("rest_api_logging"),
    ),
}

# Sources not applied, and why (tests/test_e2e_sets.py: every case and bundled blueprint is in
# GROUPS or here).
NOT_APPLIED: dict[str, str] = {
    "case:existing_resources": "its existing: objects are other accounts' (111111111111, 222222222222) and "
    "an SSM parameter the platform publishes, which one emulator account cannot hold as they are; "
    "tests/test_e2e_boundaries.py applies existing: by name, ARN and SSM with the platform's objects created first",
    "case:edge_site": "applied by tests/families/test_edge.py::test_emulator_apply (its own moto server: "
    "moto_faithful adds CloudFront's response headers policies)",
    "case:edge_api_site": "not tried on the emulator: an ACM certificate, a WAF ACL and Route 53 records the test "
    "would have to create first; the distribution itself is applied through case:edge_site",
    "case:edge_functions": "not tried on the emulator: Lambda@Edge through the us-east-1 provider alias; the "
    "distribution is applied through case:edge_site",
    "case:secret_rotation": "moto's RotateSecret runs the rotation Lambda in Docker; the generated secret is applied by "
    "tests/test_e2e_secrets.py and the rotation scaffold's four steps run against moto in tests/families/test_secret_rotation.py",
    "case:log_queries": "moto has no PutQueryDefinition (docs/decisions/secret-rotation.md); the queries' text is tested "
    "in tests/test_log_queries.py",
    "case:layers_and_images": "its features are applied by tests/test_e2e_layers.py (a built layer, an external layer version published "
    "first, image functions), not in the groups here",
    "case:artifacts_upload": "its feature is applied by tests/test_e2e_layers.py (S3 uploads into a bucket created first), not in "
    "the groups here",
    "case:bus_schema_discovery": "moto has no EventBridge Schemas API (docs/decisions/event-schemas-and-queries.md)",
    "case:bus_schemas": "moto has no EventBridge Schemas API (docs/decisions/event-schemas-and-queries.md); the "
    "files' checks and samples are tested in tests/families/test_bus_schema_files.py",
    "case:safe_evolution": "applied by tests/test_e2e_evolution.py: renames plan as moves only, plan -destroy of a "
    "protected stage fails, adopted resources are imported",
}

# Resource types a template writes that no applied member renders, and why (tests/test_e2e_sets.py).
NOT_APPLIED_TYPES: dict[str, str] = {
    **dict.fromkeys(("aws_cloudfront_distribution", "aws_cloudfront_origin_access_control",
                     "aws_cloudfront_response_headers_policy"),
                    "applied by tests/families/test_edge.py::test_emulator_apply (case:edge_site)"),
    **dict.fromkeys(("aws_cloudfront_function", "aws_route53_record"),
                    "case:edge_api_site and case:edge_functions are not tried on the emulator (see NOT_APPLIED)"),
    "aws_cloudwatch_query_definition": "moto has no PutQueryDefinition (case:log_queries)",
    "aws_lambda_layer_version": "applied by tests/test_e2e_layers.py (case:layers_and_images)",
    "aws_s3_object": "applied by tests/test_e2e_layers.py (case:artifacts_upload)",
    **dict.fromkeys(("aws_schemas_discoverer", "aws_schemas_registry", "aws_schemas_schema"),
                    "moto has no EventBridge Schemas API (case:bus_schema_discovery, case:bus_schemas)"),
    "aws_secretsmanager_secret_rotation": "moto's RotateSecret runs the rotation Lambda in Docker (case:secret_rotation)",
    "aws_secretsmanager_secret_version": "the generated secret (write-only value) is applied by tests/test_e2e_secrets.py",
}

# Statements the least-privilege audit (tests/iam_audit.py) refuses and a member writes on purpose,
# by source and statement id, with the blueprint's reason; the audit test requires each of them to
# be refused (so that this list cannot outlive the statement) and nothing else.
AUDIT_ACCEPTED: dict[str, dict[str, str]] = {
    "case:iam_statements": {
        "Extra2": "a Deny on s3:* everywhere: broad on purpose, it only takes access away",
        "Extra3": "s3:Get* on the team's own templates bucket, allowed by allow_wildcard with its reason",
    },
}


# What a member's blueprint expects to exist before it deploys, put into the emulator first:
# SSM parameters it reads when Terraform plans (`${ssm:...}`, `{ssm: ...}`), by name, and the values
# of its `variables:` without a default, passed as the module's arguments (tests/test_e2e_sets.py:
# every member's reads and variables have one).
SSM_VALUES: dict[str, str] = {
    # case:references
    "/platform/dev/users-host": "users.internal.example.com",
    "/platform/feature-flags": '{"beta":true}',
    "/platform/partner-bucket-objects-arn": "arn:aws:s3:::partner-exports/*",
    # case:function_defaults: a StringList as the network team publishes it (split on ",")
    "/network/dev/private-subnets": "subnet-0e1f2a3b,subnet-0f2a3b4c",
    "/network/lambda-security-groups": "sg-0d4e5f6a",
}
VARIABLES: dict[str, str] = {
    "partner_token_id": "partner-token-7",  # case:references
}


def members() -> list[tuple[str, Member]]:
    """(group, member) of everything applied, in group order."""
    return [(group, m) for group, ms in GROUPS.items() for m in ms]


def applied_blueprints() -> list[Path]:
    """The blueprint files applied on the emulator (tests/test_families.py: a family is applied when
    one of them uses it)."""
    return sorted({m.path for _group, m in members()})
