"""format_hcl a line at a time: the fast route for generated files, where most lines repeat.

Of format_hcl's passes only three look beyond one line: indentation (a stack of open brackets),
the alignment of ``=`` and of trailing comments over consecutive lines, and terraform fmt's
rewrites (which depend on the enclosing block). When every line starts and ends outside any
string, heredoc, interpolation or block comment, and no line holds anything a rewrite could
change, the line-local work for each distinct line is done once, by the same functions the
token-level formatter uses, and the cross-line passes run over per-line summaries. Otherwise
``format_by_lines`` returns None and format_hcl takes the token-level route; the result is the
same either way (tests/test_hcl_lines.py compares the two).
"""

from __future__ import annotations

import re

from generator.emit import hcl_format as F
from generator.emit import hcl_tokens as T

# key (a line without its indent) -> summary tuple, or None when the line rules the fast route out:
# (blank, net brackets, lead text, lead columns, assign text | None, assign columns, comment | None)
_CACHE: dict[str, tuple | None] = {}
_CACHE_MAX = 200_000
_MISSING = object()


# The shapes most generated lines take, in exactly the spacing terraform fmt gives them (ASCII only,
# no escapes, no template directives, no comments). A line matching one is summarised by slicing
# instead of lexing; anything else, including any other spacing, goes through _summarise, so these
# patterns can only make a line cheaper, never format it differently (tests/test_hcl_lines.py
# compares the two summaries on every snapshot line and on random lines).
_ID = r"[A-Za-z_][A-Za-z0-9_-]*"
_CH = r"[ !#&'()*+,\-./0-9:;<=>?@A-Z\[\]^_`a-z{|}~]"  # printable ASCII but " \ $ %
_TRAV = rf"{_ID}(?:\.{_ID}|\[[0-9]+\])*"
_STR = rf'"(?:{_CH}|\$\{{{_TRAV}\}})*"'
_ATOM = rf"(?:{_STR}|{_TRAV}|-?[0-9]+(?:\.[0-9]+)?)"
_ATOMS = rf"(?:{_ATOM}(?:, {_ATOM})*)?"
_VALUE = rf"(?:{_ATOM}|\[{_ATOMS}\]|{_ID}\({_ATOMS}\))"
_NAME = rf'(?:{_ID}|"{_CH}*")'
_ATTR_RE = re.compile(rf"({_NAME}) +(= {_VALUE})")
_BLOCK_RE = re.compile(rf'{_ID}(?: "{_CH}*")* \{{')  # resource "type" "name" {
_ITEM_RE = re.compile(rf"{_ATOM},?")  # one element of a list written a line each
_OPENER_RE = re.compile(rf"{_NAME} = ({_ID}\()?[\[{{]")  # tags = {   policy = jsonencode({
_INTERP_ONLY_RE = re.compile(rf'= "\$\{{{_TRAV}\}}"')


def _fast_summary(key: str) -> tuple | None:
    """_summarise(key) for the common shapes above, or None when the line is not one of them."""
    if "variable" in key:
        return None  # legacy type expressions: terraform fmt rewrites inside variable blocks
    m = _ATTR_RE.fullmatch(key)
    if m:
        name, assign = m.groups()
        if _INTERP_ONLY_RE.fullmatch(assign):
            return None  # x = "${expr}" becomes x = expr
        return (False, 0, name, len(name), assign + "\n", len(assign) + 1, None)
    if _ITEM_RE.fullmatch(key):
        return (False, 0, key + "\n", len(key) + 1, None, 0, None)
    if _BLOCK_RE.fullmatch(key):
        return (False, 1, key + "\n", len(key) + 1, None, 0, None)
    m = _OPENER_RE.fullmatch(key)
    if m:
        return (False, 2 if m.group(1) else 1, key + "\n", len(key) + 1, None, 0, None)
    return None


def _rewrite_sensitive(toks: list[T._Tok]) -> bool:
    """True when terraform fmt's rewrites could change this line in some context (conservative)."""
    n = len(toks)
    for i, tok in enumerate(toks):
        typ = tok.type
        if typ == T.COMMENT and tok.text.startswith("/*"):
            return True  # may span lines, and may sit between a block type and its labels
        if typ == T.EQUAL and i + 2 < n and toks[i + 1].type == T.OQUOTE and toks[i + 2].type == T.INTERP:
            if _interpolation_only(toks, i + 1):
                return True  # x = "${expr}" becomes x = expr
        if typ != T.IDENT:
            continue
        if tok.text == "variable":
            return True  # legacy type expressions are rewritten inside variable blocks
        j = i + 1
        while j < n:  # what block() would read as labels
            if toks[j].type == T.IDENT:
                return True  # a bare label gets quoted
            if toks[j].type != T.OQUOTE:
                break
            label = F._normalize_label(toks, j)
            if label is None:
                break
            new, end = label
            if [t.text for t in new] != [t.text for t in toks[j:end]]:
                return True  # a quoted label whose escapes terraform fmt normalises
            j = end
    return False


