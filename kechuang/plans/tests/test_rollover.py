"""Year rollover: next year's plan from this year's (or from an extracted draft), actuals as baselines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from kechuang.accounts.models import UserRole
from kechuang.audit.models import AuditEvent
from kechuang.core.scoping import restrict
from kechuang.metrics.models import StatisticalValue
from kechuang.metrics.resolution import resolve
from kechuang.org.services import UnitResolver
from kechuang.plans.extract import draft, extract_path
from kechuang.plans.models import Indicator, Plan, Task
from kechuang.web.rollover import RolloverError, rollover_plan

from .extract_helpers import SEED

YEAR_END = dt.date(2022, 12, 31)


def _history_rows(plan):
    return (plan.history.count(), Task.history.filter(plan_id=plan.pk).count(),
            Indicator.history.filter(plan_id=plan.pk).count())


@pytest.mark.django_db
def test_it_copies_tasks_units_settings_and_targets_into_a_draft_for_the_new_year(plan):
    new = rollover_plan(plan, "guangshui-2023", 2023)
    assert (new.year, new.status, new.title) == (2023, "draft", "广水市2023年科技创新工作方案")
    assert new.settings == plan.settings
    assert new.owner_unit == plan.owner_unit and new.office_unit == plan.office_unit
    old_tasks = {t.number: t for t in plan.tasks.all()}
    for task in new.tasks.all():
        old = old_tasks[task.number]
        assert (task.title, task.lead_text, task.responsible_text) == (old.title, old.lead_text, old.responsible_text)
        assert {u.pk for u in task.units.all()} == {u.pk for u in old.units.all()}  # the same units, not copies
    assert new.indicators.count() == plan.indicators.count()
    assert new.indicators.get(code="HNTE_TOTAL").target == Decimal("40")
    assert plan.status == "active" and Plan.objects.get(pk=plan.pk).tasks.count() == 9  # the source is untouched


@pytest.mark.django_db
def test_this_years_actuals_become_baselines_through_the_resolution_path(plan):
    share = plan.indicators.get(code="HIGHTECH_VALUE_ADDED_SHARE")
    StatisticalValue.objects.create(indicator=share, period_end=dt.date(2022, 12, 31), value=Decimal("11.3"))
    StatisticalValue.objects.create(indicator=share, period_end=dt.date(2023, 3, 31), value=Decimal("2.9"))
    new = rollover_plan(plan, "guangshui-2023", 2023)
    assert new.indicators.get(code="HIGHTECH_VALUE_ADDED_SHARE").baseline == Decimal("11.3")
    for old in plan.indicators.all():
        try:
            expected = resolve(old, YEAR_END).value
        except KeyError:
            expected = None
        got = new.indicators.get(code=old.code).baseline
        assert (got is None) == (expected is None), old.code
        if expected is not None:
            assert got == Decimal(expected).quantize(Decimal("0.0001")), old.code


@pytest.mark.django_db
def test_an_indicator_without_an_actual_keeps_an_empty_baseline(plan):
    new = rollover_plan(plan, "guangshui-2023", 2023)
    assert new.indicators.get(code="HIGHTECH_VALUE_ADDED_SHARE").baseline is None


@pytest.mark.django_db
def test_rolling_over_twice_changes_nothing(plan):
    first = rollover_plan(plan, "guangshui-2023", 2023)
    before = _history_rows(first)
    second = rollover_plan(plan, "guangshui-2023", 2023)
    assert second.pk == first.pk
    assert _history_rows(second) == before
    assert Plan.objects.filter(code="guangshui-2023").count() == 1
    assert AuditEvent.objects.filter(action="plan.rollover").count() == 1


@pytest.mark.django_db
def test_users_and_roles_are_unaffected_and_units_see_their_tasks_in_the_new_plan(plan, personas):
    roles_before = sorted(UserRole.objects.values_list("user__username", "role"))
    new = rollover_plan(plan, "guangshui-2023", 2023)
    assert sorted(UserRole.objects.values_list("user__username", "role")) == roles_before
    town_tasks = set(restrict(Task.objects.filter(plan=new), personas["town"]).values_list("number", flat=True))
    old_town_tasks = set(restrict(Task.objects.filter(plan=plan), personas["town"]).values_list("number", flat=True))
    assert town_tasks == old_town_tasks and "（六）" in town_tasks


@pytest.mark.django_db
def test_a_rollover_from_an_extracted_draft_continues_last_years_indicators(plan):
    share = plan.indicators.get(code="HIGHTECH_VALUE_ADDED_SHARE")
    StatisticalValue.objects.create(indicator=share, period_end=dt.date(2022, 12, 31), value=Decimal("11.3"))
    extracted = draft(extract_path(SEED), owner=plan.owner_unit, resolver=UnitResolver(plan.owner_unit))
    new = rollover_plan(plan, "guangshui-2023", 2023, draft=extracted)
    assert new.status == "draft" and new.year == 2023
    assert new.source_text.startswith("\n广政办函")
    assert "extraction" in new.settings and new.settings["report_due_day"] == plan.settings["report_due_day"]
    codes = set(new.indicators.values_list("code", flat=True))
    assert codes == set(plan.indicators.values_list("code", flat=True))  # matched back to last year's codes
    carried = new.indicators.get(code="HIGHTECH_VALUE_ADDED_SHARE")
    assert (carried.source, carried.baseline) == ("statistical", Decimal("11.3"))
    assert new.indicators.get(code="HNTE_NEW").metric == "hnte_new_recognised"


@pytest.mark.django_db
def test_it_refuses_to_overwrite_an_active_plan_or_to_go_back_in_time(plan):
    with pytest.raises(RolloverError, match="应晚于"):
        rollover_plan(plan, "guangshui-2021", 2021)
    new = rollover_plan(plan, "guangshui-2023", 2023)
    Plan.objects.filter(pk=new.pk).update(status="active")
    with pytest.raises(RolloverError, match="不是草稿"):
        rollover_plan(plan, "guangshui-2023", 2023)


@pytest.mark.django_db
def test_the_rollover_command_creates_the_draft(plan, tmp_path, capsys):
    call_command("rollover", "--from", plan.code, "--to", "guangshui-2023", "--year", "2023")
    assert "guangshui-2023" in capsys.readouterr().out
    assert Plan.objects.get(code="guangshui-2023").status == "draft"


@pytest.mark.django_db
def test_the_office_rolls_a_plan_over_from_the_web_and_lands_on_the_new_draft(plan, client_for):
    from django.urls import reverse

    office = client_for("office")
    page = office.get(reverse("plans:extract_review", kwargs={"code": plan.code})).content.decode()
    assert 'value="guangshui-2023"' in page and 'value="2023"' in page
    response = office.post(reverse("web:plan_rollover", kwargs={"code": plan.code}),
                           {"code": "guangshui-2023", "year": "2023"})
    assert response["Location"] == reverse("plans:extract_review", kwargs={"code": "guangshui-2023"})
    assert Plan.objects.get(code="guangshui-2023").status == "draft"
    assert AuditEvent.objects.filter(action="plan.rollover").count() == 1
    response = office.post(reverse("web:plan_rollover", kwargs={"code": plan.code}),
                           {"code": "guangshui-2021", "year": "2021"}, follow=True)
    assert "应晚于" in response.content.decode()
    assert client_for("lead").post(reverse("web:plan_rollover", kwargs={"code": plan.code})).status_code == 404


@pytest.mark.django_db
def test_a_draft_naming_a_new_unit_adds_it_under_the_city(plan):
    from kechuang.org.models import Unit

    text = SEED.read_text(encoding="utf-8").replace(
        "责任单位：市人社局、市科协）", "责任单位：市人社局、市科协、市数据局）")
    from kechuang.plans.extract import extract_text

    extracted = draft(extract_text(text), owner=plan.owner_unit, resolver=UnitResolver(plan.owner_unit))
    assert extracted["settings"]["extraction"]["proposed_units"] == ["市数据局"]
    new = rollover_plan(plan, "guangshui-2023", 2023, draft=extracted)
    unit = Unit.objects.get(name="市数据局")
    assert unit.parent == plan.owner_unit
    assert unit in new.tasks.get(number="（四）").responsible_units()
