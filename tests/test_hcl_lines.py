"""format_hcl's line-at-a-time route gives exactly what `terraform fmt` gives, or stands aside.

Every random and fixed input is compared with terraform fmt itself (tidied as format_hcl tidies):
the line route's answer when it engages, the token route's when it stands aside. The inputs are
formatted by one `terraform fmt` run over a folder of files (one process, not one per input).
"""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import pytest
import test_hcl
from test_hcl import MESSY_SNIPPETS, _messify, _random_body, _terraform, _tf_env, tidy_reference

from generator.emit import hcl_lines
from generator.emit.hcl import _format, format_hcl
from generator.emit.hcl_lines import format_by_lines

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
SEEDS = range(300)
SNAPSHOT_FILES = sorted(SNAPSHOTS.rglob("*.tf"))
# The two rewrites terraform fmt makes beyond spacing that the line route leaves to the token route.
REWRITES = ("for ", '"${')
terraform_fmt = pytest.mark.terraform
pytestmark = pytest.mark.xdist_group("hcl-lines")  # one worker: one terraform fmt run for the module


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


def messy_hcl(seed: int, rewrites: bool = True) -> str:
    """test_hcl's random resource, messed up; without for-expressions and "${...}" values if not `rewrites`."""
    with pytest.MonkeyPatch.context() as mp:
        if not rewrites:
            mp.setattr(test_hcl, "_EXPRS", [e for e in test_hcl._EXPRS if "for " not in e and not e.startswith('"${')])
        rng = random.Random(seed)
        return _messify(rng, 'resource "r" "x" {\n' + _random_body(rng, 0) + "}\n")


def inputs() -> dict[str, str]:
    texts = {f"seed-{seed}": messy_hcl(seed) for seed in SEEDS}
    texts |= {f"plain-{seed}": messy_hcl(seed, rewrites=False) for seed in SEEDS}
    texts |= {f"snippet-{name}": MESSY_SNIPPETS[name].lstrip("\n") for name in MESSY_SNIPPETS}
    texts |= {f"snapshot-{i}": unformat(path.read_text()) for i, path in enumerate(SNAPSHOT_FILES)}
    return texts


@pytest.fixture(scope="module")
def terraform_says(tmp_path_factory) -> dict[str, str]:
    """name -> what format_hcl must print for inputs()[name]: terraform fmt's output, tidied."""
    folder = tmp_path_factory.mktemp("fmt")
    texts = inputs()
    for name, text in texts.items():
        (folder / f"{name}.tf").write_bytes(text.encode())
    proc = subprocess.run([_terraform(), "fmt", "-list=false", "-no-color", str(folder)],
                          capture_output=True, env=_tf_env(), timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    return {name: tidy_reference((folder / f"{name}.tf").read_bytes().decode()) for name in texts}


def check_against_terraform(text: str, want: str) -> str:
    """format_hcl and whichever route answers give terraform fmt's output; returns the route taken."""
    assert format_hcl(text) == want
    fast = format_by_lines(text)
    if fast is None:
        assert token_route(text) == want
        return "token"
    assert fast == want
    return "line"


def test_generated_terraform_takes_the_line_route_and_is_a_fixed_point():
    """Snapshots pass terraform fmt -check (test_terraform.py): formatting them changes nothing."""
    assert SNAPSHOT_FILES, "no snapshot .tf files found"
    for path in SNAPSHOT_FILES:
        text = path.read_text()
        route = check_against_terraform(text, text)
        # Only variables.tf (legacy type rewrites) may need the token route.
        assert route == "line" or path.name == "variables.tf", path


@terraform_fmt
def test_unformatted_generated_terraform_matches_terraform_fmt(terraform_says):
    for i, path in enumerate(SNAPSHOT_FILES):
        route = check_against_terraform(unformat(path.read_text()), terraform_says[f"snapshot-{i}"])
        assert route == "line" or path.name == "variables.tf", path


@terraform_fmt
@pytest.mark.parametrize("seed", SEEDS)
def test_random_messy_hcl_matches_terraform_fmt(seed, terraform_says):
    messy = messy_hcl(seed)
    route = check_against_terraform(messy, terraform_says[f"seed-{seed}"])
    # The line route stands aside only for the rewrites it leaves to the token route.
    assert route == "line" or any(r in messy for r in REWRITES), messy


@terraform_fmt
def test_random_messy_hcl_without_rewrites_takes_the_line_route_and_matches_terraform_fmt(terraform_says):
    """The same corpus without for-expressions and "${...}" values: the line route answers every time."""
    for seed in SEEDS:
        assert check_against_terraform(messy_hcl(seed, rewrites=False), terraform_says[f"plain-{seed}"]) == "line", seed


@terraform_fmt
@pytest.mark.parametrize("name", sorted(MESSY_SNIPPETS))
def test_fixed_snippets_match_terraform_fmt(name, terraform_says):
    check_against_terraform(MESSY_SNIPPETS[name].lstrip("\n"), terraform_says[f"snippet-{name}"])


def test_both_routes_are_exercised():
    """The corpus is not all one route: about half the seeds need the token route's rewrites."""
    lines = sum(format_by_lines(messy_hcl(seed)) is not None for seed in SEEDS)
    assert 0.25 * len(SEEDS) < lines < 0.75 * len(SEEDS), lines


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
