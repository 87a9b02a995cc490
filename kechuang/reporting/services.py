"""Reporting services: periods, the workflow (save, submit, approve, return, reopen), the unit's
monthly workspace with pre-filled values, and completeness/timeliness per unit.

Workflow (``SubmissionStatus``)::

    draft ──submit──► submitted ──approve──► approved (LOCKED) ──reopen (office)──► returned
      ▲                   │                                                        │
      └── save_draft      └──return_for_revision (reason)──► returned ──submit─────┘

Every function here is keyword-only after the row, checks the transition and the user's right to make
it, runs in ``transaction.atomic()`` with the row locked, saves with the optimistic version check
(``core.concurrency.save_with_version``), and writes a ``ReportEvent`` and an audit event. Views, the
API and the Excel upload call these functions and never set ``status`` themselves.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from kechuang.accounts.models import Role
from kechuang.audit.services import record_event
from kechuang.core.concurrency import ConflictError, save_with_version
from kechuang.notices.models import NoticeKind
from kechuang.notices.services import notify
from kechuang.plans.choices import TaskUnitRole, ValueSource
from kechuang.plans.models import Indicator, IndicatorShare, TaskUnit

from . import rules
from .choices import PeriodStatus, PrefillSource, ReportAction, SubmissionStatus
from .models import IndicatorValue, Milestone, Period, ReportEvent, TaskReport

TEXT_MAX = 5000


class WorkflowError(Exception):
    """A forbidden transition or edit (Chinese message for the user)."""

    status_code = 409

    def __init__(self, message: str, messages: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.messages = messages or [message]


class NotAllowed(WorkflowError):
    """The user may not do this to this row."""

    status_code = 403


class InvalidData(WorkflowError):
    """The data breaks a validation rule (``messages`` lists every problem)."""

    status_code = 422


# ---------------------------------------------------------------------------------------------- periods


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + n
    return idx // 12, idx % 12 + 1


def period_dates(plan, year: int, month: int) -> tuple[dt.date, dt.date]:
    """(opens_on, due_on): open on the 1st of the following month, due on ``report_due_day`` of it."""
    ny, nm = _add_months(year, month, 1)
    due_day = int(plan.setting("report_due_day") or 5)
    due_day = max(1, min(due_day, calendar.monthrange(ny, nm)[1]))
    return dt.date(ny, nm, 1), dt.date(ny, nm, due_day)


def ensure_periods(plan) -> list[Period]:
    """Create the plan year's 12 monthly periods (idempotent); returns them in order."""
    with transaction.atomic():
        existing = {(p.year, p.month): p for p in Period.objects.filter(plan=plan, year=plan.year)}
        for month in range(1, 13):
            if (plan.year, month) not in existing:
                opens_on, due_on = period_dates(plan, plan.year, month)
                existing[(plan.year, month)], _ = Period.objects.get_or_create(
                    plan=plan, year=plan.year, month=month,
                    defaults={"opens_on": opens_on, "due_on": due_on, "status": PeriodStatus.OPEN},
                )
    return [existing[(plan.year, m)] for m in range(1, 13)]


def business_date() -> dt.date:
    """Today, or the demo's business date (SystemFlag ``demo_as_of``) when demo data is loaded."""
    from kechuang.core.models import SystemFlag

    flag = SystemFlag.get("demo_as_of")
    if flag:
        try:
            return dt.date.fromisoformat(flag)
        except ValueError:
            pass
    return timezone.localdate()


def current_period(plan, today: dt.date | None = None) -> Period | None:
    """The month being reported on ``today``: the latest period already open for entry (else the first)."""
    today = today or business_date()
    periods = ensure_periods(plan)
    opened = [p for p in periods if p.opens_on <= today]
    return opened[-1] if opened else periods[0]


