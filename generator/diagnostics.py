"""Diagnostics shared by every stage: one problem = one Diagnostic, reported all at once, sorted by line.

Codes are stable and documented in docs/errors.md; CODES below is the single registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal, Sequence

Path = tuple  # tuple[str | int, ...]

# code -> short title. Ranges: 0xx loading, 1xx schema, 2xx references, 3xx AWS limits,
# 4xx security, 5xx best-practice warnings, 6xx output folder, 7xx evolution (this render against the
# previous render of the output folder: what Terraform would destroy). A bug is no diagnostic: the CLI
# prints one line and exits 70. Retired codes (never reused): SLS204 (an access level the kind
# lacks is a SLS102 type error), SLS901 (internal errors carry no code).
CODES: dict[str, str] = {
    "SLS001": "cannot read blueprint file",
    "SLS002": "YAML syntax error",
    "SLS003": "duplicate key",
    "SLS004": "unsupported YAML tag",
    "SLS005": "alias expansion too large",
    "SLS006": "empty blueprint or not a mapping",
    "SLS007": "blueprint too large",
    "SLS008": "cannot read a function's code",
    "SLS009": "cannot install a function's dependencies",
    "SLS011": "cannot load an org profile",
    "SLS010": "blueprint requires another sls-gen version",
    "SLS012": "two blueprints would render into one output folder",
    "SLS013": "no blueprint found in a folder to search",
    "SLS020": "a pyproject.toml whose dependencies cannot be installed exactly (no lock, or not from an index)",
    "SLS021": "cannot bundle a function with esbuild",
    "SLS101": "unknown key",
    "SLS102": "wrong type or value",
    "SLS103": "missing required key",
    "SLS104": "invalid logical name",
    "SLS105": "not yet supported",
    "SLS201": "unknown reference",
    "SLS202": "duplicate route",
    "SLS203": "stream event on a table without a stream",
    "SLS205": "duplicate subscription",
    "SLS206": "stage override or addition that does not match the blueprint",
    "SLS207": "two blueprint objects get one Terraform address or AWS name",
    "SLS210": "existing: needs exactly one of name, arn, ssm",
    "SLS211": "existing ARN is not one of its kind",
    "SLS212": "option only the owner of an existing object can set",
    "SLS213": "stream event on an existing table without its stream ARN",
    "SLS214": "bucket event on an existing bucket",
    "SLS215": "invalid exports",
    "SLS301": "physical name breaks an AWS limit",
    "SLS302": "value out of the range AWS accepts",
    "SLS303": "environment variables break an AWS rule",
    "SLS304": "invalid schedule expression",
    "SLS305": "queue visibility timeout below consumer timeout",
    "SLS306": "FIFO rule broken",
    "SLS307": "DynamoDB index rule broken",
    "SLS308": "reserved concurrency exceeds the account budget",
    "SLS309": "provisioned concurrency or SnapStart rule broken",
    "SLS310": "global table replica rule broken",
    "SLS311": "API rule broken",
    "SLS312": "invalid runtime",
    "SLS313": "invalid path",
    "SLS314": "kms_key ARN in another region than the stage",
    "SLS315": "queue event concurrency above the function's reserved concurrency",
    "SLS316": "function resource-based policy above 20 KB",
    "SLS317": "deployment package above a Lambda limit",
    "SLS320": "overlapping S3 event notifications",
    "SLS331": "rotation needs exactly one of days and schedule",
    "SLS332": "invalid rotation schedule expression",
    "SLS333": "rotation days out of range",
    "SLS334": "generate or rotation on an existing SSM parameter",
    "SLS335": "generated password rule broken",
    "SLS336": "rotation failure rule name too long",
    "SLS337": "event schema file missing, unreadable or outside the blueprint's folder",
    "SLS338": "event schema file EventBridge would refuse",
    "SLS339": "event schema or schema registry name invalid or taken",
    "SLS340": "Lambda@Edge function uses a feature Lambda@Edge does not support",
    "SLS341": "Lambda@Edge memory or timeout above its event type's quota",
    "SLS342": "CloudFront distribution rule broken",
    "SLS343": "CloudFront Function code missing, unreadable or too large",
    "SLS344": "certificate or web ACL CloudFront cannot use",
    "SLS321": "more than 5 layers on a function",
    "SLS322": "a layer that installs dependencies mixes languages or architectures",
    "SLS323": "a layer does not fit the function (runtime, architecture, ARN)",
    "SLS324": "a container image function with a zip-only setting",
    "SLS325": "image is not an ECR image URI in the function's region",
    "SLS326": "package.bundle or sourcemap on a function that cannot be bundled",
    "SLS401": "IAM statement too broad",
    "SLS402": "credential-like value in the blueprint",
    "SLS403": "broad or escalating IAM statement allowed by allow_wildcard",
    "SLS404": "secret file in a function's code folder",
    "SLS405": "invalid IAM condition",
    "SLS420": "guardrail broken",
    "SLS421": "key locked by the org profile",
    "SLS501": "public API route without authorization",
    "SLS502": "function timeout above the API integration timeout",
    "SLS503": "production table without point-in-time recovery",
    "SLS504": "deployment package large for cold starts",
    "SLS505": "compiled artifact not built yet",
    "SLS506": "function may trigger itself through its bucket",
    "SLS507": "too many readers on a DynamoDB stream",
    "SLS508": "queue visibility timeout below 6 x the consumer timeout",
    "SLS509": "broad AWS managed policy",
    "SLS511": "secret rotated less often than every 90 days",
    "SLS512": "secret rotation without a failure alarm",
    "SLS513": "rule pattern matches a detail field no declared schema has",
    "SLS520": "API behind CloudFront served from the cache",
    "SLS601": "output folder refused",
    "SLS602": "generated file edited by hand",
    "SLS603": "output folder bookkeeping damaged",
    "SLS604": "symlink or other non-file in the way in the output folder",
    "SLS605": "cannot write the output folder",
    "SLS701": "stateful object dropped and another added (a rename without renamed_from)",
    "SLS702": "protected object dropped without retain",
    "SLS703": "stateful object would be replaced (its AWS name changes)",
    "SLS704": "renamed_from conflict",
    "SLS705": "conflicting evolution keys",
    "SLS706": "renamed function's code still in its old folder",
}


def _shown(text: str) -> str:
    """`text` with what a terminal would act on (line breaks, escapes, bidi overrides) escaped."""
    if text.isprintable():
        return text
    from generator.emit.escape import visible

    return "".join(ch if ch.isprintable() else visible(ch) for ch in text)


def path_str(path: Sequence[str | int]) -> str:
    """('functions', 'create-order', 'uses', 0) -> 'functions.create-order.uses[0]'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    path: tuple = ()
    file: str | None = None
    line: int | None = None
    col: int | None = None
    severity: Literal["error", "warning"] = "error"
    hint: str | None = None

    def sort_key(self) -> tuple:
        return (self.file or "", self.line or 0, self.col or 0, self.code, path_str(self.path), self.message)

    def format(self, source_lines: Sequence[str] | None = None, color: bool = False) -> str:
        where = self.file or "<blueprint>"
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        sev = self.severity
        if color:
            sev = f"\x1b[1;31m{sev}\x1b[0m" if sev == "error" else f"\x1b[1;33m{sev}\x1b[0m"
        subject = path_str(self.path)
        # Messages quote blueprint values and names: a line break, an escape sequence or a bidi
        # override in them would forge output on the terminal, so each is shown as an escape.
        text = f"{_shown(where)}: {sev}[{self.code}] {_shown(subject + ': ' if subject else '')}{_shown(self.message)}"
        if self.hint:
            text += f" ({_shown(self.hint)})"
        if source_lines is not None and self.line is not None and 1 <= self.line <= len(source_lines):
            src = _shown(source_lines[self.line - 1].rstrip("\n"))
            if len(src) > 200:
                src = src[:200] + "..."
            caret_col = max((self.col or 1) - 1, 0)
            text += f"\n  {self.line:>4} | {src}\n       | {' ' * min(caret_col, 200)}^"
        return text


@dataclass
class Collector:
    """Gathers diagnostics across a stage so every problem is reported at once."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diag: Diagnostic) -> None:
        self.items.append(diag)

    def extend(self, diags: Iterable[Diagnostic]) -> None:
        self.items.extend(diags)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]


class BlueprintError(Exception):
    """Raised by a stage when the blueprint is invalid; carries every diagnostic found."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(set(diagnostics), key=Diagnostic.sort_key)
        super().__init__("\n".join(d.format() for d in self.diagnostics))
