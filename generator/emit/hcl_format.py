"""The token route of the formatter: terraform fmt's rewrites and hclwrite's format passes over the
tokens of hcl_tokens.py. ``_format`` formats any text; hcl_lines.py reuses its line-local passes
for the faster line route, and hcl.py's ``format_hcl`` chooses between the two.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from generator.emit.hcl_tokens import (
    BANG,
    CBRACE,
    CHEREDOC,
    COLON,
    COMMA,
    COMMENT,
    CONTROL,
    CPAREN,
    CQUOTE,
    DCOLON,
    DOT,
    ELLIPSIS,
    EQUAL,
    escape_string,
    IDENT,
    INTERP,
    MINUS,
    NEWLINE,
    NIL,
    NUMBER,
    OBRACE,
    OBRACK,
    OHEREDOC,
    OPAREN,
    OQUOTE,
    QUOTEDLIT,
    SEQEND,
    STRINGLIT,
    _bracket_change,
    _is_line_end,
    _lex,
    _Tok,
    _unescape,
)


# --------------------------------------------------------------------------------------------------
# The rewrites terraform fmt applies on top of hclwrite (command/fmt.go: formatBody)
# --------------------------------------------------------------------------------------------------


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