def set_period_status(period: Period, *, user, status: str) -> Period:
    """The office closes a month to entry or opens it again (audited)."""
    if not user.is_office:
        raise NotAllowed("只有领导小组办公室可以开放或关闭填报期")
    if status not in PeriodStatus.values:
        raise WorkflowError("无效的填报期状态")
    with transaction.atomic():
        Period.objects.filter(pk=period.pk).update(status=status)
        period.status = status
        record_event("reporting.period_" + status, user=user, obj=period, detail={"period": period.code})
    return period


# ------------------------------------------------------------------------------------------ permissions


def is_unit_user(user, unit_id) -> bool:
    return bool(user.unit_id) and user.unit_id == unit_id and user.has_role(Role.REPORTER, Role.REVIEWER)


def can_edit(user, row) -> bool:
    """The unit itself (reporter or reviewer) or the office."""
    return user.is_active and (is_unit_user(user, row.unit_id) or user.is_office)


def _lead_unit_ids(task_ids) -> set[int]:
    return set(
        TaskUnit.objects.filter(task_id__in=task_ids, role=TaskUnitRole.LEAD).values_list("unit_id", flat=True)
    )


def can_review(user, row) -> bool:
    """The office everywhere; a reviewer of a lead unit for other units' rows on the tasks it leads
    (for an indicator value also the indicator's owner unit). Nobody approves their own unit's row."""
    if not user.is_active:
        return False
    if user.is_office:
        return True
    if not user.unit_id or not user.has_role(Role.REVIEWER) or user.unit_id == row.unit_id:
        return False
    if isinstance(row, TaskReport):
        return user.unit_id in _lead_unit_ids([row.task_id])
    indicator = row.indicator
    if indicator.owner_unit_id == user.unit_id:
        return True
    return user.unit_id in _lead_unit_ids(indicator.tasks.values("pk"))


def reviewable(plan, user) -> tuple:
    """(task reports, indicator values) submitted and waiting for ``user``'s review, as querysets: the
    same rule as ``can_review`` expressed in the query (the review queue, its filters and the badge
    counts read these; a test checks the two agree row by row)."""
    reports = TaskReport.objects.filter(plan=plan, status=SubmissionStatus.SUBMITTED)
    values = IndicatorValue.objects.filter(plan=plan, status=SubmissionStatus.SUBMITTED)
    if not user.is_active:
        return reports.none(), values.none()
    if user.is_office:
        return reports, values
    if not user.unit_id or not user.has_role(Role.REVIEWER):
        return reports.none(), values.none()
    led = TaskUnit.objects.filter(task__plan=plan, role=TaskUnitRole.LEAD, unit_id=user.unit_id).values("task_id")
    reports = reports.filter(task_id__in=led).exclude(unit_id=user.unit_id)
    values = values.filter(Q(indicator__owner_unit_id=user.unit_id)
                           | Q(indicator__in=Indicator.objects.filter(tasks__in=led).values("pk"))
                           ).exclude(unit_id=user.unit_id)
    return reports, values


def can_reopen(user) -> bool:
    return user.is_active and user.is_office


# ------------------------------------------------------------------------------------------- cleaning

TASK_FIELDS = ("percent_complete", "narrative", "problems", "next_steps")
VALUE_FIELDS = ("value", "note")


def parse_decimal(raw, label: str) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, bool):
        raise InvalidData(f"{label}须为数字")
    if isinstance(raw, int | float):
        return Decimal(str(raw))
    text = str(raw).strip().replace(",", "").replace("，", "")
    if text.endswith(("%", "％")):
        text = text[:-1].strip()
    if text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise InvalidData(f"{label}须为数字，收到“{text[:20]}”") from exc
    if not value.is_finite():
        raise InvalidData(f"{label}须为数字")
    return value


def _text(raw, label: str) -> str:
    text = "" if raw is None else str(raw).strip()
    if len(text) > TEXT_MAX:
        raise InvalidData(f"{label}不能超过 {TEXT_MAX} 字")
    return text


