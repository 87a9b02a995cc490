"""Supervision API: indicator and task statuses, unit rankings, 督办单 — the same engine as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from kechuang.core.params import date_in_range
from kechuang.core.scoping import restrict, restrict_or_404
from kechuang.plans.models import Indicator, Plan

from . import engine
from .models import SupervisionOrder
from .views import default_as_of

PREFIX = "/supervision"
router = Router(tags=["督办"])


class IndicatorStatusOut(Schema):
    indicator_id: int
    code: str
    name: str
    measure: str
    target: Decimal | None
    actual: Decimal | None
    expected: Decimal | None
    completion_pct: Decimal | None
    time_progress_pct: Decimal
    gap_points: Decimal | None
    light: str
    forecast: Decimal | None
    reason: str


class TaskStatusOut(Schema):
    task_id: int
    number: str
    title: str
    light: str
    percent: Decimal | None
    time_progress_pct: Decimal
    overdue_milestones: int
    reason: str


class UnitRankOut(Schema):
    unit: str
    unit_code: str
    on_time: int
    late: int
    missing: int
    timeliness_rate: Decimal | None
    completion_rate: Decimal | None
    score: Decimal
    rank: int


class OrderOut(Schema):
    id: int
    number: str
    status: str
    unit: str
    subject: str
    reason: str
    issued_on: dt.date | None
    reply_due: dt.date | None
    reply: str
    replied_at: dt.datetime | None
    closed_at: dt.datetime | None


def _plan(request, code):
    return get_object_or_404(restrict(Plan.objects.all(), request.auth), code=code)


def _q(value):
    return None if value is None else engine.q1(value)


@router.get("/{code}/indicators", response=list[IndicatorStatusOut])
def indicator_status(request, code: str, as_of: dt.date | None = None):
    plan = _plan(request, code)
    as_of = date_in_range(as_of, "as_of") or default_as_of(plan)
    visible = set(restrict(Indicator.objects.filter(plan=plan), request.auth).values_list("pk", flat=True))
    return [
        {"indicator_id": s.indicator.pk, "code": s.indicator.code, "name": s.indicator.name,
         "measure": s.indicator.measure, "target": s.target, "actual": s.actual, "expected": s.expected,
         "completion_pct": _q(s.completion_pct), "time_progress_pct": _q(s.time_progress_pct),
         "gap_points": _q(s.gap_points), "light": s.light, "forecast": s.forecast, "reason": s.reason}
        for s in engine.indicator_statuses(plan, as_of) if s.indicator.pk in visible
    ]


@router.get("/{code}/tasks", response=list[TaskStatusOut])
def task_status(request, code: str, as_of: dt.date | None = None):
    plan = _plan(request, code)
    as_of = date_in_range(as_of, "as_of") or default_as_of(plan)
    visible = set(restrict(plan.tasks.all(), request.auth).values_list("pk", flat=True))
    return [
        {"task_id": s.task.pk, "number": s.task.number, "title": s.task.title, "light": s.light,
         "percent": _q(s.percent), "time_progress_pct": _q(s.time_progress_pct),
         "overdue_milestones": len(s.overdue_milestones), "reason": s.reason}
        for s in engine.task_statuses(plan, as_of) if s.task.pk in visible
    ]


@router.get("/{code}/rankings", response=list[UnitRankOut])
def rankings(request, code: str, as_of: dt.date | None = None):
    plan = _plan(request, code)
    if not request.auth.has_perm("supervision.view_rankings"):
        raise Http404
    as_of = date_in_range(as_of, "as_of") or default_as_of(plan)
    return [
        {"unit": r.unit.name, "unit_code": r.unit.code, "on_time": r.on_time, "late": r.late, "missing": r.missing,
         "timeliness_rate": r.timeliness_rate, "completion_rate": r.completion_rate, "score": r.score,
         "rank": r.rank}
        for r in engine.unit_rankings(plan, as_of)
    ]


def _order_out(o):
    return {"id": o.pk, "number": o.display_number, "status": o.status, "unit": o.unit.name, "subject": str(o.subject),
            "reason": o.reason, "issued_on": o.issued_on, "reply_due": o.reply_due, "reply": o.reply,
            "replied_at": o.replied_at, "closed_at": o.closed_at}


def _orders(request):
    return restrict_or_404(
        SupervisionOrder.objects.select_related("unit", "indicator", "task", "decision"), request.auth)


@router.get("/orders", response=list[OrderOut])
def list_orders(request, status: str | None = None):
    qs = _orders(request)
    if status:
        qs = qs.filter(status=status)
    return [_order_out(o) for o in qs.order_by("-year", "-number", "-pk")]


@router.get("/orders/{order_id}", response=OrderOut)
def get_order(request, order_id: int):
    return _order_out(get_object_or_404(_orders(request), pk=order_id))
