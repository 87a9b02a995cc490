"""The workflow: save, submit, approve, return, reopen (see the package docstring)."""

from __future__ import annotations

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from kechuang.audit.services import record_event
from kechuang.core.concurrency import ConflictError, save_with_version
from kechuang.notices.models import NoticeKind
from kechuang.notices.services import notify

from .. import plausibility
from ..choices import PeriodStatus, PrefillSource, ReportAction, SubmissionStatus
from ..models import IndicatorValue, ReportEvent, TaskReport
from ..rules import row_perm
from .cleaning import TASK_FIELDS, VALUE_FIELDS, clean_task_data, clean_value_data, submission_problems
from .errors import TEXT_MAX, InvalidData, NotAllowed, WorkflowError


def _label(row) -> str:
    return "任务进展报告" if isinstance(row, TaskReport) else "指标数据"


def _locking(model):
    """Rows of ``model`` read and locked to the end of the transaction, with their period, unit and task or
    indicator (the checks, the audit label ``str(row)`` and the value rules read them)."""
    qs = model.objects.select_for_update(of=("self",)) if _supports_of() else model.objects.select_for_update()
    return qs.select_related("period", "unit", _parent(model))


def _parent(model) -> str:
    return "task" if model is TaskReport else "indicator"


def _lock(row):
    return _locking(type(row)).get(pk=row.pk)


def lock_rows(rows) -> dict[tuple[type, int], object]:
    """Lock several stored rows of one unit's form at once, for ``save_draft(..., locked=...)``: one query per
    table instead of one per row. Tasks before indicators, each by sequence: the order the form's rows were
    locked in one by one, so a writer going that way waits rather than deadlocks."""
    found = {}
    for model in (TaskReport, IndicatorValue):
        pks = [row.pk for row in rows if type(row) is model]
        if pks:
            for row in _locking(model).filter(pk__in=pks).order_by(f"{_parent(model)}__seq", "pk"):
                found[(model, row.pk)] = row
    return found


def _supports_of() -> bool:
    return connection.features.has_select_for_update_of


def _event(row, action: str, user, reason: str = "", detail: dict | None = None) -> ReportEvent:
    kwargs = {"task_report": row} if isinstance(row, TaskReport) else {"indicator_value": row}
    event = ReportEvent.objects.create(action=action, user=user, reason=reason, detail=detail or {}, **kwargs)
    record_event(
        f"reporting.{action}", user=user, obj=row,
        detail={"status": row.status, "version": row.version, "reason": reason, **(detail or {})},
    )
    return event


def _check_version(current, expected_version):
    if expected_version is not None and int(expected_version) != current.version:
        raise ConflictError()
    return current.version


def _check_open(row):
    if row.period.status != PeriodStatus.OPEN:
        raise WorkflowError(f"{row.period.label}填报期已关闭，不能修改")


def _check_editable(row):
    if row.status == SubmissionStatus.APPROVED:
        raise WorkflowError(f"该{_label(row)}已审核通过并锁定，需领导小组办公室重新开放后才能修改")
    if row.status == SubmissionStatus.SUBMITTED:
        raise WorkflowError(f"该{_label(row)}已报送，正在审核，不能修改")


def _copy(src, dst, fields):
    for name in fields:
        setattr(dst, name, getattr(src, name))


ROW_STATE = ("status", "version", "submitted_at", "first_submitted_at", "submitted_by_id", "reviewed_at",
             "reviewed_by_id", "return_reason", "last_updated")


def save_draft(report, *, user, data: dict, expected_version, action: str = ReportAction.SAVED, locked=None):
    """Save the unit's edits (draft or returned rows only). Values are checked against the rules;
    rule errors block, warnings wait for submission. ``locked``: the row as ``lock_rows`` read it earlier in
    this transaction (otherwise it is read and locked here)."""
    fields = TASK_FIELDS if isinstance(report, TaskReport) else VALUE_FIELDS
    cleaned = clean_task_data(data) if isinstance(report, TaskReport) else clean_value_data(data)
    with transaction.atomic():
        row = locked if locked is not None else _lock(report)
        if not user.has_perm(row_perm("edit", row), row):
            raise NotAllowed(f"无权修改该{_label(row)}")
        _check_version(row, expected_version)
        _check_editable(row)
        _check_open(row)
        changed = {k: v for k, v in cleaned.items() if getattr(row, k) != v}
        for name, value in cleaned.items():
            setattr(row, name, value)
        if isinstance(row, IndicatorValue):
            if "value" in changed:
                row.prefilled_from = PrefillSource.NONE
            result = plausibility.check_value(row.indicator, row.unit, row.period, row.value, row.note)
            if result.errors:
                raise InvalidData(result.errors[0], result.errors)
        update = [f for f in fields if f in cleaned]
        if isinstance(row, IndicatorValue):
            update.append("prefilled_from")
        save_with_version(row, row.version, update)
        _event(row, action, user, detail={"changed": sorted(changed)})
    extra = ("prefilled_from",) if isinstance(row, IndicatorValue) else ()
    _copy(row, report, (*fields, *ROW_STATE, *extra))
    return report