def clean_task_data(data: dict) -> dict:
    """Parse a task report's editable fields; raises InvalidData listing every problem."""
    cleaned, problems = {}, []
    labels = {"percent_complete": "完成进度", "narrative": "进展情况", "problems": "存在问题", "next_steps": "下步打算"}
    for name in TASK_FIELDS:
        if name not in data:
            continue
        try:
            if name == "percent_complete":
                value = parse_decimal(data[name], labels[name])
                if value is not None and not (Decimal(0) <= value <= Decimal(100)):
                    raise InvalidData("完成进度须在 0 到 100 之间")
                if value is not None:
                    value = value.quantize(Decimal("0.01"))
                cleaned[name] = value
            else:
                cleaned[name] = _text(data[name], labels[name])
        except InvalidData as exc:
            problems.extend(exc.messages)
    if problems:
        raise InvalidData(problems[0], problems)
    return cleaned


def clean_value_data(data: dict) -> dict:
    cleaned, problems = {}, []
    if "value" in data:
        try:
            value = parse_decimal(data["value"], "数值")
            if value is not None and abs(value) >= Decimal("1e16"):
                raise InvalidData("数值过大")
            cleaned["value"] = value.quantize(Decimal("0.0001")) if value is not None else None
        except InvalidData as exc:
            problems.extend(exc.messages)
    if "note" in data:
        try:
            cleaned["note"] = _text(data["note"], "说明")
        except InvalidData as exc:
            problems.extend(exc.messages)
    if problems:
        raise InvalidData(problems[0], problems)
    return cleaned


def submission_problems(row, *, batch=None) -> list[str]:
    """What stops this row from being submitted (empty when it may go)."""
    if isinstance(row, TaskReport):
        problems = []
        if row.percent_complete is None:
            problems.append("请填写完成进度（%）")
        if not row.narrative.strip():
            problems.append("请填写进展情况")
        return problems
    if row.value is None:
        return ["请填写数值"]
    result = rules.check_value(row.indicator, row.unit, row.period, row.value, row.note, batch=batch)
    return result.blocking(row.note)


# ------------------------------------------------------------------------------------------ workflow


def _label(row) -> str:
    return "任务进展报告" if isinstance(row, TaskReport) else "指标数据"


def _lock(row):
    model = type(row)
    qs = model.objects.select_for_update(of=("self",)) if _supports_of() else model.objects.select_for_update()
    return qs.select_related("period", "unit").get(pk=row.pk)


def _supports_of() -> bool:
    from django.db import connection

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


def save_draft(report, *, user, data: dict, expected_version, action: str = ReportAction.SAVED):
    """Save the unit's edits (draft or returned rows only). Values are checked against the rules;
    rule errors block, warnings wait for submission."""
    fields = TASK_FIELDS if isinstance(report, TaskReport) else VALUE_FIELDS
    cleaned = clean_task_data(data) if isinstance(report, TaskReport) else clean_value_data(data)
    with transaction.atomic():
        row = _lock(report)
        if not can_edit(user, row):
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
            result = rules.check_value(row.indicator, row.unit, row.period, row.value, row.note)
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
        if not can_edit(user, row):
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
        if not can_review(user, row):
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
        if not can_review(user, row):
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
        if not can_reopen(user):
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


# ------------------------------------------------------------------------------- rows and pre-filling


def unit_task_roles(plan, unit) -> list[tuple]:
    """[(task, role)] for the unit's tasks, lead role first when it has both."""
    seen = {}
    for tu in TaskUnit.objects.filter(task__plan=plan, unit=unit).select_related("task").order_by("task__seq", "role"):
        if tu.task_id not in seen or tu.role == TaskUnitRole.LEAD:
            seen[tu.task_id] = (tu.task, tu.role)
    return sorted(seen.values(), key=lambda pair: pair[0].seq)


