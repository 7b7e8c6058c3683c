"""Security decisions of the plan: the customer KMS key and the checkov checks each resource skips.

A skip is a `(check id, reason)` pair computed from the blueprint, never a blanket list: a check
is skipped only where the blueprint chose not to have the feature it asks for, and the reason
names that choice. Templates render the pairs with the `checkov` filter (emit/templates.py).
docs/security.md lists every skip and the blueprint key that turns it into a pass.
"""

from __future__ import annotations

import re

Skip = tuple[str, str]

# The top-level `kms_key`, resolved once in main.tf (local.kms_key_arn); every resource that
# encrypts with it and every grant on it uses this ARN.
KMS_DATA = "data.aws_kms_key.custom"
KMS_ARN = "local.kms_key_arn"

KMS_KEY_PATTERN = re.compile(
    r"(alias/[A-Za-z0-9/_-]+"
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|mrk-[0-9a-f]{32}"
    r"|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/[A-Za-z0-9/_-]+)"
)



def kms_key_arn(kms_key: str, data: str = KMS_DATA) -> tuple[bool, str]:
    """(whether the key is looked up with `data`, HCL expression of its ARN) for a kms_key (the
    blueprint's, looked up once in main.tf, or a secret's own).

    An alias (name or ARN) is looked up with data "aws_kms_key": IAM grants and most resources
    need the key ARN, which an alias does not give. A key ARN is used as written and a key id is
    completed with the stage's partition, region and account: the data source's validator accepts
    only RFC 4122 UUIDs, so a key id such as AWS's documented 1234abcd-12ab-34cd-56ef-1234567890ab
    would fail `terraform validate` there although KMS accepts it.
    """
    from generator.plan.placeholders import hcl_value

    if kms_key.startswith("alias/") or ":alias/" in kms_key:
        return True, f"{data}.arn"
    if kms_key.startswith("arn:"):  # an ARN field: {region}/{account} are read when Terraform plans
        value = hcl_value(kms_key)
        return False, value if type(value) is not str else '"' + kms_key + '"'
    return False, '"arn:${local.partition}:kms:${local.region}:${local.account_id}:key/' + kms_key + '"'


NO_VPC = "CKV_AWS_117", "no VPC in the blueprint: the function reaches only AWS public endpoints"
NO_SIGNING = "CKV_AWS_272", "no code signing in the blueprint (no AWS Signer profile in the pipeline)"


def function_skips(*, reserved: int | None, async_invoked: bool, has_env: bool, kms: bool,
                   vpc: bool = False) -> tuple[Skip, ...]:
    skips: list[Skip] = [NO_SIGNING] if vpc else [NO_VPC, NO_SIGNING]
    if reserved is None:
        skips.append(
            ("CKV_AWS_115", "account concurrency quota unknown to sls-gen; reserve with concurrency.reserved")
        )
    if not async_invoked:  # only async-invoked functions have a DLQ
        skips.append(
            (
                "CKV_AWS_116",
                "no asynchronous trigger: API callers see errors, SQS redrive and stream on-failure keep failed records",
            )
        )
    if has_env and not kms:
        skips.append(
            (
                "CKV_AWS_173",
                "no kms_key in the blueprint: the environment holds resource names only (AWS managed key); "
                "secrets are read from Secrets Manager or SSM",
            )
        )
    return tuple(sorted(skips))


def log_group_skips(*, retention_days: int, kms: bool, key: str = "logs.retention_days",
                    elsewhere: str | None = None) -> tuple[Skip, ...]:
    skips: list[Skip] = []
    if retention_days and retention_days < 365:
        skips.append(("CKV_AWS_338", f"retention set by the blueprint ({key}: {retention_days}); raise it to 365 to keep a year"))
    if elsewhere:
        skips.append(("CKV_AWS_158", f"the log group is in {elsewhere} (Lambda@Edge), where a key of the stage's "
                                     "region cannot encrypt: CloudWatch Logs encrypts with its own service key"))
    elif not kms:
        skips.append(("CKV_AWS_158", "no kms_key in the blueprint: CloudWatch Logs encrypts with its own service key"))
    return tuple(sorted(skips))


def table_skips(*, kms: bool, pitr: bool, provisioned: bool) -> tuple[Skip, ...]:
    skips: list[Skip] = []
    if not kms:
        skips.append((
            "CKV_AWS_119",
            "no kms_key in the blueprint: encrypted at rest with the AWS managed key aws/dynamodb",
        ))
    if not pitr:
        skips.append(("CKV_AWS_28", "point_in_time_recovery: false in the blueprint"))
    if provisioned:
        skips.append(("CKV2_AWS_16", "fixed provisioned capacity from the blueprint (billing: {read, write}); no autoscaling"))
    return tuple(sorted(skips))


def http_route_skips(auth: str) -> tuple[Skip, ...]:
    if auth == "none":
        return (("CKV_AWS_309", "public route by blueprint choice (auth: none)"),)
    return ()


def rest_method_skips(authorization: str) -> tuple[Skip, ...]:
    skips: list[Skip] = [("CKV2_AWS_53", "Lambda proxy integration: the handler validates its own input")]
    if authorization == "NONE":
        skips.append(("CKV_AWS_59", "public route by blueprint choice (auth: none)"))
    return tuple(sorted(skips))


