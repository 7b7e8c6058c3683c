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
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Raw", "hcl", "format_hcl", "escape_string", "is_identifier"]

#: A list whose items are all scalars stays on one line while its literal is at most this long.
MAX_INLINE_WIDTH = 80

_IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
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
    return bool(_IDENT_RE.match(name))


# --------------------------------------------------------------------------------------------------
# Python value -> HCL literal
# --------------------------------------------------------------------------------------------------


def escape_string(text: str) -> str:
    """Escape ``text`` for use between double quotes, exactly like hclwrite's TokensForValue.

    ``\\ " \\n \\r \\t`` get backslash escapes, other non-printable characters ``\\uXXXX`` (or
    ``\\UXXXXXXXX``), and ``${`` / ``%{`` are doubled to ``$${`` / ``%%{`` so they stay literal.
    """
    if text.isprintable() and '"' not in text and "\\" not in text and "{" not in text:
        return text  # the common case: nothing to escape
    out: list[str] = []
    last = len(text) - 1
    for i, ch in enumerate(text):
        if ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "$%":
            out.append(ch + ch if i < last and text[i + 1] == "{" else ch)
        elif not ch.isprintable():
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


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
        from generator.emit.hcl_lines import format_by_lines

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
# Lexer (mirrors hclsyntax's scanner closely enough for formatting)
# --------------------------------------------------------------------------------------------------

IDENT = "ident"
NUMBER = "number"
OQUOTE = "oquote"
CQUOTE = "cquote"
QUOTEDLIT = "quotedlit"
STRINGLIT = "stringlit"
INTERP = "interp"  # ${  or ${~
CONTROL = "control"  # %{  or %{~
SEQEND = "seqend"  # }  or ~}  closing an interpolation/directive
OHEREDOC = "oheredoc"
CHEREDOC = "cheredoc"
COMMENT = "comment"
NEWLINE = "newline"
OBRACE, CBRACE, OBRACK, CBRACK, OPAREN, CPAREN = "{", "}", "[", "]", "(", ")"
EQUAL = "="
MINUS = "-"
DOT = "."
COMMA = ","
COLON = ":"
BANG = "!"
ELLIPSIS = "..."
DCOLON = "::"
INVALID = "invalid"
NIL = "nil"

# Operators, longest first.  Each token's type is its own text.
_OPERATORS = (
    "...", "::", "==", "!=", "<=", ">=", "=>", "&&", "||",
    "{", "}", "[", "]", "(", ")", "=", "<", ">", "!", "+", "-", "*", "/", "%", "?", ":", ".", ",",
)
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
# Speed-ups for the scanner's hot loops; each consumes exactly what the per-character rules would.
_SPACES_RE = re.compile(r"[ \t]*")
_ASCII_IDENT_TAIL_RE = re.compile(r"[A-Za-z0-9_-]*")
# A quoted-string literal runs to `"`, a line end, or `${` / `%{` (`$${` / `%%{` are escapes).
_QUOTED_LIT_RE = re.compile(r'(?:[^"\\\r\n$%]+|\\[^\r\n]|\$\$\{|%%\{|(?![$%]\{)[^"\r\n])*')
_OPERATORS_2 = frozenset(op for op in _OPERATORS if len(op) == 2)
_OPERATORS_1 = frozenset(op for op in _OPERATORS if len(op) == 1)
_HEREDOC_RE = re.compile(r"<<-?([^\W\d][\w-]*)\r?\n")

_OPENERS = frozenset({OBRACE, OBRACK, OPAREN, INTERP, CONTROL})
_CLOSERS = frozenset({CBRACE, CBRACK, CPAREN, SEQEND})


@dataclass(slots=True)
class _Tok:
    type: str
    text: str
    spaces: int = 0  # spaces written before the token


@dataclass(slots=True)
class _Frame:
    kind: str  # "quoted", "heredoc" or "interp"
    marker: str = ""
    start_of_line: bool = True
    braces: int = 0


def _is_ident_start(ch: str) -> bool:
    return ch == "_" or ch.isalpha()


