"""generator.emit.hcl: quoting of Python values and the terraform-fmt-compatible formatter.

Tests that need the real `terraform` binary are skipped when it is not on PATH, unless CI=true
(then they fail, so CI cannot silently lose the comparison with terraform fmt).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import re
import subprocess
from decimal import Decimal

import pytest
from requires import skip_or_fail
from tfharness import find_terraform

from generator.emit.hcl import Raw, format_hcl, hcl

# --------------------------------------------------------------------------------------------------
# terraform helpers
# --------------------------------------------------------------------------------------------------


def _terraform() -> str:
    exe = find_terraform()
    if exe is None:
        skip_or_fail("terraform is not on PATH (or $SLS_GEN_TERRAFORM)")
    return exe


def _tf_env() -> dict[str, str]:
    return {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}


def terraform_fmt(text: str) -> str:
    proc = subprocess.run(
        [_terraform(), "fmt", "-no-color", "-"],
        input=text.encode(),
        capture_output=True,
        env=_tf_env(),
        timeout=60,
    )
    assert proc.returncode == 0, f"terraform fmt rejected the input:\n{text}\n{proc.stderr.decode()}"
    return proc.stdout.decode()


def tidy_reference(text: str) -> str:
    """What format_hcl's tidy pass should turn terraform's output into (no heredocs in the input)."""
    lines = [line.rstrip(" \t") for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def assert_matches_terraform(messy: str) -> None:
    want = terraform_fmt(messy)
    assert format_hcl(messy, tidy=False) == want
    tidied = format_hcl(messy)
    assert tidied == tidy_reference(want)
    assert terraform_fmt(tidied) == tidied  # tidy output is a fixed point of terraform fmt


# --------------------------------------------------------------------------------------------------
# hcl(): scalars and escaping
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("orders", '"orders"'),
        ("", '""'),
        ('say "hi"', r'"say \"hi\""'),
        ("back\\slash", r'"back\\slash"'),
        ("line1\nline2\r\n\tend", r'"line1\nline2\r\n\tend"'),
        ("bell\x07 nul\x00 del\x7f", r'"bell\u0007 nul\u0000 del\u007f"'),
        ("nbsp\u00a0zwsp\u200b", r'"nbsp\u00a0zwsp\u200b"'),
        ("é 日本 👍", '"é 日本 👍"'),
        ("${var.secret}", '"$${var.secret}"'),
        ("%{ if true }x%{ endif }", '"%%{ if true }x%%{ endif }"'),
        ("$${already}", '"$$${already}"'),
        ("cost: $5, 100%", '"cost: $5, 100%"'),
        ("$context.requestId", '"$context.requestId"'),
        ("a${", '"a$${"'),
        ("}{ = #", '"}{ = #"'),
        (True, "true"),
        (False, "false"),
        (None, "null"),
        (0, "0"),
        (-12, "-12"),
        (10**20, "100000000000000000000"),
        (0.5, "0.5"),
        (-2.25, "-2.25"),
        (3.0, "3.0"),
        (1e-7, "0.0000001"),
        (1e21, "1000000000000000000000"),
        (Decimal("1.50"), "1.5"),
        (Raw("aws_sqs_queue.orders.arn"), "aws_sqs_queue.orders.arn"),
        (Raw('"${aws_s3_bucket.x.arn}/*"'), '"${aws_s3_bucket.x.arn}/*"'),
    ],
)
def test_scalars(value, expected):
    assert hcl(value) == expected


def test_bool_is_not_rendered_as_int():
    assert hcl([True, 1]) == "[true, 1]"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_floats_are_rejected(value):
    with pytest.raises(ValueError):
        hcl(value)


def test_unsupported_types_are_rejected():
    with pytest.raises(TypeError):
        hcl(object())
    with pytest.raises(TypeError):
        hcl({1: "a"})


def test_raw_is_a_str_and_reprs_as_raw():
    assert isinstance(Raw("x"), str)
    assert repr(Raw("x")) == "Raw('x')"


# --------------------------------------------------------------------------------------------------
# hcl(): collections
# --------------------------------------------------------------------------------------------------


def test_empty_collections():
    assert hcl([]) == "[]"
    assert hcl(()) == "[]"
    assert hcl({}) == "{}"


def test_short_scalar_list_is_inline():
    assert hcl(["a", "b"]) == '["a", "b"]'
    assert hcl([1, None, Raw("var.x")]) == "[1, null, var.x]"


def test_long_list_is_one_item_per_line_with_trailing_commas():
    items = [f"arn:aws:sqs:eu-west-1:123456789012:queue-{i}" for i in range(3)]
    assert hcl(items) == "[\n" + "".join(f'  "{i}",\n' for i in items) + "]"


def test_list_of_80_chars_stays_inline_81_does_not():
    eighty = ["x" * 74]  # ["" + 74 + ""] = 78 chars
    assert len(hcl(eighty)) == 78
    assert "\n" not in hcl(["x" * 76])  # exactly 80
    assert "\n" in hcl(["x" * 77])  # 81


def test_list_with_non_scalars_is_multiline():
    assert hcl([{"a": 1}, ["b"]]) == '[\n  {\n    a = 1\n  },\n  ["b"],\n]'


def test_sets_are_sorted():
    assert hcl({"b", "a", "c"}) == '["a", "b", "c"]'


def test_dict_keys_in_insertion_order_and_aligned():
    value = {"zeta": 1, "a": "x", "middle_key": True}
    assert hcl(value) == '{\n  zeta       = 1\n  a          = "x"\n  middle_key = true\n}'


def test_dict_key_quoting():
    value = {
        "plain": 1,
        "with-dash": 2,
        "has space": 3,
        "9lives": 4,
        "aws:SourceArn": 5,
        "for": 6,
        "null": 7,
        "${inject}": 8,
        Raw("(var.key)"): 9,
    }
    assert hcl(value) == (
        "{\n"
        "  plain           = 1\n"
        "  with-dash       = 2\n"
        '  "has space"     = 3\n'
        '  "9lives"        = 4\n'
        '  "aws:SourceArn" = 5\n'
        '  "for"           = 6\n'
        '  "null"          = 7\n'
        '  "$${inject}"    = 8\n'
        "  (var.key)       = 9\n"
        "}"
    )


def test_nested_structure_alignment_breaks_at_nested_objects():
    value = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["sqs:SendMessage"],
                "Resource": Raw("aws_sqs_queue.orders.arn"),
            }
        ],
        "tags": {"Name": "orders", "Stage": "prod"},
        "n": 1,
        "longer_key": 2,
    }
    assert hcl(value) == (
        "{\n"
        '  Version = "2012-10-17"\n'
        "  Statement = [\n"
        "    {\n"
        '      Effect   = "Allow"\n'
        '      Action   = ["sqs:SendMessage"]\n'
        "      Resource = aws_sqs_queue.orders.arn\n"
        "    },\n"
        "  ]\n"
        "  tags = {\n"
        '    Name  = "orders"\n'
        '    Stage = "prod"\n'
        "  }\n"
        "  n          = 1\n"
        "  longer_key = 2\n"
        "}"
    )


def test_indent_shifts_continuation_lines_only():
    assert hcl({"a": 1, "bb": [{"c": 2}]}, indent=4) == (
        "{\n      a = 1\n      bb = [\n        {\n          c = 2\n        },\n      ]\n    }"
    )


def test_hcl_output_pasted_into_a_block_is_already_formatted():
    text = 'resource "aws_sqs_queue" "q" {\n  tags = ' + hcl({"b": "2", "aaa": "1"}, indent=2) + "\n}\n"
    assert format_hcl(text) == text


# --------------------------------------------------------------------------------------------------
# format_hcl(): behaviour pinned without terraform
# --------------------------------------------------------------------------------------------------


def test_reindents_and_aligns():
    messy = 'resource "a" "b" {\nname="x"\n      longer_name   =   1\n    tags = {\n  k = "v"\n}\n}\n'
    assert format_hcl(messy) == (
        'resource "a" "b" {\n  name        = "x"\n  longer_name = 1\n  tags = {\n    k = "v"\n  }\n}\n'
    )


def test_brackets_and_equals_inside_strings_and_comments_are_ignored():
    messy = 'x {\na = "{ [ ( = }" # { not an opener\nbb = "v${var.a == "x" ? "}" : "{"}"\n// [\n}\n'
    assert format_hcl(messy) == (
        'x {\n  a  = "{ [ ( = }" # { not an opener\n'
        '  bb = "v${var.a == "x" ? "}" : "{"}"\n  // [\n}\n'
    )


def test_comment_line_and_block_header_break_alignment_chain():
    messy = "x {\na = 1\nbbbb = 2\n# note\nc = 3\nnested {\nd = 4\n}\neeeee = 5\n}\n"
    assert format_hcl(messy) == (
        "x {\n  a    = 1\n  bbbb = 2\n  # note\n  c = 3\n  nested {\n    d = 4\n  }\n  eeeee = 5\n}\n"
    )


def test_trailing_comments_are_aligned():
    assert format_hcl("a = 1 # one\nbbb = 22 # two\n") == "a   = 1  # one\nbbb = 22 # two\n"


def test_operators_that_contain_equals_are_not_assignments():
    messy = "x {\nok = var.a == 1\nlonger = var.b >= 2 && var.c <= 3 && var.d != 4\n}\n"
    assert format_hcl(messy) == (
        "x {\n  ok     = var.a == 1\n  longer = var.b >= 2 && var.c <= 3 && var.d != 4\n}\n"
    )


def test_tidy_blank_lines_and_trailing_newline():
    messy = "\n\n\na = 1\n\n\n\nb = 2   \n\n\n"
    assert format_hcl(messy) == "a = 1\n\nb = 2\n"
    assert format_hcl(messy, tidy=False) == "\n\n\na = 1\n\n\n\nb = 2\n\n\n"
    assert format_hcl("a = 1") == "a = 1\n"
    assert format_hcl("") == "\n"


def test_blank_lines_after_open_and_before_close_brace_are_kept():
    # terraform fmt keeps them, so we do too (a single one, after collapsing runs)
    assert format_hcl("x {\n\n\n  a = 1\n\n\n}\n") == "x {\n\n  a = 1\n\n}\n"


def test_heredoc_content_is_untouched():
    messy = "x {\nbody = <<-EOT\n   keep   this   \n\n\n  {   and this\nEOT\nother=1\n}\n"
    out = format_hcl(messy)
    assert "   keep   this   \n\n\n  {   and this\nEOT\n" in out
    assert out.endswith("  other = 1\n}\n")


def test_terraform_rewrites_labels_interpolation_only_and_legacy_types():
    messy = 'resource aws_sqs_queue q {\n  name = "${var.name}"\n}\nvariable "v" {\n  type = "string"\n}\n'
    assert format_hcl(messy) == (
        'resource "aws_sqs_queue" "q" {\n  name = var.name\n}\nvariable "v" {\n  type = string\n}\n'
    )


def test_idempotent():
    messy = 'x {\na=[1,2]\nb = { c = 1 }\n}\n'
    once = format_hcl(messy)
    assert format_hcl(once) == once


# --------------------------------------------------------------------------------------------------
# format_hcl() == terraform fmt on hand-written messy snippets
# --------------------------------------------------------------------------------------------------

MESSY_SNIPPETS = {
    "nested_blocks": """
