"""Completeness and timeliness per unit and period."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, DateTimeField, F, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from kechuang.core.fingerprint import cached, memoised, request_memo
from kechuang.plans.choices import ValueSource
from kechuang.plans.services import plan_indicators, share_rows, task_unit_rows

from ..choices import SubmissionStatus
from ..models import IndicatorValue, Period, TaskReport

UNIT_STATUSES = ("on_time", "late", "missing", "draft")


def expected_items(plan) -> dict[int, int]:
    """unit id → number of rows the unit owes each month (its tasks + its reported indicators)."""
    counts: dict[int, int] = {}
    for unit_id, tasks in _tasks_by_unit(plan).items():
        counts[unit_id] = len(tasks)
    reported = {i.pk: i for i in plan_indicators(plan) if i.source == ValueSource.REPORTED}
    shared_ids = set()
    for indicator_id, unit_id in share_rows(plan.pk):
        if indicator_id in reported:
            shared_ids.add(indicator_id)
            counts[unit_id] = counts.get(unit_id, 0) + 1
    for ind in reported.values():
        if ind.pk not in shared_ids and ind.owner_unit_id is not None:
            counts[ind.owner_unit_id] = counts.get(ind.owner_unit_id, 0) + 1
    return counts


def _tasks_by_unit(plan) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for task_id, unit_id, _role in task_unit_rows(plan):
        out.setdefault(unit_id, set()).add(task_id)
    return out


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def _submission_aggregates(plan, as_of: dt.date, unit_ids=None, period_ids=None) \
        -> tuple[dict[int, int], dict[tuple[int, int], tuple]]:
    """(rows owed per unit, {(period id, unit id): (rows, rows first submitted by ``as_of``, how many of those
    after the period's due date)}) over every period of the plan: two grouped queries, cached under the data fingerprint
    (the completeness page, the dashboard heatmap and the timeliness rates share them). With ``unit_ids`` or
    ``period_ids``, only those units' or months' rows, read by index and not cached (unless this request has
    the whole plan's already): the to-do badges after a save anywhere in the plan read a unit's dozen months or
    the latest month's units, not the plan's whole year."""
    def compute(units=None, periods=None):
        cutoff = _end_of(as_of)
        agg: dict[tuple[int, int], tuple] = {}
        # Each period's deadline inlined (a plan has a dozen periods): the database counts late rows, so no
        # submission time is sent back (loading ~1,400 timestamps cost PostgreSQL's dashboard ~8 ms).
        deadlines = Period.objects.filter(plan=plan).values_list("pk", "due_on")
        if periods is not None:
            deadlines = deadlines.filter(pk__in=periods)
        deadline = Case(*[When(period_id=pk, then=Value(_end_of(due))) for pk, due in deadlines],
                        default=Value(cutoff), output_field=DateTimeField())
        reports = TaskReport.objects.filter(plan=plan)
        values = IndicatorValue.objects.filter(plan=plan, indicator__source=ValueSource.REPORTED)
        if units is not None:
            reports, values = reports.filter(unit_id__in=units), values.filter(unit_id__in=units)
        if periods is not None:
            reports, values = reports.filter(period_id__in=periods), values.filter(period_id__in=periods)
        for qs in (reports, values):
            # order_by(): no default ordering, so no joins the grouping does not need.
            for period_id, unit_id, n, done, late in qs.order_by().values("period_id", "unit_id").annotate(
                n=Count("pk"), done=Count("pk", filter=Q(first_submitted_at__lte=cutoff)),
                late=Count("pk", filter=Q(first_submitted_at__lte=cutoff, first_submitted_at__gt=deadline)),
            ).values_list("period_id", "unit_id", "n", "done", "late"):
                old_n, old_done, old_late = agg.get((period_id, unit_id), (0, 0, 0))
                agg[(period_id, unit_id)] = (old_n + n, old_done + done, old_late + late)
        return expected_items(plan), agg

    key = f"reporting:submissions:v2:{plan.pk}:{as_of.isoformat()}"
    if unit_ids is not None or period_ids is not None:
        whole = memoised(key)
        if whole is not None:
            return whole
        units = None if unit_ids is None else sorted(set(unit_ids))
        periods = None if period_ids is None else sorted(set(period_ids))
        return request_memo(("reporting.submissions", plan.pk, as_of, None if units is None else tuple(units),
                             None if periods is None else tuple(periods)),
                            lambda: (expected_items(plan), compute(units, periods)[1]))
    # Memoised per request too: the dashboard and its navigation's late units both read it (one cache read).
    return request_memo(key, lambda: cached(key, compute, plan=plan, registry=False))  # reports only


def status_matrix(plan, periods, as_of: dt.date, unit_ids=None, narrow: bool = False) -> dict[tuple[int, int], str]:
    """(period id, unit id) → on_time | late | missing | draft, with a constant number of queries
    (none when the plan's submission counts are cached for this date and data); ``unit_ids``: only those
    units' cells (a unit's own to-do list), read from those units' rows; ``narrow``: read only the rows of
    ``periods`` (the office's late units: one month) instead of the plan's cached year.

    A unit's month is submitted when every row it owes has been submitted at least once by ``as_of``;
    on time when the last of those first submissions fell on or before the due date. ``draft`` means
    started but not (fully) submitted; ``missing`` means nothing at all.
    """
    expected, agg = _submission_aggregates(plan, as_of, unit_ids, [p.pk for p in periods] if narrow else None)
    if unit_ids is not None:
        expected = {u: expected[u] for u in unit_ids if u in expected}
    result = {}
    for period in periods:
        for unit_id, owed in expected.items():
            n, done, late = agg.get((period.pk, unit_id), (0, 0, 0))
            if n == 0:
                result[(period.pk, unit_id)] = "missing"
            elif done >= owed and done:
                # late: some row first submitted after the due date's last instant, local time
                result[(period.pk, unit_id)] = "late" if late else "on_time"
            else:
                result[(period.pk, unit_id)] = "draft"
    return result


def latest_approved_reports(plan, as_of: dt.date, task_ids=None) -> dict[int, dict[int, TaskReport]]:
    """{task_id: {unit_id: the latest APPROVED report for a month ended by ``as_of``}}: the database
    picks each unit's latest row per task (window function), then one query reads just those. The
    bulletin and the supervision task page both read this (the same report text in both)."""
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
    expected, _agg = _submission_aggregates(plan, as_of)
    out: dict[int, dict] = {}
    for unit_id in expected:
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
