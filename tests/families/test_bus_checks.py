"""Bus checks (generator/families/bus/checks.py): the names sls-gen derives for rules and their
dead-letter queue."""

from __future__ import annotations

from findings import problems


def test_the_dead_letter_queue_of_a_queues_rules_has_a_name_of_its_own(tmp_path):
    """Rules that fan into a queue dead-letter into `<queue>-events-dlq`: a declared queue of that
    name is refused at the queue's first rule."""
    found = problems(
        tmp_path,
        """\
        service: shop
        queues:
          inbox:
            subscribe:
              - eventbridge: {pattern: {source: [shop]}}
          inbox-events-dlq: {dead_letter: false}
        """,
    )
    assert [(c, line) for c, line, _ in found] == [("SLS301", 5)]
    assert found[0][2] == (
        "the dead-letter queue of the rules that deliver into 'inbox' would be named 'shop-dev-inbox-events-dlq', "
        "like a declared queue"
    )
