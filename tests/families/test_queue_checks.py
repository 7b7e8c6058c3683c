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
