"""Plan S3 buckets, the `bucket` use, and `bucket` events (one notification configuration per
bucket, one invoke permission per function and bucket)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.emit.hcl import Raw
from generator.families.bucket.model import BucketEvent
from generator.families.function.plan import async_failure
from generator.plan.access import expand
from generator.plan.context import Access, PlanContext
from generator.plan.evolution import Adopt, derive, protect
from generator.plan.existing import ExistingPlan, Shape, existing_nodes, existing_plans, name_template, quoted, reference
from generator.plan.model import Export, Named
from generator.plan.naming import Names, camel, env_prefix, tf_id
from generator.plan.placeholders import hcl_value, max_length
from generator.plan.security import bucket_skips
from generator.plan.views import Edge, Node, Trigger, node_id

ASYNC = True  # S3 invokes Lambda asynchronously
S3_EVENTS = {"created": "s3:ObjectCreated:*", "removed": "s3:ObjectRemoved:*"}
ACCOUNT_ID_LENGTH = 12  # the bucket suffix: known length, so the name length is known offline
# How a bucket's ARN holds its name (`existing:`, generator/plan/existing.py).
EXISTING = Shape("s3", regional=False)
BUCKET_NAME_MAX = 63

# Resource types that hold data (generator/evolution/summary.py marks their destroys).
STATEFUL_TYPES = ("aws_s3_bucket",)


@dataclass(frozen=True)
class BucketNotification:
    """One lambda_function block of a bucket's (single) notification configuration."""

    id: str
    function: Any  # FunctionPlan
    events: tuple[str, ...]
    prefix: str | None
    suffix: str | None
    event_path: tuple = ()  # the `bucket` event it comes from


@dataclass(frozen=True)
class BucketPermission:
    tf: str
    statement_id: str
    function: Any  # FunctionPlan
    where: tuple = ()  # the function's first `bucket` event on this bucket


@dataclass(frozen=True)
class BucketPlan:
    name: str
    tf: str
    physical: Any  # HCL expression: the account id is only known at apply time
    versioning: bool
    notifications: tuple[BucketNotification, ...]
    permissions: tuple[BucketPermission, ...]
    kms_key_arn: Any = None  # HCL expression: SSE-KMS with the blueprint's kms_key, else SSE-S3
    skips: tuple[tuple[str, str], ...] = ()  # checkov (check id, reason): plan/security.py
    tags: tuple[tuple[str, str], ...] = ()
    # Statements other parts add to this bucket's one policy (their `bucket_statements()`): a bucket
    # has a single aws_s3_bucket_policy, so everything that needs one goes in here.
    grants: tuple[dict, ...] = ()
    protect: bool = False  # prevent_destroy (never force_destroy: sls-gen writes none)
    retain: bool = False
    adopt: bool = False


@dataclass(frozen=True)
class BucketPart:
    buckets: tuple[BucketPlan, ...] = ()
    existing: tuple[ExistingPlan, ...] = ()  # buckets another stack owns: referenced, never created

    def physicals(self) -> dict[tuple[str, str], str]:
        return {("aws_s3_bucket", b.tf): b.physical for b in self.buckets}

    def exports(self) -> list[Export]:
        return [e for b in self.buckets for e in (Export("bucket", b.name, "name", Raw(f"aws_s3_bucket.{b.tf}.bucket")),
                                                   Export("bucket", b.name, "arn", Raw(f"aws_s3_bucket.{b.tf}.arn")))]

    def named(self) -> list[Named]:
        out = []
        for b in self.buckets:
            where, o = ("buckets", b.name), ("bucket", b.name)
            out.append(derive("aws_s3_bucket", (o,), b.physical, where, owner=o, primary=True, stateful=True,
                              protect=b.protect, retain=b.retain, adopt=Adopt(b.physical) if b.adopt else None))
            kinds = ["ownership_controls", "public_access_block", "server_side_encryption_configuration",
                     "lifecycle_configuration", "policy"]
            kinds += ["versioning"] if b.versioning else []
            kinds += ["notification"] if b.notifications else []
            out += [derive(f"aws_s3_bucket_{kind}", (o,), None, where, owner=o) for kind in kinds]
            out += [derive("aws_lambda_permission", ("bucket", o, ("function", p.function.name)), p.statement_id, p.where,
                           scope=p.function.physical, owner=("function", p.function.name)) for p in b.permissions]
        return out

    def terraform_files(self) -> list[tuple[str, str]]:
        return [("s3.tf", "s3.tf.j2")] if self.buckets else []

    def graph(self, plan) -> tuple[list[Node], list[Edge]]:
        nodes = [
            Node(node_id("bucket", b.name), "bucket", "Buckets", b.name, shape="cylinder",
                 facts=(("versioning", "on" if b.versioning else "off"),))
            for b in self.buckets
        ] + existing_nodes("bucket", "bucket", "Buckets", self.existing, shape="cylinder")
        edges = [
            Edge(node_id("bucket", b.name), node_id("function", n.function.name), "async invoke")
            for b in self.buckets for n in b.notifications
        ]
        return nodes, edges


    def invocations(self, plan) -> list[Trigger]:
        out = []
        for b in self.buckets:
            for n in b.notifications:
                settings = ", ".join(n.events)
                settings += "".join(f"; {k} {v}" for k, v in (("prefix", n.prefix), ("suffix", n.suffix)) if v)
                out.append(Trigger(n.function.name, "bucket", f"bucket {b.name}", settings, async_failure(n.function), n.event_path))
        return out


