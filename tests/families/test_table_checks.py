"""Table checks (generator/families/table/checks.py): stream events, readers and filters, global
table replicas."""

from __future__ import annotations

import textwrap

from findings import problems

from generator.pipeline import validate

STREAM = """\
service: ledger
tables:
  entries: {partition_key: pk%s}
functions:
  project:
    events:
      - stream: entries
"""


def test_stream_event_needs_the_table_stream(tmp_path):
    found = problems(tmp_path, STREAM % "")
    assert found == [("SLS203", 7, "table 'entries' has no stream")]
    assert problems(tmp_path, STREAM % ", stream: keys_only") == []


def test_stream_failure_queue_name_length_and_duplicates(tmp_path):
    found = problems(
        tmp_path,
        """\
        service: a-service-with-a-long-name
        tables:
          an-also-rather-long-table-name: {partition_key: pk, stream: new_image}
        functions:
          a-function-with-a-long-name-too:
            events:
              - stream: an-also-rather-long-table-name
              - stream: an-also-rather-long-table-name
        """,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS301", 7), ("SLS102", 8), ("SLS301", 8)]


def test_replica_rules(tmp_path):
    found = problems(
        tmp_path,
        """\
        service: pp
        region: eu-west-1
        tables:
          users:
            partition_key: id
            stream: keys_only
            billing: {read: 1, write: 1}
            replicas:
              - eu-west-1
              - us-east-1
              - us-east-1
              - mars-1
        """,
    )
    assert [(c, line) for c, line, _ in found] == [
        ("SLS310", 6),
        ("SLS310", 7),
        ("SLS310", 9),
        ("SLS310", 11),
        ("SLS310", 12),
    ]
    assert "own region" in found[2][2] and "twice" in found[3][2]


def test_replica_in_a_stage_region_is_refused_for_that_stage(tmp_path):
    found = problems(
        tmp_path,
        """\
        service: pp
        region: eu-west-1
        stages:
          dev: {}
          prod: {region: us-east-1}
        tables:
          users: {partition_key: id, replicas: [us-east-1]}
        """,
    )
    assert found == [
        ("SLS310", 7, "replica region 'us-east-1' is the table's own region in stage 'prod'"),
    ]


def test_more_stream_readers_than_a_shard_serves_is_a_warning(tmp_path):
    text = """\
        service: ledger
        tables:
          t: {partition_key: pk, stream: new_and_old_images%s}
        functions:
          a: {events: [{stream: t}]}
          b: {events: [{stream: t}]}
          c: {events: [{stream: t}]}
        """
    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent(text % ""))
    _, _, _, warnings = validate(bp)
    assert [(w.code, w.line) for w in warnings] == [("SLS507", 7)]
    bp.write_text(textwrap.dedent(text % ", replicas: [us-west-2]"))
    _, _, _, warnings = validate(bp)
    assert [(w.code, w.line) for w in warnings] == [("SLS507", 6)]


def test_more_filters_than_the_default_quota_is_a_warning(tmp_path):
    bp = tmp_path / "bp.yaml"
    patterns = ", ".join("{eventName: [INSERT]}" for _ in range(6))
    bp.write_text(STREAM % ", stream: new_image" + f"        filter: [{patterns}]\n")
    _, _, _, warnings = validate(bp)
    assert [(w.code, w.line) for w in warnings] == [("SLS302", 8)]