resource aws_lambda_function "fn" {
function_name="orders"
    timeout    =  30
  environment {
          variables = {
  TABLE="orders"
      "QUEUE_URL"    =   aws_sqs_queue.orders.url
    }
  }
    vpc_config {
  subnet_ids = ["a","b"]
  security_group_ids=[]
  }
}
""",
    "objects_and_lists_of_objects": """
locals {
routes = [
{
key = "GET /orders"
  handler = "list"
},{
    key="POST /orders"
  handler = "create"
    authorizer = null
}
]
 empty = {}
    nested = { a = { b = { c = 1 } } }
}
""",
    "jsonencode_nested_maps": """
resource "aws_iam_role_policy" "p" {
  policy = jsonencode({
  Version = "2012-10-17"
        Statement = [{
    Effect = "Allow"
   Action = ["dynamodb:GetItem","dynamodb:PutItem"]
  Resource = [aws_dynamodb_table.t.arn, "${aws_dynamodb_table.t.arn}/index/*"]
    Condition = {
  StringEquals = {
    "aws:SourceAccount" = data.aws_caller_identity.current.account_id
          }
    }
  }]
})
}
""",
    "comments": """
# file header
/* block
   comment { */
resource "x" "y" { # trailing on header
a = 1 # one
  bbbb = 2 // two
   # standalone
ccc = 3 /* inline */
}
""",
    "strings_with_braces_and_equals": """
