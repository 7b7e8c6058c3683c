"""`artifacts: {bucket: NAME}`: deployment packages uploaded through S3 instead of directly.

Lambda accepts at most 50 MB zipped in a direct upload (`filename`), and up to the 250 MB unzipped
limit through S3. With `artifacts`, every zip this blueprint builds (functions, compiled
artifacts, layers) becomes an `aws_s3_object` and the function or layer version reads it with
`s3_bucket`/`s3_key`. The key is content-addressed (`sls-gen/<service>/<stage>/<kind>/<name>/
<sha256 of the zip>.zip`, computed by Terraform from the file): a changed zip is a new key, so
Lambda always redeploys it and the bucket needs no versioning (`s3_object_version` would need
it); an unchanged zip keeps its key and nothing is uploaded again. The bucket is one under
`buckets:` (its id) or an existing bucket's name (placeholders apply). Whoever applies needs
s3:PutObject there; the functions' roles need nothing (Lambda copies the code at deploy time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from generator.checks.context import per_stage
from generator.checks.names import NameRule, name_problems
from generator.diagnostics import Diagnostic
from generator.emit.hcl import Raw
from generator.plan.naming import Names, tf_id
from generator.plan.placeholders import hcl_value

BUCKET_NAME = NameRule("S3 bucket", re.compile(r"[a-z0-9][a-z0-9.-]*[a-z0-9]"),
                       "lower-case letters, digits, '.' and '-' (starting and ending with a letter or digit)", 63, 3)
NO_CMK = ("CKV_AWS_186", "a deployment package, encrypted with the bucket's default encryption; set kms_key to use a customer key")


@dataclass(frozen=True)
class Upload:
    """One package uploaded through S3 (lambda.tf.j2, layers.tf.j2)."""

    tf: str  # aws_s3_object name
    bucket: Any  # HCL value: a bucket of this blueprint (its id) or a name
    prefix: str  # the key before the zip's sha256
    kms: Any = None  # HCL expression of the blueprint's key, or None
    skips: tuple[tuple[str, str], ...] = ()


def upload(bp, names: Names, kms, kind: str, name: str, tf: str) -> Upload | None:
    """How the package of function or layer `name` is uploaded, or None: directly (`filename`)."""
    if bp.artifacts is None:
        return None
    bucket = bp.artifacts.bucket
    value = Raw(f"aws_s3_bucket.{tf_id(bucket)}.id") if bucket in bp.buckets else hcl_value(names.template(bucket))
    suffix = "package" if kind == "functions" else "layer"
    return Upload(tf_id(tf, suffix), value, f"sls-gen/{names.service}/{names.stage}/{kind}/{name}/", kms,
                  () if kms else (NO_CMK,))


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, _bucket)


def _bucket(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    if bp.artifacts is None or bp.artifacts.bucket in bp.buckets:
        return
    yield from name_problems(ctx, stage, ("artifacts", "bucket"), BUCKET_NAME, Names(bp.service, stage).template(bp.artifacts.bucket),
                             hint="name a bucket under buckets:, or an existing bucket by its exact name")
