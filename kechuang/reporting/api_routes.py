"""Reporting API: the same services as the pages. Optimistic locking over HTTP: GET returns an ETag
(the row version), PUT needs ``If-Match`` — 428 without it, 412 when it no longer matches, 409 when
another write wins the race or the row is locked (approved) or under review."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from kechuang.core.concurrency import ConflictError
from kechuang.core.params import date_in_range
from kechuang.core.scoping import restrict
from kechuang.org.models import Unit
from kechuang.plans.models import Plan

from . import services
from .models import IndicatorValue, Period, TaskReport

PREFIX = "/reporting"
router = Router(tags=["月度填报"])


class TaskReportOut(Schema):
    id: int
    task_id: int
    task_number: str
    unit: str
    period: str
    status: str
    version: int
    percent_complete: Decimal | None
    narrative: str
    problems: str
    next_steps: str
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    return_reason: str

    @staticmethod
    def resolve_task_number(obj):
        return obj.task.number

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name

    @staticmethod
    def resolve_period(obj):
        return obj.period.code


class TaskReportIn(Schema):
    percent_complete: Decimal | None = None
    narrative: str | None = None
    problems: str | None = None
    next_steps: str | None = None


class IndicatorValueOut(Schema):
    id: int
    indicator_id: int
    indicator_code: str
    unit: str
    period: str
    status: str
    version: int
    value: Decimal | None
    note: str
    prefilled_from: str
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    return_reason: str

    @staticmethod
    def resolve_indicator_code(obj):
        return obj.indicator.code

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name

    @staticmethod
    def resolve_period(obj):
        return obj.period.code


class IndicatorValueIn(Schema):
    value: Decimal | None = None
    note: str | None = None


class ActionIn(Schema):
    reason: str = ""
    version: int | None = None


class UnitStatusOut(Schema):
    unit_id: int
    unit: str
    status: str


def _plan(request, code) -> Plan:
    return get_object_or_404(restrict(Plan.objects.all(), request.auth), code=code)


def _period_filter(qs, period: str | None, prefix: str = "period__"):
    if period:
        if len(period) != 6 or not period.isdigit():
            raise HttpError(422, "period 须为 YYYYMM，例如 202205")
        qs = qs.filter(**{f"{prefix}year": int(period[:4]), f"{prefix}month": int(period[4:])})
    return qs


def _task_report(request, report_id) -> TaskReport:
    qs = restrict(TaskReport.objects.select_related("task", "unit", "period"), request.auth)
    return get_object_or_404(qs, pk=report_id)


def _value(request, value_id) -> IndicatorValue:
    qs = restrict(IndicatorValue.objects.select_related("indicator", "unit", "period"), request.auth)
    return get_object_or_404(qs, pk=value_id)


ACTION_BODY = {"requestBody": {"content": {"application/json": {"schema": {
    "type": "object", "properties": {"reason": {"type": "string"}, "version": {"type": "integer"}}}}}}}


def _action(request) -> ActionIn:
    """The optional JSON body of an action ({"reason": ..., "version": ...}), read after the scope check so
    that an out-of-scope caller always gets 404."""
    raw = {}
    if request.body and "json" in (request.content_type or ""):
        try:
            raw = json.loads(request.body)
        except ValueError as exc:
            raise HttpError(400, "请求体不是有效的 JSON") from exc
    elif request.method == "POST":
        raw = request.POST.dict()
    try:
        return ActionIn(reason=str(raw.get("reason") or ""), version=raw.get("version") or None)
    except Exception as exc:  # noqa: BLE001 - pydantic validation error → 422
        raise HttpError(422, "version 须为整数") from exc


def _etag(row) -> str:
    return f'"{row.version}"'


def _if_match(request: HttpRequest, row) -> int:
    raw = request.headers.get("If-Match")
    if not raw:
        raise HttpError(428, "请在 If-Match 请求头中提供读取时的版本（ETag）")
    try:
        version = int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError as exc:
        raise HttpError(412, "If-Match 版本格式不正确") from exc
    if version != row.version:
        raise HttpError(412, "数据已被他人修改（版本不一致），请重新获取后再提交")
    return version


def _run(fn, row, response: HttpResponse, **kwargs):
    try:
        fn(row, **kwargs)
    except ConflictError as exc:
        raise HttpError(409, exc.message) from exc
    except services.WorkflowError as exc:
        raise HttpError(exc.status_code, "；".join(exc.messages)) from exc
    response["ETag"] = _etag(row)
    return row


# ------------------------------------------------------------------------------------- task reports


@router.get("/{code}/task-reports", response=list[TaskReportOut])
def list_task_reports(request, code: str, period: str | None = None):
    """Task reports in the caller's scope (other units' drafts never appear)."""
    plan = _plan(request, code)
    qs = restrict(TaskReport.objects.filter(plan=plan), request.auth).select_related("task", "unit", "period")
    return list(_period_filter(qs, period).order_by("period__month", "task__seq", "unit__path"))


@router.get("/task-reports/{report_id}", response=TaskReportOut)
def get_task_report(request, report_id: int, response: HttpResponse):
    row = _task_report(request, report_id)
    response["ETag"] = _etag(row)
    return row


@router.put("/task-reports/{report_id}", response=TaskReportOut)
def put_task_report(request, report_id: int, payload: TaskReportIn, response: HttpResponse):
    """Save the unit's edits to a draft or returned report (If-Match required)."""
    row = _task_report(request, report_id)
    version = _if_match(request, row)
    data = payload.dict(exclude_unset=True)
    return _run(services.save_draft, row, response, user=request.auth, data=data, expected_version=version)


