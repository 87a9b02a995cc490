"""The bundled 2022 plan with half a year of approved monthly reports from every unit (for
the bulletin and assessment benchmarks). Rows are bulk-inserted; they carry the states the
workflow would have given them."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from kechuang.plans.models import TaskUnit
from kechuang.plans.testing import load_bundled_plan, make_personas
from kechuang.reporting.choices import SubmissionStatus
from kechuang.reporting.models import Period, TaskReport
from kechuang.reporting.services import ensure_periods


def build_guangshui_half_year(seed: int = 2022):
    rng = random.Random(seed)
    plan = load_bundled_plan()
    users = make_personas()
    ensure_periods(plan)
    periods = {p.month: p for p in Period.objects.filter(plan=plan, year=plan.year)}
    pairs = sorted(set(TaskUnit.objects.filter(task__plan=plan).values_list("task_id", "unit_id")))
    rows = []
    for month in range(1, 7):
        period = periods[month]
        for task_id, unit_id in pairs:
            if rng.random() < 0.08:
                continue  # a missing report
            late = rng.random() < 0.15
            day = period.due_on + dt.timedelta(days=2 if late else -1)
            when = timezone.make_aware(dt.datetime(day.year, day.month, day.day, 10))
            rows.append(TaskReport(
                plan=plan, task_id=task_id, unit_id=unit_id, period=period, status=SubmissionStatus.APPROVED,
                percent_complete=Decimal(min(100, month * rng.randint(5, 18))),
                narrative=f"{month}月按计划推进（演示）",
                submitted_at=when, first_submitted_at=when, reviewed_at=when, submitted_by=users["office"],
                reviewed_by=users["office"],
            ))
    TaskReport.objects.bulk_create(rows, batch_size=500)
    return plan, users
