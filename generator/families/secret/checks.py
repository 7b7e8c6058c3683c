"""Secret checks: an existing SSM parameter takes a valid name and no Secrets Manager setting;
`generate` and `rotation` within what Secrets Manager accepts (SLS330-SLS336, SLS511-SLS512)."""

from __future__ import annotations

import re
from typing import Collection, Iterable

from generator.checks.context import per_stage
from generator.checks.kms import key_problems
from generator.checks.names import ARN_PREFIX_MAX, NameRule, name_problems, ssm_name_problem
from generator.diagnostics import Diagnostic
from generator.families.secret.model import UseSecret
from generator.families.secret.plan import rotation_alarm_rule, secret_physical, ssm_parameter
from generator.model.blueprint import Blueprint
from generator.plan.naming import Names, env_prefix
from generator.plan.placeholders import max_length

SECRET_NAME = NameRule("secret", re.compile(r"[A-Za-z0-9/_+=.@-]+"), "letters, digits and /_+=.@-", 512)


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, _names, _keys, _generate, _rotation)
    for stage, bp in ctx.stages.items():
        yield from _secrets(ctx, bp, Names(bp.service, stage))


def _keys(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    """A secret's own kms_key names the key of an existing SSM parameter (the grant is kms:Decrypt
    through SSM); a Secrets Manager secret sls-gen creates uses the top-level kms_key."""
    for sname, s in bp.secrets.items():
        if s.kms_key is None or s.existing is not None:  # existing: SLS212 refuses kms_key
            continue
        path = ("secrets", sname, "kms_key")
        if s.ssm is None:
            yield ctx.stage_diag(
                stage, "SLS102", path,
                "kms_key on a secret names the key of an existing SSM parameter (ssm:); Secrets Manager secrets "
                "use the top-level kms_key",
                hint="add ssm: <parameter name>, or move the key to the top-level kms_key",
            )
        else:
            yield from key_problems(ctx, stage, s.kms_key, path)


def _names(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    for sname, s in bp.secrets.items():
        if s.existing is not None and s.existing.name:
            yield from name_problems(ctx, stage, ("secrets", sname, "existing", "name"), SECRET_NAME,
                                     names.template(s.existing.name))
        if s.name and not s.ssm and s.existing is None:
            yield from name_problems(ctx, stage, ("secrets", sname, "name"), SECRET_NAME, secret_physical(names, sname, s))


def _secrets(ctx, bp: Blueprint, names: Names) -> Iterable[Diagnostic]:
    for sname, s in bp.secrets.items():
        path = ("secrets", sname)
        if s.ssm is None or s.existing is not None:  # existing: SLS212 refuses ssm
            continue
        if s.name:
            yield ctx.diag("SLS102", path + ("name",), "an existing SSM parameter is named by ssm:, not name:",
                           hint="remove name (or ssm: to let sls-gen create a Secrets Manager secret)")
        for key in ("adopt", "retain", "protect"):
            if key in s.model_fields_set and getattr(s, key):
                yield ctx.diag("SLS705", path + (key,),
                               f"{key} applies to a secret sls-gen creates, not to an existing SSM parameter (ssm:)",
                               hint=f"remove {key}: sls-gen never creates, imports or deletes the parameter")
        if "recovery_window_days" in s.model_fields_set:
            yield ctx.diag(
                "SLS102",
                path + ("recovery_window_days",),
                "recovery_window_days applies to Secrets Manager secrets, not to an existing SSM parameter",
            )
        name = ssm_parameter(names, s)
        problem = ssm_name_problem(name)
        if problem:
            yield ctx.diag("SLS301", path + ("ssm",), f"SSM parameter name '{name}' {problem}")


def env_lengths(bp, names: Names, use: UseSecret) -> dict[str, int]:
    """The variables a `uses` entry of this kind adds, with the longest value each can resolve to
    (mirrors the plan; counted in the function's 4 KB environment, SLS303)."""
    s = bp.secrets.get(use.secret)
    if s and s.ssm:
        return {f"{env_prefix(use.secret)}_PARAMETER_NAME": max_length(ssm_parameter(names, s))}
    return {f"{env_prefix(use.secret)}_SECRET_ARN": ARN_PREFIX_MAX + len("secret:") + max_length(secret_physical(names, use.secret, s)) + 7}



def declared(bp) -> Collection[str]:
    """The names a reference to a secret may take (checks/references.py)."""
    return bp.secrets


def references(bp) -> Iterable:
    """A rotation names the blueprint function that rotates the secret (SLS201, did-you-mean)."""
    for sname, s in bp.secrets.items():
        if s.rotation is not None:
            yield ("secrets", sname, "rotation", "function"), "function", s.rotation.function, bp.functions


# GetRandomPassword's PasswordLength; the character classes it draws from.
PASSWORD_LENGTH = (1, 4096)
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
CLASSES = (
    ("exclude_lowercase", "abcdefghijklmnopqrstuvwxyz"),
    ("exclude_uppercase", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    ("exclude_numbers", "0123456789"),
    ("exclude_punctuation", PUNCTUATION),
)
ROTATION_DAYS = (1, 1000)  # RotationRules.AutomaticallyAfterDays
ROTATION_HOURS_MIN = 4  # Secrets Manager rotates at most every four hours
CKV_ROTATION_DAYS = 90  # CKV_AWS_304 and common policy: rotate at least every 90 days
RULE_NAME_MAX = 64


def _generate(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    for sname, s in bp.secrets.items():
        g, path = s.generate, ("secrets", sname, "generate")
        if g is None:
            continue
        if s.existing is not None:
            continue  # SLS212: an existing object takes no owner keys
        if s.ssm:
            yield ctx.stage_diag(stage, "SLS334", path, "an existing SSM parameter's value is not generated by sls-gen",
                                 hint="remove generate, or ssm: to let sls-gen create a Secrets Manager secret")
            continue
        low, high = PASSWORD_LENGTH
        if not low <= g.length <= high:
            yield ctx.stage_diag(stage, "SLS335", path + ("length",),
                                 f"length {g.length} is outside the {low}-{high} characters Secrets Manager generates")
        left = "".join(chars for flag, chars in CLASSES if not getattr(g, flag))
        if not set(left) - set(g.exclude_characters):
            yield ctx.stage_diag(stage, "SLS335", path, "every character is excluded: Secrets Manager cannot generate a password",
                                 hint="exclude fewer character classes or characters")
        if g.key is not None and g.template is None:
            yield ctx.stage_diag(stage, "SLS335", path + ("key",), "key names the password's place in a template; there is no template",
                                 hint="add template: {username: ...}, or remove key for a plain password")
        key = g.key or "password"
        if g.template is not None and key in g.template:
            yield ctx.stage_diag(stage, "SLS335", path + ("template", key),
                                 f"the template sets '{key}', where the generated password goes",
                                 hint="remove it from the template, or name another key with key:")


def rotation_schedule_problem(expr: str) -> tuple[str, str | None] | None:
    """What Secrets Manager refuses in a rotation's ScheduleExpression: rate() in hours (at least 4)
    or days (at most 1000), or a 6-field cron()."""
    from generator.families.schedule.checks import cron_problem, rate_problem

    hint = 'e.g. "rate(10 days)", "rate(4 hours)" or "cron(0 4 ? * SUN *)"'
    m = re.fullmatch(r"(rate|cron)\((.*)\)", expr.strip(), re.S)
    if not m:
        return f"'{expr[:60]}' is not a rotation schedule", hint
    kind, body = m.groups()
    if kind == "cron":
        problem = cron_problem(body)
        return (problem, hint) if problem else None
    problem = rate_problem(body)
    if problem:
        return problem
    value, unit = body.split()
    if unit.startswith("minute"):
        return "Secrets Manager rotates at most every 4 hours: rate() takes hours or days", hint
    if unit.startswith("hour") and int(value) < ROTATION_HOURS_MIN:
        return f"Secrets Manager rotates at most every {ROTATION_HOURS_MIN} hours", hint
    if unit.startswith("day") and int(value) > ROTATION_DAYS[1]:
        return f"Secrets Manager rotates at least every {ROTATION_DAYS[1]} days", hint
    return None


def _rotation(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    for sname, s in bp.secrets.items():
        r, path = s.rotation, ("secrets", sname, "rotation")
        if r is None:
            continue
        if s.existing is not None:
            continue  # SLS212: an existing object takes no owner keys
        if s.ssm:
            yield ctx.stage_diag(stage, "SLS334", path, "an existing SSM parameter cannot be rotated by Secrets Manager",
                                 hint="remove rotation, or ssm: to let sls-gen create a Secrets Manager secret")
            continue
        if (r.days is None) == (r.schedule is None):
            yield ctx.stage_diag(stage, "SLS331", path, "a rotation needs exactly one of days and schedule",
                                 hint="days: 30, or schedule: rate(30 days)")
        if r.days is not None:
            low, high = ROTATION_DAYS
            if not low <= r.days <= high:
                yield ctx.stage_diag(stage, "SLS333", path + ("days",),
                                     f"days {r.days} is outside the {low}-{high} Secrets Manager accepts")
            elif r.days > CKV_ROTATION_DAYS:
                yield ctx.stage_diag(stage, "SLS511", path + ("days",),
                                     f"rotating every {r.days} days leaves a leaked value usable for months",
                                     hint=f"rotate at least every {CKV_ROTATION_DAYS} days", severity="warning")
        if r.schedule is not None:
            problem = rotation_schedule_problem(r.schedule)
            if problem:
                yield ctx.stage_diag(stage, "SLS332", path + ("schedule",), problem[0], hint=problem[1])
        rule = rotation_alarm_rule(names, sname)
        if bp.observability.alarms is not None and len(rule) > RULE_NAME_MAX:
            yield ctx.stage_diag(stage, "SLS336", path,
                                 f"the rule that reports failed rotations would be named '{rule}' ({len(rule)} characters; "
                                 f"EventBridge allows {RULE_NAME_MAX})", hint="shorten the secret, service or stage name")
        if bp.observability.alarms is None:
            yield ctx.stage_diag(stage, "SLS512", path, "a failed rotation would go unnoticed: nothing alarms on it",
                                 hint="turn on observability.alarms: sls-gen then sends RotationFailed events to the alarm topic",
                                 severity="warning")
