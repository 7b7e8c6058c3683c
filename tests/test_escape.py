"""The escaping filters (generator/emit/escape.py), fuzzed: whatever the text, each keeps to its
place (one comment line, one string literal) and string literals read back as the text."""

from __future__ import annotations

import ast
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.emit import escape

TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=()), max_size=40) | st.sampled_from([
    '"""', "*/", "-->", "--", "\\u002a/", "\\", "\u2028", "\r\n", "${x}", "%{ if }", "\x00", "\ud800", "\U0001f600",
])


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_comments_stay_on_one_printable_line(text):
    for name in ("hcl_comment", "py_comment", "js_comment", "go_comment", "mk_comment", "java_comment", "xml_comment"):
        out = getattr(escape, name)(text)
        assert all(c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF for c in out), (name, out)
        out.encode("utf-8")
    assert "*/" not in escape.java_comment(text)
    assert "\\u" not in escape.java_comment(text).replace("\\\\", ""), "a live \\u escape"
    xml = escape.xml_comment(text)
    assert "--" not in xml and not xml.endswith("-")
    mk = escape.mk_comment(text)
    assert (len(mk) - len(mk.rstrip("\\"))) % 2 == 0  # never a continuation line


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_python_docstring_text_and_literals_read_back(text):
    clean = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)  # a .py file is UTF-8
    assert ast.literal_eval('"""' + escape.py_docstring(clean) + '"""') == clean
    assert ast.literal_eval(escape.py_str(clean)) == clean


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_js_and_json_literals_read_back(text):
    out = escape.js_str(text)
    assert json.loads(out) == text
    assert not any(c in out for c in "\n\r\u2028\u2029")
    assert escape.json_str(text) == out


def _java_read(literal: str) -> str:
    assert literal[0] == literal[-1] == '"'
    body = literal[1:-1]
    assert "\n" not in body and "\r" not in body and not re.search(r"(?<!\\)(?:\\\\)*\\u000[aAdD]", body)
    # Java's \' is the one escape JSON lacks; read escapes left to right so "\\'" stays a backslash + quote.
    body = re.sub(r"\\[\\']", lambda m: "'" if m.group() == "\\'" else m.group(), body)
    return json.loads('"' + body + '"')  # the other escapes used are JSON's too


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_java_and_go_literals_read_back(text):
    assert _java_read(escape.java_str(text)) == text
    go = escape.go_str(text)
    assert "\n" not in go and go[0] == go[-1] == '"'
    expected = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    assert json.loads(re.sub(r"\\U([0-9a-f]{8})", lambda m: chr(int(m.group(1), 16)), go)) == expected


def test_xml_text_escapes_markup():
    assert escape.xml_text("a<b>&c") == "a&lt;b&gt;&amp;c"


@pytest.mark.parametrize("value, kind", [("com.example", "java_package"), ("Handler", "java"), ("orders", "go_module"),
                                         ("my-fn", "maven")])
def test_identifiers_pass_through(value, kind):
    assert escape.ident(value, kind) == value


@pytest.mark.parametrize("value, kind", [("com.class", "java_package"), ("a b", "java"), ("x\nimport", "java"),
                                         ("a/../b\n", "go_module"), ("<x>", "maven")])
def test_other_identifiers_raise(value, kind):
    with pytest.raises(ValueError):
        escape.ident(value, kind)


def test_java_field_names_avoid_keywords():
    assert escape.java_name("new") == "new_" and escape.java_name("LOG_LEVEL") == "LOG_LEVEL"
