"""Queue checks (generator/families/queue/checks.py): FIFO queue rules."""

from __future__ import annotations

from findings import problems


def test_fifo_consumer_limits(tmp_path):
    found = problems(
        tmp_path,
        """\
        service: billing
        queues:
          q: {fifo: true}
          standard: {content_based_deduplication: true}
        functions:
          a:
            events:
              - {queue: q, batch_size: 11, batch_window: 5}
        """,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS306", 4), ("SLS306", 8), ("SLS306", 8)]


def _warnings(tmp_path, text: str) -> list[tuple[str, int, str, str]]:
    import textwrap

    from generator.pipeline import validate

    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent(text))
    return [(d.code, d.line, d.message, d.hint or "") for d in validate(bp)[3]]


def test_visibility_timeout_below_six_times_the_consumer_timeout_is_a_warning(tmp_path):
    """AWS: set a source queue's visibility timeout to at least six times the function's timeout
    (plus the batching window); below the timeout itself it is an error (SLS305), below 6x a warning."""
    found = _warnings(
        tmp_path,
        """\
        service: billing
        queues:
          tight: {visibility_timeout: 100}
          enough: {visibility_timeout: 185}
          free: {visibility_timeout: 5}
        functions:
          worker:
            timeout: 30
            events:
              - {queue: tight, batch_window: 5}
              - {queue: enough, batch_window: 5}
        """,
    )
    ours = [(c, line, msg, hint) for c, line, msg, hint in found if c == "SLS508"]
    assert ours == [
        (
            "SLS508",
            3,
            "visibility_timeout 100 s is below 6 x the consumer timeout 30 s + batch window 5 s (185 s): "
            "a message whose batch is retried can reappear while a consumer still works on it",
            "use visibility_timeout: auto (185 s), as AWS recommends for Lambda consumers",
        )
    ]


def test_reserved_concurrency_caps_what_queue_mappings_may_invoke(tmp_path):
    """An event source mapping does not know the function's reserved concurrency: above it, batches
    are throttled and their receive counts climb into the DLQ although the function never failed.
    max_concurrency above reserved, or a reservation too small to give each queue event 2, is refused."""
    found = problems(
        tmp_path,
        """\
        service: billing
        queues:
          a: {}
          b: {}
        functions:
          over:
            concurrency: {reserved: 10}
            events:
              - {queue: a, max_concurrency: 20}
          summed:
            concurrency: {reserved: 10}
            events:
              - {queue: a, max_concurrency: 6}
              - {queue: b, max_concurrency: 6}
          tiny:
            concurrency: {reserved: 1}
            events:
              - queue: a
          shared:
            concurrency: {reserved: 5}
            events:
              - {queue: a, max_concurrency: 4}
              - queue: b
          fine:
            concurrency: {reserved: 10}
            events:
              - {queue: a, max_concurrency: 4}
              - queue: b
        """,
    )
    assert [(c, line) for c, line, _ in found] == [
        ("SLS315", 9), ("SLS315", 11), ("SLS315", 18), ("SLS315", 23),
    ]
    messages = [m for _, _, m in found]
    assert messages[0] == (
        "max_concurrency 20 is above the function's reserved concurrency 10: the queue's event source mapping "
        "would invoke more than the function may run, and throttled batches go back to the queue until they "
        "reach its dead-letter queue"
    )
    assert messages[1] == "the queue events of function 'summed' may invoke 12 at once (max_concurrency 6 + 6), above its reserved concurrency 10"
    assert messages[2] == (
        "reserved concurrency 1 leaves 1 for this queue event; its event source mapping needs a maximum "
        "concurrency of at least 2"
    )
    assert messages[3] == (
        "reserved concurrency 5 leaves 1 for this queue event after max_concurrency 4 of the others; its event "
        "source mapping needs a maximum concurrency of at least 2"
    )


def test_a_reserved_consumer_gets_a_maximum_concurrency_within_its_reservation(tmp_path):
    """No max_concurrency on a queue event of a function with reserved concurrency: the mapping's
    scaling_config.maximum_concurrency is the reservation (shared between the events that set none)."""
    import textwrap

    from generator.pipeline import validate
    from generator.plan.build import build_plan

    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent("""\
        service: billing
        account: {concurrency_quota: 5000}
        queues: {a: {}, b: {}, c: {}}
        functions:
          one:
            concurrency: {reserved: 8}
            events:
              - queue: a
          many:
            concurrency: {reserved: 11}
            events:
              - {queue: a, max_concurrency: 3}
              - queue: b
              - queue: c
          free:
            events:
              - queue: a
          big:
            concurrency: {reserved: 1500}
            events:
              - queue: a
        """))
    _doc, _base, stages, _warnings = validate(bp)
    plan = build_plan(stages["dev"], "dev", "bp.yaml")
    got = {(fn.name, m.queue_tf): m.max_concurrency for fn in plan.functions for m in fn.mappings}
    assert got == {
        ("one", "a"): 8,
        ("many", "a"): 3, ("many", "b"): 4, ("many", "c"): 4,
        ("free", "a"): None,
        ("big", "a"): 1000,  # Lambda's maximum
    }
