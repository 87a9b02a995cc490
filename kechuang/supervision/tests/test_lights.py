"""Lights, 序时进度 and forecasts on hand-checked cases (domain-rules.md §1e)."""

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.plans.models import Task
from kechuang.reporting.models import Milestone
from kechuang.supervision import engine

from .helpers import indicator_value, set_indicator, stat_indicator, stat_value, status_of, task_report

pytestmark = pytest.mark.django_db

JULY_1 = dt.date(2022, 7, 1)  # six months completed: 序时进度 50%


def test_time_progress_counts_completed_months_over_twelve(plan):
    assert engine.time_progress(plan, dt.date(2022, 7, 1)) == Decimal("0.5")
    assert engine.time_progress(plan, dt.date(2022, 6, 30)) == Decimal("0.5")
    assert engine.time_progress(plan, dt.date(2022, 6, 29)) == Decimal(5) / 12
    assert engine.time_progress(plan, dt.date(2021, 12, 31)) == 0
    assert engine.time_progress(plan, dt.date(2023, 3, 1)) == 1


def test_time_progress_can_be_day_based_by_plan_setting(plan):
    plan.settings = {**plan.settings, "time_progress_basis": "day"}
    assert engine.time_progress(plan, dt.date(2022, 7, 2)) == Decimal(183) / 365


def _light(plan, ind, value, as_of=JULY_1, day=dt.date(2022, 6, 30)):
    stat_value(ind, day, value)
    return status_of(engine.indicator_statuses(plan, as_of), ind)


def test_cumulative_completion_forty_percent_at_half_year_is_yellow(plan):
    st = _light(plan, stat_indicator(plan, target=100), 40)
    assert st.time_progress_pct == 50
    assert st.expected == 50
    assert st.completion_pct == 40
    assert st.gap_points == -10
    assert st.light == "yellow"
    assert st.forecast == 80  # linear on the year to date: 40 / 50%


def test_cumulative_completion_nineteen_percent_at_half_year_is_red(plan):
    st = _light(plan, stat_indicator(plan, target=100), 19)
    assert st.gap_points == -31
    assert st.light == "red"


def test_cumulative_nine_points_behind_is_still_green(plan):
    assert _light(plan, stat_indicator(plan, target=100), 41).light == "green"


def test_thirty_points_behind_is_yellow_and_thresholds_come_from_the_plan(plan):
    ind = stat_indicator(plan, target=100)
    assert _light(plan, ind, 20).light == "yellow"
    plan.settings = {**plan.settings, "light_red_points": 29}
    plan.save()
    assert status_of(engine.indicator_statuses(plan, JULY_1), ind).light == "red"
    plan.settings = {**plan.settings, "light_red_points": 60, "light_yellow_points": 31}
    plan.save()
    assert status_of(engine.indicator_statuses(plan, JULY_1), ind).light == "green"


def test_growth_indicator_is_compared_with_the_target_rate(plan):
    ind = stat_indicator(plan, target=12, mode="growth", kind="growth")
    st = _light(plan, ind, 10)
    assert st.expected == 12
    assert engine.q1(st.completion_pct) == Decimal("83.3")
    assert st.light == "yellow"
    assert st.forecast == 10  # last value
    stat_value(ind, dt.date(2022, 6, 30) - dt.timedelta(days=-1), 8)  # a later figure: 66.7% → red
    st = status_of(engine.indicator_statuses(plan, dt.date(2022, 7, 2)), ind)
    assert st.actual == 8 and st.light == "red"


def test_level_indicator_is_compared_with_the_target_itself(plan):
    st = _light(plan, stat_indicator(plan, target=40, mode="level"), 35)
    assert st.expected == 40
    assert st.completion_pct == Decimal("87.5")
    assert st.gap_points == Decimal("-12.5")
    assert st.light == "yellow"
    assert st.forecast == 35


@pytest.mark.parametrize(("value", "light"), [(4, "green"), (5, "green"), (6, "yellow"), (7, "red")])
def test_at_most_indicator_inverts_the_comparison(plan, value, light):
    st = _light(plan, stat_indicator(plan, target=5, mode="level", comparator="<="), value)
    assert st.light == light


def test_missing_statistical_value_when_due_is_red(plan):
    ind = stat_indicator(plan, target=100)
    st = status_of(engine.indicator_statuses(plan, JULY_1), ind)
    assert st.actual is None and st.light == "red"


def test_nothing_expected_before_the_first_month_ends_is_grey(plan):
    ind = stat_indicator(plan, target=100)
    assert status_of(engine.indicator_statuses(plan, dt.date(2022, 1, 20)), ind).light == "grey"


def _reported(plan):
    return set_indicator(plan, "HNTE_NEW", source="reported", metric="", target=Decimal(10))