x {
a = "{ [ ( a=b ) ] }"
bb = "}}}"
c = "x = y"
dd = "%%{literal} $${literal}"
}
""",
    "interpolations_with_quotes": """
x {
  a = "${var.a == "x" ? 1 : 2}"
  bb = "prefix-${var.a == "x" ? "y" : "z"}-suffix"
  c = "${ var.b }"
  d = "${lookup(var.m, "k", "{")}"
  e = "%{ if var.on }on%{ else }off%{ endif }"
}
""",
    "for_expressions": """
locals {
  m = {for k,v in var.m: k=>v if v!=null}
  grouped = {for k, v in var.m : v => k...}
  l = [for s in var.list: upper(s)]
  multi = [
    for s in var.list :
      lower(s)
  if s != ""
  ]
}
""",
    "blank_lines": """


x {


  a = 1



  b = 2

}



y {}
""",
    "operators_and_calls": """
x {
  a = -1
  b = var.x - 1
  c = !var.enabled
  d = merge( var.a , { e = 1 } )
  f = var.list[ 0 ]
  g = aws_instance.x[*].id
  h = (var.a+var.b)*2
  i = try(var.x, null)
  j = var.a>=1&&var.b<=2||var.c!=3
}
""",
    "multiline_call_args": """
x {
  a = format(
  "%s-%s",
  var.a,
       var.b,
  )
  b = 1
  c = concat(["x"], [
  "y",
  ])
}
""",
}


@pytest.mark.parametrize("name", sorted(MESSY_SNIPPETS))
def test_format_matches_terraform_fmt(name):
    assert_matches_terraform(MESSY_SNIPPETS[name].lstrip("\n"))


def test_heredoc_matches_terraform_fmt():
    messy = 'x {\n  a = <<-EOT\n    hello ${ var.name }\n      two\n    EOT\nbbb=2\n}\n'
    assert format_hcl(messy, tidy=False) == terraform_fmt(messy)


# --------------------------------------------------------------------------------------------------
# Property-style: random structures, random whitespace
# --------------------------------------------------------------------------------------------------

_KEYS = ["a", "bb", "name", "with-dash", "snake_case_key", "K9"]
_EXPRS = [
    "1",
    "-2",
    "true",
    "null",
    '"text"',
    '"{ = }"',
    "var.x",
    "local.m[\"k\"]",
    '"${var.a == "x" ? 1 : 2}"',
    '"pre-${var.a}-post"',
    "var.a - 1",
    "!var.b",
    "[for s in var.l : upper(s)]",
    "{ for k, v in var.m : k => v }",
    "merge(var.a, var.b)",
]


def _random_expr(rng: random.Random, depth: int) -> str:
    roll = rng.random()
    if depth > 2 or roll < 0.5:
        return rng.choice(_EXPRS)
    if roll < 0.7:
        items = [_random_expr(rng, depth + 1) for _ in range(rng.randint(0, 3))]
        if items and rng.random() < 0.5:
            return "[\n" + "".join(f"{item},\n" for item in items) + "]"
        return "[" + ", ".join(i for i in items if "\n" not in i) + "]"
    if roll < 0.9:
        keys = rng.sample(_KEYS, rng.randint(0, 4))
        if not keys:
            return "{}"
        return "{\n" + "".join(f"{k} = {_random_expr(rng, depth + 1)}\n" for k in keys) + "}"
    return "jsonencode(" + _random_expr(rng, depth + 1) + ")"


def _random_body(rng: random.Random, depth: int) -> str:
    out = []
    keys = iter(rng.sample(_KEYS, len(_KEYS)))
    for _ in range(rng.randint(1, 5)):
        roll = rng.random()
        if roll < 0.6:
            key = next(keys, None)
            if key is not None:
                comment = " # note" if rng.random() < 0.2 else ""
                out.append(f"{key} = {_random_expr(rng, 0)}{comment}\n")
        elif roll < 0.8 and depth < 2:
            out.append(f'block "label" {{\n{_random_body(rng, depth + 1)}}}\n')
        elif roll < 0.9:
            out.append("\n")
        else:
            out.append("# comment\n")
    return "".join(out)


def _messify(rng: random.Random, text: str) -> str:
    """Random indentation, extra spaces after `=`/`,`/`:` and around operators, trailing spaces."""
    lines = []
    for line in text.split("\n"):
        line = " " * rng.choice([0, 0, 1, 3, 6]) + line
        line = re.sub(r" = ", lambda _: " " * rng.randint(1, 3) + "=" + " " * rng.randint(0, 3), line)
        line = re.sub(r", ", lambda _: "," + " " * rng.randint(0, 2), line)
        if rng.random() < 0.2:
            line += " " * rng.randint(1, 3)
        lines.append(line)
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(25))
def test_random_messy_hcl_matches_terraform_fmt(seed):
    rng = random.Random(seed)
    text = 'resource "r" "x" {\n' + _random_body(rng, 0) + "}\n"
    assert_matches_terraform(_messify(rng, text))


_STRINGS = ["", "plain", "with space", 'q"uote', "back\\slash", "nl\nnl", "${inject}", "%{ if x }", "é日本", "{=}"]


def _random_value(rng: random.Random, depth: int = 0):
    roll = rng.randint(0, 9 if depth < 3 else 4)
    if roll == 0:
        return rng.choice([None, True, False])
    if roll == 1:
        return rng.choice([0, -7, 42, 10**18, 0.5, -1.25, 1e-6])
    if roll in (2, 3):
        return rng.choice(_STRINGS)
    if roll == 4:
        return Raw(rng.choice(["var.x", "aws_sqs_queue.q.arn", '"${aws_s3_bucket.b.arn}/*"', "merge(var.a, var.b)"]))
    if roll in (5, 6):
        keys = ["a", "bb", "long_key_name", "with-dash", "needs quoting", "aws:SourceArn", "é", "for", "x" * 25]
        return {k: _random_value(rng, depth + 1) for k in rng.sample(keys, rng.randint(0, 5))}
    if roll == 7:
        return [rng.choice(_STRINGS) + "-" * rng.randint(0, 30) for _ in range(rng.randint(0, 6))]
    return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]


def test_random_values_are_rendered_exactly_as_terraform_fmt_formats_them():
    rng = random.Random(1234)
    blocks = []
    for i in range(60):
        value = _random_value(rng)
        blocks.append(f'resource "t" "r{i}" {{\n  x = {hcl(value, 2)}\n}}\n')
    text = "\n".join(blocks)
    assert terraform_fmt(text) == text
    assert format_hcl(text) == text


# --------------------------------------------------------------------------------------------------
# Escaping is semantically right: terraform evaluates hcl(s) back to exactly s
# --------------------------------------------------------------------------------------------------

NASTY_STRINGS = [
    "${var.secret}",
    "%{ if true }x%{ endif }",
    "$${",
    "$$${x}",
    "%%{",
    "a$",
    "100%",
    "\\${x}",
    '"${x}"',
    "\n\r\t\x01\x7f\u00a0\u200b\u2028",
    "é日本👍🏽",
    "}{",
    "",
    "${",
    "~}",
    "\\",
    "\U0010ffff",
]


def test_terraform_evaluates_quoted_strings_back_to_the_original(tmp_path):
    exe = _terraform()
    expr = 'join(",", [' + ", ".join(f"sha256({hcl(s)})" for s in NASTY_STRINGS) + "])"
    proc = subprocess.run(
        [exe, "console"], input=expr.encode(), capture_output=True, cwd=tmp_path, env=_tf_env(), timeout=60
    )
    assert proc.returncode == 0, proc.stderr.decode()
    got = json.loads(proc.stdout.decode().strip()).split(",")
    assert got == [hashlib.sha256(s.encode()).hexdigest() for s in NASTY_STRINGS]


def test_cached_lists_keep_item_types_apart():
    """hcl() caches lists of scalars; equal-comparing items of other types must not share an entry."""
    assert hcl(["a", "b"]) == '["a", "b"]'
    assert hcl([Raw("a"), "b"]) == '[a, "b"]'
    assert hcl([1, 2]) == "[1, 2]"
    assert hcl([True, 2]) == "[true, 2]"
    assert hcl((1, 2)) == "[1, 2]"
    long = [f"dynamodb:Action{i}" for i in range(8)]
    assert hcl(long, 8) != hcl(long, 0)
    assert hcl(long, 8) == hcl(list(long), 8)


def test_escape_fast_path_agrees_with_the_escaping_rules():
    for text in ["plain", "a{b", "${x}", "%{x}", 'q"', "back\\slash", "tab\t", "é ü", "\u200b", "$", "%", "{}"]:
        assert hcl(text) == '"' + "".join(
            {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\"}.get(c, c) for c in text
        ).replace("${", "$${").replace("%{", "%%{").replace("\u200b", "\\u200b") + '"'