def unit_indicators(plan, unit) -> list[Indicator]:
    """The indicators a unit answers for: those it owns (without shares) and those it has a share of."""
    shared = set(IndicatorShare.objects.filter(indicator__plan=plan).values_list("indicator_id", flat=True))
    mine = set(IndicatorShare.objects.filter(indicator__plan=plan, unit=unit).values_list("indicator_id", flat=True))
    qs = Indicator.objects.filter(plan=plan).filter(
        (Q(owner_unit=unit) & ~Q(pk__in=shared)) | Q(pk__in=mine)
    ).select_related("part_of").order_by("seq")
    return list(qs)


def system_value(indicator, as_of: dt.date, unit=None):
    """What the system already knows (computed or statistical) — ``None`` when the unit must enter it."""
    if indicator.source == ValueSource.REPORTED:
        return None
    from kechuang.metrics.resolution import resolve

    try:
        resolved = resolve(indicator, as_of, unit)
    except LookupError:  # the computation is not available (yet) on this installation
        return None
    return resolved if resolved.value is not None else None


def _previous_period(period) -> Period | None:
    if period.month == 1:
        return None
    return Period.objects.filter(plan_id=period.plan_id, year=period.year, month=period.month - 1).first()


def _prefilled_task(plan, task, unit, period) -> TaskReport:
    row = TaskReport(plan=plan, task=task, unit=unit, period=period, version=0)
    prev_period = _previous_period(period)
    prev = TaskReport.objects.filter(task=task, unit=unit, period=prev_period).first() if prev_period else None
    if prev is not None:
        row.percent_complete = prev.percent_complete
        row.narrative = prev.narrative
        row.problems = prev.problems
        row.next_steps = prev.next_steps
        row._prefilled = True
    return row


def _prefilled_value(plan, indicator, unit, period) -> IndicatorValue:
    row = IndicatorValue(plan=plan, indicator=indicator, unit=unit, period=period, version=0)
    prev_period = _previous_period(period)
    prev = (
        IndicatorValue.objects.filter(indicator=indicator, unit=unit, period=prev_period).first()
        if prev_period else None
    )
    if prev is not None and prev.value is not None:
        row.value = prev.value
        row.prefilled_from = PrefillSource.LAST_MONTH
    return row


def ensure_task_report(plan, task, unit, period, *, user) -> tuple[TaskReport, bool]:
    """The unit's row for (task, period), created pre-filled from last month when missing."""
    if not TaskUnit.objects.filter(task=task, unit=unit).exists():
        raise NotAllowed("该单位不承担此任务")
    existing = TaskReport.objects.filter(task=task, unit=unit, period=period).first()
    if existing is not None:
        return existing, False
    row = _prefilled_task(plan, task, unit, period)
    row.version = 1
    try:
        with transaction.atomic():
            row.save()
            _event(row, ReportAction.CREATED, user, detail={"prefilled": bool(getattr(row, "_prefilled", False))})
    except IntegrityError:
        # Someone created it at the same moment; one report per (task, unit, period).
        return TaskReport.objects.get(task=task, unit=unit, period=period), False
    return row, True


def ensure_indicator_value(plan, indicator, unit, period, *, user) -> tuple[IndicatorValue, bool]:
    if indicator.pk not in {i.pk for i in unit_indicators(plan, unit)}:
        raise NotAllowed("该单位不负责填报此指标")
    existing = IndicatorValue.objects.filter(indicator=indicator, unit=unit, period=period).first()
    if existing is not None:
        return existing, False
    row = _prefilled_value(plan, indicator, unit, period)
    row.version = 1
    try:
        with transaction.atomic():
            row.save()
            _event(row, ReportAction.CREATED, user, detail={"prefilled_from": row.prefilled_from})
    except IntegrityError:
        return IndicatorValue.objects.get(indicator=indicator, unit=unit, period=period), False
    return row, True


@dataclass
class TaskItem:
    task: object
    role: str
    report: TaskReport
    prefilled: bool
    milestones: list = field(default_factory=list)
    overdue_milestones: int = 0

    @property
    def key(self) -> str:
        return f"t{self.task.pk}"


