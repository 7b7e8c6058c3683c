"""`observability.queries`: saved Logs Insights queries per function and for the service, reading
the fields Lambda's JSON log format writes."""

from __future__ import annotations

import yaml

from generator.families.observability.plan import QUERIES, REQUEST
from generator.loader import load_file
from generator.model import parse_blueprint, stage_blueprints
from generator.plan.build import build_plan


def plan_of(tmp_path, doc):
    path = tmp_path / "bp.yaml"
    path.write_text(yaml.safe_dump(doc))
    loaded = load_file(path)
    return build_plan(stage_blueprints(loaded, parse_blueprint(loaded))["dev"], "dev", "bp.yaml")


def test_queries_per_function_and_for_the_service(tmp_path):
    plan = plan_of(tmp_path, {"service": "shop", "region": "eu-west-1", "observability": {"queries": True},
                              "functions": {"a": {}, "b-c": {"runtime": "nodejs22.x"}}})
    obs = plan.parts.observability
    by_name = {q.name: q for q in obs.queries}
    assert set(by_name) == {f"shop-dev/{k}" for k in (*QUERIES, "request")} | {
        f"shop-dev/{f}/{k}" for f in ("a", "b-c") for k in QUERIES}
    assert [str(g) for g in by_name["shop-dev/request"].log_groups] == [
        "aws_cloudwatch_log_group.a.name", "aws_cloudwatch_log_group.b_c.name"]
    assert [str(g) for g in by_name["shop-dev/b-c/slowest"].log_groups] == ["aws_cloudwatch_log_group.b_c.name"]
    assert "record.metrics.initDurationMs" in by_name["shop-dev/a/cold-starts"].query
    assert 'record.status != "success"' in by_name["shop-dev/a/errors"].query
    assert "correlationId" in REQUEST[1] and obs.topic is None and obs.dashboard is None
    assert ("queries.tf", "queries.tf.j2") in obs.terraform_files()


def test_no_queries_unless_asked(tmp_path):
    plan = plan_of(tmp_path, {"service": "shop", "region": "eu-west-1", "functions": {"a": {}}})
    assert plan.parts.observability is None