def _is_ident_part(ch: str) -> bool:
    return ch in "_-" or ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc", "Pc")


def _lex(src: str, open_frames: list[int] | None = None) -> tuple[list[_Tok], int]:
    """Tokens of ``src`` and the number of spaces before end of input.

    ``open_frames``, when given, receives the number of strings, heredocs and interpolations
    still open at the end of ``src`` (0 when ``src`` ends between tokens).
    """
    toks: list[_Tok] = []
    stack: list[_Frame] = []
    n = len(src)
    i = 0
    spaces = 0

    def emit(typ: str, text: str) -> None:
        nonlocal spaces
        toks.append(_Tok(typ, text, spaces))
        spaces = 0

    while i < n:
        frame = stack[-1] if stack else None
        ch = src[i]

        if frame is not None and frame.kind == "quoted":
            if ch == '"':
                emit(CQUOTE, ch)
                stack.pop()
                i += 1
            elif src.startswith(("${", "%{"), i):
                j = i + 3 if src.startswith("~", i + 2) else i + 2
                emit(INTERP if ch == "$" else CONTROL, src[i:j])
                stack.append(_Frame("interp"))
                i = j
            elif ch in "\r\n":
                stack.pop()  # unterminated string: let the main scanner take the newline
            else:
                j = _QUOTED_LIT_RE.match(src, i).end()
                emit(QUOTEDLIT, src[i:j])
                i = j
            continue

        if frame is not None and frame.kind == "heredoc":
            if frame.start_of_line:
                eol = src.find("\n", i)
                end = n if eol < 0 else eol
                line = src[i:end]
                if line.endswith("\r"):
                    line = line[:-1]
                if line.strip(" \t") == frame.marker:
                    emit(CHEREDOC, line)
                    stack.pop()
                    i += len(line)
                    continue
            j = i
            at_interp = False
            while j < n:
                if src.startswith(("$${", "%%{"), j):
                    j += 3
                elif src.startswith(("${", "%{"), j):
                    at_interp = True
                    break
                elif src[j] == "\n":
                    j += 1
                    break
                else:
                    j += 1
            if j > i:
                emit(STRINGLIT, src[i:j])
            frame.start_of_line = src[j - 1] == "\n" if j > i else frame.start_of_line
            if at_interp:
                k = j + 3 if src.startswith("~", j + 2) else j + 2
                emit(INTERP if src[j] == "$" else CONTROL, src[j:k])
                frame.start_of_line = False
                stack.append(_Frame("interp"))
                j = k
            i = j
            continue

        # Main (expression) mode, possibly inside an interpolation.
        if ch in " \t":
            j = _SPACES_RE.match(src, i).end()
            spaces += j - i
            i = j
        elif ch == "\n":
            emit(NEWLINE, "\n")
            i += 1
        elif src.startswith("\r\n", i):
            emit(NEWLINE, "\r\n")
            i += 2
        elif ch == "#" or src.startswith("//", i):
            eol = src.find("\n", i)
            j = n if eol < 0 else eol + 1
            emit(COMMENT, src[i:j])
            i = j
        elif src.startswith("/*", i):
            close = src.find("*/", i + 2)
            j = n if close < 0 else close + 2
            emit(COMMENT, src[i:j])
            i = j
        elif ch == '"':
            emit(OQUOTE, ch)
            stack.append(_Frame("quoted"))
            i += 1
        elif ch == "<" and (m := _HEREDOC_RE.match(src, i)):
            emit(OHEREDOC, m.group(0))
            stack.append(_Frame("heredoc", marker=m.group(1)))
            i = m.end()
        elif ch.isdigit() and (m := _NUMBER_RE.match(src, i)):
            emit(NUMBER, m.group(0))
            i = m.end()
        elif _is_ident_start(ch):
            j = _ASCII_IDENT_TAIL_RE.match(src, i + 1).end()
            while j < n and _is_ident_part(src[j]):  # non-ASCII identifier characters
                j += 1
                j = _ASCII_IDENT_TAIL_RE.match(src, j).end()
            emit(IDENT, src[i:j])
            i = j
        elif frame is not None and frame.kind == "interp" and frame.braces == 0 and (
            ch == "}" or src.startswith("~}", i)
        ):
            j = i + 1 if ch == "}" else i + 2
            emit(SEQEND, src[i:j])
            stack.pop()
            i = j
        else:
            # Longest operator first, as in _OPERATORS.
            if src.startswith("...", i):
                op = "..."
            elif src[i : i + 2] in _OPERATORS_2:
                op = src[i : i + 2]
            elif ch in _OPERATORS_1:
                op = ch
            else:
                emit(INVALID, ch)
                i += 1
                continue
            if frame is not None and frame.kind == "interp":
                frame.braces += op == "{"
                frame.braces -= op == "}"
            emit(op, op)
            i += len(op)
    if open_frames is not None:
        open_frames.append(len(stack))
    return toks, spaces