@dataclass
class IndicatorItem:
    indicator: Indicator
    row: IndicatorValue
    system: object | None  # metrics.resolution.Resolved when the system has the figure
    prefilled: bool

    @property
    def key(self) -> str:
        return f"i{self.indicator.pk}"

    @property
    def needs_entry(self) -> bool:
        return self.system is None


@dataclass
class Workspace:
    plan: object
    unit: object
    period: Period
    tasks: list[TaskItem]
    indicators: list[IndicatorItem]

    @property
    def rows(self):
        return [t.report for t in self.tasks] + [i.row for i in self.indicators if i.needs_entry]

    @property
    def burden(self) -> dict:
        """Items the unit answers for this month, how many the system pre-filled, and how many it fetched itself."""
        system = sum(1 for i in self.indicators if not i.needs_entry)
        to_fill = len(self.tasks) + sum(1 for i in self.indicators if i.needs_entry)
        prefilled = sum(1 for t in self.tasks if t.prefilled) + sum(
            1 for i in self.indicators if i.needs_entry and i.prefilled
        )
        return {"total": to_fill + system, "to_fill": to_fill, "prefilled": prefilled, "system": system,
                "typed": to_fill - prefilled}

    @property
    def editable(self) -> bool:
        return self.period.is_open and any(r.is_editable for r in self.rows)

    @property
    def status(self) -> str:
        statuses = {r.status for r in self.rows if r.pk}
        if not self.rows or not statuses:
            return SubmissionStatus.DRAFT
        if len(statuses) == 1 and len([r for r in self.rows if r.pk]) == len(self.rows):
            return statuses.pop()
        for s in (SubmissionStatus.RETURNED, SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED):
            if s in statuses:
                return s
        return SubmissionStatus.APPROVED


def workspace(plan, unit, period, *, with_system: bool = True) -> Workspace:
    """The unit's month: its tasks (as lead or responsible) and the indicators it answers for, with the
    existing rows or unsaved rows pre-filled from last month; computed and statistical indicators show
    the system's figure read-only (a unit never types a figure the system has)."""
    reports = {r.task_id: r for r in TaskReport.objects.filter(plan=plan, unit=unit, period=period)}
    values = {
        v.indicator_id: v for v in IndicatorValue.objects.filter(plan=plan, unit=unit, period=period)
    }
    as_of = period.end
    milestones: dict[int, list] = {}
    for m in Milestone.objects.filter(task__plan=plan, unit=unit).order_by("deadline"):
        milestones.setdefault(m.task_id, []).append(m)
    today = business_date()
    prev = _previous_period(period)
    prev_tasks, prev_values = set(), set()
    if prev is not None:
        prev_tasks = set(TaskReport.objects.filter(unit=unit, period=prev).values_list("task_id", flat=True))
        prev_values = set(
            IndicatorValue.objects.filter(unit=unit, period=prev, value__isnull=False)
            .values_list("indicator_id", flat=True)
        )
    tasks = []
    for task, role in unit_task_roles(plan, unit):
        row = reports.get(task.pk)
        prefilled = task.pk in prev_tasks
        if row is None:
            row = _prefilled_task(plan, task, unit, period)
        ms = milestones.get(task.pk, [])
        tasks.append(TaskItem(task, role, row, prefilled, ms, sum(1 for m in ms if m.overdue(today))))
    indicators = []
    for ind in unit_indicators(plan, unit):
        row = values.get(ind.pk)
        if row is None:
            row = _prefilled_value(plan, ind, unit, period)
        shared = ind.owner_unit_id != unit.pk
        system = system_value(ind, as_of, unit if shared else None) if with_system else None
        indicators.append(IndicatorItem(ind, row, system, bool(row.prefilled_from) or ind.pk in prev_values))
    return Workspace(plan, unit, period, tasks, indicators)


