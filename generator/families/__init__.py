"""The family registry: every AWS kind sls-gen renders, one folder each.

A family folder holds everything about its kind: `model.py` (the blueprint models), `checks.py`
(cross-references and AWS limits), `plan.py` (resources, grants, environment, event sources),
its Terraform templates (`*.tf.j2`), `events.py` (sample trigger events), `scaffold.py` (what a
handler's init phase sets up for the environment keys its `uses` add) and `scaffolds/` (handler
templates of its event kind).
The stages (model, checks, plan, emit, events, scaffolds) ask each family for its part through
`families()`; none of them switches on a kind. Adding a kind is one folder plus one line below.

Nothing here imports a family until a stage asks for it, so `sls-gen --help` and the no-op
re-render load none of them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

#: The folder holding one sub-folder per family; the Jinja environment names its files
#: `families/<name>/<file>` (generator/emit/templates.py).
FAMILIES_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Family:
    """What the stages need to know about a kind before importing any of its modules."""

    name: str  # folder name under generator/families/
    section: str | None = None  # top-level blueprint key holding its objects by logical name
    use: str | None = None  # key of a `uses` entry that grants access to it
    event: str | None = None  # key of an `events` entry that triggers a function
    triggers: tuple[str, ...] = ()  # other ways its objects invoke a function (a secret's rotation): scaffold kinds

    def part(self, module: str) -> ModuleType | None:
        """The family's `module` (model, checks, plan, events, scaffold), or None when it has none."""
        return _part(self.name, module)

    @property
    def folder(self) -> Path:
        return FAMILIES_DIR / self.name

    def template(self, file: str) -> str:
        """The template name of `file` (a path inside the family's folder) for emit.templates.environment()."""
        return f"families/{self.name}/{file}"


# The registry, in the order of the blueprint's sections. Planning asks every family in this order
# (after `function`, planned first: every trigger needs its function's plan), then calls each
# family's `finish` in this order (queue policies gather what topics and rules send them; alarms
# cover everything planned). Messages list event and `uses` kinds in this order too.
REGISTRY: tuple[Family, ...] = (
    Family("api", section="api", event="http"),
    Family("table", section="tables", use="table", event="stream"),
    Family("queue", section="queues", use="queue", event="queue"),
    Family("topic", section="topics", use="topic", event="topic"),
    Family("bus", section="buses", use="bus", event="eventbridge"),
    Family("schedule", event="schedule"),
    Family("bucket", section="buckets", use="bucket", event="bucket"),
    Family("secret", section="secrets", use="secret", triggers=("rotation",)),
    Family("parameter", section="parameters", use="parameter"),
    Family("edge", section="edge", triggers=("edge",)),  # edge.functions invoke Lambda@Edge
    Family("observability", section="observability"),
    Family("layer", section="layers"),
    Family("function", section="functions", use="function"),
    Family("exports", section="exports"),  # last: publishes what every other family planned
)


def families() -> tuple[Family, ...]:
    return REGISTRY


def family(name: str) -> Family:
    for fam in REGISTRY:
        if fam.name == name:
            return fam
    raise KeyError(name)


def event_kinds() -> tuple[str, ...]:
    """The keys an `events` entry may have."""
    return tuple(f.event for f in REGISTRY if f.event)


def use_kinds() -> tuple[str, ...]:
    """The keys a `uses` entry may have."""
    return tuple(f.use for f in REGISTRY if f.use)


def by_event(kind: str) -> Family:
    return next(f for f in REGISTRY if f.event == kind)


def by_trigger(kind: str) -> Family:
    """The family whose objects invoke a function as `kind`: an event key or one of its `triggers`."""
    return next(f for f in REGISTRY if f.event == kind or kind in f.triggers)


def by_use(kind: str) -> Family:
    return next(f for f in REGISTRY if f.use == kind)


def kind_of(entry: object, kinds: tuple[str, ...]) -> str:
    """The one key of `kinds` an `events` or `uses` entry (a model) carries."""
    return next(k for k in kinds if hasattr(entry, k))


@lru_cache(maxsize=None)
def _part(name: str, module: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"{__name__}.{name}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}.{module}":
            raise
        return None
