"""Plan secrets: Secrets Manager secrets sls-gen creates (values set out of band) and existing SSM
SecureString parameters it only references; the `secret` use passes the ARN or parameter name,
never the value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.emit.hcl import Raw
from generator.plan.access import expand
from generator.plan.context import Access, PlanContext
from generator.plan.existing import ExistingPlan, Shape, existing_nodes, existing_plans, quoted, reference
from generator.plan.model import Export, Named
from generator.plan.naming import Names, camel, env_prefix, tf_id
from generator.plan.placeholders import concat, hcl_value
from generator.plan.security import kms_key_arn, secret_skips
from generator.plan.views import Edge, Node, node_id


@dataclass(frozen=True)
class SecretPlan:
    name: str
    tf: str
    physical: Any  # str, or an HCL template when `name:` holds {region}/{account}
    description: str
    recovery_window_days: int
    kms_key_arn: Any = None  # HCL expression, or None for aws/secretsmanager
    skips: tuple[tuple[str, str], ...] = ()
    tags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ParameterPlan:
    """An existing SSM SecureString parameter: nothing is created, only its ARN is built."""

    name: str
    parameter: str  # the parameter name as a template (placeholders: {region}/{account} kept), e.g. /orders/db-password
    arn: Any  # HCL expression
    kms_key: str | None = None  # its customer key as written (alias, key id or ARN), if any
    key_lookup: str | None = None  # data "aws_kms_key" name that resolves an alias to its key ARN


def key_data(name: str) -> str:
    return f"secret_{tf_id(name)}"


def parameter_key_arn(name: str, kms_key: str) -> tuple[bool, str]:
    """(looked up with a data source, HCL expression of the key ARN) of a parameter's own key."""
    return kms_key_arn(kms_key, data=f"data.aws_kms_key.{key_data(name)}")


# How a secret's ARN holds its name (`existing:`): `secret:<name>-<6 random characters>`.
EXISTING = Shape("secretsmanager", "secret:")


@dataclass(frozen=True)
class SecretLookup:
    """An existing secret named by `existing: {name: ...}`: its ARN ends in characters AWS picked,
    so a data source looks it up when Terraform plans."""

    tf: str
    name: Any  # HCL value


@dataclass(frozen=True)
class SecretPart:
    secrets: tuple[SecretPlan, ...] = ()
    parameters: tuple[ParameterPlan, ...] = ()
    existing: tuple[ExistingPlan, ...] = ()  # secrets another stack owns: referenced, never created
    lookups: tuple[SecretLookup, ...] = ()

    def physicals(self) -> dict[tuple[str, str], str]:
        return {("aws_secretsmanager_secret", s.tf): s.physical for s in self.secrets}

    def exports(self) -> list[Export]:
        return [Export("secret", s.name, attr, Raw(f"aws_secretsmanager_secret.{s.tf}.{attr}"))
                for s in self.secrets for attr in ("name", "arn")]

    def named(self) -> list[Named]:
        return [Named(f"aws_secretsmanager_secret.{s.tf}", s.physical, ("secrets", s.name)) for s in self.secrets]

    def terraform_files(self) -> list[tuple[str, str]]:
        return [("secrets.tf", "secrets.tf.j2")] if self.secrets or self.parameters or self.lookups else []

    def graph(self, plan) -> tuple[list[Node], list[Edge]]:
        nodes = [
            Node(node_id("secret", s.name), "secret", "Secrets", s.name, "Secrets Manager", shape="note",
                 facts=(("store", "Secrets Manager (value set out of band)"), ("recovery window", f"{s.recovery_window_days} days")))
            for s in self.secrets
        ]
        nodes += [
            Node(node_id("secret", p.name), "secret", "Secrets", p.name, p.parameter, shape="note",
                 facts=(("store", f"existing SSM SecureString {p.parameter}"),))
            for p in self.parameters
        ]
        nodes += existing_nodes("secret", "secret", "Secrets", self.existing, shape="note")
        return nodes, []


def parameter_arn(parameter: str) -> Raw:
    """ARN of an SSM parameter named by a template (placeholders: generator/plan/placeholders.py).

    `/orders/db-password` -> `...:parameter/orders/db-password`; a name without the leading slash
    gets exactly one slash too.
    """
    prefix = Raw('"arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter/"')
    return concat(prefix, hcl_value(parameter.lstrip("/")))


def secret_physical(names: Names, name: str, secret=None) -> str:
    """The secret's name as a template: `name:` (placeholders apply) or {service}/{stage}/<name>."""
    if secret is not None and secret.name:
        return names.template(secret.name)
    return f"{names.service}/{names.stage}/{name}"


