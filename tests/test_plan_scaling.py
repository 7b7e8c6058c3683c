"""The planner's work grows linearly with the blueprint: no per-resource rescans of every function."""

from __future__ import annotations

import pytest

from generator.loader import load_text
from generator.model import parse_blueprint
from generator.families.queue import plan as build_module
from generator.families.queue.plan import consumer_timeouts, queue_visibility
from generator.plan.build import build_plan

BLUEPRINT = """
service: scale
functions:
{functions}
queues:
{queues}
"""


def _blueprint(n_queues: int):
    functions = "\n".join(
        f"  fn{i}:\n    timeout: {10 + i}\n    events:\n      - queue: q{i}\n        batch_window: {i}" for i in range(n_queues)
    )
    queues = "\n".join(f"  q{i}: {{visibility_timeout: auto}}" for i in range(n_queues)) + "\n  fixed: {visibility_timeout: 45}"
    return parse_blueprint(load_text(BLUEPRINT.format(functions=functions, queues=queues)))


def test_consumer_timeouts_are_computed_once_per_plan(monkeypatch):
    bp = _blueprint(6)
    calls = []
    real = build_module.consumer_timeouts
    monkeypatch.setattr(build_module, "consumer_timeouts", lambda b: calls.append(1) or real(b))
    plan = build_plan(bp, "dev", "blueprint.yaml")
    assert len(calls) == 1
    # ... and the shared computation gives every queue its own consumers' figure.
    visibility = {q.name: q.visibility_timeout for q in plan.parts.queue.queues}
    assert visibility == {**{f"q{i}": 6 * (10 + i) + i for i in range(6)}, "fixed": 45}


def test_precomputed_timeouts_give_each_queue_its_consumers_visibility(monkeypatch):
    """6 x the longest consumer timeout + batch window; a fixed setting as written; no consumer: SQS's 30 s."""
    bp = _blueprint(3)
    timeouts = consumer_timeouts(bp)
    assert timeouts == {"q0": (10, 0), "q1": (11, 1), "q2": (12, 2)}
    monkeypatch.setattr(build_module, "consumer_timeouts", lambda b: pytest.fail("recomputed despite `timeouts`"))
    visibility = {name: queue_visibility(bp, name, timeouts) for name in bp.queues}
    assert visibility == {"q0": 60, "q1": 67, "q2": 74, "fixed": 45}
    # a queue nobody consumes keeps SQS's default of 30 s
    lonely = parse_blueprint(load_text("service: scale\nqueues:\n  idle: {visibility_timeout: auto}\n"))
    assert queue_visibility(lonely, "idle", consumer_timeouts(lonely)) == 30
