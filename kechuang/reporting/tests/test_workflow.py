"""Every workflow transition, every forbidden one, and the lock after approval in the services."""

import pytest
from django.db import IntegrityError, transaction

from kechuang.audit.models import AuditEvent
from kechuang.core.concurrency import ConflictError
from kechuang.reporting import services
from kechuang.reporting.choices import PeriodStatus, ReportAction
from kechuang.reporting.choices import SubmissionStatus as S
from kechuang.reporting.models import ReportEvent, TaskReport

from .helpers import filled, period, submitted_town_report, task, town_report

pytestmark = pytest.mark.django_db


def test_it_creates_the_twelve_periods_once_with_due_dates_from_the_plan(plan):
    periods = services.ensure_periods(plan)
    services.ensure_periods(plan)
    assert [p.code for p in periods] == [f"2022{m:02d}" for m in range(1, 13)]
    may = periods[4]
    assert (str(may.opens_on), str(may.due_on)) == ("2022-06-01", "2022-06-05")
    assert (str(periods[11].opens_on), str(periods[11].due_on)) == ("2023-01-01", "2023-01-05")
    plan.settings = {**plan.settings, "report_due_day": 10}
    assert str(services.period_dates(plan, 2022, 2)[1]) == "2022-03-10"


def test_a_draft_goes_submitted_then_approved_with_events_and_audit(plan, personas):
    row = filled(town_report(plan, personas), personas["town"])
    assert row.status == S.DRAFT and row.percent_complete == 40
    services.submit(row, user=personas["town"], expected_version=row.version)
    assert row.status == S.SUBMITTED and row.submitted_by == personas["town"] and row.first_submitted_at
    services.approve(row, user=personas["lead"])
    row.refresh_from_db()
    assert row.status == S.APPROVED and row.reviewed_by == personas["lead"]
    actions = list(ReportEvent.objects.filter(task_report=row).values_list("action", flat=True))
    assert actions == [ReportAction.CREATED, ReportAction.SAVED, ReportAction.SUBMITTED, ReportAction.APPROVED]
    assert AuditEvent.objects.filter(action="reporting.approved", object_id=str(row.pk)).exists()


def test_a_returned_report_is_fixed_and_resubmitted(plan, personas):
    row = submitted_town_report(plan, personas)
    services.return_for_revision(row, user=personas["lead"], reason="请补充对接企业名单")
    assert row.status == S.RETURNED and row.return_reason == "请补充对接企业名单"
    filled(row, personas["town"], narrative="对接企业：甲公司、乙公司")
    first = row.first_submitted_at
    services.submit(row, user=personas["town"])
    assert row.status == S.SUBMITTED and row.first_submitted_at == first
    services.approve(row, user=personas["office"])
    assert row.status == S.APPROVED
    ev = ReportEvent.objects.get(task_report=row, action=ReportAction.RETURNED)
    assert ev.reason == "请补充对接企业名单" and ev.user == personas["lead"]


def test_the_office_reopens_an_approved_report_and_it_is_audited(plan, personas):
    row = submitted_town_report(plan, personas)
    services.approve(row, user=personas["lead"])
    services.reopen(row, user=personas["office"], reason="数据有误")
    assert row.status == S.RETURNED
    assert AuditEvent.objects.filter(action="reporting.reopened", object_id=str(row.pk)).exists()
    filled(row, personas["town"], percent_complete="45")
    assert row.percent_complete == 45


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED])
def test_it_refuses_edits_and_evidence_unless_draft_or_returned(plan, personas, status):
    row = submitted_town_report(plan, personas)
    if status == S.APPROVED:
        services.approve(row, user=personas["lead"])
    with pytest.raises(services.WorkflowError) as exc:
        filled(row, personas["town"], narrative="改")
    assert ("锁定" in exc.value.message) if status == S.APPROVED else ("已报送" in exc.value.message)
    with pytest.raises(services.WorkflowError):
        services.submit(row, user=personas["town"])
    with pytest.raises(services.WorkflowError):  # even the office cannot edit a locked row
        filled(row, personas["office"], narrative="改")
    row.refresh_from_db()
    assert row.narrative == "完成校企对接 3 次"


def test_forbidden_transitions_raise_chinese_errors(plan, personas):
    row = filled(town_report(plan, personas), personas["town"])
    with pytest.raises(services.WorkflowError, match="只能审核已报送"):
        services.approve(row, user=personas["lead"])
    with pytest.raises(services.WorkflowError, match="只能退回已报送"):
        services.return_for_revision(row, user=personas["lead"], reason="x")
    with pytest.raises(services.WorkflowError, match="只能重新开放已审核"):
        services.reopen(row, user=personas["office"])
    services.submit(row, user=personas["town"])
    with pytest.raises(services.WorkflowError, match="只能重新开放已审核"):
        services.reopen(row, user=personas["office"])
    services.approve(row, user=personas["lead"])
    with pytest.raises(services.WorkflowError, match="只能审核已报送"):
        services.approve(row, user=personas["office"])
    with pytest.raises(services.WorkflowError, match="只能退回已报送"):
        services.return_for_revision(row, user=personas["office"], reason="x")
    assert TaskReport.objects.get(pk=row.pk).status == S.APPROVED


