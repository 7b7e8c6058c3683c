"""The one place that turns Python values into HCL text, and the formatter every rendered .tf file goes through.

* ``hcl(value)`` renders a Python value as an HCL literal.  Strings are always quoted and escaped,
  including the template introducers ``${`` and ``%{``, so text taken from a blueprint can never
  inject an interpolation or directive.  ``Raw`` marks an HCL expression that is emitted verbatim.
* ``format_hcl(text)`` makes Jinja output byte-identical to ``terraform fmt`` (Terraform 1.x, which
  formats with hclwrite): it lexes the text into HCL tokens and replays hclwrite's ``format`` passes
  (indentation by bracket nesting, spacing between tokens, vertical alignment of ``=`` and of trailing
  comments) plus the few rewrites ``terraform fmt`` adds on top (bare block labels become quoted,
  an attribute whose whole value is ``"${expr}"`` becomes ``expr``, legacy ``variable`` types).
  By default it then tidies blank lines, which terraform fmt leaves alone: see ``format_hcl``.

Heredocs are lexed like hclwrite does, so their content is never re-indented or altered.

The formatter's parts sit below this module, each importing only the ones before it:
hcl_tokens.py (the lexer and string escapes), hcl_format.py (the token route: rewrites and
format passes) and hcl_lines.py (the faster line route, built from the token route's passes).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal

from generator.emit.hcl_format import _format
from generator.emit.hcl_lines import format_by_lines
from generator.emit.hcl_tokens import OHEREDOC, _lex, escape_string

__all__ = ["Raw", "hcl", "format_hcl", "escape_string", "is_identifier"]

#: A list whose items are all scalars stays on one line while its literal is at most this long.
MAX_INLINE_WIDTH = 80

_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# Identifiers that must not be emitted as bare object keys: `{ for = 1 }` opens a for-expression,
# and true/false/null would parse as literals rather than as key names.
_KEYWORD_KEYS = frozenset({"for", "in", "if", "true", "false", "null"})


class Raw(str):
    """An HCL expression emitted verbatim by ``hcl()``: ``Raw("aws_sqs_queue.orders.arn")``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Raw({str.__repr__(self)})"


def is_identifier(name: str) -> bool:
    """True when ``name`` can be written as a bare HCL identifier (ASCII subset of HCL's rule)."""
    return bool(_IDENT_RE.fullmatch(name))


# --------------------------------------------------------------------------------------------------
# Python value -> HCL literal
# --------------------------------------------------------------------------------------------------


def _quote(text: str) -> str:
    return '"' + escape_string(text) + '"'


def _number(value: int | float | Decimal) -> str:
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"HCL has no literal for {value!r}")
        text = repr(value)
        if "e" not in text and "E" not in text:
            return text
        value = Decimal(text)
    if not value.is_finite():
        raise ValueError(f"HCL has no literal for {value!r}")
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0")
        if text.endswith("."):
            text += "0"
    return "0" if text in ("-0", "-0.0") else text


def _key(key: object) -> str:
    if isinstance(key, Raw):
        return str(key)
    if not isinstance(key, str):
        raise TypeError(f"HCL object keys must be strings, got {type(key).__name__}: {key!r}")
    if is_identifier(key) and key not in _KEYWORD_KEYS:
        return key
    return _quote(key)


def _is_scalar(value: object) -> bool:
    if isinstance(value, Raw):
        return "\n" not in value
    return value is None or isinstance(value, (str, bool, int, float, Decimal))


def _render(value: object, level: int) -> str:
    """Unaligned HCL text; nested lines are indented 2 spaces per ``level``."""
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return _number(value)
    if isinstance(value, str):
        return _quote(value)
    pad = "  " * (level + 1)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        body = "".join(f"{pad}{_key(k)} = {_render(v, level + 1)}\n" for k, v in value.items())
        return "{\n" + body + "  " * level + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        if isinstance(value, (set, frozenset)):
            items = sorted(_render(v, level + 1) for v in value)
            scalars = all(_is_scalar(v) for v in value)
        else:
            items = [_render(v, level + 1) for v in value]
            scalars = all(_is_scalar(v) for v in value)
        if not items:
            return "[]"
        inline = "[" + ", ".join(items) + "]"
        if scalars and len(inline) <= MAX_INLINE_WIDTH:
            return inline
        return "[\n" + "".join(f"{pad}{item},\n" for item in items) + "  " * level + "]"
    raise TypeError(f"cannot render {type(value).__name__} as HCL: {value!r}")