def rest_stage_skips(cached: bool, logging) -> tuple[Skip, ...]:
    """`logging`: the blueprint's api.logging (families/api/model.py ApiLogging)."""
    skips: list[Skip] = [
        ("CKV2_AWS_29", "no WAF web ACL in the blueprint"),
        ("CKV2_AWS_51", "Lambda proxy backend: client certificates authenticate HTTP backends only"),
    ]
    if not cached:
        skips.append(("CKV_AWS_120", "no api.cache in the blueprint (cache cluster cost; dynamic responses)"))
    if logging.execution == "off":
        skips.append((
            "CKV2_AWS_4",
            "REST execution logging is off by default: it needs the account's API Gateway CloudWatch role; "
            "api.logging.execution: error or info turns it on",
        ))
    elif not logging.metrics:
        skips.append(("CKV2_AWS_4", "api.logging.metrics: false in the blueprint"))
    if not logging.access:
        skips.append(("CKV_AWS_76", "api.logging.access: false in the blueprint"))
    return tuple(sorted(skips))


def http_stage_skips(logging) -> tuple[Skip, ...]:
    if not logging.access:
        return (("CKV_AWS_76", "api.logging.access: false in the blueprint"),)
    return ()


def rest_settings_skips(cached: bool, logging) -> tuple[Skip, ...]:
    skips: list[Skip] = [
        ("CKV_AWS_225", "caching is turned on per cached GET route, never for writes")
        if cached
        else ("CKV_AWS_225", "no api.cache in the blueprint (cache cluster cost; dynamic responses)")
    ]
    if logging.data_trace:
        skips.append(("CKV_AWS_276", "api.logging.data_trace: true in the blueprint (full requests and responses are logged)"))
    return tuple(sorted(skips))


def bucket_skips(*, kms: bool, versioning: bool, notified: bool) -> tuple[Skip, ...]:
    skips: list[Skip] = [
        ("CKV_AWS_18", "access logging needs a log bucket the blueprint does not declare"),
        ("CKV_AWS_144", "cross-region replication needs a replica bucket the blueprint does not declare"),
    ]
    if not kms:
        skips.append(("CKV_AWS_145", "no kms_key in the blueprint: SSE-S3 (AES256) at rest"))
    if not notified:
        skips.append(("CKV2_AWS_62", "no bucket events on this bucket"))
    if not versioning:
        skips.append(("CKV_AWS_21", "versioning: false in the blueprint"))
    return tuple(sorted(skips))


def schedule_skips(*, kms: bool) -> tuple[Skip, ...]:
    if kms:
        return ()
    return (("CKV_AWS_297", "no kms_key in the blueprint: Scheduler encrypts with an AWS owned key"),)


def secret_skips(*, kms: bool, rotation: bool = False) -> tuple[Skip, ...]:
    skips: list[Skip] = [] if rotation else [
        ("CKV2_AWS_57", "the value is set out of band; rotation needs a rotation function the blueprint does not declare")
    ]
    if not kms:
        skips.append(("CKV_AWS_149", "no kms_key in the blueprint: encrypted with the AWS managed key aws/secretsmanager"))
    return tuple(sorted(skips))


def distribution_skips(*, domain: bool, logging: bool, waf: bool, root_object: bool) -> tuple[Skip, ...]:
    """CloudFront (edge:). What the blueprint can turn on passes when it does: a custom domain brings
    its certificate with TLSv1.2_2021, `logging` standard logs, `waf` the web ACL."""
    skips: list[Skip] = [
        ("CKV_AWS_310", "one origin per behavior: no origin group (failover origin) in the blueprint"),
        ("CKV_AWS_374", "no geo restriction asked for in the blueprint"),
        ("CKV2_AWS_47", "the web ACL (and its AWSManagedRulesKnownBadInputsRuleSet) is managed outside this service"),
    ]
    if not domain:
        skips += [
            ("CKV_AWS_174", "no edge.domain: the default *.cloudfront.net certificate, whose minimum protocol "
                            "CloudFront fixes at TLSv1"),
            ("CKV2_AWS_42", "no edge.domain: the distribution uses its *.cloudfront.net name and certificate"),
        ]
    if not logging:
        skips.append(("CKV_AWS_86", "no edge.logging in the blueprint (standard logs need a bucket with ACLs)"))
    if not waf:
        skips.append(("CKV_AWS_68", "no edge.waf in the blueprint"))
    if not root_object:
        skips.append(("CKV_AWS_305", "the default origin is the API: it answers / itself"))
    return tuple(sorted(skips))


# CloudFront response headers (edge:): HSTS with max-age two years and includeSubDomains, but not
# `preload`, which asks browsers to hard-code HTTPS for the whole registered domain.
HSTS_PRELOAD = ("CKV_AWS_259", "HSTS is sent for two years with includeSubDomains; preload commits the whole "
                "registered domain to browsers' preload lists, a decision for the domain's owner")


def rotation_skips(*, days: int | None) -> tuple[Skip, ...]:
    """CKV_AWS_304 wants rotation within 90 days; a longer period is the blueprint's choice (warned, SLS511)."""
    if days is not None and days > 90:
        return (("CKV_AWS_304", f"the blueprint rotates every {days} days (sls-gen warns: SLS511)"),)
    return ()
