"""Topic checks (generator/families/topic/checks.py): FIFO topic endpoints, one subscription per
topic and endpoint."""

from __future__ import annotations

import textwrap

import pytest

from generator.diagnostics import BlueprintError
from generator.pipeline import validate


def codes(tmp_path, text: str) -> list[tuple[str, str]]:
    bp = tmp_path / "blueprint.yaml"
    bp.write_text(textwrap.dedent(text))
    with pytest.raises(BlueprintError) as err:
        validate(bp)
    return [(d.code, d.message) for d in err.value.diagnostics]


def test_fifo_topic_cannot_invoke_a_function(tmp_path):
    found = codes(
        tmp_path,
        """\
        service: sv
        topics: {t: {fifo: true}}
        functions:
          f:
            events: [{topic: t}]
        """,
    )
    assert ("SLS306", "FIFO topic 't' cannot invoke a function (SNS FIFO topics deliver only to SQS)") in found


def test_duplicate_subscription_is_refused(tmp_path):
    found = codes(
        tmp_path,
        """\
        service: sv
        topics: {t: {}}
        queues:
          q: {subscribe: [{topic: t}, {topic: t, filter: {k: [v]}}]}
        functions:
          f:
            events: [{topic: t}, {topic: t}]
        """,
    )
    assert sorted(c for c, _ in found) == ["SLS205", "SLS205"]