# ---------------------------------------------------------------------------- completeness, timeliness

UNIT_STATUSES = ("on_time", "late", "missing", "draft")


def expected_items(plan) -> dict[int, int]:
    """unit id → number of rows the unit owes each month (its tasks + its reported indicators)."""
    counts: dict[int, int] = {}
    for row in TaskUnit.objects.filter(task__plan=plan).values("unit_id").annotate(n=Count("task_id", distinct=True)):
        counts[row["unit_id"]] = row["n"]
    reported = Indicator.objects.filter(plan=plan, source=ValueSource.REPORTED)
    shares = IndicatorShare.objects.filter(indicator__in=reported).values_list("indicator_id", "unit_id")
    shared_ids = set()
    for indicator_id, unit_id in shares:
        shared_ids.add(indicator_id)
        counts[unit_id] = counts.get(unit_id, 0) + 1
    for ind_id, owner_id in reported.exclude(owner_unit__isnull=True).values_list("pk", "owner_unit_id"):
        if ind_id not in shared_ids:
            counts[owner_id] = counts.get(owner_id, 0) + 1
    return counts


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def status_matrix(plan, periods, as_of: dt.date) -> dict[tuple[int, int], str]:
    """(period id, unit id) → on_time | late | missing | draft, with a constant number of queries.

    A unit's month is submitted when every row it owes has been submitted at least once by ``as_of``;
    on time when the last of those first submissions fell on or before the due date. ``draft`` means
    started but not (fully) submitted; ``missing`` means nothing at all.
    """
    periods = list(periods)
    expected = expected_items(plan)
    cutoff = _end_of(as_of)
    period_ids = [p.pk for p in periods]
    agg: dict[tuple[int, int], dict] = {}

    def collect(qs):
        for row in qs.values("period_id", "unit_id").annotate(
            n=Count("pk"), done=Count("pk", filter=Q(first_submitted_at__lte=cutoff)),
            last=Max("first_submitted_at", filter=Q(first_submitted_at__lte=cutoff)),
        ):
            slot = agg.setdefault((row["period_id"], row["unit_id"]), {"n": 0, "done": 0, "last": None})
            slot["n"] += row["n"]
            slot["done"] += row["done"]
            if row["last"] and (slot["last"] is None or row["last"] > slot["last"]):
                slot["last"] = row["last"]

    collect(TaskReport.objects.filter(plan=plan, period_id__in=period_ids))
    collect(IndicatorValue.objects.filter(plan=plan, period_id__in=period_ids, indicator__source=ValueSource.REPORTED))
    result = {}
    for period in periods:
        for unit_id, owed in expected.items():
            slot = agg.get((period.pk, unit_id))
            if not slot or slot["n"] == 0:
                result[(period.pk, unit_id)] = "missing"
            elif slot["done"] >= owed and slot["last"] is not None:
                late = timezone.localtime(slot["last"]).date() > period.due_on
                result[(period.pk, unit_id)] = "late" if late else "on_time"
            else:
                result[(period.pk, unit_id)] = "draft"
    return result


def latest_approved_reports(plan, as_of: dt.date, task_ids=None) -> dict[int, dict[int, TaskReport]]:
    """{task_id: {unit_id: the latest APPROVED report for a month ended by ``as_of``}}: the database
    picks each unit's latest row per task (window function), then one query reads just those. The
    bulletin and the supervision task page both read this (the same report text in both)."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    months = [p.month for p in Period.objects.filter(plan=plan, year=plan.year) if p.end <= as_of]
    rows = TaskReport.objects.filter(plan=plan, status=SubmissionStatus.APPROVED, period__year=plan.year,
                                     period__month__in=months)
    if task_ids is not None:
        rows = rows.filter(task_id__in=list(task_ids))
    latest = (
        rows.annotate(rn=Window(RowNumber(), partition_by=[F("task_id"), F("unit_id")],
                                order_by=[F("period__month").desc(), F("pk").desc()]))
        .filter(rn=1)
        .values_list("pk", flat=True)
    )
    out: dict[int, dict[int, TaskReport]] = {}
    for report in TaskReport.objects.filter(pk__in=list(latest)).select_related("unit", "period"):
        out.setdefault(report.task_id, {})[report.unit_id] = report
    return out


def unit_period_status(plan, period, as_of: dt.date | None = None) -> dict[int, str]:
    """{unit_id: "on_time" | "late" | "missing" | "draft"} for every unit that owes the month's report."""
    as_of = as_of or timezone.localdate()
    return {unit_id: s for (_pid, unit_id), s in status_matrix(plan, [period], as_of).items()}


