"""Markdown (GitHub flavoured) that shows a text exactly as it is, whatever it holds.

Names, descriptions, patterns and paths come from the blueprint: a `|` must not end a table cell,
a backtick must not open code, `<b>` must not become HTML, `[x](y)` must not become a link, and a
line break must not end a table row. `text()` escapes prose; `code()` builds a code span that
always closes where it should.
"""

from __future__ import annotations

import re

# Characters that start inline Markdown anywhere (emphasis, code, links, strikethrough, tables, math,
# backslash escapes themselves); each gets a backslash, which CommonMark allows before any ASCII
# punctuation.
_INLINE = frozenset("\\`*_[]|~$")
# What starts a block (heading, quote, list, setext underline) at the start of a line; escaping its
# punctuation keeps it text.
_BLOCK_START = re.compile(r"^(?:\d+(?=[.)])|(?=[#>+=-]))")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_CONTROL = {i: " " for i in (*range(32), 127, 0x85, 0x2028, 0x2029)}  # NEL, LS, PS: line breaks to editors
_TEXT = str.maketrans({**_CONTROL, **{ord(c): "\\" + c for c in _INLINE}, **{ord(c): e for c, e in _HTML.items()}, 10: "<br>"})
_CODE = str.maketrans(_CONTROL)


def text(value: object, start: bool = False) -> str:
    """Plain text for a paragraph or a table cell: rendered exactly as given, on one line (line breaks
    become `<br>`). `start`: the text begins a line, where `# `, `- `, `1. ` ... would start a block."""
    s = str(value)
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    escaped = s.translate(_TEXT)
    if start and (m := _BLOCK_START.match(escaped)):
        escaped = escaped[: m.end()] + "\\" + escaped[m.end():]
    return escaped


def code(value: object, table: bool = True) -> str:
    """A code span of `value`: fenced with more backticks than it holds in a row, padded when it starts
    or ends with one; in a table cell `|` is escaped (GitHub reads `\\|` as `|` there, even in code).
    Code spans show HTML and other Markdown literally, so nothing else needs escaping."""
    s = str(value).translate(_CODE)  # line breaks included: a code span is one line
    if table:
        s = s.replace("|", "\\|")
    runs = [len(r) for r in re.findall(r"`+", s)] if "`" in s else []
    fence = "`" * ((max(runs) if runs else 0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or (s.startswith(" ") and s.endswith(" ") and s.strip()) else ""
    return f"{fence}{pad}{s}{pad}{fence}" if s else "` `"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A GFM table; cells are already escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines
