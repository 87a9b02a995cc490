"""On the whole demo: the items proposed for a 督办单 are exactly those red on the day and a month before, as the
whole red list of each day gives them (consecutive_red looks only at the items red on the day when it goes back)."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.plans.models import Plan
from kechuang.supervision import engine

pytestmark = pytest.mark.django_db

# Days of the demo's ticks where it proposes and where it does not (see supervision/demo.py), its date (8 October)
# and the year end.
DAYS = [dt.date(2022, 3, 6), dt.date(2022, 6, 6), dt.date(2022, 8, 6), dt.date(2022, 10, 8), dt.date(2022, 12, 31)]


def _red_keys(plan, day):
    return {item.key for item in engine.red_items(plan, day) if item.kind in ("indicator", "task")}


def test_consecutive_red_is_what_the_whole_red_lists_of_both_days_give(demo_data):
    plan = Plan.objects.get(code="guangshui-2022")
    proposed_somewhere = False
    for day in DAYS:
        current = [item for item in engine.red_items(plan, day) if item.kind in ("indicator", "task")]
        both = _red_keys(plan, day) & _red_keys(plan, engine.shift_months(day, -1))
        expected = [(item.key, item.reason, item.units) for item in current if item.key in both]
        got = [(item.key, item.reason, item.units) for item in engine.consecutive_red(plan, day)]
        assert got == expected, day
        proposed_somewhere |= bool(got)
    assert proposed_somewhere  # the demo has items red two months running


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
