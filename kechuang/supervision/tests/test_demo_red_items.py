"""On the whole demo: the items proposed for a 督办单 are exactly those red on the day and a month before, as the
whole red list of each day gives them (consecutive_red looks only at the items red on the day when it goes back)."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.plans.models import Plan
from kechuang.supervision import engine

pytestmark = pytest.mark.django_db

# Days of the demo's ticks (see supervision/demo.py) where some items are red two months running and others only
# on the day: indicators (6 May), tasks (6 November); and where the red tasks are red two months running (6 December).
DAYS = [dt.date(2022, 5, 6), dt.date(2022, 11, 6), dt.date(2022, 12, 6)]


def _indicators_and_tasks(plan, day):
    return [item for item in engine.red_items(plan, day) if item.kind in ("indicator", "task")]


def test_consecutive_red_is_what_the_whole_red_lists_of_both_days_give(demo_data):
    plan = Plan.objects.get(code="guangshui-2022")
    kinds_proposed, left_out = set(), 0
    for day in DAYS:
        current = _indicators_and_tasks(plan, day)
        both = {item.key for item in current} & {
            item.key for item in _indicators_and_tasks(plan, engine.shift_months(day, -1))}
        expected = [(item.key, item.reason, item.units) for item in current if item.key in both]
        got = [(item.key, item.reason, item.units) for item in engine.consecutive_red(plan, day)]
        assert got == expected, day
        kinds_proposed |= {key[0] for key, _reason, _units in got}
        left_out += len(current) - len(got)
    assert kinds_proposed == {"indicator", "task"} and left_out  # the days tell both cases apart, for both kinds


def test_the_status_of_a_few_indicators_is_their_row_of_the_whole_list(demo_data):
    plan = Plan.objects.get(code="guangshui-2022")
    day = dt.date(2022, 10, 8)
    every = engine.indicator_statuses(plan, day)
    wanted = {st.indicator.pk for st in every[::3]}
    few = engine.indicator_statuses(plan, day, only=wanted)
    assert [st.indicator.pk for st in few] == [st.indicator.pk for st in every if st.indicator.pk in wanted]
    for st in few:
        row = next(full for full in every if full.indicator.pk == st.indicator.pk)
        assert (st.light, st.reason, st.actual, st.expected, st.gap_points) == \
            (row.light, row.reason, row.actual, row.expected, row.gap_points)
