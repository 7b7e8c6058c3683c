"""HCL tokens: the lexer the formatter runs on (mirrors hclsyntax's scanner closely enough for
formatting), and HCL's quoted-string escapes in both directions.

The lowest of the HCL modules: hcl_format.py (the token route of the formatter) and hcl_lines.py (the
line route) build on it, hcl.py (values and the `format_hcl` entry point) on all three.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


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
# Quoted-string literals and brackets
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
