"""The planner's work grows linearly with the blueprint: no per-resource rescans of every function."""

from __future__ import annotations

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


def test_precomputed_timeouts_give_the_same_visibility():
    bp = _blueprint(3)
    timeouts = consumer_timeouts(bp)
    for name in bp.queues:
        assert queue_visibility(bp, name, timeouts) == queue_visibility(bp, name)
