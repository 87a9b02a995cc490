"""THE status engine: 序时进度, indicator and task lights, forecasts, unit rankings, red items.

Values come only from ``kechuang.metrics.resolution`` (``resolve_many`` / ``resolve_series``, which
return exactly what ``resolve`` returns); this module never computes an indicator value itself.
Rules (domain-rules.md §1e): cumulative indicators are compared with target × 序时进度; level and
ratio indicators with the target itself; growth indicators with the target rate. The gap in
percentage points against what is expected picks the light with the plan's thresholds.

Every function here runs a constant number of queries whatever the number of units and months
(batched reads, grouping in Python), so the dashboard stays fast as the plan grows.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from kechuang.core.fingerprint import request_memo
from kechuang.metrics.completion import completion
from kechuang.metrics.resolution import Resolved, resolve_many, resolve_series
from kechuang.org.models import Unit
from kechuang.plans.choices import Comparator, ProgressMode, TaskUnitRole, ValueSource
from kechuang.plans.models import IndicatorShare, TaskUnit
from kechuang.plans.services import plan_indicators, share_rows, task_unit_rows
from kechuang.reporting.choices import SubmissionStatus
from kechuang.reporting.models import IndicatorValue, Milestone, Period, TaskReport
from kechuang.reporting.services import latest_approved_reports, period_dates, status_matrix
from kechuang.supervision.models import MeetingDecision

GREEN, YELLOW, RED, BLUE, GREY = "green", "yellow", "red", "blue", "grey"
LIGHT_LABELS = {GREEN: "正常", YELLOW: "滞后", RED: "严重滞后", BLUE: "即将到期", GREY: "未到期"}
LIGHT_ORDER = {RED: 0, YELLOW: 1, BLUE: 2, GREEN: 3, GREY: 4}
HUNDRED = Decimal(100)

# Unit × period reporting states (heatmap cells).
ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
STATE_LABELS = {ON_TIME: "按时", LATE: "逾期报送", MISSING: "未报送", PENDING: "未到期"}


def q1(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------
# 序时进度 and periods


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def completed_months(plan, as_of: dt.date) -> int:
    """Months of the plan year fully elapsed on ``as_of`` (0..12)."""
    if as_of.year < plan.year:
        return 0
    if as_of.year > plan.year:
        return 12
    done = as_of.month - 1
    if as_of == month_end(as_of.year, as_of.month):
        done += 1
    return done


def time_progress(plan, as_of: dt.date) -> Decimal:
    """序时进度 as a fraction 0..1: completed months / 12, or elapsed days / days in the year when the
    plan setting ``time_progress_basis`` is "day"."""
    if (plan.setting("time_progress_basis") or "month") == "day":
        start = dt.date(plan.year, 1, 1)
        days = 366 if calendar.isleap(plan.year) else 365
        elapsed = (as_of - start).days + 1
        return Decimal(max(0, min(days, elapsed))) / Decimal(days)
    return Decimal(completed_months(plan, as_of)) / Decimal(12)


def shift_months(day: dt.date, months: int) -> dt.date:
    idx = day.year * 12 + day.month - 1 + months
    year, month = idx // 12, idx % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def trend_dates(plan, as_of: dt.date) -> list[dt.date]:
    """Month ends of the plan year up to ``as_of`` (the points of the monthly trend)."""
    return [month_end(plan.year, m) for m in range(1, completed_months(plan, as_of) + 1)]


@dataclass
class PeriodFrame:
    """The plan's periods seen from ``as_of``."""

    periods: list  # every Period of the plan year, in order
    due: object | None  # the latest period whose deadline has passed (its data is due)
    current: object | None  # the latest period whose month has ended (may still be before its deadline)

    @property
    def due_soon(self) -> bool:
        return self.current is not None and self.current is not self.due


def period_frame(plan, as_of: dt.date) -> PeriodFrame:
    """The plan year's periods with the due and current ones on ``as_of`` (read once per request: the dashboard's
    figures and its navigation's late units share it)."""
    return request_memo(("supervision.period_frame", plan.pk, as_of), lambda: _period_frame(plan, as_of))