def test_reported_value_missing_after_the_deadline_is_red(plan):
    ind = _reported(plan)
    indicator_value(plan, ind, ind.owner_unit, 5, 5)  # May in, June (due 5 July) missing
    st = status_of(engine.indicator_statuses(plan, dt.date(2022, 7, 10)), ind)
    assert st.light == "red"
    assert "6月" in st.reason


def test_reported_value_due_soon_with_nothing_submitted_is_blue(plan):
    ind = _reported(plan)
    indicator_value(plan, ind, ind.owner_unit, 5, 5)  # May on track (5 of 10 at 5/12)
    st = status_of(engine.indicator_statuses(plan, dt.date(2022, 7, 2)), ind)
    assert st.actual == 5
    assert st.light == "blue"
    indicator_value(plan, ind, ind.owner_unit, 6, 6, status="submitted")
    st = status_of(engine.indicator_statuses(plan, dt.date(2022, 7, 2)), ind)
    assert st.light == "green"


def test_reported_value_light_changes_once_the_value_is_approved(plan):
    ind = _reported(plan)
    indicator_value(plan, ind, ind.owner_unit, 5, 1)
    row = indicator_value(plan, ind, ind.owner_unit, 6, 6, status="submitted")
    as_of = dt.date(2022, 7, 10)
    assert status_of(engine.indicator_statuses(plan, as_of), ind).light == "red"  # 1 of 10 approved
    row.status = "approved"
    row.save()
    assert status_of(engine.indicator_statuses(plan, as_of), ind).light == "green"


def test_task_light_follows_percent_against_time_progress_and_overdue_milestones(plan):
    task = Task.objects.get(plan=plan, number="（四）")
    lead = task.lead_units()[0]
    task_report(plan, task, lead, 6, 40)
    as_of = dt.date(2022, 7, 10)
    st = next(s for s in engine.task_statuses(plan, as_of) if s.task.pk == task.pk)
    assert st.percent == 40 and st.light == "yellow"
    Milestone.objects.create(task=task, unit=lead, title="完成申报", responsible_person="张三",
                             deadline=dt.date(2022, 7, 1))
    st = next(s for s in engine.task_statuses(plan, as_of) if s.task.pk == task.pk)
    assert st.light == "red" and len(st.overdue_milestones) == 1


def _task_light(plan, task, as_of):
    return next(s for s in engine.task_statuses(plan, as_of) if s.task.pk == task.pk)


def test_an_overdue_milestone_lowers_an_on_schedule_task_one_step_to_yellow_not_red(plan):
    task = Task.objects.get(plan=plan, number="（四）")
    lead = task.lead_units()[0]
    task_report(plan, task, lead, 6, 48)
    as_of = dt.date(2022, 7, 10)
    assert _task_light(plan, task, as_of).light == "green"
    Milestone.objects.create(task=task, unit=lead, title="完成申报", responsible_person="张三",
                             deadline=dt.date(2022, 7, 1))
    st = _task_light(plan, task, as_of)
    assert st.light == "yellow" and "1个工作节点逾期" in st.reason
    # The step is a plan work rule: two steps is the old "any overdue node is red".
    plan.settings = {**plan.settings, "task_milestone_steps": 2}
    assert _task_light(plan, task, as_of).light == "red"
    plan.settings = {**plan.settings, "task_milestone_steps": 0}
    assert _task_light(plan, task, as_of).light == "green"


def test_a_task_is_measured_against_the_time_progress_of_the_month_its_reports_cover(plan):
    """On 30 September the September reports are not due yet: August's 66% is on schedule (8/12),
    not 9 points behind 9/12."""
    task = Task.objects.get(plan=plan, number="（四）")
    lead = task.lead_units()[0]
    task_report(plan, task, lead, 8, 66)
    st = _task_light(plan, task, dt.date(2022, 9, 30))
    assert engine.time_progress(plan, dt.date(2022, 9, 30)) == Decimal("0.75")
    assert st.time_progress_pct.quantize(Decimal("0.1")) == Decimal("66.7")
    assert st.light == "green"


def test_lower_light_moves_down_the_scale_and_stops_at_red():
    assert engine.lower_light("green", 1) == "yellow"
    assert engine.lower_light("blue", 1) == "yellow"
    assert engine.lower_light("yellow", 1) == "red"
    assert engine.lower_light("red", 1) == "red"
    assert engine.lower_light("grey", 1) == "grey"


def test_task_without_report_for_the_due_month_is_red(plan):
    task = Task.objects.get(plan=plan, number="（四）")
    st = next(s for s in engine.task_statuses(plan, dt.date(2022, 7, 10)) if s.task.pk == task.pk)
    assert st.light == "red"
