"""Sample events: shaped like AWS's payloads, named after the stage's resources, deterministic."""

from __future__ import annotations

import pytest
from rendering import all_sources, files_under, sls_gen_in_a_fresh_process
from test_handlers import scaffold_blueprint

from generator.emit.hcl import Raw
from generator.events import POISON_BODY, sample_event
from generator.plan.resolve import Unresolved, resolve_value


def sample(tmp_path, kind, **kw):
    bp, plan = scaffold_blueprint(tmp_path, kind, "python3.13")
    return sample_event(bp, "dev", "worker", 1, region=plan.region, account="111122223333", **kw)


def test_http_v2_request(tmp_path):
    ev = sample(tmp_path, "http").event
    assert ev["version"] == "2.0" and ev["routeKey"] == "POST /items/{id}"
    assert ev["rawPath"] == "/items/sample-id" and ev["pathParameters"] == {"id": "sample-id"}
    assert ev["requestContext"]["http"]["method"] == "POST" and ev["body"]


def test_queue_batch_with_poison_record(tmp_path):
    s = sample(tmp_path, "queue", poison=True)
    records = s.event["Records"]
    assert len(records) == 2 and records[1]["messageId"] == s.poison_id and records[1]["body"] == POISON_BODY
    assert {r["eventSourceARN"] for r in records} == {"arn:aws:sqs:eu-west-1:111122223333:scaf-dev-jobs"}
    assert sample(tmp_path / "b", "queue").poison_id is None


def test_stream_images_follow_the_table_keys(tmp_path):
    records = sample(tmp_path, "stream").event["Records"]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY"]
    keys = records[0]["dynamodb"]["Keys"]
    assert keys == {"id": {"N": "1"}, "sk": {"S": "sample-sk-1"}}  # "id:N" partition key, string sort key
    assert "OldImage" in records[1]["dynamodb"] and records[1]["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert records[0]["eventSourceARN"].startswith("arn:aws:dynamodb:eu-west-1:111122223333:table/scaf-dev-items/stream/")


def test_topic_bucket_eventbridge_schedule(tmp_path):
    sns = sample(tmp_path / "t", "topic").event["Records"][0]["Sns"]
    assert sns["TopicArn"] == "arn:aws:sns:eu-west-1:111122223333:scaf-dev-news"
    assert sns["MessageAttributes"] == {"kind": {"Type": "String", "Value": "created"}}  # passes the filter
    s3 = sample(tmp_path / "b", "bucket").event["Records"][0]
    assert s3["eventName"] == "ObjectCreated:Put"
    assert s3["s3"]["bucket"]["name"] == "scaf-dev-uploads-111122223333"
    assert s3["s3"]["object"]["key"] == "in/sample.csv"
    eb = sample(tmp_path / "e", "eventbridge").event
    assert (eb["source"], eb["detail-type"], eb["account"]) == ("shop", "OrderCreated", "111122223333")
    sched = sample(tmp_path / "s", "schedule").event
    assert sched["detail-type"] == "Scheduled Event" and sched["source"] == "aws.events"


def test_sample_events_are_byte_identical_across_processes_and_hash_seeds(tmp_path):
    """`sls-gen events` of every case and bundled blueprint, by two processes with different PYTHONHASHSEEDs."""
    trees = []
    for seed in ("1", "2"):
        work = tmp_path / f"seed-{seed}"
        commands = [["events", str(folder / name), "-o", f"events/{label}"] for label, folder, name in all_sources()]
        work.mkdir()
        sls_gen_in_a_fresh_process(commands, work, seed, tmp_path / f"cache-{seed}")
        trees.append(files_under(work))
    one, two = trees
    assert len(one) > 50, sorted(one)
    assert sorted(one) == sorted(two)
    assert [rel for rel in one if one[rel] != two[rel]] == []


def test_resolve_refuses_what_it_cannot_name(tmp_path):
    _, plan = scaffold_blueprint(tmp_path, "http", "python3.13")
    assert resolve_value(Raw("aws_dynamodb_table.items.name"), plan) == "scaf-dev-items"
    assert resolve_value(Raw('"${aws_dynamodb_table.items.arn}/index/*"'), plan, "1") == (
        "arn:aws:dynamodb:eu-west-1:1:table/scaf-dev-items/index/*"
    )
    with pytest.raises(Unresolved):
        resolve_value(Raw("aws_dynamodb_table.nope.name"), plan)


def test_rest_api_gets_the_v1_proxy_payload(tmp_path):
    from generator.families.api.model import Api

    bp, _ = scaffold_blueprint(tmp_path, "http", "python3.13")
    bp = bp.model_copy(update={"api": Api(type="rest")})
    ev = sample_event(bp, "dev", "worker", 1, account="111122223333").event
    assert ev["httpMethod"] == "POST" and ev["resource"] == "/items/{id}" and ev["path"] == "/items/sample-id"
    assert ev["pathParameters"] == {"id": "sample-id"} and ev["requestContext"]["stage"] == "dev"
    assert "version" not in ev and "routeKey" not in ev
