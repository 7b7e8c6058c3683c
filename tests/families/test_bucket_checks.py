"""Bucket checks (generator/families/bucket/checks.py): bucket names and bucket events."""

from __future__ import annotations

import textwrap

from findings import codes_at, problems

from generator.pipeline import validate


def test_default_bucket_name_longer_than_63_is_refused_at_its_line(tmp_path):
    found = problems(
        tmp_path,
        """\
        service: a-rather-long-service-name
        buckets:
          short: {}
          customer-uploads-archive: {}
        """,
    )
    # a-rather-long-service-name-dev-customer-uploads-archive + "-" + 12 digits = 68
    assert codes_at(found, "SLS301") == [
        (4, "bucket name 'a-rather-long-service-name-dev-customer-uploads-archive-<12-digit account id>' "
            "is 68 characters (S3 allows 63)")
    ]


def test_bucket_name_override_must_be_a_valid_name_and_unique_across_stages(tmp_path):
    found = problems(
        tmp_path,
        """\
        service: docs
        stages: {dev: {}, prod: {}}
        buckets:
          bad: {bucket_name: Bad_Name}
          shared: {bucket_name: docs-shared-bucket}
        """,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS301", 4), ("SLS301", 4), ("SLS301", 5)]
    assert "must be 3-63 characters" in found[1][2]
    assert "used more than once (dev:shared, prod:shared)" in found[2][2]


def test_overlapping_bucket_events_are_refused_disjoint_ones_accepted(tmp_path):
    base = """\
        service: docs
        buckets: {uploads: {}}
        functions:
          a:
            events:
              - {bucket: uploads, prefix: in/}
          b:
            events:
              - {bucket: uploads, %s}
        """
    assert codes_at(problems(tmp_path, base % "prefix: in/pdf/"), "SLS320")[0][0] == 9
    assert codes_at(problems(tmp_path, base % "suffix: .pdf"), "SLS320")  # no prefix overlaps everything
    assert problems(tmp_path, base % "prefix: out/") == []
    assert problems(tmp_path, base % "on: [removed]") == []


def test_a_function_writing_to_the_bucket_that_invokes_it_gets_a_warning(tmp_path):
    text = """\
        service: docs
        buckets: {b: {}}
        functions:
          f:
            events:
              - {bucket: b, on: [%s]}
            uses: [{bucket: b, access: %s}]
        """
    bp = tmp_path / "bp.yaml"
    found = {}
    for on, access in (("created", "write"), ("created", "read"), ("removed", "read_write")):
        bp.write_text(textwrap.dedent(text % (on, access)))
        found[(on, access)] = [(w.code, w.line) for w in validate(bp)[3]]
    assert found == {("created", "write"): [("SLS506", 6)], ("created", "read"): [], ("removed", "read_write"): []}
