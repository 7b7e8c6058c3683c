"""Stage 2 of the pipeline (model): pydantic v2 models of the whole v1 blueprint language.

Models are plain data with no behaviour beyond field validation; cross-references and AWS
limits live in `generator.checks`, derived values in `generator.plan`.
"""

from generator.model.blueprint import Blueprint, Stage
from generator.model.parse import parse_blueprint, stage_blueprints

__all__ = ["Blueprint", "Stage", "parse_blueprint", "stage_blueprints"]