# --------------------------------------------------------------------------------------------------
# The rewrites terraform fmt applies on top of hclwrite (command/fmt.go: formatBody)
# --------------------------------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(lit: str) -> str | None:
    """Value of a quoted-string literal, or None if it has an invalid escape."""
    out: list[str] = []
    i, n = 0, len(lit)
    while i < n:
        ch = lit[i]
        if ch == "\\":
            nxt = lit[i + 1 : i + 2]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            width = {"u": 4, "U": 8}.get(nxt)
            digits = lit[i + 2 : i + 2 + width] if width else ""
            if not width or len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
                return None
            out.append(chr(int(digits, 16)))
            i += 2 + width
        elif lit.startswith(("$${", "%%{"), i):
            out.append(ch + "{")
            i += 3
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _bracket_change(tok: _Tok) -> int:
    if tok.type in _OPENERS:
        return 1
    if tok.type in _CLOSERS:
        return -1
    return 0


def _is_line_end(tok: _Tok) -> bool:
    return tok.type == NEWLINE or (tok.type == COMMENT and tok.text.endswith("\n"))


def _format_value_expr(expr: list[_Tok]) -> list[_Tok]:
    """terraform fmt: ``"${expr}"`` as a whole attribute value becomes ``expr``."""
    if len(expr) < 5:
        return expr
    if (expr[0].type, expr[1].type, expr[-2].type, expr[-1].type) != (OQUOTE, INTERP, SEQEND, CQUOTE):
        return expr
    inside = expr[2:-2]
    quotes = 0
    for tok in inside:
        if tok.type == OQUOTE:
            quotes += 1
        elif tok.type == CQUOTE:
            quotes -= 1
        elif quotes > 0:
            continue
        elif tok.type in (INTERP, SEQEND, QUOTEDLIT):
            return expr
    start, end = 0, len(inside)
    while start < end and inside[start].type == NEWLINE:
        start += 1
    while end > start and inside[end - 1].type == NEWLINE:
        end -= 1
    trimmed = inside[start:end]
    # Same case order as terraform's switch: a first "(" or last ")" is never counted as a newline.
    multi_line = False
    lead_paren = trail_paren = False
    for idx, tok in enumerate(trimmed):
        if idx == 0 and tok.type == OPAREN:
            lead_paren = True
        elif tok.type == NEWLINE:
            multi_line = True
        elif idx == len(trimmed) - 1 and tok.type == CPAREN:
            trail_paren = True
    if multi_line and not (lead_paren and trail_paren):
        return [_Tok(OPAREN, "("), *trimmed, _Tok(CPAREN, ")")]
    return trimmed


def _format_type_expr(expr: list[_Tok]) -> list[_Tok]:
    """terraform fmt: legacy ``type = "string"`` / bare ``list`` in variable blocks."""
    if len(expr) == 1 and expr[0].type == IDENT and expr[0].text in ("list", "map", "set"):
        return [expr[0], _Tok(OPAREN, "("), _Tok(IDENT, "any"), _Tok(CPAREN, ")")]
    if len(expr) == 3 and [t.type for t in expr] == [OQUOTE, QUOTEDLIT, CQUOTE]:
        legacy = {"string": ["string"], "list": ["list", "string"], "map": ["map", "string"]}
        words = legacy.get(expr[1].text)
        if words is None:
            return expr
        if len(words) == 1:
            return [_Tok(IDENT, words[0])]
        return [_Tok(IDENT, words[0]), _Tok(OPAREN, "("), _Tok(IDENT, words[1]), _Tok(CPAREN, ")")]
    return expr


