"""Who may do each reporting action (reporting/rules.py), persona by persona."""

from __future__ import annotations

import pytest

from kechuang.core.access import PLAN_READERS, UNIT_USERS
from kechuang.core.testing import who_may
from kechuang.plans.choices import TaskUnitRole
from kechuang.plans.models import Task
from kechuang.reporting import services
from kechuang.reporting.models import IndicatorValue, TaskReport


@pytest.fixture
def dept_report(plan, personas):
    """市财政局's (dept) report on a task 市科技经信局 (lead) leads."""
    task = (Task.objects.filter(plan=plan, task_units__role=TaskUnitRole.LEAD, task_units__unit=personas["lead"].unit)
            .filter(task_units__role=TaskUnitRole.RESPONSIBLE, task_units__unit=personas["dept"].unit).first())
    period = services.ensure_periods(plan)[0]
    return TaskReport.objects.create(plan=plan, task=task, unit=personas["dept"].unit, period=period)


@pytest.mark.parametrize("perm, allowed", [
    # The unit itself or the office edits; the lead unit's reviewer or the office reviews; the office reopens.
    ("reporting.edit_taskreport", {"office", "dept"}),
    ("reporting.review_taskreport", {"office", "lead"}),
    ("reporting.reopen_taskreport", {"office"}),
])
def test_each_persona_may_act_on_a_responsible_units_report_as_declared(personas, dept_report, perm, allowed):
    assert who_may(personas, perm, dept_report) == allowed


def test_a_lead_units_reviewer_never_reviews_its_own_units_row(plan, personas, dept_report):
    own = TaskReport.objects.create(plan=plan, task=dept_report.task, unit=personas["lead"].unit,
                                    period=dept_report.period)
    assert who_may(personas, "reporting.review_taskreport", own) == {"office"}
    assert who_may(personas, "reporting.edit_taskreport", own) == {"office", "lead"}


def test_an_indicators_owner_unit_reviews_other_units_values(plan, personas):
    indicator = plan.indicators.filter(owner_unit=personas["talent"].unit).first()
    assert indicator is not None
    period = services.ensure_periods(plan)[0]
    value = IndicatorValue.objects.create(plan=plan, indicator=indicator, unit=personas["town"].unit, period=period)
    assert "talent" in who_may(personas, "reporting.review_indicatorvalue", value)
    assert who_may(personas, "reporting.edit_indicatorvalue", value) == {"office", "town"}


@pytest.mark.parametrize("perm, allowed", [
    ("reporting.fill_report", UNIT_USERS),
    ("reporting.change_milestone", UNIT_USERS),
    ("reporting.view_reviewqueue", {"office", "lead", "talent"}),
    ("reporting.view_completeness", {"office", "leader"}),
    ("reporting.view_period", PLAN_READERS),
    ("reporting.view_milestone", PLAN_READERS),
    ("reporting.change_period", {"office"}),
])
def test_each_persona_may_open_the_reporting_pages_as_declared(personas, perm, allowed):
    assert who_may(personas, perm) == set(allowed)
