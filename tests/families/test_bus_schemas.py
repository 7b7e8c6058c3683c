"""`buses.<name>.schemas: {discover: true}`: a schema discoverer on that bus only."""

from __future__ import annotations

import yaml

from generator.emit.terraform import render_stage
from generator.loader import load_file
from generator.model import parse_blueprint, stage_blueprints
from generator.plan.build import build_plan


def test_discoverer_on_the_bus_that_asks_for_it(tmp_path):
    path = tmp_path / "bp.yaml"
    path.write_text(yaml.safe_dump({"service": "shop", "region": "eu-west-1",
                                    "buses": {"orders": {"schemas": {"discover": True}}, "audit": {}}}))
    loaded = load_file(path)
    plan = build_plan(stage_blueprints(loaded, parse_blueprint(loaded))["dev"], "dev", "bp.yaml")
    assert {b.name: b.discover for b in plan.parts.bus.buses} == {"orders": True, "audit": False}
    events = render_stage(plan)["events.tf"]
    assert events.count('resource "aws_schemas_discoverer"') == 1
    assert "source_arn  = aws_cloudwatch_event_bus.orders.arn" in events
    named = {n.address for n in plan.parts.bus.named()}
    assert "aws_schemas_discoverer.orders" in named and "aws_schemas_discoverer.audit" not in named