def written_name(bucket) -> str | None:
    """`name:`, or its v1 spelling `bucket_name:` (both set is an error: checks.py)."""
    return (bucket.name or bucket.bucket_name) if bucket is not None else None


def bucket_template(names: Names, name: str, bucket) -> str:
    """The bucket's physical name as a template: the written name (placeholders apply) or
    {service}-{stage}-<name>-{account} (bucket names are global: the account keeps them apart)."""
    if bucket is not None and bucket.existing is not None:  # as referenced; the longest possible from SSM
        return name_template(names, bucket.existing, EXISTING) or "x" * BUCKET_NAME_MAX
    written = written_name(bucket)
    return names.template(written) if written else names.physical(name) + "-{account}"


def bucket_physical(names: Names, name: str, bucket) -> Any:
    if written_name(bucket):
        return hcl_value(bucket_template(names, name, bucket))
    return Raw(f'"${{local.prefix}}-{name}-${{local.account_id}}"')


def bucket_name_length(names: Names, name: str, bucket=None) -> int:
    """Longest length of the physical bucket name (the default ends with the 12-digit account id)."""
    return max_length(bucket_template(names, name, bucket))


def attributes(bp, names: Names, name: str) -> dict[str, Raw]:
    """What `${bucket:<name>.<attr>}` may read (generator/plan/refs.py), and what uses reference:
    the resource's attributes, or an existing bucket's name and ARN."""
    b = bp.buckets.get(name)
    if b is not None and b.existing is not None:
        ref = reference(names, b.existing, EXISTING)
        return {"name": quoted(ref.name), "arn": quoted(ref.arn)}
    ref = f"aws_s3_bucket.{tf_id(name)}"
    return {"name": Raw(f"{ref}.bucket"), "arn": Raw(f"{ref}.arn")}


def use(entry, ctx: PlanContext, function: str) -> Access:
    attrs = attributes(ctx.bp, ctx.names, entry.bucket)
    bucket = ctx.bp.buckets.get(entry.bucket)
    return Access(
        env={f"{env_prefix(entry.bucket)}_BUCKET_NAME": attrs["name"]},
        grants=[(camel("bucket", entry.bucket, entry.access), g) for g in expand("bucket", entry.access, arn=attrs["arn"])],
        # the blueprint's kms_key encrypts the buckets it creates, never an existing one
        kms=() if bucket is not None and bucket.existing is not None else (("bucket", entry.access),),
    )


def plan(ctx: PlanContext) -> BucketPart | None:
    bp = ctx.bp
    notes: dict[str, list[BucketNotification]] = {}
    perms: dict[str, dict[str, BucketPermission]] = {}
    for fname in sorted(bp.functions):
        fn = ctx.functions[fname]
        for i, ev in enumerate(bp.functions[fname].events):
            if not isinstance(ev, BucketEvent):
                continue
            notes.setdefault(ev.bucket, []).append(
                BucketNotification(
                    id=f"{fname}-{i}",
                    function=fn,
                    events=tuple(S3_EVENTS[k] for k in sorted(set(ev.on))),
                    prefix=ev.prefix,
                    suffix=ev.suffix,
                    event_path=("functions", fname, "events", i),
                )
            )
            perms.setdefault(ev.bucket, {}).setdefault(
                fname,
                BucketPermission(tf=tf_id("bucket", ev.bucket, fname),
                                 statement_id=f"AllowS3-{ctx.origin('bucket', ev.bucket)}"[:100], function=fn,
                                 where=("functions", fname, "events", i)),
            )
    buckets = tuple(
        BucketPlan(
            name=n,
            tf=tf_id(n),
            physical=bucket_physical(ctx.names, ctx.origin("bucket", n), b),
            versioning=b.versioning,
            notifications=tuple(notes.get(n, ())),
            permissions=tuple(perms.get(n, {}).values()),
            kms_key_arn=ctx.kms,
            skips=bucket_skips(kms=bool(ctx.kms), versioning=b.versioning, notified=n in notes),
            tags=tuple(sorted(b.tags.items())),
            protect=protect(b, ctx.protected),
            retain=b.retain,
            adopt=b.adopt,
        )
        for n, b in sorted(bp.buckets.items())
        if b.existing is None
    )
    existing = existing_plans(ctx, "buckets", EXISTING)
    return BucketPart(buckets, existing) if buckets or existing else None


def finish(ctx: PlanContext, stage) -> BucketPart | None:
    """Each bucket's policy gathers what other parts admit to it (`bucket_statements()`: bucket tf ->
    statements, e.g. CloudFront's origin access control), after the TLS-only deny."""
    import dataclasses

    part = ctx.parts.get("bucket")
    if part is None:
        return None
    extra: dict[str, list[dict]] = {}
    for other in ctx.parts.values():
        if other is not part and hasattr(other, "bucket_statements"):
            for tf, statements in other.bucket_statements().items():
                extra.setdefault(tf, []).extend(statements)
    if not extra:
        return part
    return dataclasses.replace(part, buckets=tuple(
        dataclasses.replace(b, grants=tuple(extra.get(b.tf, ()))) for b in part.buckets))
