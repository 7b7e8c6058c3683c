"""References in values: `${kind:name.attr}`, `${api:attr}`, `${ssm:/path}`, `${var:name}`.

Where a reference may stand (environment values, `iam` resources and condition values; later ASL
substitutions and exports) a value is read once here, by checks (`problems`) and by the plan
(`Resolver.value`), so both agree on what it means:

* `${<kind>:<name>.<attr>}` reads an attribute of an object the blueprint declares; each family's
  plan says what its objects expose (`attributes(bp, names, name) -> {attr: HCL expression}`), so
  nothing here knows a kind. Kinds without names (the API) read `${api:<attr>}`. The result is a
  Terraform expression, never a literal ARN that would differ between stages.
* `${ssm:/path}` (or `{ssm: /path}` as a whole value) reads an SSM parameter when Terraform
  plans (a `data "aws_ssm_parameter"` in main.tf): the value lands in the plan, the state and
  the function's configuration, so it must not be a secret.
* `${var:name}` reads a declared `variables:` entry (a Terraform input variable).
* `$${` before a reference keeps it literal; any other text is kept as written, and the
  placeholders `{service}`, `{stage}`, `{region}`, `{account}` apply to it
  (generator/plan/placeholders.py). In IAM fields, `${aws:username}` and other IAM policy
  variables are not references and stay literal.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from generator.emit.hcl import Raw
from generator.plan import placeholders
from generator.plan.naming import Names, tf_id

# `${kind:body}`, the body possibly holding placeholders ({stage}); a leading `$` escapes it.
_REF = re.compile(r"(\$?)\$\{([A-Za-z][A-Za-z0-9_-]*):((?:[^{}]|\{(?:service|stage|region|account)\})*)\}")
SPECIAL = ("ssm", "var")
# Terraform types a variable may have where a string is read.
STRING_TYPES = ("string", "number", "bool")


@dataclass(frozen=True)
class Ref:
    kind: str
    body: str
    text: str  # as written, `${...}`

    @property
    def name(self) -> str | None:
        return self.body.split(".", 1)[0] if "." in self.body else None

    @property
    def attr(self) -> str:
        return self.body.split(".", 1)[1] if "." in self.body else self.body


def kinds() -> dict[str, Any]:
    """Family name -> family, for every family whose objects a reference may read."""
    from generator.families import families

    return {f.name: f for f in families() if callable(getattr(f.part("plan"), "attributes", None))}


def _named(fam) -> bool:
    """A family whose objects have names (a `declared` list in its checks); the API has none."""
    return callable(getattr(fam.part("checks"), "declared", None))


def split(value: str, iam: bool = False) -> list[str | Ref]:
    """Text and references of `value`, in order. `$${kind:` stays literal text (without one `$`);
    in IAM fields a `${prefix:...}` whose prefix is no sls-gen kind is an IAM policy variable."""
    if "${" not in value:
        return [value]
    known = set(kinds()) | set(SPECIAL)
    out: list[str | Ref] = []
    pos = 0
    for m in _REF.finditer(value):
        escaped, kind, body = m.groups()
        if iam and kind not in known:
            continue  # ${aws:username}: an IAM policy variable, not a reference
        out.append(value[pos:m.start()])
        if escaped:
            out.append(m.group(0)[1:])
        else:
            out.append(Ref(kind, body, m.group(0)[len(escaped):]))
        pos = m.end()
    out.append(value[pos:])
    return [p for p in out if p != ""]


def references(value: Any, iam: bool = False) -> list[Ref]:
    """The references a value holds (a string, or `{ssm: /path}` as a whole value)."""
    ssm = getattr(value, "ssm", None)
    if isinstance(ssm, str):
        return [Ref("ssm", ssm, f"{{ssm: {ssm}}}")]
    if not isinstance(value, str):
        return []
    return [p for p in split(value, iam) if isinstance(p, Ref)]


# ---------------------------------------------------------------- checks
Problem = tuple[str, str, "str | None"]  # (code, message, hint)


def problem(ref: Ref, bp, names: Names, *, in_string: bool) -> Problem | None:
    """(code, message, hint) when the reference cannot be read, else None. `in_string`: the
    reference sits in a string value (an environment variable, an ARN), where lists and maps cannot."""
    if ref.kind == "var":
        var = bp.variables.get(ref.body)
        if var is None:
            return _unknown("variable", ref.body, bp.variables, f"declare it under variables: ({ref.text})")
        if in_string and var.type not in STRING_TYPES:
            return "SLS201", f"variable '{ref.body}' is a {var.type}: it cannot stand in a string", "use a string variable"
        return None
    if ref.kind == "ssm":
        return _ssm_problem(ref.body, bp, names)
    fams = kinds()
    fam = fams.get(ref.kind)
    if fam is None:
        every = sorted(set(fams) | set(SPECIAL))
        close = difflib.get_close_matches(ref.kind, every, n=1, cutoff=0.6)
        hint = f"did you mean '${{{close[0]}:'?" if close else f"kinds: {', '.join(every)}"
        return "SLS201", f"'{ref.text}' is no reference sls-gen knows (unknown kind '{ref.kind}')", \
            hint + "; write $${ to keep it literal"
    if _named(fam):
        if ref.name is None:
            return "SLS201", f"'{ref.text}' names no {ref.kind}", f"write ${{{ref.kind}:<name>.<attribute>}}"
        known = fam.part("checks").declared(bp)
        if ref.name not in known:
            return _unknown(ref.kind, ref.name, known, f"declare it under {fam.section}:")
        attrs = fam.part("plan").attributes(bp, names, ref.name)
    else:
        attrs = fam.part("plan").attributes(bp, names, None)
        if not attrs:
            return "SLS201", f"'{ref.text}': this blueprint has no {ref.kind}", None
        if ref.name is not None:
            return "SLS201", f"'{ref.text}': there is one {ref.kind}, it takes no name", f"write ${{{ref.kind}:<attribute>}}"
    if ref.attr not in attrs:
        close = difflib.get_close_matches(ref.attr, sorted(attrs), n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else f"it has: {', '.join(sorted(attrs))}"
        who = f"'{ref.name}' " if ref.name else ""
        return "SLS201", f"{ref.kind} {who}has no attribute '{ref.attr}'", hint
    return None


def _unknown(kind: str, name: str, known: Iterable[str], otherwise: str) -> Problem:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return "SLS201", f"unknown {kind} '{name}'", (f"did you mean '{close[0]}'?" if close else otherwise)


def _ssm_problem(path: str, bp, names: Names) -> Problem | None:
    from generator.checks.names import ssm_name_problem

    text = names.template(path)
    found = ssm_name_problem(text)
    if found:
        return "SLS301", f"SSM parameter name '{text}' {found}", None
    from generator.families.parameter.plan import parameter_name

    for pname, param in bp.parameters.items():
        if getattr(param, "existing", None) is None and "/" + parameter_name(names, pname, param).lstrip("/") == "/" + text.lstrip("/"):
            return (
                "SLS102",
                f"'{text}' is parameter '{pname}' of this blueprint: the apply that creates it cannot read it "
                "when Terraform plans",
                f"write its value where you need it, or grant it: uses: [{{parameter: {pname}}}]",
            )
    for sname, secret in bp.secrets.items():
        if secret.ssm and names.template(secret.ssm) == text:
            return (
                "SLS402",
                f"'{text}' is the parameter of secret '{sname}': a plan-time read would write the secret "
                "into the Terraform plan, the state and the function configuration",
                f"grant it instead: uses: [{{secret: {sname}}}] (the function reads it at run time)",
            )
    return None


def problems(value: Any, bp, names: Names, *, iam: bool = False) -> list[Problem]:
    """(code, message, hint) for every reference in `value` that cannot be read."""
    return [found for ref in references(value, iam) if (found := problem(ref, bp, names, in_string=True))]


# ---------------------------------------------------------------- plan
@dataclass
class Resolver:
    """Turns values with references and placeholders into plan values (str or HCL), and remembers
    the SSM parameters read at plan time (main.tf declares a data source for each)."""

    bp: Any
    names: Names
    ssm_reads: dict[str, str] = field(default_factory=dict)  # parameter name template -> data source id

    def value(self, value: Any, *, iam: bool = False, placeholders_apply: bool = True) -> str | Raw:
        ssm = getattr(value, "ssm", None)
        if isinstance(ssm, str):
            return self.ssm(ssm)
        if not isinstance(value, str):
            return value
        parts: list[str | Raw] = []
        for part in split(value, iam):
            if isinstance(part, Ref):
                parts.append(self._ref(part))
            elif placeholders_apply:
                parts.append(placeholders.expand(part, self.names.service, self.names.stage))
            else:
                parts.append(part)
        if not parts:
            return ""
        if len(parts) == 1:
            return parts[0]
        return placeholders.concat(*parts)

    def _ref(self, ref: Ref) -> str | Raw:
        if ref.kind == "var":
            return Raw(f"var.{ref.body}")
        if ref.kind == "ssm":
            return self.ssm(ref.body)
        fam = kinds()[ref.kind]
        name = ref.name if _named(fam) else None
        return fam.part("plan").attributes(self.bp, self.names, name)[ref.attr]

    def ssm(self, path: str) -> Raw:
        """The value of an SSM parameter (a name or path field: placeholders apply), read at plan time."""
        text = self.names.template(path)
        if text not in self.ssm_reads:
            tf = "ssm_" + tf_id(text)
            taken = set(self.ssm_reads.values())
            n = 2
            while tf in taken:
                tf, n = f"ssm_{tf_id(text)}_{n}", n + 1
            self.ssm_reads[text] = tf
        return Raw(f"data.aws_ssm_parameter.{self.ssm_reads[text]}.insecure_value")

    def data_sources(self) -> tuple[tuple[str, Any], ...]:
        """(data source id, parameter name value) of every SSM parameter read, sorted by id."""
        return tuple(sorted((tf, placeholders.hcl_value(text)) for text, tf in self.ssm_reads.items()))