def _period_frame(plan, as_of: dt.date) -> PeriodFrame:
    periods = list(Period.objects.filter(plan=plan, year=plan.year).order_by("month"))
    if not periods:
        # Periods not generated yet (``kechuang tick`` does it): the same dates, unsaved.
        periods = []
        for month in range(1, 13):
            opens_on, due_on = period_dates(plan, plan.year, month)
            periods.append(Period(plan=plan, year=plan.year, month=month, opens_on=opens_on, due_on=due_on))
    due = None
    current = None
    for p in periods:
        if p.end < as_of:
            current = p
        if p.due_on < as_of:
            due = p
    return PeriodFrame(periods, due, current)


def _due_soon(plan, frame: PeriodFrame, as_of: dt.date) -> bool:
    if not frame.due_soon:
        return False
    days = int(plan.setting("due_soon_days") or 0)
    return (frame.current.due_on - as_of).days <= days


def _submitted_statuses():
    return (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


# ---------------------------------------------------------------------------------------------
# Indicators


@dataclass
class IndicatorStatus:
    indicator: object
    actual: Decimal | None
    expected: Decimal | None
    completion_pct: Decimal | None
    time_progress_pct: Decimal
    gap_points: Decimal | None
    light: str
    forecast: Decimal | None
    resolved: Resolved | None
    target: Decimal | None = None
    reason: str = ""
    unit: object | None = None

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]

    @property
    def kind(self) -> str:
        return "indicator"


def light_for_gap(plan, gap: Decimal | None) -> str:
    """Green when at most ``light_yellow_points`` behind (or ahead); yellow from that to
    ``light_red_points`` behind, both inclusive; red when more than ``light_red_points`` behind."""
    if gap is None:
        return GREY
    yellow = Decimal(str(plan.setting("light_yellow_points")))
    red = Decimal(str(plan.setting("light_red_points")))
    behind = -gap
    if behind > red:
        return RED
    if behind >= yellow:
        return YELLOW
    return GREEN


def evaluate_indicator(plan, indicator, target: Decimal | None, actual: Decimal | None, tp: Decimal) -> dict:
    """Expected value, completion % and gap (percentage points) for one indicator, from the one
    definition of completion (``kechuang.metrics.completion``)."""
    share = tp if indicator.progress_mode == ProgressMode.CUMULATIVE else Decimal(1)
    result = completion(actual, target, indicator.comparator, share)
    return {"expected": result.expected, "completion": result.pct, "gap": result.gap}


def forecast_value(indicator, actual: Decimal | None, tp: Decimal, series: list[Decimal | None] | None = None):
    """Year-end forecast from the monthly trajectory: linear on the year-to-date figure for
    cumulative indicators (actual ÷ 序时进度), the last value for level, ratio and growth ones."""
    if actual is None:
        return None
    if indicator.progress_mode == ProgressMode.CUMULATIVE:
        if tp <= 0:
            return None
        return Decimal(actual) / tp
    return Decimal(actual)


def _indicator_scope(plan, unit):
    if unit is None:
        return list(plan_indicators(plan)), {}
    qs = plan.indicators.select_related("owner_unit", "plan").order_by("seq")

    shares = {s.indicator_id: s.target for s in IndicatorShare.objects.filter(indicator__plan=plan, unit=unit)}
    return list(qs.filter(Q(owner_unit=unit) | Q(pk__in=list(shares)))), shares


def _reported_submissions(plan, periods, unit=None) -> set[tuple[int, int]]:
    """(indicator_id, period_id) pairs with a submitted or approved value (one query)."""
    periods = [p for p in periods if p is not None and p.pk is not None]
    if not periods:
        return set()
    qs = IndicatorValue.objects.filter(plan=plan, period__in=periods, status__in=_submitted_statuses())
    if unit is not None:
        qs = qs.filter(unit=unit)
    # order_by(): the default ordering would add its columns to the DISTINCT (joins and a sort on unit paths).
    return set(qs.order_by().values_list("indicator_id", "period_id").distinct())


