"""Credentials written in a blueprint (SLS402), in any field: every string of every stage's merged
blueprint lands in Terraform, a scaffold or a sample event, so each is scanned, not only the
environment (schedule inputs, descriptions, event patterns, filter policies, tags, parameter
values, ...).

`credential_kind(value, key)` is the one detector, used here and by anything else that must tell a
credential from configuration. It looks for
* shapes only a credential has: an AWS access key id, a PEM private key, a JWT, a URL or connection
  string with a password, a `password=...` assignment, well-known API token prefixes, an AWS secret
  access key, a long random token;
* any value (even a short one) under a password-like key: `DB_PASSWORD`, `clientSecret`,
  `{"token": ...}` in a schedule input, a tag `api-key`;
* the same inside base64 (an access key id base64-encoded is still one).

Look-alikes are let through on purpose: ARNs (a secret's ARN names it, it does not hold it), UUIDs,
hex digests and labelled hashes (`sha256:...`), base64 that decodes to text without a credential
(a JSON config), URLs without a password, placeholders (`${DB_PASSWORD}`, `<password>`).
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections import Counter
from typing import Any, Iterable

from generator.diagnostics import Diagnostic

SECRET_HINT = "declare it under secrets: and grant it with uses: [{secret: NAME}]; the function reads it at runtime"

# Words that make a key password-like when the key is, or ends with, one of them (after camelCase,
# `-`, `.` and spaces are turned into `_`): DB_PASSWORD, clientSecret, api-key, x.auth_token.
PASSWORD_WORDS = (
    "password", "passwd", "pwd", "passphrase", "pass", "secret", "token", "apikey", "api_key",
    "private_key", "secret_key", "access_key", "signing_key", "encryption_key", "master_key",
    "credential", "credentials", "authorization",
)
_KEY_WORDS = re.compile(r"(?:^|_)(" + "|".join(sorted(PASSWORD_WORDS, key=len, reverse=True)) + r")$")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")

_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|\{\{[^}]*\}\}|<[^<>]*>|%\([^)]*\)s|\$[A-Z_][A-Z0-9_]*|\*{3,}|x{4,}|X{4,}")
_BOOLISH = frozenset({"true", "false", "yes", "no", "on", "off", "none", "null", "nil", "required", "optional",
                      "enabled", "disabled", "unset", "empty"})
_ARN = re.compile(r"arn:[a-z0-9-]*:[a-z0-9-]*:[^\s\"',]*")
_HASH_LABEL = re.compile(r"(?i)(?:sha(?:1|224|256|384|512)|md5|blake2[bs]?)[:=-]")

_SHAPES = (
    (re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])"), "an AWS access key id"),
    (re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"), "a PEM private key"),
    (re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"), "a JSON Web Token"),
    (re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}|xox[abprs]-[A-Za-z0-9-]{10,}"
                r"|(?:sk|rk)_live_[A-Za-z0-9]{16,}|sk-(?:proj-)?[A-Za-z0-9_-]{32,}|glpat-[A-Za-z0-9_-]{20,}"
                r"|AIza[0-9A-Za-z_-]{35}|npm_[A-Za-z0-9]{36})"), "an API token"),
)
# scheme://user:PASSWORD@host (the user may be empty: redis://:pw@host)
_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@")
# key=value, key: value, "key": "value" inside a string (a connection string, a config line)
_ASSIGNMENT = re.compile(r"""(?<![A-Za-z0-9_])([A-Za-z][A-Za-z0-9_.-]{0,60})["']?\s*[=:](?!//)\s*["']?([^\s&;,"'}?]+)""")
_SECRET_KEY = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")  # an AWS secret access key
_TOKEN = re.compile(r"[A-Za-z0-9+/=_.-]{32,}")
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}")
_DYNAMODB_TYPES = frozenset({"S", "N", "B", "SS", "NS", "BS", "M", "L", "BOOL", "NULL"})
_MIN_ENTROPY = 4.0  # bits per character: 32 random base62 characters have 4.5 on average, never below 3.9
_WORD = re.compile(r"[A-Z]?[a-z]{3,}")  # identifiers are mostly words (UpdateOrderStatusV3); random text is not


def password_like(key: str) -> bool:
    """True when a value under `key` is a credential whatever it looks like (DB_PASSWORD, apiKey)."""
    norm = re.sub(r"[-.\s]+", "_", _CAMEL.sub("_", key)).lower()
    return bool(_KEY_WORDS.search(norm))


def _literal(value: str) -> bool:
    """A value that can be a credential written out (not empty, a flag, a reference or a placeholder)."""
    text = value.strip()
    return (
        len(text) >= 4
        and text.lower() not in _BOOLISH
        and not _PLACEHOLDER.search(text)
        and not text.startswith(("arn:", "/", "ssm:", "secretsmanager:", "resolve:"))
    )


def entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _random(text: str) -> bool:
    """Digits, upper and lower case, high entropy, and not mostly words: a generated key, not a name."""
    return (
        any(c.isdigit() for c in text) and any(c.isupper() for c in text) and any(c.islower() for c in text)
        and entropy(text) >= _MIN_ENTROPY
        and sum(len(w) for w in _WORD.findall(text)) < 0.6 * len(text)
    )


def _decoded_text(token: str) -> str | None:
    """The text a base64 (or base64url) token decodes to, when it is printable UTF-8; else None."""
    raw = token.rstrip("=")
    if len(raw) < 16 or len(raw) % 4 == 1:
        return None
    try:
        data = base64.b64decode(raw.replace("-", "+").replace("_", "/") + "=" * (-len(raw) % 4), validate=True)
        text = data.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    return text if text and all(c.isprintable() or c in "\n\r\t" for c in text) else None


def credential_kind(value: str, key: str = "", _depth: int = 0) -> str | None:
    """What `value` (found under `key`, "" when none) looks like if it looks like a credential, else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    if key and password_like(key) and _literal(value):
        return f"a literal value for {key}"
    text = _ARN.sub(" ", value)  # an ARN names a resource; its `:secret:` part is not an assignment
    for pattern, kind in _SHAPES:
        if pattern.search(text):
            return kind
    for match in _URL_PASSWORD.finditer(text):
        if not _PLACEHOLDER.search(match.group(1)):  # postgres://u:p@h: even a one-letter password
            return "a URL with a password"
    for match in _ASSIGNMENT.finditer(text):
        name, literal = match.groups()
        if password_like(name) and _literal(literal):
            return f"a {name}=... assignment"
    if _depth == 0:
        for token in _BASE64.findall(text):
            decoded = _decoded_text(token)
            if decoded is not None:
                inner = credential_kind(decoded, "", 1)
                if inner:
                    return f"{inner} (base64-encoded)"
    stripped = value.strip()
    if _HASH_LABEL.match(stripped):
        return None
    for token in _SECRET_KEY.findall(text):
        if _random(token) and _decoded_text(token) is None:
            return "an AWS secret access key"
    if _TOKEN.fullmatch(stripped) and _random(stripped) and _decoded_text(stripped) is None:
        return "a high-entropy token"
    return None


