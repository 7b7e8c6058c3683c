"""Placeholders in name, path and ARN fields: `{service}`, `{stage}`, `{region}`, `{account}`.

The one implementation every family uses (docs/blueprint-language.md, "Names and references").
`{service}` and `{stage}` are known when sls-gen renders and are written into the text. `{region}`
and `{account}` are known only when Terraform plans (`-var aws_region=...` may move a stage, the
account is whoever's credentials apply), so a value holding them becomes an HCL template string
reading `local.region` / `local.account_id` (main.tf).

Checks work on the *template*: the text with service and stage substituted and `{region}` /
`{account}` kept as written (`template`). Its longest length is bounded by the longest region
name and the 12 digits of an account id (`max_length`); a concrete `sample` stands in for charset
checks and for the physical names of sample events. Only these four words are placeholders:
any other `{...}` is text (a JSON value in an environment variable stays as written).
"""

from __future__ import annotations

import re

from generator.emit.hcl import Raw, escape_string

PLACEHOLDERS = ("service", "stage", "region", "account")
# Known only at plan time: the HCL expression main.tf defines for each.
PLAN_TIME = {"region": "local.region", "account": "local.account_id"}
REGION_MAX = 14  # ap-southeast-4, ap-northeast-3...: the longest commercial region names
ACCOUNT_LENGTH = 12
SAMPLE = {"region": "us-east-1", "account": "123456789012"}

TOKEN = re.compile(r"\{(service|stage|region|account)\}")
_PLAN_TOKEN = re.compile(r"\{(region|account)\}")


def template(value: str, service: str, stage: str) -> str:
    """`value` with `{service}` and `{stage}` substituted; `{region}` and `{account}` stay."""
    if "{" not in value:
        return value
    return TOKEN.sub(lambda m: {"service": service, "stage": stage}.get(m.group(1), m.group(0)), value)


def plan_time(text: str) -> bool:
    """Does the template hold a value known only when Terraform plans?"""
    return "{" in text and bool(_PLAN_TOKEN.search(text))


def hcl_value(text: str) -> str | Raw:
    """A template as the value a plan holds: the plain string when it is known now, else an HCL
    template string (`"orders-${local.region}"`) that the `hcl` filter writes verbatim."""
    if not plan_time(text):
        return text
    out, pos = [], 0
    for m in _PLAN_TOKEN.finditer(text):
        out.append(escape_string(text[pos:m.start()]))
        out.append("${" + PLAN_TIME[m.group(1)] + "}")
        pos = m.end()
    out.append(escape_string(text[pos:]))
    return Raw('"' + "".join(out) + '"')


def expand(value: str, service: str, stage: str) -> str | Raw:
    """`value` as written in a name, path or ARN field -> the value the plan holds."""
    return hcl_value(template(value, service, stage))


def max_length(text: str) -> int:
    """The longest the template can be once Terraform substitutes region and account."""
    if not plan_time(text):
        return len(text)
    return len(_PLAN_TOKEN.sub(lambda m: "x" * (REGION_MAX if m.group(1) == "region" else ACCOUNT_LENGTH), text))


def sample(text: str, region: str | None = None, account: str | None = None) -> str:
    """The template with a concrete region and account (by default a representative one): for
    charset checks and for the physical names sample events carry."""
    if not plan_time(text):
        return text
    values = {"region": region or SAMPLE["region"], "account": account or SAMPLE["account"]}
    return _PLAN_TOKEN.sub(lambda m: values[m.group(1)], text)


def shown(value: str | Raw) -> str:
    """A plan value as people read it (READMEs, explain, graphs): a template's text with its
    placeholders back (`shop-worker-{region}`), any other expression as written."""
    if type(value) is str or not _is_template(value):
        return str(value)
    text = str(value)[1:-1].replace("${local.region}", "{region}").replace("${local.account_id}", "{account}")
    return text.replace('\\"', '"').replace("$${", "${")


def without_prefix(name: str | Raw, prefix: str) -> str:
    """`name` as shown, less the stage's `{service}-{stage}-` when it starts so (graph labels)."""
    text = shown(name)
    return text[len(prefix) + 1:] if text.startswith(prefix + "-") else text


def concat(*parts: str | Raw) -> str | Raw:
    """Join plain strings and plan values (an HCL template string or expression) into one value.

    All plain: a plain string. Otherwise an HCL template string: a quoted template is spliced in,
    any other expression is interpolated (`${aws_x.y.name}`), plain text is escaped.
    """
    if all(type(p) is str for p in parts):
        return "".join(parts)
    out = []
    for p in parts:
        if type(p) is str:
            out.append(escape_string(p))
        elif _is_template(p):
            out.append(str(p)[1:-1])
        else:
            out.append("${" + str(p) + "}")
    return Raw('"' + "".join(out) + '"')


def _is_template(expr: str) -> bool:
    """A single quoted HCL template ("..."), as hcl_value and concat build them."""
    text = str(expr)
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        return False
    body = text[1:-1]
    i = 0
    while i < len(body):  # an unescaped quote outside ${...} would end the string early
        ch = body[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            return False
        if body.startswith("${", i):
            depth, i = 1, i + 2
            while i < len(body) and depth:
                depth += {"{": 1, "}": -1}.get(body[i], 0)
                i += 1
            continue
        i += 1
    return True