def indicator_statuses(plan, as_of: dt.date, unit=None, frame: PeriodFrame | None = None,
                       only: set[int] | None = None) -> list[IndicatorStatus]:
    """The status of every indicator of the plan (or of those a unit owns or shares) on ``as_of``
    (``frame``: the plan's ``period_frame`` on ``as_of`` when the caller already has it; ``only``: the ids of the
    indicators wanted, the others are neither resolved nor returned — each status depends on its own indicator
    only, so theirs are the same as in the full list)."""
    indicators, shares = _indicator_scope(plan, unit)
    if only is not None:
        indicators = [ind for ind in indicators if ind.pk in only]
    tp = time_progress(plan, as_of)
    resolved = resolve_many(indicators, as_of, unit)
    frame = period_frame(plan, as_of) if frame is None else frame
    submitted = _reported_submissions(plan, [frame.due, frame.current], unit)
    due_soon = _due_soon(plan, frame, as_of)
    out = []
    for ind in indicators:
        target = shares.get(ind.pk, ind.target)
        res = resolved[ind.pk]
        out.append(_status(plan, ind, target, res, tp, frame, submitted, due_soon, unit))
    return out


def _status(plan, ind, target, res, tp, frame, submitted, due_soon, unit) -> IndicatorStatus:
    actual = res.value
    calc = evaluate_indicator(plan, ind, target, actual, tp)
    reported = ind.source == ValueSource.REPORTED
    reason = ""
    if tp <= 0 or (reported and frame.current is None):
        light = GREY
        reason = "尚无应报数据"
    elif reported and frame.due is not None and (ind.pk, frame.due.pk) not in submitted:
        light = RED
        reason = f"{frame.due.label}数据逾期未报"
    elif actual is None:
        if reported and due_soon:
            light, reason = BLUE, f"{frame.current.label}数据将于{frame.current.due_on:%m月%d日}截止"
        elif reported and frame.due is None:
            light, reason = GREY, "尚无应报数据"
        else:
            light, reason = RED, "无数据"
    else:
        light = light_for_gap(plan, calc["gap"])
        if light == RED:
            reason = f"落后序时进度{q1(-calc['gap'])}个百分点"
        elif light == YELLOW:
            reason = f"落后序时进度{q1(-calc['gap'])}个百分点"
        if reported and due_soon and light != RED and (ind.pk, frame.current.pk) not in submitted:
            light, reason = BLUE, f"{frame.current.label}数据将于{frame.current.due_on:%m月%d日}截止，尚未报送"
    return IndicatorStatus(
        indicator=ind, actual=actual, expected=calc["expected"], completion_pct=calc["completion"],
        time_progress_pct=tp * HUNDRED, gap_points=calc["gap"], light=light,
        forecast=forecast_value(ind, actual, tp), resolved=res, target=target, reason=reason, unit=unit,
    )


def indicator_trends(plan, as_of: dt.date, indicators=None, unit=None) -> dict:
    """{indicator_id: [(month_end, value), …]} through the resolution path (batched)."""
    if indicators is None:
        indicators = list(plan.indicators.select_related("plan").order_by("seq"))
    dates = trend_dates(plan, as_of)
    series = resolve_series(indicators, dates, unit)
    return {ind.pk: [(d, series[(ind.pk, d)].value) for d in dates] for ind in indicators}


# ---------------------------------------------------------------------------------------------
# Tasks


@dataclass
class TaskStatus:
    task: object
    light: str
    percent: Decimal | None
    time_progress_pct: Decimal
    overdue_milestones: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    gap_points: Decimal | None = None
    reason: str = ""

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]

    @property
    def kind(self) -> str:
        return "task"


def _latest_task_rows(plan, frame: PeriodFrame) -> dict[int, dict[int, tuple]]:
    """{task_id: {unit_id: (report_id, period_id, percent)}} — each unit's latest submitted or
    approved report on each task up to the current period, picked by the database (one query)."""
    out: dict[int, dict[int, tuple]] = defaultdict(dict)
    if frame.current is None:
        return out
    qs = (
        TaskReport.objects.filter(plan=plan, status__in=_submitted_statuses(), period__year=plan.year,
                                  period__month__lte=frame.current.month)
        .order_by()  # no default ordering: it would join the plan, task and unit for nothing
        .annotate(rn=Window(RowNumber(), partition_by=[F("task_id"), F("unit_id")],
                            order_by=[F("period__month").desc()]))
        .filter(rn=1)
        .values_list("task_id", "unit_id", "pk", "period_id", "percent_complete")
    )
    for task_id, unit_id, pk, period_id, percent in qs:
        out[task_id][unit_id] = (pk, period_id, percent)
    return out


