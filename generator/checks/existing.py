"""`existing:` on any kind (generator/model/existing.py): exactly one of name, arn, ssm (SLS210), an
ARN of the object's kind (SLS211), and nothing beside it that only the owner sets (SLS212). What
an existing object cannot do in one kind (a stream event without the stream ARN, a bucket event)
is that family's check."""

from __future__ import annotations

import re
from typing import Iterable

from generator.checks.context import per_stage
from generator.diagnostics import Diagnostic
from generator.plan.existing import existing_objects, name_from_arn
from generator.plan.naming import Names, tf_id
from generator.plan.placeholders import sample
from generator.plan.refs import Ref, problem

FORMS = ("name", "arn", "ssm")
# What an ARN may hold (with {region}/{account} at sample values): no spaces, quotes, `$`, braces,
# wildcards or controls; the resource part in the characters AWS names use.
ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:[A-Za-z0-9_.:/+=,@-]+")


def _forms(bp, section: str, name: str) -> int:
    """How many of name, arn, ssm the base blueprint gives the object (an override may add one)."""
    obj = getattr(bp, section, {}).get(name)
    spec = getattr(obj, "existing", None) if obj is not None else None
    return sum(bool(getattr(spec, f)) for f in FORMS) if spec is not None else 0


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, _existing)


def _existing(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    names = Names(bp.service, stage)
    data_sources: dict[str, str] = {}
    for fam, name, spec in existing_objects(bp):
        base = (fam.section, name)
        path = base + ("existing",)
        written = [f for f in FORMS if getattr(spec, f)]
        if len(written) != 1:
            yield ctx.stage_diag(
                stage, "SLS210", path,
                f"existing {fam.name} '{name}' gives {' and '.join(written) if written else 'none'} of name, arn, ssm",
                hint="give exactly one: existing: {name: ...}, {arn: ...} or {ssm: /parameter/holding/the/arn}"
                + ("; a stage override merges into the base's existing:, so set the other key to null"
                   if len(written) > 1 and _forms(ctx.base, fam.section, name) == 1 else ""),
            )
        shape = fam.part("plan").EXISTING
        for key in ("arn", "stream_arn"):
            value = getattr(spec, key, None)
            if value and not ARN.fullmatch(sample(names.template(value))):
                yield ctx.stage_diag(stage, "SLS211", path + (key,), f"'{value}' is no ARN",
                                     hint="arn:<partition>:<service>:<region>:<account>:<resource>, without spaces, "
                                     "quotes, wildcards or other placeholders than {service}, {stage}, {region}, {account}")
        if spec.arn and ARN.fullmatch(sample(names.template(spec.arn))) and name_from_arn(names.template(spec.arn), shape) is None:
            resource = f"{shape.resource}<name>"
            example = (f"arn:aws:{shape.service}:::{resource}" if not shape.regional else
                       f"arn:aws:{shape.service}:<region>:<account>:{resource}")
            yield ctx.stage_diag(stage, "SLS211", path + ("arn",), f"'{spec.arn}' is not the ARN of a {fam.name}",
                                 hint=f"a {fam.name} ARN reads {example}")
        if spec.ssm:
            found = problem(Ref("ssm", spec.ssm, spec.ssm), bp, names, in_string=True)
            if found:
                code, message, hint = found
                yield ctx.stage_diag(stage, code, path + ("ssm",), message, hint=hint)
            text = names.template(spec.ssm)
            other = data_sources.setdefault(tf_id(text), text)
            if other != text:
                yield ctx.stage_diag(stage, "SLS210", path + ("ssm",),
                                     f"parameters '{other}' and '{text}' would share one data source name",
                                     hint="use parameter paths that differ in more than punctuation")
        obj = getattr(bp, fam.section)[name]  # what the blueprint (or a stage override) wrote beside existing:
        for key in sorted(obj.model_fields_set - {"existing"}):
            yield ctx.stage_diag(
                stage, "SLS212", base + (key,),
                f"'{key}' is for the owner of {fam.name} '{name}' to set: an existing {fam.name} is referenced as it is",
                hint=f"remove {key}, or remove existing: to create the {fam.name} in this service",
            )
