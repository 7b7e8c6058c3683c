"""Cron day-of-week forms AWS (Quartz syntax) accepts, and near misses it refuses."""

from __future__ import annotations

import pytest

from generator.families.schedule.checks import cron_problem


@pytest.mark.parametrize(
    "body",
    ["0 3 ? * MON#1 *", "0 3 ? * 2#1 *", "0 9 ? * mon#5 *", "15 10 ? * FRIL *", "15 10 ? * 6L *", "0 8 ? * MON-FRI *"],
)
def test_nth_and_last_weekday_forms_are_accepted(body):
    assert cron_problem(body) is None


@pytest.mark.parametrize("body", ["0 3 ? * MON#6 *", "0 3 ? * MON#0 *", "0 3 ? * XYZ#1 *", "0 3 ? * 8#1 *", "0 3 ? * 8L *"])
def test_out_of_range_nth_weekday_forms_are_refused(body):
    assert "day-of-week" in cron_problem(body)