def lower_light(light: str, steps: int) -> str:
    """The light ``steps`` steps worse on the green → yellow → red scale (blue counts as green)."""
    scale = [GREEN, YELLOW, RED]
    if light not in (GREEN, BLUE, YELLOW, RED) or steps <= 0:
        return light
    start = scale.index(GREEN if light == BLUE else light)
    return scale[min(len(scale) - 1, start + steps)]


def task_light(plan, gap: Decimal | None, overdue_milestones: int) -> str:
    """The task rule (domain-rules.md §1e, "进度" and "节点"): the light of the task's completion against
    序时进度 (``light_for_gap``), lowered by ``task_milestone_steps`` steps (plan work rule, default 1)
    when any of its milestones (工作节点) is overdue — one overdue node turns a green task yellow and
    a yellow task red, it does not by itself make a task on schedule red."""
    light = light_for_gap(plan, gap)
    if overdue_milestones:
        light = lower_light(light, int(plan.setting("task_milestone_steps") or 0))
    return light


def task_statuses(plan, as_of: dt.date, frame: PeriodFrame | None = None,
                  latest: dict | None = None, with_reports: bool = True) -> list[TaskStatus]:
    """Lights of the plan's tasks from their units' latest submitted or approved reports and their
    overdue milestones (``task_light``). A task's percent (mean of its units' latest percents) is
    compared with the 序时进度 at the end of the latest month already reported on (the current
    period): a September report is not due on 30 September, so the task is measured against
    August's 8/12, not against 9/12 with August's figures. ``frame`` and ``latest`` (``period_frame`` and
    ``_latest_task_rows``) may be passed by a caller that already read them; ``with_reports=False`` leaves
    ``TaskStatus.reports`` empty for a caller that shows only the lights (same lights, one query less)."""
    tp = time_progress(plan, as_of)
    frame = period_frame(plan, as_of) if frame is None else frame
    reference = time_progress(plan, frame.current.end) if frame.current is not None else tp
    tasks = list(plan.tasks.order_by("seq"))
    latest = _latest_task_rows(plan, frame) if latest is None else latest
    report_ids = [row[0] for units in latest.values() for row in units.values()] if with_reports else []
    by_pk = {r.pk: r for r in TaskReport.objects.filter(pk__in=report_ids).select_related("unit", "period")}
    overdue = defaultdict(list)
    for ms in Milestone.objects.filter(task__plan=plan).filter(Milestone.overdue_q(as_of)).select_related("unit"):
        overdue[ms.task_id].append(ms)
    due_soon = _due_soon(plan, frame, as_of)
    out = []
    for task in tasks:
        rows = list(latest.get(task.pk, {}).values())  # (report id, period id, percent) per unit
        reports = sorted((by_pk[row[0]] for row in rows), key=lambda r: r.unit.path) if with_reports else []
        percents = [row[2] for row in rows if row[2] is not None]
        percent = sum(percents, Decimal(0)) / len(percents) if percents else None
        gap = None if percent is None else percent - reference * HUNDRED
        late_nodes = len(overdue[task.pk])
        nodes = f"，{late_nodes}个工作节点逾期" if late_nodes else ""
        reason = ""
        if tp <= 0 or frame.current is None:
            light, reason = GREY, "尚无应报进展"
        elif frame.due is not None and not any(row[1] == frame.due.pk for row in rows):
            light, reason = RED, f"{frame.due.label}进展逾期未报{nodes}"
        elif percent is None:
            if late_nodes:
                light, reason = YELLOW, nodes.lstrip("，")
            else:
                light, reason = (BLUE, "本月进展即将截止") if due_soon else (GREY, "尚无进展报告")
        else:
            light = task_light(plan, gap, late_nodes)
            if gap < 0 and light in (RED, YELLOW):
                reason = f"落后序时进度{q1(-gap)}个百分点{nodes}"
            elif late_nodes:
                reason = nodes.lstrip("，")
            if due_soon and light == GREEN and not any(row[1] == frame.current.pk for row in rows):
                light, reason = BLUE, f"{frame.current.label}进展将于{frame.current.due_on:%m月%d日}截止，尚未报送"
        out.append(TaskStatus(task, light, percent, reference * HUNDRED, overdue[task.pk], reports, gap, reason))
    return out


