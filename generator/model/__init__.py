"""Stage 2 of the pipeline (model): pydantic v2 models of the whole blueprint language.

Models are plain data with no behaviour beyond field validation; cross-references and AWS
limits live in the checks, derived values in the plan. Each kind's models live in its family
(generator/families/<kind>/model.py); `generator.model.blueprint` assembles them. The names below
load lazily, so a family's model can import `generator.model.common` without importing them all.
"""

from __future__ import annotations

__all__ = ["Blueprint", "Stage", "parse_blueprint", "stage_blueprints"]


def __getattr__(name: str):
    if name in ("Blueprint", "Stage"):
        from generator.model import blueprint

        return getattr(blueprint, name)
    if name in ("parse_blueprint", "stage_blueprints"):
        from generator.model import parse

        return getattr(parse, name)
    raise AttributeError(name)
