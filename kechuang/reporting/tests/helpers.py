"""Small builders for reporting tests (no fixtures beyond plan and personas)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kechuang.org.models import Unit
from kechuang.plans.choices import ValueSource
from kechuang.plans.models import Indicator, Task
from kechuang.reporting import services
from kechuang.reporting.models import Period

TASK_TOWN = "（六）"  # led by 市科技经信局 (persona lead), 各镇办 answer for it (persona town)


def period(plan, month=5) -> Period:
    services.ensure_periods(plan)
    return Period.objects.get(plan=plan, year=plan.year, month=month)


def task(plan, number=TASK_TOWN) -> Task:
    return Task.objects.get(plan=plan, number=number)


def unit(name) -> Unit:
    return Unit.objects.get(name=name)


def town_report(plan, personas, month=5, persona="town"):
    user = personas[persona]
    row, _ = services.ensure_task_report(plan, task(plan), user.unit, period(plan, month), user=user)
    return row


def filled(row, user, **extra):
    data = {"percent_complete": "40", "narrative": "完成校企对接 3 次", "problems": "", "next_steps": "继续推进"}
    data.update(extra)
    return services.save_draft(row, user=user, data=data, expected_version=row.version)


def submitted_town_report(plan, personas, month=5):
    row = filled(town_report(plan, personas, month), personas["town"])
    return services.submit(row, user=personas["town"])


def reported_indicator(plan, code, **changes) -> Indicator:
    """Turn a bundled indicator into a unit-reported one (plans are data; tests adjust the data)."""
    ind = Indicator.objects.get(plan=plan, code=code)
    ind.source = ValueSource.REPORTED
    for key, value in changes.items():
        setattr(ind, key, value)
    ind.save()
    return ind


def value_row(plan, indicator, user, month=5):
    row, _ = services.ensure_indicator_value(plan, indicator, user.unit, period(plan, month), user=user)
    return row


def at(day: dt.date, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