def ssm_parameter(names: Names, secret) -> str:
    """An existing SecureString parameter's name as a template (a path field: placeholders apply)."""
    return names.template(secret.ssm)


def attributes(bp, names: Names, name: str) -> dict[str, Any]:
    """What `${secret:<name>.<attr>}` may read (generator/plan/refs.py): its ARN and name, never its value."""
    s = bp.secrets.get(name)
    if s is not None and s.existing is not None:
        return existing_attributes(names, name, s.existing)
    if s is not None and s.ssm:
        text = ssm_parameter(names, s)
        return {"name": hcl_value(text), "arn": parameter_arn(text)}
    ref = f"aws_secretsmanager_secret.{tf_id(name)}"
    return {"name": Raw(f"{ref}.name"), "arn": Raw(f"{ref}.arn")}


def lookup_tf(name: str) -> str:
    return f"existing_{tf_id(name)}"


def existing_attributes(names: Names, name: str, spec) -> dict[str, Any]:
    """An existing secret's name and ARN: by name, the ARN from a lookup (AWS appends random
    characters); by ARN (or SSM), the name is the ARN's without those characters."""
    if spec.how == "name":
        return {"name": quoted(hcl_value(names.template(spec.name))),
                "arn": Raw(f"data.aws_secretsmanager_secret.{lookup_tf(name)}.arn")}
    ref = reference(names, spec, EXISTING)
    return {"name": Raw(f'replace({quoted(ref.name)}, "/-[A-Za-z0-9]{{6}}$/", "")'), "arn": quoted(ref.arn)}


def use(entry, ctx: PlanContext, function: str) -> Access:
    secret = ctx.bp.secrets[entry.secret]
    if secret.existing is not None:  # its own key (if a customer key) needs a grant in the key policy or iam:
        arn = existing_attributes(ctx.names, entry.secret, secret.existing)["arn"]
        return Access(
            env={f"{env_prefix(entry.secret)}_SECRET_ARN": arn},
            grants=[(camel("secret", entry.secret, "read"), g) for g in expand("secret", "read", arn=arn)],
        )
    if secret.ssm:  # an existing parameter is encrypted with its own key, not the blueprint's
        arn = f'local.parameter_arns["{entry.secret}"]'
        grants = [(camel("parameter", entry.secret, "read"), g) for g in expand("parameter", "read", arn=arn)]
        if secret.kms_key:  # a customer key: kms:Decrypt, through SSM only (the AWS managed aws/ssm needs none)
            key = parameter_key_arn(entry.secret, secret.kms_key)[1]
            grants += [(camel("parameter", entry.secret, "key"), g) for g in expand("parameter_key", "decrypt", arn=key)]
        return Access(
            env={f"{env_prefix(entry.secret)}_PARAMETER_NAME": hcl_value(ssm_parameter(ctx.names, secret))},
            grants=grants,
            kms=(("parameter", entry.access),),
        )
    ref = f"aws_secretsmanager_secret.{tf_id(entry.secret)}"
    return Access(
        env={f"{env_prefix(entry.secret)}_SECRET_ARN": Raw(f"{ref}.arn")},
        grants=[(camel("secret", entry.secret, "read"), g) for g in expand("secret", "read", arn=f"{ref}.arn")],
        kms=(("secret", entry.access),),
    )


def plan(ctx: PlanContext) -> SecretPart | None:
    names, kms = ctx.names, ctx.kms
    secrets = tuple(
        SecretPlan(
            name=n,
            tf=tf_id(n),
            physical=hcl_value(secret_physical(names, n, s)),
            description=s.description or f"{n} of {names.prefix} (value set out of band)",
            recovery_window_days=s.recovery_window_days,
            kms_key_arn=kms,
            skips=secret_skips(kms=bool(kms)),
            tags=tuple(sorted(s.tags.items())),
        )
        for n, s in sorted(ctx.bp.secrets.items())
        if not s.ssm and s.existing is None
    )
    parameters = tuple(
        ParameterPlan(
            name=n,
            parameter=ssm_parameter(names, s),
            arn=parameter_arn(ssm_parameter(names, s)),
            kms_key=s.kms_key,
            key_lookup=key_data(n) if s.kms_key and parameter_key_arn(n, s.kms_key)[0] else None,
        )
        for n, s in sorted(ctx.bp.secrets.items())
        if s.ssm and s.existing is None
    )
    existing = existing_plans(ctx, "secrets", EXISTING)
    lookups = tuple(SecretLookup(lookup_tf(n), hcl_value(names.template(s.existing.name)))
                    for n, s in sorted(ctx.bp.secrets.items()) if s.existing is not None and s.existing.how == "name")
    return SecretPart(secrets, parameters, existing, lookups) if secrets or parameters or existing else None
