"""format_hcl's line-at-a-time route gives exactly what the token-level route gives, or stands aside.

The token route is checked against terraform fmt itself in test_hcl.py (those tests go through
format_hcl, so they also cover this route whenever it engages).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from generator.emit import hcl_lines
from generator.emit.hcl import _format
from generator.emit.hcl_lines import format_by_lines
from test_hcl import MESSY_SNIPPETS, _messify, _random_body

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def token_route(text: str) -> str:
    return _format(text, terraform_rules=True, tidy=True)


def unformat(text: str) -> str:
    """Undo indentation and alignment, and squeeze spaces outside strings, so every pass has work to do."""
    out = []
    for line in text.split("\n"):
        line = line.strip()
        if '"' not in line and "#" not in line:
            line = re.sub(r"\s+", " ", line)
        out.append(line)
    return "\n".join(out)


@pytest.fixture(autouse=True)
def cold_cache():
    hcl_lines._CACHE.clear()
    yield
    hcl_lines._CACHE.clear()


def test_generated_terraform_takes_the_line_route_and_matches():
    files = sorted(SNAPSHOTS.rglob("*.tf"))
    assert files, "no snapshot .tf files found"
    engaged = 0
    for path in files:
        text = path.read_text()
        for variant in (text, unformat(text)):
            fast = format_by_lines(variant)
            if fast is not None:
                engaged += 1
                assert fast == token_route(variant), path
    # Only variables.tf (legacy type rewrites) and the like may need the token route.
    assert engaged >= len(files)


@pytest.mark.parametrize("seed", range(300))
def test_random_messy_hcl_agrees_with_the_token_route(seed):
    rng = random.Random(seed)
    text = 'resource "r" "x" {\n' + _random_body(rng, 0) + "}\n"
    messy = _messify(rng, text)
    fast = format_by_lines(messy)
    assert fast is None or fast == token_route(messy)


def test_random_messy_hcl_without_rewrites_takes_the_line_route_and_agrees(monkeypatch):
    """The same corpus without for-expressions and "${...}" values, so the line route engages."""
    import test_hcl

    monkeypatch.setattr(
        test_hcl, "_EXPRS", [e for e in test_hcl._EXPRS if "for " not in e and not e.startswith('"${')]
    )
    engaged = 0
    for seed in range(300):
        rng = random.Random(seed)
        messy = _messify(rng, 'resource "r" "x" {\n' + _random_body(rng, 0) + "}\n")
        fast = format_by_lines(messy)
        if fast is not None:
            engaged += 1
            assert fast == token_route(messy), seed
    assert engaged == 300


@pytest.mark.parametrize("name", sorted(MESSY_SNIPPETS))
def test_fixed_snippets_agree_with_the_token_route(name):
    text = MESSY_SNIPPETS[name].lstrip("\n")
    fast = format_by_lines(text)
    assert fast is None or fast == token_route(text)


@pytest.mark.parametrize(
    "text",
    [
        "resource aws_sqs_queue q {\n}\n",  # bare labels are quoted by terraform fmt
        'x {\n  a = "${var.a}"\n}\n',  # interpolation-only values are unwrapped
        'variable "v" {\n  type = "string"\n}\n',  # legacy types
        'resource "a" /* c */ b {\n}\n',  # block comments may hide labels or span lines
        "x {\n  a = <<EOT\n  b\nEOT\n}\n",  # heredocs
        'x {\n  a = "${\n  var.a}"\n}\n',  # an interpolation spanning lines
        "x {\r\n  a = 1\r\n}\r\n",  # CRLF
        "x {\n  a = 1\n}",  # no final newline
    ],
)
def test_stands_aside_where_a_line_is_not_enough(text):
    assert format_by_lines(text) is None
    assert token_route(text)  # and the token route still formats it


def test_interpolation_that_is_not_the_whole_value_stays_on_the_line_route():
    text = 'x {\n  a = "${var.a}-suffix"\n  bb = "${var.b}" # note\n}\n'
    assert format_by_lines(text) is None  # the second line is unwrapped by terraform fmt
    text = 'x {\n  a = "${var.a}-suffix"\n  bb = ["${var.b}"]\n}\n'
    assert format_by_lines(text) == token_route(text) == 'x {\n  a  = "${var.a}-suffix"\n  bb = ["${var.b}"]\n}\n'


def test_repeated_lines_are_summarised_once():
    block = 'resource "aws_sqs_queue" "q" {\n  name = "n"\n  delay_seconds = 0\n}\n\n'
    format_by_lines(block * 50)
    assert len(hcl_lines._CACHE) == 5  # four distinct lines and the blank one


def _snapshot_keys() -> set[str]:
    return {line.lstrip(" \t") for path in SNAPSHOTS.rglob("*.tf") for line in path.read_text().split("\n")}


def test_the_sliced_summary_equals_the_lexed_one_on_every_snapshot_line():
    keys = _snapshot_keys()
    sliced = {key: hcl_lines._fast_summary(key) for key in keys}
    recognised = [key for key, row in sliced.items() if row is not None]
    for key in recognised:
        assert sliced[key] == hcl_lines._summarise(key), key
    assert len(recognised) > 0.9 * len(keys)  # the shapes cover what the templates write


_PARTS = [
    "a", "aws_iam_role.fn.arn", "b[0].c", "x-y", "variable", "for", "true", "null", "-1", "2.5", "1e3",
    '"s"', '"a b/c:*"', '"${a.b}"', '"${a.b}:*"', '"x${a[0]}y"', '"${ a }"', '"%{if a}x%{endif}"',
    '"$${a}"', '"a\\"b"', '"é"', '"#x"', '"//"', "f(a)", 'f("x", b.c)', "f( a )", "[a, b]", "[a,b]",
    '["${a.b}"]', "[]", "{", "[", "(", "}", "]", "f({", "{ a = 1 }", "# c", "// c", "/* c */", "a.*.b",
    "a ? b : c", "a + b", "!a",
]
_SEPS = ["", " ", "  ", " = ", "   = ", "=", ", ", ",", "\t", " {"]


@pytest.mark.parametrize("seed", range(20))
def test_the_sliced_summary_equals_the_lexed_one_on_random_lines(seed):
    rng = random.Random(seed)
    recognised = 0
    for _ in range(500):
        key = rng.choice(_PARTS)
        for _ in range(rng.randint(0, 2)):
            key += rng.choice(_SEPS) + rng.choice(_PARTS)
        if rng.random() < 0.5:  # mostly attribute-shaped: name, alignment, `=`, a value
            key = rng.choice(["a", '"k"', "x-y", "for"]) + " " * rng.randint(0, 3) + "= " + key
        row = hcl_lines._fast_summary(key)
        if row is not None:
            recognised += 1
            assert row == hcl_lines._summarise(key), key
    assert recognised > 30


@pytest.mark.parametrize(
    "key",
    ['a = "${b.c}"', 'variable "v" {', "a =  b", "a = b ", 'a = "é"', "a = f( b )", "a = b # c",
     'a = "\\n"', "resource aws_x y {", 'a = "%{if b}c%{endif}"', "a = [b,c]"],
)
def test_the_sliced_summary_leaves_other_shapes_to_the_lexer(key):
    assert hcl_lines._fast_summary(key) is None