def submit(report, *, user, expected_version=None, now=None, batch=None):
    """draft | returned → submitted, by the unit (or the office)."""
    now = now or timezone.now()
    with transaction.atomic():
        row = _lock(report)
        if not user.has_perm(row_perm("edit", row), row):
            raise NotAllowed(f"无权报送该{_label(row)}")
        _check_version(row, expected_version)
        if row.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
            _check_editable(row)
        _check_open(row)
        problems = submission_problems(row, batch=batch)
        if problems:
            raise InvalidData(problems[0], problems)
        row.status = SubmissionStatus.SUBMITTED
        row.submitted_at = now
        row.submitted_by = user
        row.first_submitted_at = row.first_submitted_at or now
        save_with_version(row, row.version, ["status", "submitted_at", "submitted_by", "first_submitted_at"])
        _event(row, ReportAction.SUBMITTED, user)
    _copy(row, report, ROW_STATE)
    return report


def approve(report, *, user, expected_version=None, now=None):
    """submitted → approved (locked), by the lead unit's reviewer or the office."""
    now = now or timezone.now()
    with transaction.atomic():
        row = _lock(report)
        if not user.has_perm(row_perm("review", row), row):
            raise NotAllowed("只有牵头单位审核员或领导小组办公室可以审核（不能审核本单位的报告）")
        _check_version(row, expected_version)
        if row.status != SubmissionStatus.SUBMITTED:
            raise WorkflowError(f"只能审核已报送的{_label(row)}，当前状态：{row.get_status_display()}")
        row.status = SubmissionStatus.APPROVED
        row.reviewed_at = now
        row.reviewed_by = user
        row.return_reason = ""
        save_with_version(row, row.version, ["status", "reviewed_at", "reviewed_by", "return_reason"])
        _event(row, ReportAction.APPROVED, user)
        notify(NoticeKind.APPROVED, unit=row.unit, plan=row.plan, title=f"{_label(row)}已审核通过：{row}",
               link=reverse("reporting:workspace", args=[row.plan.code, row.period.year, row.period.month]))
    _copy(row, report, ROW_STATE)
    return report


def return_for_revision(report, *, user, reason: str, expected_version=None, now=None):
    """submitted → returned with a reason, by the lead unit's reviewer or the office."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidData("退回时必须填写退回原因")
    with transaction.atomic():
        row = _lock(report)
        if not user.has_perm(row_perm("review", row), row):
            raise NotAllowed("只有牵头单位审核员或领导小组办公室可以退回（不能退回本单位的报告）")
        _check_version(row, expected_version)
        if row.status != SubmissionStatus.SUBMITTED:
            raise WorkflowError(f"只能退回已报送的{_label(row)}，当前状态：{row.get_status_display()}")
        row.status = SubmissionStatus.RETURNED
        row.reviewed_at = now
        row.reviewed_by = user
        row.return_reason = reason[:TEXT_MAX]
        save_with_version(row, row.version, ["status", "reviewed_at", "reviewed_by", "return_reason"])
        _event(row, ReportAction.RETURNED, user, reason=row.return_reason)
        notify(NoticeKind.RETURNED, unit=row.unit, plan=row.plan, title=f"{_label(row)}被退回：{row}",
               body=f"退回原因：{row.return_reason}\n请修改后重新报送。",
               link=reverse("reporting:workspace", args=[row.plan.code, row.period.year, row.period.month]))
    _copy(row, report, ROW_STATE)
    return report


def reopen(report, *, user, reason: str = "", expected_version=None, now=None):
    """approved → returned: the office unlocks an approved row so the unit can correct it."""
    now = now or timezone.now()
    reason = (reason or "").strip() or "领导小组办公室重新开放"
    with transaction.atomic():
        row = _lock(report)
        if not user.has_perm(row_perm("reopen", row), row):
            raise NotAllowed("只有领导小组办公室可以重新开放已审核的数据")
        _check_version(row, expected_version)
        if row.status != SubmissionStatus.APPROVED:
            raise WorkflowError(f"只能重新开放已审核的{_label(row)}，当前状态：{row.get_status_display()}")
        row.status = SubmissionStatus.RETURNED
        row.return_reason = reason[:TEXT_MAX]
        save_with_version(row, row.version, ["status", "return_reason"])
        _event(row, ReportAction.REOPENED, user, reason=row.return_reason)
    _copy(row, report, ROW_STATE)
    return report