def timeliness(plan, year: int, through_month: int, as_of: dt.date | None = None) -> dict[int, dict]:
    """Per unit over the months 1..through_month: counts per status and the rates.

    ``on_time_rate`` = months on time / months due; ``submitted_rate`` = months submitted (on time or
    late) / months due. Only months whose due date has passed by ``as_of`` count as due.
    """
    as_of = as_of or timezone.localdate()
    periods = [
        p for p in Period.objects.filter(plan=plan, year=year, month__lte=through_month).order_by("month")
        if p.due_on < as_of
    ]
    matrix = status_matrix(plan, periods, as_of)
    out: dict[int, dict] = {}
    for unit_id in expected_items(plan):
        counts = {s: 0 for s in UNIT_STATUSES}
        for p in periods:
            counts[matrix[(p.pk, unit_id)]] += 1
        months = len(periods)
        out[unit_id] = {
            **counts,
            "months": months,
            "on_time_rate": (counts["on_time"] / months) if months else None,
            "submitted_rate": ((counts["on_time"] + counts["late"]) / months) if months else None,
        }
    return out


# ---------------------------------------------------------------------------------------- milestones


def milestone_action(plan, *, user, data) -> Milestone | None:
    """工期倒排: the unit adds a milestone to one of its tasks, marks one done (or not done), or deletes one."""
    op = data.get("op", "add")
    if not (user.unit_id and user.has_role(Role.REPORTER, Role.REVIEWER)):
        raise NotAllowed("只有本单位填报员可以维护工作节点")
    if op == "add":
        try:
            task_id = int(data.get("task", ""))
        except ValueError as exc:
            raise InvalidData("请选择任务") from exc
        if not TaskUnit.objects.filter(task_id=task_id, task__plan=plan, unit_id=user.unit_id).exists():
            raise NotAllowed("该单位不承担此任务")
        title = _text(data.get("title"), "节点")[:200]
        person = _text(data.get("responsible_person"), "责任人")[:50]
        try:
            deadline = dt.date.fromisoformat(str(data.get("deadline", "")).strip())
        except ValueError as exc:
            raise InvalidData("完成时限须为日期（如 2022-09-30）") from exc
        problems = [m for m, bad in (("请填写节点内容", not title), ("请填写责任人", not person)) if bad]
        if problems:
            raise InvalidData(problems[0], problems)
        if deadline.year != plan.year:
            raise InvalidData(f"完成时限须在 {plan.year} 年内")
        with transaction.atomic():
            m = Milestone.objects.create(task_id=task_id, unit_id=user.unit_id, title=title,
                                         responsible_person=person, deadline=deadline)
            record_event("reporting.milestone_add", user=user, obj=m)
        return m
    try:
        pk, version = int(data.get("pk", "")), int(data.get("version", ""))
    except ValueError as exc:
        raise InvalidData("缺少节点编号或版本号") from exc
    with transaction.atomic():
        m = Milestone.objects.select_for_update().filter(pk=pk, unit_id=user.unit_id, task__plan=plan).first()
        if m is None:
            raise NotAllowed("找不到该工作节点")
        _check_version(m, version)
        if op == "delete":
            record_event("reporting.milestone_delete", user=user, obj=m)
            m.delete()
            return None
        if op == "done":
            raw = str(data.get("done_on") or "").strip()
            try:
                m.done_on = dt.date.fromisoformat(raw) if raw else timezone.localdate()
            except ValueError as exc:
                raise InvalidData("完成日期格式不正确") from exc
        elif op == "undo":
            m.done_on = None
        else:
            raise InvalidData("未知操作")
        save_with_version(m, m.version, ["done_on"])
        record_event(f"reporting.milestone_{op}", user=user, obj=m)
    return m


