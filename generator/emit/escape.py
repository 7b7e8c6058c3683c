"""Escaping for every language sls-gen writes: one function per (language, place), each a Jinja filter
(generator/emit/templates.py). Every string a blueprint (or its file name) controls goes through the
filter of the place it lands in, so it can end neither a comment nor a string literal, and can never
become code.

Comments get `visible(text)`: one line with no character that any of these languages (or a
terminal) treats specially. Line breaks of every kind (including U+2028/U+2029, which end a
JavaScript comment, and CR), other control and format characters (bidi overrides included) and
lone surrogates become backslash escapes, and the backslash itself is doubled, so a Java `\\u002a/`
or a Makefile line-ending backslash stays text. Each comment filter then breaks its own closer
(`*/`, `--`). String literals get the language's own escapes and stay equal to the text.
Identifiers are never escaped: they are checked (`ident`), and a value that is not one raises, for
the checks should have refused it first.
"""

from __future__ import annotations

import json
import re

__all__ = [
    "visible",
    "hcl_comment",
    "py_comment",
    "py_docstring",
    "py_str",
    "js_comment",
    "js_str",
    "json_str",
    "go_comment",
    "go_str",
    "java_comment",
    "java_str",
    "java_name",
    "mk_comment",
    "xml_comment",
    "xml_text",
    "ident",
    "FILTERS",
]

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _code_escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _safe(ch: str) -> bool:
    return ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF


def visible(text: object, code=_code_escape) -> str:
    """`text` on one line, every special character as a backslash escape (see the module docstring);
    `code(ch)` writes the ones without a short form."""
    text = str(text)
    if text.isprintable() and "\\" not in text and text.isascii():
        return text  # the common case
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif _safe(ch):
            out.append(ch)
        else:
            out.append(_SHORT.get(ch) or code(ch))
    return "".join(out)


# ---------------------------------------------------------------- comments
def hcl_comment(text: object) -> str:
    """Text in a `#` comment of a .tf file."""
    return visible(text)


def py_comment(text: object) -> str:
    """Text in a `#` comment of a Python file."""
    return visible(text)


def js_comment(text: object) -> str:
    """Text in a `//` comment of a JavaScript file (U+2028/U+2029 end it too: escaped)."""
    return visible(text)


def go_comment(text: object) -> str:
    """Text in a `//` comment of a Go file."""
    return visible(text)


def java_comment(text: object) -> str:
    """Text in a `/* */` or `/** */` comment of a Java file. Java translates `\\uXXXX` before it
    reads comments: every backslash is doubled, so none starts an escape, other characters are
    written `U+XXXX`, and `*/` is broken."""
    return visible(text, lambda ch: f"U+{ord(ch):04X}").replace("*/", "*\\/")


def mk_comment(text: object) -> str:
    """Text in a `#` comment of a Makefile: one line, and never an odd run of backslashes at its end
    (a continuation line), since `visible` doubles them."""
    return visible(text)


def xml_comment(text: object) -> str:
    """Text in an XML comment: no `--` (which XML forbids there), no `-` just before the closer, and
    no character XML 1.0 refuses (all escaped by `visible`)."""
    out = visible(text)
    while "--" in out:
        out = out.replace("--", "- -")
    return out + " " if out.endswith("-") else out


# ---------------------------------------------------------------- string literals and text
def py_str(value: object) -> str:
    """A Python string literal (quotes included) equal to `value`."""
    return repr(str(value))


def py_docstring(text: object) -> str:
    """Text inside a `\"\"\"` docstring, equal to `text` once Python reads its escapes: no quote,
    backslash or line break of the text can end the string or start code."""
    out = []
    for ch in str(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif _safe(ch):
            out.append(ch)
        else:
            out.append(_SHORT.get(ch) or _code_escape(ch))
    return "".join(out)


def _json_escape_rest(text: str) -> str:
    """json.dumps(ensure_ascii=False) leaves U+2028/U+2029, other format characters and lone
    surrogates raw: escape what is not printable, so the file encodes and reads the same."""
    if all(_safe(ch) or ch in "\n\r\t" for ch in text):
        return text
    return "".join(ch if _safe(ch) else _utf16_escape(ch) for ch in text)


def _utf16_escape(ch: str) -> str:
    """`\\uXXXX`, or the surrogate pair of a character beyond U+FFFF (JSON, JavaScript, Java)."""
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def js_str(value: object) -> str:
    """A JavaScript string literal (quotes included) equal to `value`."""
    return _json_escape_rest(json.dumps(value, ensure_ascii=False))


def json_str(value: object) -> str:
    """A JSON value (a string gets its quotes)."""
    return _json_escape_rest(json.dumps(value, ensure_ascii=False))


def go_str(value: object) -> str:
    """A Go interpreted string literal (quotes included) equal to `value` (lone surrogates, which Go
    cannot hold, become U+FFFD)."""
    out = ['"']
    for ch in str(value):
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        elif _safe(ch):
            out.append(ch)
        elif ch in _SHORT:
            out.append(_SHORT[ch])
        else:
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def java_str(value: object) -> str:
    """A Java string literal (quotes included) equal to `value`. Line breaks get `\\n`-style escapes,
    never `\\u000a` (Java would translate that into a real line break before reading the string)."""
    out = ['"']
    for ch in str(value):
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in _SHORT:
            out.append(_SHORT[ch])
        elif _safe(ch):
            out.append(ch)
        else:  # UTF-16, as Java strings are
            out.append(_utf16_escape(ch))
    out.append('"')
    return "".join(out)


def xml_text(value: object) -> str:
    """Text content of an XML element."""
    return visible(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------- identifiers
JAVA_KEYWORDS = frozenset(
    "abstract assert boolean break byte case catch char class const continue default do double else enum "
    "extends final finally float for goto if implements import instanceof int interface long native new "
    "package private protected public return short static strictfp super switch synchronized this throw "
    "throws transient try void volatile while true false null _ var record yield sealed permits".split()
)
_IDENTS = {
    "java": re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*"),
    "java_package": re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*"),
    "go_module": re.compile(r"[A-Za-z0-9][A-Za-z0-9._~/-]*"),
    "maven": re.compile(r"[A-Za-z0-9_.-]+"),
}


def ident(value: object, kind: str) -> str:
    """`value` unchanged when it is an identifier of `kind` (java, java_package, go_module, maven),
    else ValueError: the blueprint checks refuse such a value before anything is rendered."""
    text = str(value)
    words = text.split(".") if kind == "java_package" else [text] if kind == "java" else []
    if not _IDENTS[kind].fullmatch(text) or any(w in JAVA_KEYWORDS for w in words):
        raise ValueError(f"not a {kind} identifier: {text!r}")
    return text


def java_name(value: object) -> str:
    """A Java field name for an environment key (`[A-Za-z][A-Za-z0-9_]+`): the key itself, with `_`
    appended when it is a Java keyword (`new`, `int`)."""
    text = str(value)
    return text + "_" if text in JAVA_KEYWORDS else ident(text, "java")


#: Jinja filter name -> function (generator/emit/templates.py registers them all).
FILTERS = {
    "hcl_comment": hcl_comment,
    "py_comment": py_comment,
    "py_docstring": py_docstring,
    "pyrepr": py_str,  # repr of the string
    "js_comment": js_comment,
    "jsrepr": js_str,
    "json": json_str,
    "go_comment": go_comment,
    "go_str": go_str,
    "java_comment": java_comment,
    "java_str": java_str,
    "java_name": java_name,
    "mk_comment": mk_comment,
    "xml_comment": xml_comment,
    "xml_text": xml_text,
    "ident": ident,
}