# ---------------------------------------------------------------- the check
def strings(node: Any, path: tuple = (), key: str = "", user_key: bool = False) -> Iterable[tuple[tuple, str, str]]:
    """(path, key, string) for every string in a blueprint model. `key` is the map key the string
    sits under when the blueprint author chose it (environment and tag keys, the keys of schedule
    inputs, patterns and filters), else "" (a model's own field names, such as `uses: [{secret:
    ...}]`, are not keys of the author's data). A field named `value` takes the name of its object
    (`parameters: {db-password: {value: ...}}`); DynamoDB type tags keep the key above them."""
    from pydantic import BaseModel

    if isinstance(node, str):
        yield path, key if user_key else "", node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            child = getattr(node, name)
            if child is None or isinstance(child, (bool, int, float)):
                continue
            own = key if name == "value" and key else ""
            yield from strings(child, path + (name,), own, bool(own))
    elif isinstance(node, dict):
        for k, child in node.items():
            # DynamoDB's type tags ({"password": {"S": [...]}} in a stream filter) keep the key above
            own = key if user_key and k in _DYNAMODB_TYPES else str(k)
            yield from strings(child, path + (k,), own, True)
    elif isinstance(node, (list, tuple)):
        for i, child in enumerate(node):
            yield from strings(child, path + (i,), key, user_key)


def check(ctx) -> Iterable[Diagnostic]:
    for stage, bp in ctx.stages.items():
        for path, key, value in strings(bp):
            if path[:1] == ("stages",):
                continue  # overrides: scanned where they land, in each stage's merged blueprint
            kind = credential_kind(value, key)
            if kind:
                yield ctx.stage_diag(stage, "SLS402", path,
                                     f"the value looks like {kind}: credentials must not be written in a blueprint",
                                     hint=SECRET_HINT)