@dataclass
class TaskUnitProgress:
    """One unit's part in a task: its latest report and approved report, light and milestones."""

    unit: object
    role: str
    report: object | None  # latest submitted or approved report (what the task light reads)
    approved: object | None  # latest approved report (what the bulletin quotes)
    light: str
    reason: str
    milestones: list = field(default_factory=list)
    overdue: list = field(default_factory=list)

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]


def task_detail(plan, task, as_of: dt.date) -> tuple[TaskStatus, list[TaskUnitProgress]]:
    """The task's status (the same ``task_statuses`` row as the dashboard, bulletin and API) and each
    unit's progress. A unit's light applies the task rule (``task_light``) to its own percent and its
    own overdue milestones; red when its report for the due month is missing."""
    status = next(st for st in task_statuses(plan, as_of) if st.task.pk == task.pk)
    frame = period_frame(plan, as_of)
    latest = {r.unit_id: r for r in status.reports}
    approved = latest_approved_reports(plan, as_of, task_ids=[task.pk]).get(task.pk, {})
    milestones = defaultdict(list)
    for ms in Milestone.objects.filter(task=task).order_by("deadline", "pk"):
        milestones[ms.unit_id].append(ms)
    reference = status.time_progress_pct
    rows = []
    seen = set()
    for tu in TaskUnit.objects.filter(task=task).select_related("unit").order_by("role", "unit__path"):
        if tu.unit_id in seen:
            continue
        seen.add(tu.unit_id)
        report = latest.get(tu.unit_id)
        overdue = [m for m in milestones[tu.unit_id] if m.overdue(as_of)]
        nodes = f"，{len(overdue)}个工作节点逾期" if overdue else ""
        if status.light == GREY:
            light, reason = GREY, status.reason
        elif frame.due is not None and (report is None or report.period_id != frame.due.pk):
            light, reason = RED, f"{frame.due.label}进展逾期未报{nodes}"
        elif report is None or report.percent_complete is None:
            light, reason = (YELLOW, nodes.lstrip("，")) if overdue else (GREY, "尚无进展报告")
        else:
            gap = report.percent_complete - reference
            light = task_light(plan, gap, len(overdue))
            reason = f"落后序时进度{q1(-gap)}个百分点{nodes}" if gap < 0 and light in (RED, YELLOW) \
                else nodes.lstrip("，")
        rows.append(TaskUnitProgress(tu.unit, tu.get_role_display(), report, approved.get(tu.unit_id), light, reason,
                                     milestones[tu.unit_id], overdue))
    return status, rows


# ---------------------------------------------------------------------------------------------
# Units: completeness (heatmap) and ranking


def plan_units(plan) -> list:
    """Units with work in the plan (a task role or an owned or shared indicator), in directory order (read once
    per request: the dashboard's figures and its navigation's late units share it; callers do not mutate it)."""
    def read():
        # From the plan's rows this request reads anyway (memoised): one lookup by key, not three subqueries.
        ids = {unit_id for _task_id, unit_id, _role in task_unit_rows(plan)}
        ids |= {i.owner_unit_id for i in plan_indicators(plan) if i.owner_unit_id is not None}
        ids |= {unit_id for _indicator_id, unit_id in share_rows(plan.pk)}
        return list(Unit.objects.filter(pk__in=ids).order_by("path"))

    return request_memo(("supervision.plan_units", plan.pk), read)