def test_only_reviewers_of_the_lead_unit_or_the_office_review(plan, personas):
    row = submitted_town_report(plan, personas)
    for name in ("town", "town_b", "dept", "leader", "talent"):
        with pytest.raises(services.NotAllowed):
            services.approve(row, user=personas[name])
        with pytest.raises(services.NotAllowed):
            services.return_for_revision(row, user=personas[name], reason="x")
    services.approve(row, user=personas["lead"])
    for name in ("lead", "town", "leader"):
        with pytest.raises(services.NotAllowed):
            services.reopen(row, user=personas[name])


def test_a_lead_unit_cannot_approve_its_own_report(plan, personas):
    lead = personas["lead"]
    row, _ = services.ensure_task_report(plan, task(plan), lead.unit, period(plan), user=lead)
    filled(row, lead)
    services.submit(row, user=lead)
    with pytest.raises(services.NotAllowed):
        services.approve(row, user=lead)
    services.approve(row, user=personas["office"])


def test_returning_requires_a_reason(plan, personas):
    row = submitted_town_report(plan, personas)
    with pytest.raises(services.InvalidData, match="退回原因"):
        services.return_for_revision(row, user=personas["lead"], reason="  ")
    assert TaskReport.objects.get(pk=row.pk).status == S.SUBMITTED


def test_other_units_cannot_edit_or_submit(plan, personas):
    row = town_report(plan, personas)
    for name in ("town_b", "lead", "leader", "nobody"):
        with pytest.raises(services.NotAllowed):
            filled(row, personas[name])
        with pytest.raises(services.NotAllowed):
            services.submit(row, user=personas[name])


def test_submission_needs_percent_and_narrative(plan, personas):
    row = town_report(plan, personas)
    with pytest.raises(services.InvalidData) as exc:
        services.submit(row, user=personas["town"])
    assert set(exc.value.messages) == {"请填写完成进度（%）", "请填写进展情况"}


def test_bad_percent_is_rejected_in_chinese(plan, personas):
    row = town_report(plan, personas)
    with pytest.raises(services.InvalidData, match="0 到 100"):
        filled(row, personas["town"], percent_complete="120")
    with pytest.raises(services.InvalidData, match="须为数字"):
        filled(row, personas["town"], percent_complete="一半")


def test_a_stale_version_is_a_conflict(plan, personas):
    row = town_report(plan, personas)
    stale = row.version
    filled(row, personas["town"])
    with pytest.raises(ConflictError):
        services.save_draft(row, user=personas["town"], data={"narrative": "x"}, expected_version=stale)
    with pytest.raises(ConflictError):
        services.submit(row, user=personas["town"], expected_version=stale)


def test_a_closed_period_refuses_entry_until_the_office_opens_it(plan, personas):
    row = town_report(plan, personas)
    p = period(plan)
    with pytest.raises(services.NotAllowed):
        services.set_period_status(p, user=personas["lead"], status=PeriodStatus.CLOSED)
    services.set_period_status(p, user=personas["office"], status=PeriodStatus.CLOSED)
    with pytest.raises(services.WorkflowError, match="已关闭"):
        filled(row, personas["town"])
    services.set_period_status(p, user=personas["office"], status=PeriodStatus.OPEN)
    filled(row, personas["town"])


def test_the_database_keeps_one_report_per_task_unit_and_period(plan, personas):
    row = town_report(plan, personas)
    again, created = services.ensure_task_report(plan, row.task, row.unit, row.period, user=personas["town"])
    assert again.pk == row.pk and not created
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskReport.objects.create(plan=plan, task=row.task, unit=row.unit, period=row.period)


def test_a_unit_cannot_report_on_a_task_it_has_no_part_in(plan, personas):
    with pytest.raises(services.NotAllowed):
        services.ensure_task_report(
            plan, task(plan, "（四）"), personas["town"].unit, period(plan), user=personas["town"]
        )


def test_next_month_is_prefilled_from_last_month(plan, personas):
    submitted_town_report(plan, personas, month=4)
    ws = services.workspace(plan, personas["town"].unit, period(plan, 5))
    item = next(t for t in ws.tasks if t.task.number == "（六）")
    assert item.prefilled and item.report.pk is None and item.report.percent_complete == 40
    assert ws.burden["prefilled"] >= 1 and ws.burden["to_fill"] == len(ws.tasks) + sum(
        1 for i in ws.indicators if i.needs_entry)