def _normalize_label(toks: list[_Tok], i: int) -> tuple[list[_Tok], int] | None:
    """Canonical quoted form of the block label starting at ``toks[i]`` and the index after it."""
    tok = toks[i]
    if tok.type == IDENT:
        return [_Tok(OQUOTE, '"'), _Tok(QUOTEDLIT, escape_string(tok.text)), _Tok(CQUOTE, '"')], i + 1
    if tok.type != OQUOTE:
        return None
    if i + 1 < len(toks) and toks[i + 1].type == CQUOTE:
        return [_Tok(OQUOTE, '"'), _Tok(CQUOTE, '"')], i + 2
    if i + 2 < len(toks) and toks[i + 1].type == QUOTEDLIT and toks[i + 2].type == CQUOTE:
        value = _unescape(toks[i + 1].text)
        if value is None:
            return toks[i : i + 3], i + 3
        lit = escape_string(value)
        quoted = [_Tok(OQUOTE, '"'), _Tok(QUOTEDLIT, lit), _Tok(CQUOTE, '"')] if lit else [
            _Tok(OQUOTE, '"'),
            _Tok(CQUOTE, '"'),
        ]
        return quoted, i + 3
    return None  # a label with interpolations is invalid; leave the header alone


def _terraform_rewrites(toks: list[_Tok]) -> list[_Tok]:
    out: list[_Tok] = []
    n = len(toks)

    def body(i: int, blocks: tuple[str, ...]) -> int:
        while i < n:
            tok = toks[i]
            if tok.type in (NEWLINE, COMMENT):
                out.append(tok)
                i += 1
                continue
            if tok.type == CBRACE and blocks:
                return i
            if tok.type != IDENT:
                out.append(tok)
                i += 1
                continue
            if i + 1 < n and toks[i + 1].type == EQUAL:
                i = attribute(i, blocks)
            else:
                i = block(i, blocks)
        return i

    def attribute(i: int, blocks: tuple[str, ...]) -> int:
        name = toks[i].text
        out.extend(toks[i : i + 2])
        j = i + 2
        depth = 0
        while j < n:
            tok = toks[j]
            if depth == 0 and _is_line_end(tok):
                break
            depth += _bracket_change(tok)
            if depth < 0:
                break
            j += 1
        end = j
        while end > i + 2 and toks[end - 1].type == COMMENT:  # trailing /* */ is not part of the value
            end -= 1
        expr = toks[i + 2 : end]
        if blocks == ("variable",) and name == "type":
            new = _format_type_expr(expr)
        else:
            new = _format_value_expr(expr)
        out.extend(new)
        out.extend(toks[end:j])
        return j

    def block(i: int, blocks: tuple[str, ...]) -> int:
        type_name = toks[i].text
        out.append(toks[i])
        i += 1
        while i < n and toks[i].type in (IDENT, OQUOTE, COMMENT) and not _is_line_end(toks[i]):
            if toks[i].type == COMMENT:
                out.append(toks[i])
                i += 1
                continue
            label = _normalize_label(toks, i)
            if label is None:
                return i
            new, i = label
            out.extend(new)
        if i < n and toks[i].type == OBRACE:
            out.append(toks[i])
            i = body(i + 1, blocks + (type_name,))
            if i < n and toks[i].type == CBRACE:
                out.append(toks[i])
                i += 1
        return i

    i = body(0, ())
    out.extend(toks[i:])  # unbalanced input: keep whatever is left
    return out


# --------------------------------------------------------------------------------------------------
# hclwrite's format passes (hclwrite/format.go)
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    lead: list[_Tok]
    assign: list[_Tok] | None = None
    comment: list[_Tok] | None = None