def completeness(plan, as_of: dt.date, frame: PeriodFrame | None = None) -> dict[tuple[int, int], str]:
    """{(unit_id, month): on_time|late|missing|pending} for every unit that owes reports and every
    month whose period has ended, from the reporting service's batch ``status_matrix`` (constant
    number of queries). Before its deadline a month not yet submitted is "pending"; after it, a
    started-but-unsubmitted month ("draft") counts as missing."""
    every = frame.periods if frame is not None else Period.objects.filter(plan=plan, year=plan.year).order_by("month")
    periods = [p for p in every if p.pk is not None and p.end < as_of]
    by_pk = {p.pk: p for p in periods}
    out = {}
    for (period_id, unit_id), state in status_matrix(plan, periods, as_of).items():
        period = by_pk[period_id]
        if state in (ON_TIME, LATE):
            out[(unit_id, period.month)] = state
        else:
            out[(unit_id, period.month)] = MISSING if period.due_on < as_of else PENDING
    return out


@dataclass
class UnitRank:
    unit: object
    on_time: int
    late: int
    missing: int
    timeliness_rate: Decimal | None
    completion_rate: Decimal | None
    score: Decimal
    rank: int = 0


def unit_rankings(plan, as_of: dt.date, statuses: list[IndicatorStatus] | None = None,
                  cells: dict | None = None, units: list | None = None, frame: PeriodFrame | None = None,
                  latest: dict | None = None) -> list[UnitRank]:
    """Units ranked by score = 50% timeliness rate + 50% completion rate (both 0..100); ties share a
    rank (1, 1, 3). Completion: the unit's own latest task percent against 序时进度 and its owned
    indicators' completion against what is expected, each capped at 100%. The optional arguments are
    what the caller already read (``plan_units``, ``period_frame``, ``_latest_task_rows``)."""
    units = plan_units(plan) if units is None else units
    cells = completeness(plan, as_of) if cells is None else cells
    statuses = indicator_statuses(plan, as_of) if statuses is None else statuses
    tp = time_progress(plan, as_of)
    frame = period_frame(plan, as_of) if frame is None else frame
    latest = _latest_task_rows(plan, frame) if latest is None else latest

    unit_tasks = defaultdict(set)
    for task_id, unit_id, _role in task_unit_rows(plan):
        unit_tasks[unit_id].add(task_id)
    attain = defaultdict(list)
    for st in statuses:
        owner = st.indicator.owner_unit_id
        if owner and st.completion_pct is not None and st.light != GREY:
            expected_pct = st.time_progress_pct if st.indicator.progress_mode == ProgressMode.CUMULATIVE else HUNDRED
            if st.indicator.comparator == Comparator.LTE:
                ratio = Decimal(1) if st.gap_points is not None and st.gap_points >= 0 else Decimal(0)
            else:
                ratio = st.completion_pct / expected_pct if expected_pct else Decimal(1)
            attain[owner].append(min(Decimal(1), max(Decimal(0), ratio)))
    if tp > 0:
        for unit_id, tasks in unit_tasks.items():
            for task_id in tasks:
                row = latest.get(task_id, {}).get(unit_id)
                pct = row[2] if row is not None else None
                attain[unit_id].append(Decimal(0) if pct is None else min(Decimal(1), pct / (tp * HUNDRED)))
    counts = defaultdict(lambda: {ON_TIME: 0, LATE: 0, MISSING: 0, PENDING: 0})
    for (unit_id, _month), state in cells.items():
        counts[unit_id][state] += 1
    ranks = []
    for unit in units:
        c = counts[unit.pk]
        judged = c[ON_TIME] + c[LATE] + c[MISSING]
        timeliness = Decimal(c[ON_TIME]) / judged * HUNDRED if judged else None
        items = attain.get(unit.pk, [])
        completion = sum(items, Decimal(0)) / len(items) * HUNDRED if items else None
        parts = [v for v in (timeliness, completion) if v is not None]
        score = sum(parts, Decimal(0)) / len(parts) if parts else Decimal(0)
        ranks.append(UnitRank(unit, c[ON_TIME], c[LATE], c[MISSING], q1(timeliness), q1(completion), q1(score)))
    ranks.sort(key=lambda r: (-r.score, r.unit.path))
    for i, r in enumerate(ranks):
        r.rank = ranks[i - 1].rank if i and r.score == ranks[i - 1].score else i + 1
    return ranks


