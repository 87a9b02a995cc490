"""A unit's rows for a month, pre-filled, and its monthly workspace."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, prefetch_related_objects

from kechuang.metrics.resolution import resolve
from kechuang.plans.choices import TaskUnitRole, ValueSource
from kechuang.plans.models import Indicator, TaskUnit
from kechuang.plans.services import plan_indicators, share_rows

from ..choices import PrefillSource, ReportAction, SubmissionStatus
from ..models import Evidence, IndicatorValue, Milestone, Period, TaskReport
from .errors import NotAllowed
from .periods import business_date, previous_period
from .workflow import _event


def unit_task_roles(plan, unit) -> list[tuple]:
    """[(task, role)] for the unit's tasks, lead role first when it has both."""
    seen = {}
    for tu in TaskUnit.objects.filter(task__plan=plan, unit=unit).select_related("task").order_by("task__seq", "role"):
        if tu.task_id not in seen or tu.role == TaskUnitRole.LEAD:
            seen[tu.task_id] = (tu.task, tu.role)
    return sorted(seen.values(), key=lambda pair: pair[0].seq)


def unit_indicators(plan, unit) -> list[Indicator]:
    """The indicators a unit answers for: those it owns (without shares) and those it has a share of, in order.
    Picked from the plan's indicators and shares (each read once per GET request); callers must not mutate them."""
    shares = share_rows(plan.pk)
    shared = {indicator_id for indicator_id, _unit_id in shares}
    mine = {indicator_id for indicator_id, unit_id in shares if unit_id == unit.pk}
    return [ind for ind in plan_indicators(plan)
            if (ind.owner_unit_id == unit.pk and ind.pk not in shared) or ind.pk in mine]


def system_value(indicator, as_of: dt.date, unit=None):
    """What the system already knows (computed or statistical) — ``None`` when the unit must enter it."""
    if indicator.source == ValueSource.REPORTED:
        return None

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
    prev_period = _previous_period(period)
    prev = TaskReport.objects.filter(task=task, unit=unit, period=prev_period).first() if prev_period else None
    return _task_report_after(plan, task, unit, period, prev)


def _task_report_after(plan, task, unit, period, prev: TaskReport | None) -> TaskReport:
    """An unsaved report for ``period``, pre-filled from the unit's report of the month before (``prev``)."""
    row = TaskReport(plan=plan, task=task, unit=unit, period=period, version=0)
    if prev is not None:
        row.percent_complete = prev.percent_complete
        row.narrative = prev.narrative
        row.problems = prev.problems
        row.next_steps = prev.next_steps
        row._prefilled = True
    return row


def _prefilled_value(plan, indicator, unit, period) -> IndicatorValue:
    prev_period = _previous_period(period)
    prev = (
        IndicatorValue.objects.filter(indicator=indicator, unit=unit, period=prev_period).first()
        if prev_period else None
    )
    return _value_after(plan, indicator, unit, period, prev.value if prev is not None else None)


def _value_after(plan, indicator, unit, period, prev_value) -> IndicatorValue:
    """An unsaved value for ``period``, pre-filled with the unit's figure of the month before (``prev_value``)."""
    row = IndicatorValue(plan=plan, indicator=indicator, unit=unit, period=period, version=0)
    if prev_value is not None:
        row.value = prev_value
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


def workspace(plan, unit, period, *, with_system: bool = True, for_page: bool = True) -> Workspace:
    """The unit's month: its tasks (as lead or responsible) and the indicators it answers for, with the
    existing rows or unsaved rows pre-filled from last month; computed and statistical indicators show
    the system's figure read-only (a unit never types a figure the system has).

    ``for_page=False`` (saving a posted form): the same rows, without what only the page shows (the evidence
    lists and the milestones)."""
    # This month's rows and last month's (which mark what is pre-filled and fill the rows not saved yet), one
    # query per table, read without the models' default ordering (it joins four tables for nothing here).
    prev = previous_period(plan, period)
    months = [period.pk] if prev is None else [period.pk, prev.pk]
    reports: dict[int, TaskReport] = {}
    prev_reports: dict[int, TaskReport] = {}
    for r in TaskReport.objects.filter(plan=plan, unit=unit, period_id__in=months).order_by():
        (reports if r.period_id == period.pk else prev_reports)[r.task_id] = r
    if for_page:  # the evidence lists of every card in one query, each report's files in their own order
        prefetch_related_objects(list(reports.values()),
                                 Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk")))
    values: dict[int, IndicatorValue] = {}
    prev_values: dict[int, object] = {}
    for v in IndicatorValue.objects.filter(plan=plan, unit=unit, period_id__in=months).order_by():
        if v.period_id == period.pk:
            values[v.indicator_id] = v
        elif v.value is not None:
            prev_values[v.indicator_id] = v.value
    as_of = period.end
    milestones: dict[int, list] = {}
    if for_page:
        for m in Milestone.objects.filter(task__plan=plan, unit=unit).order_by("deadline"):
            milestones.setdefault(m.task_id, []).append(m)
    today = business_date() if for_page else None
    task_roles = unit_task_roles(plan, unit)
    indicators_of_unit = unit_indicators(plan, unit)
    tasks = []
    for task, role in task_roles:
        row = reports.get(task.pk)
        prefilled = task.pk in prev_reports
        if row is None:
            row = _task_report_after(plan, task, unit, period, prev_reports.get(task.pk))
        ms = milestones.get(task.pk, [])
        tasks.append(TaskItem(task, role, row, prefilled, ms, sum(1 for m in ms if m.overdue(today))))
    indicators = []
    for ind in indicators_of_unit:
        row = values.get(ind.pk)
        if row is None:
            row = _value_after(plan, ind, unit, period, prev_values.get(ind.pk))
        shared = ind.owner_unit_id != unit.pk
        system = system_value(ind, as_of, unit if shared else None) if with_system else None
        indicators.append(IndicatorItem(ind, row, system, bool(row.prefilled_from) or ind.pk in prev_values))
    return Workspace(plan, unit, period, tasks, indicators)
