"""Plan secrets: Secrets Manager secrets sls-gen creates (values set out of band, generated, or
rotated by a blueprint function) and existing SSM SecureString parameters it only references; the
`secret` use passes the ARN or parameter name, never the value.

A generated value never enters Terraform state: without rotation it comes from the ephemeral
`aws_secretsmanager_random_password` through the write-only `secret_string_wo` (Terraform >= 1.11,
AWS provider >= 5.88); with rotation the rotation function creates every value, the first one
included (docs/decisions/secret-rotation.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from generator.emit.hcl import Raw
from generator.plan.access import expand
from generator.plan.context import Access, PlanContext
from generator.plan.evolution import Adopt, derive, follow, protect
from generator.plan.existing import ExistingPlan, Shape, existing_nodes, existing_plans, quoted, reference
from generator.plan.model import EventAlarm, Export, Named, Reason
from generator.plan.naming import Names, camel, env_prefix, tf_id
from generator.plan.placeholders import concat, hcl_value
from generator.plan.security import kms_key_arn, rotation_skips, secret_skips
from generator.plan.views import Edge, Node, Trigger, node_id


# Terraform and AWS provider versions a generated value without rotation needs: write-only arguments
# (Terraform 1.11), `secret_string_wo` (provider 5.88; the ephemeral password generator came in 5.85).
GENERATE_TERRAFORM = ">= 1.11"
GENERATE_PROVIDER = "5.88"
ROTATION = "rotation"  # the trigger kind a rotation function gets (its scaffold)
SECRETS_MANAGER = "secretsmanager.amazonaws.com"
# GetRandomPassword's parameters, by the `generate` key that sets each.
PASSWORD_PARAMETERS = (
    ("length", "PasswordLength", "password_length"),
    ("exclude_characters", "ExcludeCharacters", "exclude_characters"),
    ("exclude_punctuation", "ExcludePunctuation", "exclude_punctuation"),
    ("exclude_numbers", "ExcludeNumbers", "exclude_numbers"),
    ("exclude_uppercase", "ExcludeUppercase", "exclude_uppercase"),
    ("exclude_lowercase", "ExcludeLowercase", "exclude_lowercase"),
)
DEFAULT_KEY = "password"


@dataclass(frozen=True)
class GeneratePlan:
    """How a value is generated: GetRandomPassword's settings, and the JSON object around it."""

    settings: tuple[tuple[str, Any], ...]  # (ephemeral resource argument, value), only those set
    api: tuple[tuple[str, Any], ...]  # (GetRandomPassword parameter, value): what a rotation function passes
    template: tuple[tuple[str, str], ...] | None  # the JSON object the password goes into, or None
    key: str  # the password's key in `template`

    @property
    def template_map(self) -> dict[str, str]:
        return dict(self.template or ())

    @property
    def rules_json(self) -> str:
        """What the rotation function reads (its `<NAME>_ROTATION` variable): compact, sorted JSON."""
        doc: dict[str, Any] = {"password": dict(self.api)}
        if self.template is not None:
            doc["template"] = dict(self.template)
            doc["key"] = self.key
        return json.dumps(doc, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class RotationPlan:
    function: Any  # the rotation function's FunctionPlan
    days: int | None
    schedule: str | None
    statement_id: str  # of its invoke permission
    alarm_rule: str  # the name of the EventBridge rule that reports its failures ({service}-{stage}-<name>-rotation-failed)
    skips: tuple[tuple[str, str], ...] = ()

# Resource types that hold data (generator/evolution/summary.py marks their destroys).
STATEFUL_TYPES = ("aws_secretsmanager_secret",)


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
    generate: GeneratePlan | None = None
    rotation: RotationPlan | None = None

    @property
    def written(self) -> bool:
        """Terraform writes the first value (generated, write-only): no rotation function does."""
        return self.generate is not None and self.rotation is None

    @property
    def arn(self) -> str:
        return f"aws_secretsmanager_secret.{self.tf}.arn"
    protect: bool = False  # prevent_destroy
    retain: bool = False
    adopt: bool = False


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
        out = []
        for s in self.secrets:
            where = ("secrets", s.name)
            # imported by ARN, which ends in a random suffix: read through a data source by name
            out.append(derive("aws_secretsmanager_secret", (("secret", s.name),), s.physical, where,
                              owner=("secret", s.name), primary=True, stateful=True, protect=s.protect, retain=s.retain,
                              adopt=Adopt(lookup=("aws_secretsmanager_secret", (("name", s.physical),), "arn"))
                              if s.adopt else None))
            # named after the secret, so a rename moves them too: a replaced version would write a
            # new generated value, a replaced rotation would rotate again on apply
            leader, o = f"aws_secretsmanager_secret.{s.tf}", ("secret", s.name)
            if s.written:
                out.append(follow(leader, "aws_secretsmanager_secret_version", where=where + ("generate",), owner=o))
            if s.rotation:
                r, at = s.rotation, where + ("rotation",)
                out += [
                    follow(leader, "aws_secretsmanager_secret_rotation", where=at, owner=o),
                    follow(leader, "aws_lambda_permission", prefix="rotate_", physical=r.statement_id, where=at,
                           owner=o, scope=r.function.physical),
                ]
        return out

    def invocations(self, plan) -> list[Trigger]:
        """Secrets Manager invokes each rotation function once per step of every rotation."""
        out = []
        for s in self.rotating:
            r = s.rotation
            when = f"every {r.days} days" if r.days is not None else r.schedule
            alarm = ("a RotationFailed event reaches the alarm topic" if plan.parts.observability
                     and plan.parts.observability.event_alarms else "nothing alarms on a failed rotation (SLS512)")
            out.append(Trigger(
                r.function.name, "rotation", f"secret {s.name}",
                f"{when}; createSecret, setSecret, testSecret, finishSecret; the first rotation on apply",
                f"the current value stays in use (a failed step leaves its AWSPENDING version behind); {alarm}",
                ("secrets", s.name, "rotation"),
            ))
        return out

    @property
    def rotating(self) -> tuple[SecretPlan, ...]:
        return tuple(s for s in self.secrets if s.rotation)

    def requires(self) -> tuple[str, str] | None:
        """(Terraform, AWS provider) floors of versions.tf: a value written write-only needs them."""
        return (GENERATE_TERRAFORM, GENERATE_PROVIDER) if any(s.written for s in self.secrets) else None

    def event_alarms(self) -> list[EventAlarm]:
        """Rotation failures: Secrets Manager publishes no metric for them, only the `RotationFailed`
        CloudTrail service event (on the default bus without a trail), which carries the secret's ARN
        in additionalEventData.SecretId."""
        return [
            EventAlarm(
                f"secret_{s.tf}_rotation_failed",
                s.rotation.alarm_rule,
                f"secret {s.name}: a rotation by {s.rotation.function.name} failed",
                {
                    "source": ["aws.secretsmanager"],
                    "detail-type": ["AWS Service Event via CloudTrail"],
                    "detail": {
                        "eventSource": [SECRETS_MANAGER],
                        "eventName": ["RotationFailed"],
                        "additionalEventData": {"SecretId": [Raw(s.arn)]},
                    },
                },
                ("secrets", s.name, "rotation"),
                (s.rotation.function.name,),
            )
            for s in self.rotating
        ]

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
        edges = [Edge(node_id("function", s.rotation.function.name), node_id("secret", s.name), "rotates")
                 for s in self.rotating]
        return nodes, edges


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


def generate_plan(secret) -> GeneratePlan | None:
    g = secret.generate
    if g is None:
        return None
    chosen = [(key, api, arg, getattr(g, key)) for key, api, arg in PASSWORD_PARAMETERS]
    # Only what the blueprint sets beyond GetRandomPassword's own defaults (length 32, nothing excluded).
    chosen = [c for c in chosen if c[0] == "length" or c[3] not in ("", False)]
    return GeneratePlan(
        settings=tuple((arg, value) for _, _, arg, value in chosen),
        api=tuple((api, value) for _, api, _, value in chosen),
        template=tuple(g.template.items()) if g.template is not None else None,
        key=g.key or DEFAULT_KEY,
    )


def rotation_alarm_rule(names: Names, name: str) -> str:
    """The EventBridge rule that reports a secret's failed rotations (64 characters at most: checked)."""
    return names.physical(name, "-rotation-failed")


def rotation_env(name: str) -> str:
    """The variable that gives a rotation function a secret's generation rules (its ARN comes as <NAME>_SECRET_ARN)."""
    return f"{env_prefix(name)}_ROTATION"


def _rules(secret) -> str:
    """The rules a rotation function generates new values by: the secret's `generate`, else
    GetRandomPassword's defaults (a plain password, or the current JSON's `password` replaced)."""
    plan = generate_plan(secret)
    return plan.rules_json if plan else json.dumps({"password": {"PasswordLength": 32}}, sort_keys=True, separators=(",", ":"))


def function_access(ctx: PlanContext, function: str) -> list[tuple[str, Reason, Access]]:
    """What each secret the function rotates adds to it: the grants of its four steps on that secret
    (and the blueprint's key), the secret's ARN and its generation rules."""
    out = []
    for name, secret in sorted(ctx.bp.secrets.items()):
        if secret.ssm or secret.existing is not None or secret.rotation is None or secret.rotation.function != function:
            continue
        arn = f"aws_secretsmanager_secret.{tf_id(name)}.arn"
        access = Access(
            env={f"{env_prefix(name)}_SECRET_ARN": Raw(arn), rotation_env(name): _rules(secret)},
            grants=[(camel("secret", name, "rotate"), g) for g in expand("secret", "rotate", arn=arn)],
            kms=(("secret", "rotate"),),
        )
        out.append((ROTATION, Reason("rotates", ("secrets", name, "rotation"), "secret", name, "rotate"), access))
    return out


def plan(ctx: PlanContext) -> SecretPart | None:
    names, kms = ctx.names, ctx.kms

    def rotation(n: str, s) -> RotationPlan | None:
        r = s.rotation
        if r is None:
            return None
        return RotationPlan(ctx.functions[r.function], r.days, r.schedule, f"AllowSecretsManager{camel(n)}",
                            rotation_alarm_rule(names, n), rotation_skips(days=r.days))

    def description(n: str, s) -> str:
        if s.description:
            return s.description
        how = ("rotated by " + s.rotation.function) if s.rotation else "generated" if s.generate else "value set out of band"
        return f"{n} of {names.prefix} ({how})"

    secrets = tuple(
        SecretPlan(
            name=n,
            tf=tf_id(n),
            physical=hcl_value(secret_physical(names, ctx.origin("secret", n), s)),
            description=description(n, s),
            recovery_window_days=s.recovery_window_days,
            kms_key_arn=kms,
            skips=secret_skips(kms=bool(kms), rotation=s.rotation is not None),
            tags=tuple(sorted(s.tags.items())),
            generate=generate_plan(s),
            rotation=rotation(n, s),
            protect=protect(s, ctx.protected),
            retain=s.retain,
            adopt=s.adopt,
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