def overdue_milestones(plan, as_of: dt.date, unit=None):
    """Milestones past their deadline and not done by ``as_of`` (for lights, the workspace and urging)."""
    qs = Milestone.objects.filter(task__plan=plan).filter(Milestone.overdue_q(as_of))
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.select_related("task", "unit")


def burden_by_unit(plan, period, *, check_system: bool = True) -> dict[int, dict]:
    """The burden meter for every unit at once (the office's view), with a constant number of queries
    plus one resolution per indicator the system may know: same figures as ``Workspace.burden``.
    ``check_system=False`` trusts the declared source (computed/statistical = system) instead of
    resolving each figure, for a fast overview."""
    tasks: dict[int, set[int]] = {}
    for task_id, unit_id in TaskUnit.objects.filter(task__plan=plan).values_list("task_id", "unit_id"):
        tasks.setdefault(unit_id, set()).add(task_id)
    prev = _previous_period(period)
    prev_tasks = set(
        TaskReport.objects.filter(plan=plan, period=prev).values_list("task_id", "unit_id")) if prev else set()
    shares: dict[int, set[int]] = {}
    for ind_id, unit_id in IndicatorShare.objects.filter(indicator__plan=plan).values_list("indicator_id", "unit_id"):
        shares.setdefault(ind_id, set()).add(unit_id)
    indicators = list(Indicator.objects.filter(plan=plan).select_related("plan"))
    answer: dict[int, list[tuple]] = {}
    for ind in indicators:
        if ind.pk in shares:
            for unit_id in shares[ind.pk]:
                answer.setdefault(unit_id, []).append((ind, unit_id))
        elif ind.owner_unit_id:
            answer.setdefault(ind.owner_unit_id, []).append((ind, None))
    units = {u.pk: u for u in _units(set(tasks) | set(answer))}
    system_cache: dict[tuple, bool] = {}
    current_values = dict(
        ((i, u), v) for i, u, v in IndicatorValue.objects.filter(plan=plan, period=period).values_list(
            "indicator_id", "unit_id", "prefilled_from"))
    prev_values = set(
        IndicatorValue.objects.filter(plan=plan, period=prev, value__isnull=False)
        .values_list("indicator_id", "unit_id")
    ) if prev else set()
    out = {}
    for unit_id in sorted(set(tasks) | set(answer)):
        my_tasks = tasks.get(unit_id, set())
        prefilled = sum(1 for t in my_tasks if (t, unit_id) in prev_tasks)
        system = entry = 0
        for ind, share_unit in answer.get(unit_id, []):
            key = (ind.pk, share_unit)
            if key not in system_cache:
                if check_system:
                    system_cache[key] = system_value(ind, period.end, units.get(share_unit)) is not None
                else:
                    system_cache[key] = ind.source != ValueSource.REPORTED
            if system_cache[key]:
                system += 1
                continue
            entry += 1
            if current_values.get((ind.pk, unit_id)) or (ind.pk, unit_id) in prev_values:
                prefilled += 1
        to_fill = len(my_tasks) + entry
        out[unit_id] = {"total": to_fill + system, "to_fill": to_fill, "prefilled": prefilled, "system": system,
                        "typed": to_fill - prefilled}
    return out


def _units(ids):
    from kechuang.org.models import Unit

    return Unit.objects.filter(pk__in=ids)
