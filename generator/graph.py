"""The service diagram: a stage's nodes and edges (generator/plan/views.py) as Mermaid, DOT, SVG or PNG.

The parts draw; this module only groups and writes. Clusters are the nodes' groups (one per kind),
edges are labelled with the access level or the way a trigger invokes.

Large services stay readable: functions (the hubs) that have exactly the same shape (the same
edges to shared resources, and the same private sources and resources, such as a route of their
own) are drawn once as a group when there are `GROUP_MIN` or more of them, so 100 routes to 100
functions that all read one table is three nodes and two edges, not 201 nodes and 200 arrows.

Every text comes from the blueprint or the plan, so every text is escaped for the language it
lands in (`mermaid_text`, `dot_text`): node and cluster ids are generated, never user strings.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import defaultdict
from dataclasses import replace

from generator.plan.views import Edge, Graph, Node, clip

GROUP_MIN = 5  # this many same-shaped functions are drawn as one group
FORMATS = ("mermaid", "dot", "svg", "png")
IMAGE_FORMATS = ("svg", "png")


# ---------------------------------------------------------------- grouping
def condense(graph: Graph, minimum: int = GROUP_MIN) -> Graph:
    """`graph` with every set of at least `minimum` same-shaped hubs (and their private nodes) drawn once."""
    nodes = {n.id: n for n in graph.nodes}
    around: dict[str, list[tuple[str, Edge]]] = defaultdict(list)  # node -> (other end, edge)
    for e in graph.edges:
        around[e.src].append((e.dst, e))
        around[e.dst].append((e.src, e))
    owner = _owners(nodes, around)
    private_of: dict[str, list[str]] = defaultdict(list)
    for n, h in owner.items():
        private_of[h].append(n)

    def shape(hub: str) -> tuple:
        """What a hub looks like with the names of its private nodes left out."""
        private = set(private_of[hub])
        parts = []
        for other, e in around[hub]:
            if other in private:
                continue
            parts.append(("edge", e.src == hub, e.label, e.failure, other if other != hub else "self"))
        for p in private_of[hub]:
            parts.append(("private", _look(nodes[p]), tuple(sorted(_private_edges(p, hub, around, owner, nodes)))))
        return tuple(sorted(parts, key=repr))

    hubs = [n.id for n in graph.nodes if n.hub]
    by_shape: dict[tuple, list[str]] = defaultdict(list)
    for h in hubs:
        by_shape[shape(h)].append(h)
    rep: dict[str, str] = {}  # node id -> the id it is drawn as
    drawn: dict[str, Node] = {}
    members: dict[str, list[Node]] = defaultdict(list)
    for group_no, same in enumerate(s for s in by_shape.values() if len(s) >= minimum):
        gid = f"group{group_no}"
        for h in same:
            rep[h] = gid
            members[gid].append(nodes[h])
            for p in private_of[h]:
                pid = f"{gid}:{_look(nodes[p])}:{sorted(_private_edges(p, h, around, owner, nodes))!r}"
                rep[p] = pid
                members[pid].append(nodes[p])
    for n in graph.nodes:
        rid = rep.get(n.id, n.id)
        if rid not in drawn:
            drawn[rid] = _grouped(rid, members[rid]) if rid in members else n
    edges: dict[tuple, Edge] = {}
    for e in graph.edges:
        key = (rep.get(e.src, e.src), rep.get(e.dst, e.dst), e.label, e.failure)
        edges.setdefault(key, replace(e, src=key[0], dst=key[1]))
    return Graph(tuple(drawn.values()), tuple(edges.values()))


def _owners(nodes: dict[str, Node], around) -> dict[str, str]:
    """Non-hub node -> the one hub it belongs to: its only hub neighbour, or (for a node with no hub
    neighbour, such as a queue's dead-letter queue) the owner of all its neighbours."""
    owner: dict[str, str] = {}
    for nid, n in nodes.items():
        if n.hub:
            continue
        hubs = {o for o, _ in around[nid] if nodes[o].hub}
        if len(hubs) == 1:
            owner[nid] = hubs.pop()
    changed = True
    while changed:
        changed = False
        for nid, n in nodes.items():
            if n.hub or nid in owner or not around[nid]:
                continue
            if any(nodes[o].hub for o, _ in around[nid]):
                continue
            owners = {owner.get(o) for o, _ in around[nid]}
            if len(owners) == 1 and None not in owners:
                owner[nid] = owners.pop()
                changed = True
    return owner


def _look(n: Node) -> tuple:
    return (n.kind, n.group, n.shape, n.rank)


def _private_edges(p: str, hub: str, around, owner, nodes) -> list[tuple]:
    out = []
    for other, e in around[p]:
        if other == hub:
            end = "hub"
        elif owner.get(other) == hub:
            end = ("private", _look(nodes[other]))
        else:
            end = other
        out.append((e.src == p, e.label, e.failure, repr(end)))
    return out


def _grouped(gid: str, nodes: list[Node]) -> Node:
    first, last = nodes[0], nodes[-1]
    names = f"{first.label} … {last.label}" if len(nodes) > 1 else first.label
    return Node(gid, first.kind, first.group, f"{len(nodes)} × {first.kind}", clip(names), first.shape,
                rank=first.rank, hub=first.hub)


# ---------------------------------------------------------------- escaping
_MERMAID_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.:/-_+=@?!$%^*()~'")


def mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: anything but plain letters, digits and safe punctuation becomes
    an entity code (`#34;` for a double quote, `#124;` for `|`, `#96;` for a backtick, `#60;` for `<`),
    which Mermaid decodes for display and never parses; a line break becomes `<br/>`."""
    out = []
    for ch in text:
        if ch in _MERMAID_PLAIN:
            out.append(ch)
        elif ch == "\n":
            out.append("<br/>")
        else:
            out.append(f"#{ord(ch)};")
    return "".join(out)


def dot_text(text: str) -> str:
    """Text for a double-quoted DOT string: backslashes and quotes escaped (so no `\\l`, `\\N`, ... escape
    reaches Graphviz), line breaks as `\\n`, other control characters dropped."""
    out = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


# ---------------------------------------------------------------- Mermaid
_MERMAID_SHAPES = {
    "box": ('["', '"]'),
    "round": ('("', '")'),
    "cylinder": ('[("', '")]'),
    "queue": ('[["', '"]]'),
    "hexagon": ('{{"', '"}}'),
    "stadium": ('(["', '"])'),
    "note": ('[/"', '"/]'),
}


def _clusters(graph: Graph) -> list[tuple[str, list[Node]]]:
    clusters: dict[str, list[Node]] = {}
    for n in graph.nodes:
        clusters.setdefault(n.group, []).append(n)
    return list(clusters.items())


def _label(n: Node, br: str, esc) -> str:
    return esc(n.label) + (br + esc(n.detail) if n.detail else "")


def mermaid(graph: Graph) -> str:
    """A Mermaid flowchart: one subgraph per kind, generated ids, every label quoted and escaped."""
    ids = {n.id: f"n{i}" for i, n in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    if not graph.nodes:
        lines.append('  empty["nothing planned"]')
    for c, (title, nodes) in enumerate(_clusters(graph)):
        lines.append(f'  subgraph c{c}["{mermaid_text(title)}"]')
        for n in nodes:
            left, right = _MERMAID_SHAPES[n.shape]
            lines.append(f"    {ids[n.id]}{left}{_label(n, '<br/>', mermaid_text)}{right}")
        lines.append("  end")
    for e in graph.edges:
        arrow = "-.->" if e.failure else "-->"
        lines.append(f'  {ids[e.src]} {arrow}|"{mermaid_text(e.label)}"| {ids[e.dst]}')
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- DOT
_DOT_SHAPES = {
    "box": "box", "round": "box", "cylinder": "cylinder", "queue": "box3d", "hexagon": "hexagon",
    "stadium": "oval", "note": "note",
}


def dot(graph: Graph, name: str = "service") -> str:
    """Graphviz DOT: one cluster per kind, left to right, edges labelled by access level."""
    ids = {n.id: f"n{i}" for i, n in enumerate(graph.nodes)}
    lines = [
        f'digraph "{dot_text(name)}" {{',
        '  graph [rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.3, ranksep=0.8];',
        '  node [fontname="Helvetica", fontsize=10, style="rounded,filled", fillcolor="#ffffff"];',
        '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
    ]
    for c, (title, nodes) in enumerate(_clusters(graph)):
        lines.append(f"  subgraph cluster_{c} {{")
        lines.append(f'    label="{dot_text(title)}"; style="rounded,filled"; fillcolor="#f4f6f8"; color="#c8ccd0";')
        for n in nodes:
            style = "" if n.shape in ("box", "round") else ', style="filled"'
            lines.append(f'    {ids[n.id]} [label="{_label(n, chr(92) + "n", dot_text)}", shape={_DOT_SHAPES[n.shape]}{style}];')
        lines.append("  }")
    for e in graph.edges:
        extra = ', style=dashed, color="#b03a2e", fontcolor="#b03a2e"' if e.failure else ""
        lines.append(f'  {ids[e.src]} -> {ids[e.dst]} [label="{dot_text(e.label)}"{extra}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


class GraphvizMissing(RuntimeError):
    """`dot` is not installed: SVG and PNG need it."""


class GraphvizFailed(RuntimeError):
    """`dot` refused the DOT source or did not finish."""


def graphviz() -> str | None:
    return shutil.which("dot")


def image(dot_source: str, fmt: str, timeout: float = 120) -> bytes:
    """SVG or PNG bytes of a DOT source, drawn by Graphviz's `dot`."""
    exe = graphviz()
    if exe is None:
        raise GraphvizMissing(
            f"--format {fmt} draws through Graphviz, and its `dot` command is not on PATH "
            "(install Graphviz: apt-get install graphviz, brew install graphviz); "
            "--format dot or mermaid need nothing"
        )
    try:
        proc = subprocess.run([exe, f"-T{fmt}"], input=dot_source.encode(), capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise GraphvizFailed(f"dot did not finish in {timeout:g} s") from exc
    if proc.returncode != 0:
        raise GraphvizFailed(f"dot exited {proc.returncode}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def render(graph: Graph, fmt: str, name: str = "service") -> bytes:
    """The diagram in `fmt` (one of FORMATS) as bytes."""
    if fmt == "mermaid":
        return mermaid(graph).encode()
    source = dot(graph, name)
    return source.encode() if fmt == "dot" else image(source, fmt)