def _interpolation_only(toks: list[T._Tok], start: int) -> bool:
    """Would terraform fmt unwrap the value starting at ``toks[start]`` (attribute() in hcl.py)?"""
    j, depth = start, 0
    while j < len(toks):
        tok = toks[j]
        if depth == 0 and T._is_line_end(tok):
            break
        depth += T._bracket_change(tok)
        if depth < 0:
            break
        j += 1
    else:
        return True  # the value goes on past this line: leave it to the token route
    end = j
    while end > start and toks[end - 1].type == T.COMMENT:
        end -= 1
    expr = toks[start:end]
    return F._format_value_expr(expr) is not expr


def _summarise(key: str) -> tuple | None:
    frames: list[int] = []
    toks, _ = T._lex(key + "\n", frames)
    if frames[0] or _rewrite_sensitive(toks):
        return None
    lines = F._lines(toks)
    if len(lines) != 1 or not lines[0].lead:  # pragma: no cover - one line end per key
        return None
    line = lines[0]
    F._format_spaces(lines)
    lead, assign, comment = line.lead, line.assign, line.comment
    blank = lead[0].type == T.NEWLINE
    net = 0
    for tok in lead:
        net += T._bracket_change(tok)
    for tok in assign or ():
        net += T._bracket_change(tok)
    lead[0].spaces = 0  # the indent, added per occurrence
    lead_w = F._columns(lead)
    assign_w = 0
    if assign:
        assign[0].spaces = 0  # the alignment, added per occurrence
        assign_w = F._columns(assign)
    if comment:
        comment[0].spaces = 0  # the alignment, added per occurrence
    for cell in (lead, comment or ()):  # _tidy: no trailing spaces inside line comments
        for tok in cell:
            if tok.type == T.COMMENT:
                body = tok.text.rstrip("\r\n")
                tok.text = body.rstrip(" \t") + tok.text[len(body):]

    def text(cell):
        return "".join(" " * t.spaces + t.text for t in cell)

    return (blank, net, text(lead), lead_w, text(assign) if assign else None, assign_w,
            text(comment) if comment else None)


def format_by_lines(text: str) -> str | None:
    """``format_hcl(text)`` (tidy) computed line by line, or None when the text needs the token route."""
    text = text.rstrip(" \t")  # spaces after the last line end are dropped by the tidy pass
    if not text.endswith("\n") or "\r" in text or "<<" in text:
        return None
    cache = _CACHE
    if len(cache) > _CACHE_MAX:
        cache.clear()
    rows = []
    for raw in text[:-1].split("\n"):
        key = raw.lstrip(" \t")
        row = cache.get(key, _MISSING)
        if row is _MISSING:
            row = cache[key] = _fast_summary(key) or _summarise(key)
        if row is None:
            return None
        rows.append(row)

    # _format_indent (a line that changes no bracket depth is at the current level)
    indents: list[int] = []
    indent = []
    level = F._indent_level
    for blank, net, *_rest in rows:
        indent.append(0 if blank else 2 * (len(indents) if net == 0 else level(indents, net)))

    # _format_cells: align `=` over runs of lines with an assignment, then trailing comments.
    assign_pad = _align([i + row[3] if row[4] is not None else -1 for i, row in zip(indent, rows)])
    comment_pad = None
    if any(row[6] is not None for row in rows):
        comment_pad = _align([
            i + row[3] + (pad + row[5] if row[4] is not None else 0) if row[6] is not None else -1
            for i, pad, row in zip(indent, assign_pad, rows)
        ])

    # _tidy and _render_lines
    out: list[str] = []
    last_blank = True  # no blank lines at the start
    for k, (blank, _net, lead, _lw, assign, _aw, comment) in enumerate(rows):
        if blank:
            if not last_blank:
                out.append("\n")
                last_blank = True
            continue
        line = " " * indent[k] + lead
        if assign is not None:
            line += " " * assign_pad[k] + assign
        if comment is not None:
            line += " " * comment_pad[k] + comment
        out.append(line)
        last_blank = False
    while out and out[-1] == "\n":
        out.pop()
    result = "".join(out)
    return result if result.endswith("\n") else result + "\n"


def _align(widths: list[int]) -> list[int]:
    """Padding before each cell so runs of consecutive cells (width >= 0) start in one column."""
    pad = [0] * len(widths)
    start = -1
    for k, width in enumerate(widths + [-1]):
        if width >= 0:
            if start < 0:
                start = k
        elif start >= 0:
            run = widths[start:k]
            widest = max(run)
            pad[start:k] = [widest - w + 1 for w in run]
            start = -1
    return pad
