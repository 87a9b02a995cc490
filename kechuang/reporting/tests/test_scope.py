"""Drafts are visible only to their own unit; submitted rows to the lead unit, the office and leaders."""

import pytest

from kechuang.core.scoping import restrict
from kechuang.reporting import services
from kechuang.reporting.models import Evidence, IndicatorValue, ReportEvent, TaskReport

from .helpers import filled, reported_indicator, town_report, value_row

pytestmark = pytest.mark.django_db


def _visible(model, user, pk):
    return restrict(model.objects.all(), user).filter(pk=pk).exists()


def test_a_draft_is_seen_only_by_its_own_unit(plan, personas):
    row = filled(town_report(plan, personas), personas["town"])
    seers = {name for name, u in personas.items() if _visible(TaskReport, u, row.pk)}
    assert seers == {"town"}
    event_seers = {name for name, u in personas.items()
                   if restrict(ReportEvent.objects.filter(task_report=row), u).exists()}
    assert event_seers == {"town"}


def test_a_submitted_report_is_seen_by_the_lead_unit_office_and_leaders_but_not_other_towns(plan, personas):
    row = filled(town_report(plan, personas), personas["town"])
    services.submit(row, user=personas["town"])
    seers = {name for name, u in personas.items() if _visible(TaskReport, u, row.pk)}
    assert seers == {"town", "lead", "office", "leader"}


def test_only_the_unit_and_the_office_may_change(plan, personas):
    row = filled(town_report(plan, personas), personas["town"])
    services.submit(row, user=personas["town"])
    changers = {name for name, u in personas.items()
                if restrict(TaskReport.objects.filter(pk=row.pk), u, "change").exists()}
    assert changers == {"town", "office"}


def test_indicator_value_drafts_stay_with_the_unit(plan, personas):
    ind = reported_indicator(plan, "HNTE_TOTAL")
    row = value_row(plan, ind, personas["lead"])
    services.save_draft(row, user=personas["lead"], data={"value": "30"}, expected_version=row.version)
    assert {n for n, u in personas.items() if _visible(IndicatorValue, u, row.pk)} == {"lead"}
    services.submit(row, user=personas["lead"])
    assert {n for n, u in personas.items() if _visible(IndicatorValue, u, row.pk)} == {"lead", "office", "leader"}


def test_evidence_follows_its_report_scope(plan, personas):
    row = town_report(plan, personas)
    ev = Evidence.objects.create(task_report=row, stored_name="x" * 32, original_name="a.pdf",
                                 content_type="application/pdf", size=1, sha256="0" * 64)
    assert {n for n, u in personas.items() if _visible(Evidence, u, ev.pk)} == {"town"}
