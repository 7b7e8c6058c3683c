"""A large stage is rendered on two cores; the files are the same as rendered on one."""

from __future__ import annotations

import os
import sys

import pytest

from generator.emit import terraform
from generator.pipeline import validate
from generator.plan.build import build_plan
from rendering import BLUEPRINTS

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the second process is forked (Linux only)")


@pytest.fixture(scope="module", params=["commerce/commerce.yaml", "orders/orders.yaml"])
def plans(request):
    blueprint = BLUEPRINTS / request.param
    _doc, _base, stages, _warnings = validate(blueprint)
    return [build_plan(bp, name, blueprint.name) for name, bp in stages.items()]


def sequential(plan) -> dict[str, str]:
    return {name: terraform._render_file(plan, template, part) for name, template, part in terraform.stage_files(plan)}


def test_two_processes_give_the_same_files_in_the_same_order(plans, monkeypatch):
    monkeypatch.setattr(terraform, "PARALLEL_MIN_FUNCTIONS", 1)
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    for plan in plans:
        expected = sequential(plan)
        got = terraform.render_stage(plan)
        assert list(got) == list(expected) and got == expected
    assert len(forks) == len(plans)


def test_what_the_child_does_not_deliver_is_rendered_here(plans, monkeypatch):
    monkeypatch.setattr(terraform, "PARALLEL_MIN_FUNCTIONS", 1)
    parent = os.getpid()
    real = terraform._render_file

    def fails_in_the_child(plan, template, part):
        if os.getpid() != parent:
            raise RuntimeError("child failure")
        return real(plan, template, part)

    monkeypatch.setattr(terraform, "_render_file", fails_in_the_child)
    for plan in plans:
        assert terraform.render_stage(plan) == sequential(plan)


def test_small_stages_stay_in_one_process(plans, monkeypatch):
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked for a small stage"))
    for plan in plans:
        assert terraform.render_stage(plan) == sequential(plan)