_SEQ_CACHE: dict[tuple, str] = {}
_SEQ_CACHE_MAX = 4096
_CACHEABLE_ITEMS = (str, Raw, int, bool)


def hcl(value: object, indent: int = 0) -> str:
    """See ``_hcl``. Lists of scalars repeat across resources (IAM actions), so their text is cached."""
    if type(value) in (list, tuple) and all(type(v) in _CACHEABLE_ITEMS for v in value):
        # The item types are part of the key: Raw("x") and "x", True and 1 render differently.
        key = (type(value), indent, tuple((type(v), v) for v in value))
        text = _SEQ_CACHE.get(key)
        if text is None:
            if len(_SEQ_CACHE) >= _SEQ_CACHE_MAX:
                _SEQ_CACHE.clear()
            text = _SEQ_CACHE[key] = _hcl(value, indent)
        return text
    return _hcl(value, indent)


def _hcl(value: object, indent: int = 0) -> str:
    """Render ``value`` as an HCL literal, formatted exactly as terraform fmt would format it.

    str -> quoted and escaped (no interpolation possible); bool -> true/false; int/float -> plain
    decimal; None -> null; Raw -> verbatim; list/tuple -> one line when every item is a scalar and
    the literal is at most 80 characters, else one item per line with trailing commas (sets are
    sorted); dict -> ``{}`` or a multi-line object in insertion order, keys bare when they are
    identifiers.  ``indent`` is the number of spaces the line holding the literal is indented by:
    continuation lines are indented relative to it (2 spaces per nesting level), so the text can be
    pasted after ``key = `` on such a line.  The first line is never indented.  Raw text is kept
    as is, except that in multi-line output its spacing is normalised like terraform fmt would.
    """
    text = _render(value, 0)
    if "\n" not in text:
        return text
    prefix = "x = "
    formatted = None
    if "\n\n" not in text and " \n" not in text and "\t" not in text:
        # No blank lines or trailing blanks, so tidying changes nothing and the line route (which
        # stands aside wherever terraform fmt's rewrites could apply) gives _format's result.
        formatted = format_by_lines(prefix + text + "\n")
    if formatted is None:
        formatted = _format(prefix + text + "\n", terraform_rules=False, tidy=False)
    lines = formatted.rstrip("\n").split("\n")
    if not lines[0].startswith(prefix):  # pragma: no cover - the formatter never moves `x`
        raise AssertionError("unexpected formatter output")
    lines[0] = lines[0][len(prefix):]
    if indent and ("<<" not in text or not any(tok.type == OHEREDOC for tok in _lex(text)[0])):  # never shift heredoc text
        lines[1:] = [" " * indent + line if line else line for line in lines[1:]]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------


def format_hcl(text: str, *, tidy: bool = True) -> str:
    """Format rendered Terraform exactly like ``terraform fmt`` (Terraform 1.11 / hclwrite).

    Replays hclwrite's formatter: each line is indented 2 spaces per net open bracket (``{ [ (``,
    ``${``, ``%{``; brackets in strings and comments don't count), spacing between tokens follows
    hclwrite's rules (``a=1`` -> ``a = 1``, ``f( x,y )`` -> ``f(x, y)``), trailing whitespace goes,
    and the ``=`` of consecutive single-line attribute lines -- and trailing comments of consecutive
    lines -- are aligned one space after the longest key.  Also applies terraform fmt's own rewrites:
    bare block labels are quoted, ``x = "${expr}"`` becomes ``x = expr``, and legacy variable types
    (``type = "string"``, ``type = list``) are modernised.  Heredoc content is kept byte for byte.

    terraform fmt keeps blank lines as they are (runs of them, blank lines right after ``{`` or
    before ``}``, leading and trailing ones) and keeps trailing spaces inside ``#``/``//`` comments.
    With ``tidy=True`` (the default) the result additionally has no leading blank lines, no runs of
    blank lines, no trailing spaces in line comments, and exactly one trailing newline (nothing at
    all for empty input).  Blank lines after ``{`` / before ``}`` are kept, as terraform keeps them.
    Either way the output is a fixed point of terraform fmt; with ``tidy=False`` it is byte-identical
    to what ``terraform fmt -`` prints for the same input.
    """
    if tidy:
        fast = format_by_lines(text)
        if fast is not None:
            return fast
    return _format(text, terraform_rules=True, tidy=tidy)