def _lines(toks: list[_Tok]) -> list[_Line]:
    lines: list[_Line] = []
    start = 0
    for i, tok in enumerate(toks):
        if _is_line_end(tok):
            lines.append(_Line(toks[start : i + 1]))
            start = i + 1
    if start < len(toks):
        lines.append(_Line(toks[start:]))
    for line in lines:
        lead = line.lead
        if len(lead) > 1 and lead[-1].type == COMMENT:
            line.comment = lead[-1:]
            lead = lead[:-1]
        for idx in range(1, len(lead)):
            if lead[idx].type == EQUAL:
                if sum(_bracket_change(t) for t in lead[idx:]) == 0:
                    line.assign = lead[idx:]
                    lead = lead[:idx]
                break
        line.lead = lead
    return lines


def _format_indent(lines: list[_Line]) -> None:
    indents: list[int] = []
    for line in lines:
        if not line.lead:
            continue
        if line.lead[0].type == NEWLINE:
            line.lead[0].spaces = 0
            continue
        net = 0
        for tok in line.lead:
            net += _bracket_change(tok)
            if tok.type == OHEREDOC:
                break
        for tok in line.assign or ():
            net += _bracket_change(tok)
        line.lead[0].spaces = 2 * _indent_level(indents, net)


def _indent_level(indents: list[int], net: int) -> int:
    """hclwrite's indentation level of a line whose brackets change by ``net``; updates ``indents``
    (the stack of open brackets per opening line). A line that opens is at the level before it."""
    if net > 0:
        indents.append(net)
        return len(indents) - 1
    closed = -net
    while closed > 0 and indents:
        if closed > indents[-1]:
            closed -= indents.pop()
        elif closed < indents[-1]:
            indents[-1] -= closed
            closed = 0
        else:
            indents.pop()
            closed = 0
    return len(indents)


_NIL = _Tok(NIL, "")
_MINUS_NEGATES_AFTER = frozenset(
    {NIL, OPAREN, OBRACE, OBRACK, EQUAL, COLON, COMMA, "?", "+", "*", "/", "%", MINUS,
     "==", "!=", ">", ">=", "<", "<=", "&&", "||", BANG}
)
_NO_SPACE_TEMPLATE = frozenset({QUOTEDLIT, STRINGLIT, OQUOTE, OHEREDOC})
_NO_SPACE_BEFORE_TEMPLATE = frozenset({QUOTEDLIT, STRINGLIT, CQUOTE, CHEREDOC})


def _space_after(subject: _Tok, before: _Tok, after: _Tok) -> bool:
    s, a = subject.type, after.type
    if a in (NEWLINE, NIL):
        return False
    if s == IDENT and a == OPAREN:
        return False
    if (s == IDENT and a == DCOLON) or (s == DCOLON and a == IDENT):
        return False
    if s == DOT or a == DOT:
        return False
    if a in (COMMA, ELLIPSIS):
        return False
    if s == COMMA:
        return True
    if s in _NO_SPACE_TEMPLATE or a in _NO_SPACE_BEFORE_TEMPLATE:
        return False
    if s == IDENT and subject.text == "in" and before.type == IDENT:
        return True
    if a == OBRACK and (s in (IDENT, NUMBER) or _bracket_change(subject) < 0):
        return False
    if s == BANG:
        return False
    if s == MINUS:
        return before.type not in _MINUS_NEGATES_AFTER
    if s == OBRACE or a == CBRACE:
        return not (s == OBRACE and a == CBRACE)
    if s in (INTERP, CONTROL) and a == OBRACE:
        return True
    if s == CBRACE and a == SEQEND:
        return True
    if s == SEQEND and a in (INTERP, CONTROL):
        return False
    if _bracket_change(subject) > 0:
        return False
    if _bracket_change(after) < 0:
        return False
    return True


