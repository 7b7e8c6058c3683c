"""What the stage README, `sls-gen graph` and `sls-gen explain` read from a plan.

Every family's part speaks a small protocol instead of being known by name here:

- `graph(plan)` -> (nodes, edges): its resources and what flows between them and the functions
  (the function family draws the functions and their `uses`; each trigger family draws its sources
  and the edges into the functions they trigger);
- `invocations(plan)` -> [Trigger]: each trigger of a function, with its batch, retry and failure settings;
- `alerts(plan)` -> [Alert]: alarms and where they notify.

A part without one of these simply contributes nothing to it. Every text here is plain (never
Markdown, Mermaid or DOT): the renderers escape it for their language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def node_id(family: str, name: str) -> str:
    """The id of a family's node for its logical `name` (a `uses` entry points at `node_id(family, target)`)."""
    return f"{family}:{name}"


@dataclass(frozen=True)
class Node:
    id: str  # node_id(...): unique in the stage, never shown
    kind: str  # singular noun for what it is, e.g. "table", "route", "failure queue"
    group: str  # the cluster it is drawn in, e.g. "Tables"
    label: str  # first line: the logical name (or route, schedule)
    detail: str = ""  # optional second line
    shape: str = "box"  # box | round | cylinder | queue | hexagon | stadium | note
    facts: tuple[tuple[str, str], ...] = ()  # settings a reviewer wants to see, in order
    rank: int = 3  # drawing order: 0 sources, 1 routers, 2 functions, 3 resources, 4 failure queues
    hub: bool = False  # a function: repeated shapes are grouped around hubs


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    label: str  # the access level (read, write, publish, ...) or how it triggers (invoke, poll)
    failure: bool = False  # where failures go: drawn dashed


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


@dataclass(frozen=True)
class Trigger:
    function: str  # logical name of the function it invokes
    kind: str  # the event kind as written: http, queue, stream, ...
    source: str  # what fires it, e.g. "POST /orders", "queue fulfilment"
    settings: str  # batch, filters, auth ... ("" when there is nothing to say)
    failure: str  # retries, and where what still fails goes
    path: tuple = ()  # blueprint path of the event entry, when it has one


@dataclass(frozen=True)
class Alert:
    name: str  # the alarm's physical name
    condition: str  # when it fires
    notify: str  # where it notifies
    concerns: tuple[str, ...] = ()  # the functions it is about


def _ask(plan, hook: str) -> list[tuple[str, Any]]:
    return [(name, getattr(part, hook)(plan)) for name, part in plan.parts.items() if hasattr(part, hook)]


def service_graph(plan) -> Graph:
    """Every part's nodes and edges: nodes by rank (sources, routers, functions, resources, failure
    queues), then in registry order; an edge may only join nodes some part drew."""
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    for _, (part_nodes, part_edges) in _ask(plan, "graph"):
        for n in part_nodes:
            nodes.setdefault(n.id, n)
        edges += part_edges
    ordered = {n.id: n for n in sorted(nodes.values(), key=lambda n: n.rank)}
    missing = sorted(({e.src for e in edges} | {e.dst for e in edges}) - set(ordered))
    if missing:
        raise ValueError(f"edges to nodes no part drew: {', '.join(missing)}")
    unique = {(e.src, e.dst, e.label, e.failure): e for e in edges}
    return Graph(tuple(ordered.values()), tuple(unique.values()))


def triggers(plan) -> list[Trigger]:
    """Every trigger of every function, by function then in the parts' order."""
    found = [t for _, rows in _ask(plan, "invocations") for t in rows]
    order = {fn.name: i for i, fn in enumerate(plan.functions)}
    return sorted(found, key=lambda t: order.get(t.function, len(order)))


def alerts(plan) -> list[Alert]:
    return [a for _, rows in _ask(plan, "alerts") for a in rows]


def duration(seconds: int) -> str:
    """3600 -> "1 h", 21600 -> "6 h", 90 -> "90 s"."""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def compact_json(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def clip(text: str, limit: int = 60) -> str:
    """A one-line label: at most `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
