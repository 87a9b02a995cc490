"""Builders for bulletin tests: real reports through the reporting workflow, real 督办单 rows."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kechuang.org.models import Unit
from kechuang.plans.models import Task
from kechuang.reporting import services as reporting
from kechuang.reporting.models import Period

TOWN_TASK = "（六）"  # led by 市科技经信局 (persona lead); every town answers for it


def at(day: dt.date, hour: int = 10):
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def approved_report(plan, personas, *, persona: str, month: int, percent: str, narrative: str = "",
                    task_number: str = TOWN_TASK, late: bool = False):
    """A task report submitted (on time unless ``late``) and approved by the office."""
    reporting.ensure_periods(plan)
    period = Period.objects.get(plan=plan, year=plan.year, month=month)
    user = personas[persona]
    task = Task.objects.get(plan=plan, number=task_number)
    row, _ = reporting.ensure_task_report(plan, task, user.unit, period, user=user)
    reporting.save_draft(row, user=user, data={"percent_complete": percent, "narrative": narrative or "按计划推进",
                                               "problems": "", "next_steps": "继续推进"},
                         expected_version=row.version)
    submitted_on = period.due_on + dt.timedelta(days=3) if late else period.due_on - dt.timedelta(days=1)
    reporting.submit(row, user=user, now=at(submitted_on))
    reporting.approve(row, user=personas["office"], now=at(submitted_on, 15))
    return row


def supervision_order(plan, *, unit_name: str, number: int, issued_on: dt.date, reply_due: dt.date,
                      task_number: str = TOWN_TASK, status: str = "issued"):
    from kechuang.supervision.models import SupervisionOrder

    return SupervisionOrder.objects.create(
        plan=plan, year=plan.year, number=number, status=status, task=Task.objects.get(plan=plan, number=task_number),
        unit=Unit.objects.get(name=unit_name), reason="连续两月红灯", issued_on=issued_on, reply_due=reply_due,
    )


def quarter_data(plan, personas):
    """Q1 and Q2 reports of two towns (杨寨镇 late and behind in Q2) and one open 督办单."""
    for month in (1, 2, 3):
        approved_report(plan, personas, persona="town", month=month, percent=str(month * 8))
        approved_report(plan, personas, persona="town_b", month=month, percent=str(month * 9))
    for month in (4, 5, 6):
        approved_report(plan, personas, persona="town", month=month, percent=str(month * 9),
                        narrative=f"{month}月完成校企对接3次，联系人电话13912345678，身份证420981199001011234")
        approved_report(plan, personas, persona="town_b", month=month, percent="20", late=True)
    return supervision_order(plan, unit_name="杨寨镇", number=3, issued_on=dt.date(2022, 5, 10),
                             reply_due=dt.date(2022, 5, 20))


def month_of_reports(plan, personas, *, persona: str, month: int, percent: str, late: bool = False,
                     narrative: str = ""):
    """Every task report the persona's unit owes for ``month``, submitted and approved."""
    from kechuang.plans.models import TaskUnit

    numbers = (TaskUnit.objects.filter(task__plan=plan, unit=personas[persona].unit)
               .order_by("task__seq").values_list("task__number", flat=True).distinct())
    return [approved_report(plan, personas, persona=persona, month=month, percent=percent, late=late,
                            narrative=narrative, task_number=n) for n in dict.fromkeys(numbers)]