def _format_spaces(lines: list[_Line]) -> None:
    for line in lines:
        cells = (line.lead, line.assign or [])
        for cell_no, cell in enumerate(cells):
            for i, tok in enumerate(cell):
                if cell_no == 1 and i == 0:
                    tok.spaces = 1
                if i == len(cell) - 1:
                    continue
                before = cell[i - 1] if i > 0 else _NIL
                after = cell[i + 1]
                after.spaces = 1 if _space_after(tok, before, after) else 0


def _grapheme_count(text: str) -> int:
    """Approximate number of extended grapheme clusters (what hclwrite measures columns in)."""
    if text.isascii():  # in ASCII only CR LF joins into one cluster
        return len(text) - text.count("\r\n")
    count = 0
    prev = ""
    regional_open = False
    for ch in text:
        code = ord(ch)
        joins = False
        if prev:
            if prev == "\r" and ch == "\n":
                joins = True
            elif unicodedata.category(ch) in ("Mn", "Me", "Mc") or code in (0x200C, 0x200D):
                joins = True
            elif 0x1F3FB <= code <= 0x1F3FF:  # emoji skin-tone modifiers
                joins = True
            elif prev == "\u200d" and (code >= 0x2000 and unicodedata.category(ch) == "So"):
                joins = True
            elif 0x1F1E6 <= code <= 0x1F1FF and regional_open:
                joins = True
        if 0x1F1E6 <= code <= 0x1F1FF:
            regional_open = not (joins and regional_open)
        else:
            regional_open = False
        if not joins:
            count += 1
        prev = ch
    return count


def _columns(cell: list[_Tok] | None) -> int:
    return sum(t.spaces + _grapheme_count(t.text) for t in cell or ())


def _format_cells(lines: list[_Line]) -> None:
    def align(cell_of, width_of) -> None:
        chain: list[_Line] = []
        for line in [*lines, None]:
            if line is not None and cell_of(line) is not None:
                chain.append(line)
                continue
            if chain:
                widest = max(width_of(member) for member in chain)
                for member in chain:
                    cell_of(member)[0].spaces = widest - width_of(member) + 1
                chain = []

    align(lambda line: line.assign, lambda line: _columns(line.lead))
    align(lambda line: line.comment, lambda line: _columns(line.lead) + _columns(line.assign))


# --------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------


def _is_blank(line: _Line) -> bool:
    return len(line.lead) == 1 and line.lead[0].type == NEWLINE and not line.assign and not line.comment


def _tidy(lines: list[_Line]) -> list[_Line]:
    """Drop leading/trailing blank lines, collapse blank runs, strip spaces ending line comments."""
    out: list[_Line] = []
    for line in lines:
        if not line.lead and not line.assign and not line.comment:
            continue  # the empty remainder after the final newline
        if _is_blank(line):
            if out and not _is_blank(out[-1]):
                out.append(line)
            continue
        for cell in (line.lead, line.comment or ()):
            for tok in cell:
                if tok.type == COMMENT and not tok.text.startswith("/*"):
                    body = tok.text.rstrip("\r\n")
                    tok.text = body.rstrip(" \t") + tok.text[len(body):]
        out.append(line)
    while out and _is_blank(out[-1]):
        out.pop()
    return out


def _render_lines(lines: list[_Line]) -> str:
    parts: list[str] = []
    for line in lines:
        for cell in (line.lead, line.assign or (), line.comment or ()):
            for tok in cell:
                parts.append(" " * tok.spaces + tok.text)
    return "".join(parts)


def _format(text: str, *, terraform_rules: bool, tidy: bool) -> str:
    toks, eof_spaces = _lex(text)
    if terraform_rules:
        toks = _terraform_rewrites(toks)
    lines = _lines(toks)
    _format_indent(lines)
    _format_spaces(lines)
    _format_cells(lines)
    if tidy:
        out = _render_lines(_tidy(lines))
    else:
        out = _render_lines(lines) + " " * eof_spaces  # terraform keeps spaces before end of input
    return out if out.endswith("\n") else out + "\n"


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
        from generator.emit.hcl_lines import format_by_lines

        fast = format_by_lines(text)
        if fast is not None:
            return fast
    return _format(text, terraform_rules=True, tidy=tidy)