@router.post("/task-reports/{report_id}/submit", response=TaskReportOut, openapi_extra=ACTION_BODY)
def submit_task_report(request, report_id: int, response: HttpResponse):
    row = _task_report(request, report_id)
    payload = _action(request)
    version = payload.version
    return _run(services.submit, row, response, user=request.auth, expected_version=version)


@router.post("/task-reports/{report_id}/approve", response=TaskReportOut, openapi_extra=ACTION_BODY)
def approve_task_report(request, report_id: int, response: HttpResponse):
    row = _task_report(request, report_id)
    payload = _action(request)
    version = payload.version
    return _run(services.approve, row, response, user=request.auth, expected_version=version)


@router.post("/task-reports/{report_id}/return", response=TaskReportOut, openapi_extra=ACTION_BODY)
def return_task_report(request, report_id: int, response: HttpResponse):
    row = _task_report(request, report_id)
    payload = _action(request)
    return _run(services.return_for_revision, row, response, user=request.auth, reason=payload.reason,
                expected_version=payload.version)


@router.post("/task-reports/{report_id}/reopen", response=TaskReportOut, openapi_extra=ACTION_BODY)
def reopen_task_report(request, report_id: int, response: HttpResponse):
    row = _task_report(request, report_id)
    payload = _action(request)
    return _run(services.reopen, row, response, user=request.auth, reason=payload.reason,
                expected_version=payload.version)


@router.post("/{code}/periods/{period}/tasks/{task_id}/report", response=TaskReportOut)
def open_task_report(request, code: str, period: str, task_id: int, response: HttpResponse):
    """The caller's unit's report on a task for a month, created pre-filled when missing."""
    plan = _plan(request, code)
    user = request.auth
    if not user.has_perm("reporting.fill_report"):
        raise HttpError(404, "Not Found")
    services.ensure_periods(plan)
    p = get_object_or_404(_period_filter(Period.objects.filter(plan=plan), period, ""))
    task = get_object_or_404(restrict(plan.tasks.all(), user), pk=task_id)
    try:
        row, _ = services.ensure_task_report(plan, task, user.unit, p, user=user)
    except services.WorkflowError as exc:
        raise HttpError(exc.status_code, exc.message) from exc
    response["ETag"] = _etag(row)
    return row


# ----------------------------------------------------------------------------------- indicator values


@router.get("/{code}/values", response=list[IndicatorValueOut])
def list_indicator_values(request, code: str, period: str | None = None):
    plan = _plan(request, code)
    qs = restrict(IndicatorValue.objects.filter(plan=plan), request.auth).select_related("indicator", "unit", "period")
    return list(_period_filter(qs, period).order_by("period__month", "indicator__seq", "unit__path"))


@router.get("/values/{value_id}", response=IndicatorValueOut)
def get_indicator_value(request, value_id: int, response: HttpResponse):
    row = _value(request, value_id)
    response["ETag"] = _etag(row)
    return row


@router.put("/values/{value_id}", response=IndicatorValueOut)
def put_indicator_value(request, value_id: int, payload: IndicatorValueIn, response: HttpResponse):
    row = _value(request, value_id)
    version = _if_match(request, row)
    data = payload.dict(exclude_unset=True)
    return _run(services.save_draft, row, response, user=request.auth, data=data, expected_version=version)


@router.post("/values/{value_id}/submit", response=IndicatorValueOut, openapi_extra=ACTION_BODY)
def submit_indicator_value(request, value_id: int, response: HttpResponse):
    row = _value(request, value_id)
    payload = _action(request)
    version = payload.version
    return _run(services.submit, row, response, user=request.auth, expected_version=version)


@router.post("/values/{value_id}/approve", response=IndicatorValueOut, openapi_extra=ACTION_BODY)
def approve_indicator_value(request, value_id: int, response: HttpResponse):
    row = _value(request, value_id)
    return _run(services.approve, row, response, user=request.auth, expected_version=_action(request).version)


@router.post("/values/{value_id}/return", response=IndicatorValueOut, openapi_extra=ACTION_BODY)
def return_indicator_value(request, value_id: int, response: HttpResponse):
    row = _value(request, value_id)
    payload = _action(request)
    return _run(services.return_for_revision, row, response, user=request.auth, reason=payload.reason,
                expected_version=payload.version)


@router.post("/values/{value_id}/reopen", response=IndicatorValueOut, openapi_extra=ACTION_BODY)
def reopen_indicator_value(request, value_id: int, response: HttpResponse):
    row = _value(request, value_id)
    payload = _action(request)
    return _run(services.reopen, row, response, user=request.auth, reason=payload.reason,
                expected_version=payload.version)


# ------------------------------------------------------------------------------------- completeness


@router.get("/{code}/completeness/{period}", response=list[UnitStatusOut])
def reporting_completeness(request, code: str, period: str, as_of: dt.date | None = None):
    """on_time | late | missing | draft per unit for one month (office and leaders)."""
    user = request.auth
    if not user.has_perm("reporting.view_completeness"):
        raise HttpError(404, "Not Found")
    as_of = date_in_range(as_of, "as_of")
    plan = _plan(request, code)
    p = get_object_or_404(_period_filter(Period.objects.filter(plan=plan), period, ""))

    statuses = services.unit_period_status(plan, p, as_of)
    names = dict(Unit.objects.filter(pk__in=statuses.keys()).values_list("pk", "name"))
    return [{"unit_id": uid, "unit": names.get(uid, ""), "status": s} for uid, s in sorted(statuses.items())]
