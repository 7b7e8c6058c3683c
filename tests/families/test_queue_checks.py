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
