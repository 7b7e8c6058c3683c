"""The stage README.md and the `graph` / `explain` commands: every bundled example, hostile text,
differences from the base blueprint, linear size, and the writer's rules for a generated file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from diagrams import mermaid_blocks, parse_dot, parse_mermaid
from rendering import BLUEPRINTS, bundled_blueprints, render_copy, render_text

from generator.cli import main
from generator.pipeline import validate

EXAMPLES = [(p, stage) for p in bundled_blueprints() for stage in validate(p)[2]]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("path, stage", EXAMPLES, ids=[f"{p.stem}-{s}" for p, s in EXAMPLES])
def test_graph_works_on_every_bundled_example(path, stage, tmp_path):
    result = run("graph", str(path), "--stage", stage)
    assert result.exit_code == 0, result.output
    parsed = parse_mermaid(result.output)
    assert parsed["nodes"] and parsed["edges"]
    result = run("graph", str(path), "--stage", stage, "--format", "dot", "-o", str(tmp_path / "g.dot"))
    assert result.exit_code == 0, result.output
    assert len(parse_dot((tmp_path / "g.dot").read_text())["nodes"]) == len(parsed["nodes"])


@pytest.mark.parametrize("path, stage", EXAMPLES, ids=[f"{p.stem}-{s}" for p, s in EXAMPLES])
def test_explain_works_on_every_function_of_every_bundled_example(path, stage):
    _doc, _base, stages, _ = validate(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    for name, fn in stages[stage].functions.items():
        result = run("explain", str(path), name, "--stage", stage)
        assert result.exit_code == 0, result.output
        out = result.output
        for heading in ("Events", "Can touch", "Alarms", "Environment"):
            assert f"\n{heading}\n" in out
        # every `uses` line is cited with the blueprint line that holds it
        for i, entry in enumerate(fn.uses):
            m = re.search(rf"\[functions\.{re.escape(name)}\.uses\[{i}\] \((.+?):(\d+)\)\]", out)
            assert m, f"{name}.uses[{i}] not located:\n{out}"
            assert Path(m.group(1)) == path
            kind = next(k for k in ("table", "queue", "topic", "bus", "bucket", "secret", "parameter", "function")
                        if hasattr(entry, k))
            assert getattr(entry, kind) in lines[int(m.group(2)) - 1], (name, i, lines[int(m.group(2)) - 1])


def test_explain_ties_each_grant_to_the_statement_it_lands_in():
    out = run("explain", str(BLUEPRINTS / "commerce" / "commerce.yaml"), "fulfil-order").output
    assert "table orders: read_write  [functions.fulfil-order.uses[0]" in out
    assert "-> statement TableOrdersReadWrite" in out
    assert "queue: queue fulfilment  [functions.fulfil-order.events[0]" in out
    assert "sqs:ReceiveMessage" in out and "after 5 receives it goes to commerce-dev-fulfilment-dlq" in out
    assert "commerce-dev-fulfil-order-errors" in out and "they notify SNS topic commerce-dev-alarms" in out
    assert "CARRIERS_PARAM_NAME = aws_ssm_parameter.carriers.name  [functions.fulfil-order.uses[2]" in out


def test_unknown_function_or_stage_is_a_usage_error():
    path = str(BLUEPRINTS / "orders" / "orders.yaml")
    result = run("explain", path, "nope")
    assert result.exit_code == 2 and "no function 'nope'" in result.output
    result = run("graph", path, "--stage", "nope")
    assert result.exit_code == 2 and "unknown stage 'nope'" in result.output


def test_svg_without_graphviz_says_so_and_exits_69(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no `dot`
    result = CliRunner().invoke(main, ["graph", str(BLUEPRINTS / "orders" / "orders.yaml"), "--format", "svg"])
    assert result.exit_code == 69
    assert "Graphviz" in result.stderr and "--format dot or mermaid need nothing" in result.stderr
    assert result.stdout == ""


HOSTILE = r'''
service: hostile
description: "# Title | `tick` ]x[ \"q\" <script>alert(1)</script>\n- item $x$ *em* [a](b)"
functions:
  a-fn:
    description: "d | `b` ] \"q\"\n<b>h</b>\u001b[31m"
    environment: {WEIRD: "a|b`c\nd"}
    events:
      - http: GET /items/{id}
      - schedule: rate(1 hour)
        input: {"k": "v|`]\"<x>\n#"}
    uses: [{table: t}]
    iam:
      - {actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b|x`y/*"]}
tables:
  t: {partition_key: pk}
buses:
  b: {}
queues:
  q:
    subscribe:
      - eventbridge: {bus: b, pattern: {"source": ["a|b`c]\"<d>\n"]}}
'''


def test_hostile_text_is_escaped_in_every_table_and_the_diagram(tmp_path):
    result, out, _ = render_text(HOSTILE, tmp_path)
    assert result.exit_code == 0, result.output
    readme = (out / "dev" / "README.md").read_text(encoding="utf-8")
    assert "<script" not in readme and "<b>" not in readme and "\x1b" not in readme
    assert "&lt;script&gt;" in readme
    description = readme.split("\n")[5]
    assert description.startswith("\\# Title \\| \\`tick\\` \\]x\\[") and "<br>- item \\$x\\$ \\*em\\* \\[a\\](b)" in description
    in_table = False
    for line in readme.split("\n"):
        if line.startswith("| "):
            cells = re.split(r"(?<!\\)\|", line)[1:-1]  # an escaped pipe does not end a cell
            width = width if in_table else len(cells)
            assert len(cells) == width, line
            in_table = True
        else:
            in_table = False
    (block,) = mermaid_blocks(readme)
    labels = [label for _, label in parse_mermaid(block)["nodes"].values()]
    assert any('"source":["a|b`c]\\"<d>\\n"]' in label for label in labels)
    explained = run("explain", str(tmp_path / "run" / "src" / "blueprint.yaml"), "a-fn").output
    assert "\x1b" not in explained and "\\x1b[31m" in explained
    assert "WEIRD = a|b`c\\nd" in explained


def test_differences_from_the_base_blueprint():
    prod = (Path(__file__).parent / "snapshots" / "stages_overrides" / "prod" / "README.md").read_text()
    dev = (Path(__file__).parent / "snapshots" / "stages_overrides" / "dev" / "README.md").read_text()
    assert "| region | eu-west-1 | eu-central-1 |" in prod
    assert "| function charge: memory | 256 MB | 1024 MB |" in prod
    assert "None: this stage is the blueprint as written." in dev


def test_a_stage_whose_base_needs_its_overrides_says_so(tmp_path):
    text = (
        "service: only\nstages:\n  prod:\n    add:\n      queues: {jobs: {}}\n"
        "functions:\n  worker:\n    events: [{queue: jobs}]\n"
    )
    result, out, _ = render_text(text, tmp_path)
    assert result.exit_code == 0, result.output  # the checks run per stage: the base alone is never a stage
    readme = (out / "prod" / "README.md").read_text()
    assert readme.endswith("## Differences from the base blueprint\n\n"
                           "The blueprint without this stage's overrides does not plan on its own (it needs them).\n")


def routes(n: int) -> str:
    lines = ["service: big", "tables:", "  shared: {partition_key: pk}", "functions:"]
    for i in range(n):
        lines += [f"  fn{i:03d}:", f"    events: [{{http: GET /items/{i}}}]", "    uses: [{table: shared}]"]
    return "\n".join(lines) + "\n"


def test_readme_grows_linearly_and_its_diagram_not_at_all(tmp_path):
    sizes, diagrams = {}, {}
    for n in (40, 160):
        result, out, _ = render_text(routes(n), tmp_path / str(n))
        assert result.exit_code == 0, result.output
        readme = (out / "dev" / "README.md").read_text(encoding="utf-8")
        sizes[n] = len(readme)
        (block,) = mermaid_blocks(readme)
        diagrams[n] = len(parse_mermaid(block)["nodes"])
    assert diagrams[40] == diagrams[160] == 3
    assert 3.0 < sizes[160] / sizes[40] < 4.5, sizes


def test_the_readme_is_a_generated_file_like_any_other(tmp_path):
    result, out, src = render_copy(BLUEPRINTS / "orders", "orders.yaml", tmp_path)
    assert result.exit_code == 0, result.output
    manifest = (out / ".sls-gen-manifest.json").read_text()
    assert '"dev/README.md": {\n      "kind": "doc"' in manifest
    (out / "dev" / "README.md").write_text("my notes\n")
    again = run("render", str(src / "orders.yaml"), "-o", str(out))
    assert again.exit_code == 3 and "SLS602" in again.output and "dev/README.md" in again.output
