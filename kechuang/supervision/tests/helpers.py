"""Small factories for supervision tests (rows written directly through the reporting models)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kechuang.metrics.models import StatisticalValue
from kechuang.plans.models import Indicator
from kechuang.reporting.choices import SubmissionStatus
from kechuang.reporting.models import IndicatorValue, Period, TaskReport
from kechuang.reporting.services import ensure_periods


def periods(plan) -> dict[int, Period]:
    return {p.month: p for p in ensure_periods(plan)}


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def set_indicator(plan, code: str, **fields) -> Indicator:
    ind = Indicator.objects.get(plan=plan, code=code)
    for k, v in fields.items():
        setattr(ind, k, v)
    ind.save()
    return ind


def stat_indicator(plan, *, target, mode="cumulative", comparator=">=", kind="count") -> Indicator:
    """The plan's statistical indicator reshaped for a hand-checked case."""
    return set_indicator(plan, "HIGHTECH_VALUE_ADDED_SHARE", target=Decimal(target), progress_mode=mode,
                         comparator=comparator, kind=kind, min_value=None, max_value=None)


def stat_value(indicator, day: dt.date, value) -> StatisticalValue:
    return StatisticalValue.objects.create(indicator=indicator, period_end=day, value=Decimal(str(value)))


def indicator_value(plan, indicator, unit, month: int, value, status=SubmissionStatus.APPROVED,
                    submitted_on: dt.date | None = None) -> IndicatorValue:
    period = periods(plan)[month]
    submitted = aware(submitted_on or period.due_on) if status != SubmissionStatus.DRAFT else None
    return IndicatorValue.objects.create(
        plan=plan, indicator=indicator, unit=unit, period=period, value=Decimal(str(value)), status=status,
        submitted_at=submitted, first_submitted_at=submitted,
    )


def task_report(plan, task, unit, month: int, percent, status=SubmissionStatus.APPROVED,
                submitted_on: dt.date | None = None) -> TaskReport:
    period = periods(plan)[month]
    submitted = aware(submitted_on or period.due_on) if status != SubmissionStatus.DRAFT else None
    return TaskReport.objects.create(
        plan=plan, task=task, unit=unit, period=period, percent_complete=Decimal(str(percent)), status=status,
        submitted_at=submitted, first_submitted_at=submitted, narrative="演示进展",
    )


def status_of(statuses, indicator):
    return next(s for s in statuses if s.indicator.pk == indicator.pk)
