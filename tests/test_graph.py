"""The service diagram (generator/graph.py): every stage's Mermaid and DOT parse, labels survive any
text, repeated shapes are grouped, and Graphviz / mermaid-cli draw them where installed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from diagrams import decode_dot, decode_mermaid, mermaid_blocks, parse_dot, parse_mermaid
from hypothesis import given, settings
from hypothesis import strategies as st
from rendering import ROOT, SNAPSHOTS, all_sources
from requires import optional_tool

from generator.graph import condense, dot, dot_text, image, mermaid, mermaid_text
from generator.pipeline import validate
from generator.plan.build import build_plan
from generator.plan.views import Edge, Graph, Node, service_graph

DOCS_IMAGE = ROOT / "docs" / "images" / "commerce-dev.png"


def stage_plans():
    """(label, plan) of every stage of every snapshot case and bundled blueprint."""
    out = []
    for label, folder, name in all_sources():
        _doc, _base, stages, _ = validate(folder / name)
        out += [(f"{label}/{s}", build_plan(bp, s, name)) for s, bp in stages.items()]
    return out


PLANS = stage_plans()


def test_every_snapshot_readme_has_one_diagram_in_the_emitted_subset():
    readmes = sorted(SNAPSHOTS.glob("*/*/README.md"))
    assert len(readmes) >= len(PLANS)
    for path in readmes:
        blocks = mermaid_blocks(path.read_text(encoding="utf-8"))
        assert len(blocks) == 1, path
        parse_mermaid(blocks[0])


@pytest.mark.parametrize("label, plan", PLANS, ids=[p[0] for p in PLANS])
def test_every_stage_draws_consistent_mermaid_and_dot(label, plan):
    graph = service_graph(plan)
    drawn = condense(graph)
    m, d = parse_mermaid(mermaid(drawn)), parse_dot(dot(drawn))
    assert len(m["nodes"]) == len(d["nodes"]) == len(drawn.nodes)
    assert len(m["edges"]) == len(d["edges"]) == len(drawn.edges)
    # every function is drawn, with its name as its label
    names = {label.split("\n")[0] for _, label in m["nodes"].values()}
    assert {fn.name for fn in plan.functions} <= names


def test_the_commerce_example_draws_every_kind_it_has():
    plan = dict(PLANS)["blueprint-commerce-commerce/dev"]
    kinds = {n.kind for n in service_graph(plan).nodes}
    assert kinds >= {"route", "function", "table", "queue", "topic", "event bus", "rule", "schedule", "bucket",
                     "secret", "parameter", "failure queue", "dead-letter queue"}
    edges = {(e.src, e.dst, e.label) for e in service_graph(plan).edges}
    assert ("function:create-order", "table:orders", "write") in edges
    assert ("queue:fulfilment", "function:fulfil-order", "poll") in edges
    assert ("topic:order-events", "queue:fulfilment", "deliver") in edges
    assert ("table:orders", "function:project-orders", "stream poll") in edges


# ---------------------------------------------------------------- escaping
@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_round_trips_through_a_mermaid_label(value):
    escaped = mermaid_text(value)
    assert not set(escaped.replace("<br/>", "")) & set('"`|<>[]{}\n\\')
    assert decode_mermaid(escaped) == value
    parse_mermaid(f'flowchart LR\n  subgraph c0["{escaped}"]\n    n0["{escaped}"]\n  end\n  n0 -->|"{escaped}"| n0\n')


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_any_text_round_trips_through_a_dot_label(value):
    assert decode_dot(dot_text(value)) == value
    parse_dot(dot(Graph((Node("a", "k", value, value, value),), (Edge("a", "a", value),)), name=value))


def test_hostile_names_stay_labels():
    evil = 'x"] --> n9["pwned|`]\n<b>#'
    graph = Graph((Node("a", "function", evil, evil, evil, hub=True), Node("b", "table", "G", "t")), (Edge("a", "b", evil),))
    parsed = parse_mermaid(mermaid(graph))
    assert parsed["nodes"]["n0"] == ("c0", f"{evil}\n{evil}")
    assert parsed["clusters"]["c0"] == evil
    assert parsed["edges"] == [("n0", "-->", evil, "n1")]
    assert parse_dot(dot(graph))["edges"] == [("n0", "n1", evil, False)]


# ---------------------------------------------------------------- large services
def routes_blueprint(n: int, shared_table: bool = True) -> str:
    lines = ["service: big", "tables:", "  shared: {partition_key: pk}"]
    lines += [f"  own{i:03d}: {{partition_key: pk}}" for i in range(n)] if not shared_table else []
    lines.append("functions:")
    for i in range(n):
        table = "shared" if shared_table else f"own{i:03d}"
        lines += [f"  fn{i:03d}:", f"    events: [{{http: GET /items/{i}}}]", f"    uses: [{{table: {table}}}]"]
    return "\n".join(lines) + "\n"


def plan_of(tmp_path: Path, text: str, name: str = "blueprint.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _doc, _base, stages, _ = validate(path)
    return build_plan(stages["dev"], "dev", name)


def test_a_hundred_routes_to_a_hundred_functions_on_one_table_are_three_nodes(tmp_path):
    graph = service_graph(plan_of(tmp_path, routes_blueprint(100)))
    assert len([n for n in graph.nodes if n.hub]) == 100
    drawn = condense(graph)
    labels = sorted(n.label for n in drawn.nodes)
    assert labels == ["100 × function", "100 × route", "shared"]
    assert sorted(e.label for e in drawn.edges) == ["invoke", "read"]
    assert "fn000 … fn099" in {n.detail for n in drawn.nodes}


def test_private_resources_are_grouped_with_their_functions(tmp_path):
    drawn = condense(service_graph(plan_of(tmp_path, routes_blueprint(50, shared_table=False))))
    assert sorted(n.label for n in drawn.nodes) == ["50 × function", "50 × route", "50 × table", "shared"]


def test_a_few_same_shaped_functions_are_drawn_one_by_one(tmp_path):
    graph = service_graph(plan_of(tmp_path, routes_blueprint(4)))
    assert condense(graph) == graph


# ---------------------------------------------------------------- outside tools (optional)
def test_graphviz_draws_every_stage_and_a_png(tmp_path):
    optional_tool("dot", covered_by="test_every_stage_draws_consistent_mermaid_and_dot")
    for label, plan in PLANS:
        svg = image(dot(condense(service_graph(plan))), "svg")
        assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg, label
    png = image(dot(condense(service_graph(dict(PLANS)["blueprint-commerce-commerce/dev"]))), "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    (tmp_path / "commerce-dev.png").write_bytes(png)


def test_mermaid_cli_renders_every_snapshot_diagram(tmp_path):
    """mermaid-cli needs a headless browser: SLS_GEN_MMDC names its `mmdc`, SLS_GEN_CHROMIUM the browser."""
    import os
    import shutil

    mmdc = optional_tool("mmdc", "SLS_GEN_MMDC", covered_by="test_every_snapshot_readme_has_one_diagram_in_the_emitted_subset")
    browser = os.environ.get("SLS_GEN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no chromium for mermaid-cli (optional: the subset parser checks the same without it)")
    config = tmp_path / "puppeteer.json"
    config.write_text(json.dumps({"executablePath": browser, "args": ["--no-sandbox", "--headless=new"]}))
    # One Markdown file with every diagram: mmdc renders each block, one browser for all.
    doc = tmp_path / "all.md"
    blocks = [b for p in sorted(SNAPSHOTS.glob("*/*/README.md")) for b in mermaid_blocks(p.read_text(encoding="utf-8"))]
    doc.write_text("".join(f"```mermaid\n{b}```\n\n" for b in blocks), encoding="utf-8")
    proc = subprocess.run([mmdc, "-p", str(config), "-i", str(doc), "-o", str(tmp_path / "out.md")],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(list(tmp_path.glob("out-*.svg"))) == len(blocks)


def test_the_docs_example_image_is_a_png_the_readme_links():
    assert DOCS_IMAGE.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/images/commerce-dev.png" in readme
    assert "tests/snapshots/blueprint-commerce/dev/README.md" in readme
