"""Strict parsers for the subset of Mermaid and DOT that generator/graph.py writes.

They accept exactly the shapes sls-gen emits and fail on anything else, so an escaping mistake (a
quote, pipe or bracket that ends a label early, a stray line) is caught without a browser or a
layout engine. Graphviz and mermaid-cli re-check the same text where they are installed.
"""

from __future__ import annotations

import re

# A quoted label: no raw quote, backtick, pipe, angle bracket or hash, except the entity codes and
# line breaks mermaid_text() writes.
_M_LABEL = r'(?:[^"`|<>#\n\\]|#\d+;|<br/>)*'
_M_SHAPES = {'["': '"]', '("': '")', '[("': '")]', '[["': '"]]', '{{"': '"}}', '(["': '"])', '[/"': '"/]'}
_M_OPEN = "|".join(re.escape(o) for o in sorted(_M_SHAPES, key=len, reverse=True))
_M_NODE = re.compile(rf'^    (n\d+)({_M_OPEN})({_M_LABEL})("\]|"\)|"\)\]|"\]\]|"\}}\}}|"\]\)|"/\])$')
_M_SUBGRAPH = re.compile(rf'^  subgraph (c\d+)\["({_M_LABEL})"\]$')
_M_EDGE = re.compile(rf'^  (n\d+) (-->|-\.->)\|"({_M_LABEL})"\| (n\d+)$')


def decode_mermaid(label: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), label.replace("<br/>", "\n"))


def parse_mermaid(text: str) -> dict:
    """{"nodes": {id: (cluster, label)}, "clusters": {id: title}, "edges": [(src, arrow, label, dst)]}."""
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "flowchart LR", lines[0]
    nodes: dict[str, tuple[str, str]] = {}
    clusters: dict[str, str] = {}
    edges = []
    current = None
    for no, line in enumerate(lines[1:], 2):
        if line == '  empty["nothing planned"]':
            continue
        if m := _M_SUBGRAPH.match(line):
            assert current is None, f"line {no}: nested subgraph"
            assert m.group(1) not in clusters, f"line {no}: subgraph {m.group(1)} twice"
            current = m.group(1)
            clusters[current] = decode_mermaid(m.group(2))
        elif line == "  end":
            assert current is not None, f"line {no}: end without subgraph"
            current = None
        elif m := _M_NODE.match(line):
            assert current is not None, f"line {no}: node outside a subgraph"
            nid, opening, label, closing = m.groups()
            assert _M_SHAPES[opening] == closing, f"line {no}: {opening} closed by {closing}"
            assert nid not in nodes, f"line {no}: node {nid} twice"
            nodes[nid] = (current, decode_mermaid(label))
        elif m := _M_EDGE.match(line):
            assert current is None, f"line {no}: edge inside a subgraph"
            edges.append((m.group(1), m.group(2), decode_mermaid(m.group(3)), m.group(4)))
        else:
            raise AssertionError(f"line {no} is not in the emitted Mermaid subset: {line!r}")
    assert current is None, "subgraph not closed"
    for src, _, _, dst in edges:
        assert src in nodes and dst in nodes, f"edge {src} -> {dst} to an undeclared node"
    return {"nodes": nodes, "clusters": clusters, "edges": edges}


_D_STRING = r'"((?:[^"\\\n]|\\.)*)"'
_D_NODE = re.compile(rf"^    (n\d+) \[label={_D_STRING}, shape=(box|cylinder|box3d|hexagon|oval|note)(?:, style=\"filled\")?\];$")
_D_EDGE = re.compile(rf'^  (n\d+) -> (n\d+) \[label={_D_STRING}(, style=dashed, color="#b03a2e", fontcolor="#b03a2e")?\];$')
_D_CLUSTER_LABEL = re.compile(rf'^    label={_D_STRING}; style="rounded,filled"; fillcolor="#f4f6f8"; color="#c8ccd0";$')


def decode_dot(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def parse_dot(text: str) -> dict:
    lines = text.rstrip("\n").split("\n")
    assert re.fullmatch(rf"digraph {_D_STRING} \{{", lines[0]), lines[0]
    assert lines[1].startswith("  graph [") and lines[2].startswith("  node [") and lines[3].startswith("  edge [")
    assert lines[-1] == "}"
    nodes: dict[str, str] = {}
    edges = []
    cluster = None
    expect_label = False
    for no, line in enumerate(lines[4:-1], 5):
        if m := re.fullmatch(r"  subgraph cluster_(\d+) \{", line):
            assert cluster is None, f"line {no}: nested cluster"
            cluster, expect_label = m.group(1), True
        elif expect_label:
            assert _D_CLUSTER_LABEL.match(line), f"line {no}: {line!r}"
            expect_label = False
        elif line == "  }":
            assert cluster is not None
            cluster = None
        elif m := _D_NODE.match(line):
            assert cluster is not None and m.group(1) not in nodes, f"line {no}: {line!r}"
            nodes[m.group(1)] = decode_dot(m.group(2))
        elif m := _D_EDGE.match(line):
            assert cluster is None, f"line {no}: edge inside a cluster"
            edges.append((m.group(1), m.group(2), decode_dot(m.group(3)), bool(m.group(4))))
        else:
            raise AssertionError(f"line {no} is not in the emitted DOT subset: {line!r}")
    for src, dst, _, _ in edges:
        assert src in nodes and dst in nodes
    return {"nodes": nodes, "edges": edges}


def mermaid_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```mermaid\n(.*?)^```$", markdown, flags=re.S | re.M)
