"""A synthetic plan for benchmarks and query-count tests: N units × M months × K indicators of
reported data; the reported rows are written with ``core.bulk.insert_rows`` (COPY on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import functools
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from kechuang.accounts.models import Role, User, UserRole
from kechuang.core.bulk import insert_rows
from kechuang.org.models import Unit, UnitKind
from kechuang.plans.choices import IndicatorKind, PlanStatus, ProgressMode, TaskUnitRole, ValueSource
from kechuang.plans.models import Indicator, IndicatorShare, Plan, Task, TaskUnit

from .choices import SubmissionStatus
from .models import IndicatorValue, TaskReport
from .services import ensure_periods


def build_dataset(code: str, n_units: int = 60, months: int = 12, n_indicators: int = 17, n_tasks: int = 9,
                  year: int = 2022, seed: int = 7) -> tuple[Plan, User]:
    """Returns (plan, office user). Every unit answers for every task and reports every indicator
    (as a share) for ``months`` months; most rows approved, some submitted late, some missing."""
    rng = random.Random(seed)
    root = Unit.objects.create(code=f"{code}-city", name=f"{code}市", kind=UnitKind.CITY)
    office = Unit.objects.create(code=f"{code}-office", name=f"{code}办公室", kind=UnitKind.OFFICE, parent=root)
    units = [Unit(code=f"{code}-u{i:03d}", name=f"{code}单位{i:03d}", kind=UnitKind.TOWN, parent=root,
                  sort_order=i) for i in range(n_units)]
    for u in units:
        u.path = u.compute_path()
    units = Unit.objects.bulk_create(units)
    plan = Plan.objects.create(code=code, title=f"{code}方案", year=year, owner_unit=root, office_unit=office,
                               status=PlanStatus.ACTIVE)
    tasks = Task.objects.bulk_create(
        [Task(plan=plan, number=f"（{i + 1}）", seq=i, title=f"任务{i + 1}") for i in range(n_tasks)])
    TaskUnit.objects.bulk_create(
        [TaskUnit(task=t, unit=units[i % n_units], role=TaskUnitRole.LEAD) for i, t in enumerate(tasks)]
        + [TaskUnit(task=t, unit=u, role=TaskUnitRole.RESPONSIBLE) for t in tasks for u in units
           if u is not units[tasks.index(t) % n_units]])
    modes = [ProgressMode.CUMULATIVE, ProgressMode.CUMULATIVE, ProgressMode.LEVEL]
    indicators = Indicator.objects.bulk_create([
        Indicator(plan=plan, code=f"I{i:02d}", seq=i, name=f"指标{i:02d}", measure="家",
                  kind=IndicatorKind.COUNT, target=Decimal(n_units * 12), progress_mode=modes[i % 3],
                  source=ValueSource.REPORTED, owner_unit=units[i % n_units])
        for i in range(n_indicators)])
    IndicatorShare.objects.bulk_create(
        [IndicatorShare(indicator=ind, unit=u, target=Decimal(12)) for ind in indicators for u in units])
    periods = ensure_periods(plan)[:months]
    values, reports = [], []
    to_date: dict[tuple[int, int], Decimal] = {}  # (unit, indicator) → its latest cumulative figure
    for p in periods:
        for u in units:
            roll = rng.random()
            if roll < 0.05:
                continue  # missing
            late = roll > 0.85
            when = timezone.make_aware(dt.datetime.combine(p.due_on + dt.timedelta(days=3 if late else -1),
                                                           dt.time(10)))
            status = SubmissionStatus.APPROVED if rng.random() < 0.9 else SubmissionStatus.SUBMITTED
            for ind in indicators:
                v = Decimal(p.month) * Decimal(rng.choice([8, 9, 10, 11, 12])) / 10
                if ind.progress_mode == ProgressMode.CUMULATIVE:
                    # A year-to-date figure never goes down (the platform refuses a draft that would): otherwise
                    # a load test's saves of such a month fail validation, as they should.
                    v = to_date[(u.pk, ind.pk)] = max(v, to_date.get((u.pk, ind.pk), Decimal(0)))
                values.append(dict(plan_id=plan.pk, indicator_id=ind.pk, unit_id=u.pk, period_id=p.pk, value=v,
                                   status=status, submitted_at=when, first_submitted_at=when))
            for t in tasks:
                reports.append(dict(plan_id=plan.pk, task_id=t.pk, unit_id=u.pk, period_id=p.pk, status=status,
                                    percent_complete=Decimal(min(100, p.month * rng.choice([6, 8, 9]))),
                                    narrative="进展", submitted_at=when, first_submitted_at=when))
    insert_rows(IndicatorValue, values, batch_size=2000)
    insert_rows(TaskReport, reports, batch_size=2000)
    user = User.objects.create(username=f"{code}-office", password=_password_x(), unit=office)
    UserRole.objects.create(user=user, role=Role.OFFICE)
    return plan, user


@functools.cache
def _password_x() -> str:
    """The office user's password "x", hashed once per process (hashing is slow by design)."""
    return make_password("x")
