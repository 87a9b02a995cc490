"""Reporting periods: dates, the current period, open/close."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import transaction

from kechuang.audit.services import record_event
from kechuang.core.clock import business_date
from kechuang.core.fingerprint import request_memo

from ..choices import PeriodStatus
from ..models import Period
from .errors import NotAllowed, WorkflowError


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + n
    return idx // 12, idx % 12 + 1


def period_dates(plan, year: int, month: int) -> tuple[dt.date, dt.date]:
    """(opens_on, due_on): open on the 1st of the following month, due on ``report_due_day`` of it."""
    ny, nm = _add_months(year, month, 1)
    due_day = int(plan.setting("report_due_day") or 5)
    due_day = max(1, min(due_day, calendar.monthrange(ny, nm)[1]))
    return dt.date(ny, nm, 1), dt.date(ny, nm, due_day)


def plan_periods(plan) -> list[Period]:
    """The plan year's periods that exist, in month order, read once per GET request (the filing page, its
    month picker and the navigation's to-do all need them). Read-only; callers must not mutate them."""
    return request_memo(("reporting.periods", plan.pk, plan.year), lambda: list(
        Period.objects.filter(plan=plan, year=plan.year).order_by("month")))


def previous_period(plan, period) -> Period | None:
    """The month before ``period`` in the same year (None for January)."""
    if period.month == 1:
        return None
    if period.year == plan.year:
        return next((p for p in plan_periods(plan) if p.month == period.month - 1), None)
    return Period.objects.filter(plan_id=period.plan_id, year=period.year, month=period.month - 1).first()


def ensure_periods(plan) -> list[Period]:
    """Create the plan year's 12 monthly periods (idempotent); returns them in order."""
    existing = {(p.year, p.month): p for p in plan_periods(plan)}
    if len(existing) == 12:
        return [existing[(plan.year, m)] for m in range(1, 13)]  # the usual case: no write transaction
    with transaction.atomic():
        for month in range(1, 13):
            if (plan.year, month) not in existing:
                opens_on, due_on = period_dates(plan, plan.year, month)
                existing[(plan.year, month)], _ = Period.objects.get_or_create(
                    plan=plan, year=plan.year, month=month,
                    defaults={"opens_on": opens_on, "due_on": due_on, "status": PeriodStatus.OPEN},
                )
    return [existing[(plan.year, m)] for m in range(1, 13)]


def current_period(plan, today: dt.date | None = None) -> Period | None:
    """The month being reported on ``today``: the latest period already open for entry (else the first)."""
    today = today or business_date()
    periods = ensure_periods(plan)
    opened = [p for p in periods if p.opens_on <= today]
    return opened[-1] if opened else periods[0]


def set_period_status(period: Period, *, user, status: str) -> Period:
    """The office closes a month to entry or opens it again (audited)."""
    if not user.has_perm("reporting.change_period", period):
        raise NotAllowed("只有领导小组办公室可以开放或关闭填报期")
    if status not in PeriodStatus.values:
        raise WorkflowError("无效的填报期状态")
    with transaction.atomic():
        Period.objects.filter(pk=period.pk).update(status=status)
        period.status = status
        record_event("reporting.period_" + status, user=user, obj=period, detail={"period": period.code})
    return period