# ---------------------------------------------------------------------------------------------
# Red items and escalation


@dataclass
class SupervisedItem:
    """A row of the monthly supervision list (月督办清单)."""

    kind: str  # indicator | task | decision
    obj: object
    light: str
    reason: str
    units: list

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.obj.pk)

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]


def _lead_units(plan) -> dict[int, list]:
    units = {u.pk: u for u in plan_units(plan)}  # every unit with a task role is one of the plan's units
    out = defaultdict(list)
    for task_id, unit_id, role in task_unit_rows(plan):
        if role == TaskUnitRole.LEAD:
            out[task_id].append(units[unit_id])
    return out


def supervised_items(plan, as_of: dt.date, lights=(RED, YELLOW), indicators=None, tasks=None,
                     leads=None) -> list[SupervisedItem]:
    """Indicators, tasks and meeting decisions whose light is in ``lights``, worst first."""
    indicators = indicator_statuses(plan, as_of) if indicators is None else indicators
    tasks = task_statuses(plan, as_of, with_reports=False) if tasks is None else tasks  # the lights, not the reports
    leads = _lead_units(plan) if leads is None else leads
    items = []
    for st in indicators:
        if st.light in lights:
            unit = st.indicator.owner_unit
            items.append(SupervisedItem("indicator", st.indicator, st.light, st.reason, [unit] if unit else []))
    for st in tasks:
        if st.light in lights:
            items.append(SupervisedItem("task", st.task, st.light, st.reason, leads.get(st.task.pk, [])))
    if RED in lights:
        for decision in MeetingDecision.objects.filter(meeting__plan=plan).overdue(as_of).select_related(
                "owner_unit", "meeting"):
            items.append(SupervisedItem("decision", decision, RED,
                                        f"例会议定事项逾期（时限{decision.deadline:%Y-%m-%d}）", [decision.owner_unit]))
    items.sort(key=lambda i: LIGHT_ORDER[i.light])
    return items


def red_items(plan, as_of: dt.date, **computed) -> list[SupervisedItem]:
    """The red items, once per GET request: the dashboard computes them with its figures and hands over what it
    has read (``computed``: indicators, tasks, leads), and the navigation's 红灯 badge on the same page reuses
    them."""
    return request_memo(("supervision.red_items", plan.pk, as_of),
                        lambda: supervised_items(plan, as_of, lights=(RED,), **computed))


def consecutive_red(plan, as_of: dt.date, months: int = 2) -> list[SupervisedItem]:
    """Indicators and tasks red on ``as_of`` and on the same day of each of the ``months − 1``
    previous months: proposed for a 督办单. On the earlier days only the items red on ``as_of`` are looked at
    (``_still_red``), and none once no item is left: the same result as intersecting the whole ``red_items`` of
    each day, without resolving every indicator of the plan again for each of them (the daily tick runs it)."""
    current = [i for i in red_items(plan, as_of) if i.kind in ("indicator", "task")]
    keys = {i.key for i in current}
    for back in range(1, months):
        if not keys:
            break
        keys = _still_red(plan, shift_months(as_of, -back), keys)
    return [i for i in current if i.key in keys]


def _still_red(plan, as_of: dt.date, keys: set[tuple[str, int]]) -> set[tuple[str, int]]:
    """Those of ``keys`` (``SupervisedItem.key`` of indicators and tasks) whose light is red on ``as_of``: the
    lights ``supervised_items`` reads, for the named indicators only (``indicator_statuses(only=…)``)."""
    indicator_ids = {pk for kind, pk in keys if kind == "indicator"}
    task_ids = {pk for kind, pk in keys if kind == "task"}
    frame = period_frame(plan, as_of)
    red = set()
    if indicator_ids:
        statuses = indicator_statuses(plan, as_of, frame=frame, only=indicator_ids)
        red |= {("indicator", st.indicator.pk) for st in statuses if st.light == RED}
    if task_ids:
        red |= {("task", st.task.pk) for st in task_statuses(plan, as_of, frame=frame, with_reports=False)
                if st.light == RED and st.task.pk in task_ids}
    return red
