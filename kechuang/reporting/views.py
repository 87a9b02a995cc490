"""Reporting pages: 本月填报 (the unit's month), review queue, report detail, 填报情况, periods, 工期倒排."""

from __future__ import annotations

import base64
import datetime as dt
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kechuang.audit.services import record_event
from kechuang.core.concurrency import ConflictError
from kechuang.core.error_workbook import AnnotationUnavailable
from kechuang.core.params import parse_date
from kechuang.core.perms import check_perm, perm_required
from kechuang.core.scoping import get_for_user, restrict
from kechuang.org.models import Unit
from kechuang.plans.models import IndicatorShare, Plan
from kechuang.plans.services import current_plan

from . import services
from .choices import PeriodStatus, SubmissionStatus
from .evidence import add_evidence, delete_evidence
from .excel import build_workbook, error_workbook, import_workbook
from .models import Evidence, IndicatorValue, Milestone, Period, ReportEvent, TaskReport
from .plausibility import registry_cross_check
from .rules import row_perm


def _plan(request, code) -> Plan:
    return get_for_user(Plan.objects.all(), request.user, code=code)


def _period(plan, year, month) -> Period:
    for period in services.ensure_periods(plan):
        if (period.year, period.month) == (year, month):
            return period
    return get_object_or_404(Period, plan=plan, year=year, month=month)  # a month of another year


def _require_unit_member(user):
    check_perm(user, "reporting.fill_report")


def _fill_url(plan, period):
    return reverse("reporting:workspace", args=[plan.code, period.year, period.month])


@login_required
def home(request):
    """本月填报 for unit users, 填报情况 for the office and leaders."""
    user = request.user
    plan = current_plan(user)
    if plan is None:
        raise Http404
    if user.has_perm("reporting.fill_report"):
        period = services.current_period(plan)
        return redirect(_fill_url(plan, period))
    if user.has_perm("reporting.view_completeness"):
        return redirect("reporting:completeness", plan.code)
    raise Http404


@login_required
def review_home(request):
    """待审核 for the current plan."""
    plan = current_plan(request.user)
    if plan is None or not _is_reviewer(request.user):
        raise Http404
    return redirect("reporting:review_queue", plan.code)


# ------------------------------------------------------------------------------------------ workspace


def _posted(request, key, name):
    return request.POST.get(f"{key}-{name}")


def _overlay(ws, post):
    """Put what the user typed back into the form after an error (the database was rolled back)."""
    for item in ws.tasks:
        if item.report.is_editable:
            for name in services.TASK_FIELDS:
                raw = post.get(f"{item.key}-{name}")
                if raw is not None:
                    setattr(item.report, name, raw)
    for item in ws.indicators:
        if item.needs_entry and item.row.is_editable:
            for name in services.VALUE_FIELDS:
                raw = post.get(f"{item.key}-{name}")
                if raw is not None:
                    setattr(item.row, name, raw)


def _same(stored, raw, name) -> bool:
    if raw is None:
        return True
    if name in ("percent_complete", "value"):
        try:
            return services.parse_decimal(raw, name) == stored
        except services.InvalidData:
            return False
    return (stored or "").strip() == raw.strip()


def _will_save(request, row, key, fields) -> bool:
    """Whether ``save_draft`` will write this stored, editable row: it is on the form with a field changed."""
    return row.pk is not None and row.is_editable and f"{key}-version" in request.POST and any(
        not _same(getattr(row, name), request.POST.get(f"{key}-{name}"), name)
        for name in fields if f"{key}-{name}" in request.POST)


def _apply_item(request, plan, period, item_row, key, fields, ensure, action, batch, locks) -> None:
    """Save (and submit) one row from the posted form; raises the service errors. What a row writes is undone
    together if it fails (a savepoint); a stored row posted back unchanged by 保存草稿 needs no database work."""
    user = request.user
    if f"{key}-version" not in request.POST:
        return  # this row was not on the posted form
    raw_version = request.POST.get(f"{key}-version", "")
    try:
        version = int(raw_version)
    except ValueError as exc:
        raise services.InvalidData("表单缺少版本号，请刷新页面后重试") from exc
    data = {name: request.POST.get(f"{key}-{name}") for name in fields if f"{key}-{name}" in request.POST}
    if item_row.pk is not None and action != "submit":
        if all(_same(getattr(item_row, name), raw, name) for name, raw in data.items()):
            return  # what the steps below would conclude for it, without opening a savepoint
        # At most one write, save_draft in its own savepoint: nothing else to roll back with it.
        _write_item(user, item_row, version, data, ensure, action, batch, locks)
        return
    with transaction.atomic():
        _write_item(user, item_row, version, data, ensure, action, batch, locks)


def _write_item(user, item_row, version, data, ensure, action, batch, locks) -> None:
    row = item_row
    if row.pk is None:
        if version != 0:
            raise ConflictError()
        row, created = ensure()
        if not created:
            raise ConflictError()
        version = row.version
    changed = any(not _same(getattr(row, name), raw, name) for name, raw in data.items())
    if not row.is_editable:
        if changed:
            services._check_editable(row)  # raises the lock / under-review message
        return
    if changed or (row.version == 1 and version == 1 and item_row.pk is None):
        services.save_draft(row, user=user, data=data, expected_version=version, locked=locks.get((type(row), row.pk)))
        version = row.version
    if action == "submit":
        services.submit(row, user=user, expected_version=version, batch=batch)


def _save_posted(request, plan, period, unit, ws, action) -> tuple[dict[str, list[str]], bool]:
    """Save (and for "submit", submit) every row on the posted form in one transaction: all or nothing.
    Returns the errors per row key and whether one of them was a version conflict."""
    user = request.user
    errors: dict[str, list[str]] = {}
    batch = {}
    for item in ws.indicators:
        raw = request.POST.get(f"{item.key}-value")
        if item.needs_entry and raw is not None:
            try:
                batch[item.indicator.pk] = services.parse_decimal(raw, "数值")
            except services.InvalidData:
                pass
    conflict = False
    rows = [(item.report, item.key, services.TASK_FIELDS,
             lambda t=item.task: services.ensure_task_report(plan, t, unit, period, user=user)) for item in ws.tasks]
    rows += [(item.row, item.key, services.VALUE_FIELDS,
              lambda i=item.indicator: services.ensure_indicator_value(plan, i, unit, period, user=user))
             for item in ws.indicators if item.needs_entry]
    with transaction.atomic():
        # The stored rows the save will write, read and locked together (one query per table, not one per row).
        locks = services.lock_rows([row for row, key, fields, _ensure in rows
                                    if _will_save(request, row, key, fields)])
        for row, key, fields, ensure in rows:
            try:
                _apply_item(request, plan, period, row, key, fields, ensure, action, batch, locks)
            except ConflictError as exc:
                conflict = True
                errors.setdefault(key, []).append(exc.message)
            except services.WorkflowError as exc:
                errors.setdefault(key, []).extend(exc.messages)
        if errors:
            transaction.set_rollback(True)
    return errors, conflict


@login_required
def workspace(request, code, year, month):
    """One page for the unit's month: tasks and indicators, save draft or submit."""
    user = request.user
    _require_unit_member(user)
    plan = _plan(request, code)
    period = _period(plan, year, month)
    unit = user.unit
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "save")
        # What is saved needs the rows only; the page is built afresh after (the redirect, or below on error).
        ws = services.workspace(plan, unit, period, for_page=False)
        errors, conflict = _save_posted(request, plan, period, unit, ws, action)
        if not errors:
            messages.success(request, "已报送，等待牵头单位审核" if action == "submit" else "草稿已保存")
            return redirect(_fill_url(plan, period))
        ws = services.workspace(plan, unit, period)
        if not conflict:
            _overlay(ws, request.POST)
        messages.error(request, "未保存：请按提示修改后重试（本次提交的内容均未写入）"
                       if not conflict else "数据已被他人修改，已显示最新内容，请核对后重新填写")
    else:
        ws = services.workspace(plan, unit, period)
    shares = dict(IndicatorShare.objects.filter(unit=unit, indicator__plan=plan).order_by()
                  .values_list("indicator_id", "target"))
    for item in ws.indicators:
        item.share = shares.get(item.indicator.pk)  # the unit's own part of the target, shown beside the plan's
    periods = services.plan_periods(plan)
    # The month picker's links: one reverse, the month filled in after (the periods are all of the plan's year).
    stem = reverse("reporting:workspace", args=[plan.code, plan.year, 1])[:-len("1/")]
    today = services.business_date()
    return render(request, "reporting/workspace.html", {
        "plan": plan, "period": period, "ws": ws, "errors": errors, "periods": periods, "unit": unit,
        "period_links": [(p, f"{stem}{p.month}/") for p in periods],
        "today": today, "overdue_days": (today - period.due_on).days,
        # typing renews the session at most this often, well inside the idle limit
        "keepalive_seconds": max(1, min(60, settings.SESSION_COOKIE_AGE // 3)),
    }, status=422 if errors else 200)


@login_required
@require_POST
def autosave(request, code, year, month):
    """The filing page's autosave: the rows the user changed, saved as a draft by the same service and
    checks as 保存草稿 (all or nothing). Answers JSON: the rows' new versions, or the reasons per row.
    Without a session it redirects to the login page like every page; the script takes that as "expired"."""
    user = request.user
    _require_unit_member(user)
    plan = _plan(request, code)
    period = _period(plan, year, month)
    # As the page: a figure the system fetches is never saved.
    ws = services.workspace(plan, user.unit, period, for_page=False)
    errors, conflict = _save_posted(request, plan, period, user.unit, ws, "save")
    if errors:
        return JsonResponse({
            "ok": False, "conflict": conflict, "errors": errors,
            "message": "数据已被他人修改，请刷新页面核对" if conflict else next(iter(errors.values()))[0],
        }, status=409 if conflict else 422)
    ws = services.workspace(plan, user.unit, period, with_system=False, for_page=False)
    versions = {item.key: item.report.version for item in ws.tasks if item.report.pk}
    versions |= {item.key: item.row.version for item in ws.indicators if item.row.pk}
    return JsonResponse({"ok": True, "saved_at": timezone.localtime().strftime("%H:%M"), "versions": versions})


@login_required
def keepalive(request):
    """Typing on a form keeps the session alive: any request renews the idle timer (SESSION_SAVE_EVERY_REQUEST);
    the page calls this at most every minute while the user types, never while idle."""
    request.session["kc_active"] = timezone.now().isoformat(timespec="seconds")  # a write renews the expiry
    return HttpResponse(status=204)


def _evidence_block(request, plan, period, task, *, message="", error=""):
    """The evidence part of one task card, swapped in place (htmx) so that nothing typed on the form is lost."""
    unit = request.user.unit
    report = TaskReport.objects.filter(task=task, unit=unit, period=period).first()
    return render(request, "reporting/_evidence.html", {
        "plan": plan, "period": period, "task": task, "r": report, "key": f"t{task.pk}",
        "message": message, "error": error, "oob": True,
    })


@login_required
@require_POST
def evidence_upload(request, code, year, month, task_id):
    """Attach a file; from the filing page (htmx) only the task's evidence block is answered and swapped."""
    user = request.user
    _require_unit_member(user)
    plan = _plan(request, code)
    period = _period(plan, year, month)
    task = get_for_user(plan.tasks.all(), user, pk=task_id)
    upload = request.FILES.get("file")
    message = error = ""
    if upload is None:
        error = "请选择要上传的文件"
    else:
        try:
            row, _ = services.ensure_task_report(plan, task, user.unit, period, user=user)
            add_evidence(row, user=user, uploaded=upload)
            message = f"已上传：{upload.name}"
        except services.WorkflowError as exc:
            error = f"未上传（{upload.name}）：{exc.message}"
    if request.htmx:
        return _evidence_block(request, plan, period, task, message=message, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, message)
    return redirect(_fill_url(plan, period) + f"#t{task.pk}")


@login_required
def evidence_download(request, pk):
    """The only way to a file: scoped like its report, served as an attachment, audited."""
    evidence = get_for_user(Evidence.objects.select_related("task_report"), request.user, pk=pk)
    try:  # streamed from the private storage (local disk or S3), never a direct or presigned URL
        handle = evidence.open_file()
    except FileNotFoundError:
        raise Http404 from None
    record_event("reporting.evidence_download", user=request.user, obj=evidence,
                 detail={"task_report": evidence.task_report_id, "sha256": evidence.sha256})
    response = FileResponse(handle, content_type=evidence.content_type)
    ascii_name = "".join(c if c.isascii() and c.isalnum() or c in "._-" else "_" for c in evidence.original_name)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(evidence.original_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Length"] = str(evidence.size)
    return response


@login_required
def evidence_preview(request, pk):
    """The PDF preview of a Word/Excel/WPS evidence file, shown inline; scoped and audited like the download."""
    evidence = get_for_user(Evidence.objects.select_related("task_report"), request.user, pk=pk)
    try:
        handle = evidence.open_preview()
    except FileNotFoundError:
        raise Http404 from None
    record_event("reporting.evidence_preview", user=request.user, obj=evidence,
                 detail={"task_report": evidence.task_report_id, "sha256": evidence.sha256})
    response = FileResponse(handle, content_type="application/pdf")
    stem = evidence.original_name.rsplit(".", 1)[0]
    response["Content-Disposition"] = f"inline; filename=\"preview.pdf\"; filename*=UTF-8''{quote(stem + '.pdf')}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def evidence_delete(request, pk):
    evidence = get_for_user(Evidence.objects.select_related("task_report__period", "task_report__plan",
                                                            "task_report__task"),
                            request.user, "change", pk=pk)
    report = evidence.task_report
    message = error = ""
    try:
        delete_evidence(evidence, user=request.user)
        message = f"已删除：{evidence.original_name}"
    except services.WorkflowError as exc:
        error = exc.message
    if request.htmx and request.user.has_perm("reporting.fill_report") and request.user.unit_id == report.unit_id:
        return _evidence_block(request, report.plan, report.period, report.task, message=message, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "已删除佐证材料")
    return redirect(_fill_url(report.plan, report.period) + f"#t{report.task_id}")


# --------------------------------------------------------------------------------------------- review


def _is_reviewer(user) -> bool:
    return user.has_perm("reporting.view_reviewqueue")


def _review_filters(source, reports, values) -> tuple[dict, dict]:
    """The queue's filters (月份, 任务, 单位) from ``source`` (GET or POST), and the choices offered:
    only months, tasks and units that have something waiting."""
    def _int(name):
        raw = (source.get(name) or "").strip()
        return int(raw) if raw.isdigit() else None

    chosen = {"period": _int("period"), "task": _int("task"), "unit": _int("unit")}
    periods, tasks, units = {}, {}, {}
    for row in [*reports, *values]:
        periods[row.period.month] = row.period.label
        units[row.unit_id] = row.unit
        if isinstance(row, TaskReport):
            tasks[row.task_id] = row.task
    choices = {
        "periods": sorted(periods.items()),
        "tasks": sorted(tasks.values(), key=lambda t: t.seq),
        "units": sorted(units.values(), key=lambda u: u.path),
    }
    return chosen, choices


def _apply_review_filters(rows, chosen):
    out = []
    for row in rows:
        if chosen["period"] and row.period.month != chosen["period"]:
            continue
        if chosen["unit"] and row.unit_id != chosen["unit"]:
            continue
        if chosen["task"] and getattr(row, "task_id", None) != chosen["task"]:
            continue
        out.append(row)
    return out


def _review_rows(plan, user, source):
    reports, values = services.reviewable(plan, user)
    reports = list(reports.select_related("task", "unit", "period", "submitted_by")
                   .order_by("period__month", "task__seq", "unit__path", "pk"))
    values = list(values.select_related("indicator", "unit", "period", "submitted_by")
                  .order_by("period__month", "indicator__seq", "unit__path", "pk"))
    chosen, choices = _review_filters(source, reports, values)
    reports = _apply_review_filters(reports, chosen)
    values = [] if chosen["task"] else _apply_review_filters(values, chosen)
    return reports, values, chosen, choices


def _review_query(chosen) -> str:
    query = urlencode({k: v for k, v in chosen.items() if v})
    return f"?{query}" if query else ""


@login_required
def review_queue(request, code):
    """Submitted reports waiting for this user's review (lead units: other units' rows on tasks they lead),
    filtered by month, task and unit; each action returns to the same place in the list."""
    user = request.user
    if not _is_reviewer(user):
        raise Http404
    plan = _plan(request, code)
    reports, values, chosen, choices = _review_rows(plan, user, request.GET)
    for v in values:
        v.registry_check = registry_cross_check(v)  # a warning for the reviewer, never a block
    base = request.path + _review_query(chosen)
    # After approving or returning a card, come back to the card that followed it (the list stays in place).
    for rows, prefix in ((reports, "r"), (values, "v")):
        for i, row in enumerate(rows):
            after = rows[i + 1] if i + 1 < len(rows) else (rows[i - 1] if i else None)
            row.next_url = base + (f"#{prefix}{after.pk}" if after else f"#{prefix}-list")
    return render(request, "reporting/review_queue.html", {
        "plan": plan, "reports": reports, "values": values, "chosen": chosen, "choices": choices,
        "filtered": any(chosen.values()), "total": len(reports) + len(values),
    })


@login_required
@require_POST
def review_batch(request, code):
    """批量审核通过: the ticked rows (or every row the filters show) in one go, each through
    ``services.approve`` with its own version check; rows changed meanwhile are skipped and named."""
    user = request.user
    if not _is_reviewer(user):
        raise Http404
    plan = _plan(request, code)
    reports, values, chosen, _choices = _review_rows(plan, user, request.POST)
    if request.POST.get("all") != "1":
        picked_reports = set(request.POST.getlist("report"))
        picked_values = set(request.POST.getlist("value"))
        reports = [r for r in reports if str(r.pk) in picked_reports]
        values = [v for v in values if str(v.pk) in picked_values]
    back = reverse("reporting:review_queue", args=[plan.code]) + _review_query(chosen)
    if not reports and not values:
        messages.error(request, "请先勾选要审核通过的报告")
        return redirect(back)
    done, skipped = 0, []
    for row in [*reports, *values]:
        prefix = "report" if isinstance(row, TaskReport) else "value"
        version = request.POST.get(f"{prefix}-version-{row.pk}") or None
        try:
            services.approve(row, user=user, expected_version=version)
            done += 1
        except (ConflictError, services.WorkflowError):
            skipped.append(f"{row.unit.name}{row.period.label}")
    if done:
        messages.success(request, f"已批量审核通过 {done} 项")
    if skipped:
        messages.error(request, "以下报告已被他人修改或已处理，未审核：" + "、".join(skipped[:10]))
    return redirect(back + "#review-top")


def _detail_context(request, row):
    user = request.user
    events = restrict(ReportEvent.objects.filter(**{
        "task_report" if isinstance(row, TaskReport) else "indicator_value": row}), user).select_related("user")
    return {
        "row": row, "plan": row.plan, "events": events,
        "is_task": isinstance(row, TaskReport),
        "can_review": row.status == SubmissionStatus.SUBMITTED and user.has_perm(row_perm("review", row), row),
        "can_reopen": row.status == SubmissionStatus.APPROVED and user.has_perm(row_perm("reopen", row), row),
        "evidence": list(row.evidence.all()) if isinstance(row, TaskReport) else [],
        "own_unit": user.unit_id == row.unit_id,
        "registry_check": None if isinstance(row, TaskReport) else registry_cross_check(row),
    }


@login_required
def task_report_detail(request, pk):
    row = get_for_user(TaskReport.objects.select_related("task", "unit", "period", "plan"), request.user, pk=pk)
    return render(request, "reporting/report_detail.html", _detail_context(request, row))


@login_required
def value_detail(request, pk):
    row = get_for_user(IndicatorValue.objects.select_related("indicator", "unit", "period", "plan"),
                       request.user, pk=pk)
    return render(request, "reporting/report_detail.html", _detail_context(request, row))


def _act(request, row, detail_url):
    action = request.POST.get("action")
    version = request.POST.get("version") or None
    reason = request.POST.get("reason", "")
    fn = {"approve": services.approve, "return": services.return_for_revision, "reopen": services.reopen}.get(action)
    if fn is None:
        messages.error(request, "未知操作")
        return redirect(detail_url)
    ok, text = True, {"approve": "已审核通过", "return": "已退回修改", "reopen": "已重新开放"}[action]
    try:
        kwargs = {"user": request.user, "expected_version": version}
        if action in ("return", "reopen"):
            kwargs["reason"] = reason
        fn(row, **kwargs)
    except (ConflictError, services.WorkflowError) as exc:
        ok, text = False, exc.message
    if request.htmx and request.POST.get("fragment") in ("card", "row"):
        # The review queue swaps just this card (or table row): the list stays where the reviewer is.
        return render(request, "reporting/_review_done.html", {
            "row": row, "ok": ok, "text": text, "is_task": isinstance(row, TaskReport),
            "as_row": request.POST.get("fragment") == "row"})
    (messages.success if ok else messages.error)(request, text)
    nxt = request.POST.get("next", "")
    if nxt.startswith("/reporting/") and "//" not in nxt:
        return redirect(nxt)
    return redirect(detail_url)


@login_required
@require_POST
def task_report_action(request, pk):
    row = get_for_user(TaskReport.objects.all(), request.user, pk=pk)
    return _act(request, row, reverse("reporting:task_report_detail", args=[row.pk]))


@login_required
@require_POST
def value_action(request, pk):
    row = get_for_user(IndicatorValue.objects.all(), request.user, pk=pk)
    return _act(request, row, reverse("reporting:value_detail", args=[row.pk]))


# ------------------------------------------------------------------------------------ office pages

STATUS_LABELS = {"on_time": "按时", "late": "迟报", "missing": "未报", "draft": "未完成"}


@login_required
@perm_required("reporting.view_completeness")
def completeness(request, code):
    """填报情况: each unit × month (on time, late, missing), the year's rates and this month's burden."""
    plan = _plan(request, code)
    periods = services.ensure_periods(plan)
    today = services.business_date()
    as_of = parse_date(request.GET.get("as_of"), "as_of") or today
    shown = [p for p in periods if p.opens_on <= as_of] or periods[:1]
    matrix = services.status_matrix(plan, shown, as_of)
    through = shown[-1].month
    rates = services.timeliness(plan, plan.year, through, as_of)
    units = Unit.objects.filter(pk__in=rates.keys()).order_by("path")
    current = shown[-1]
    burden = services.burden_by_unit(plan, current, check_system=False)
    empty = {"total": 0, "to_fill": 0, "prefilled": 0, "system": 0, "typed": 0}
    quarters = sorted({p.quarter for p in shown})
    rows = []
    for unit in units:
        # One reverse per unit, the month filled in after (a page has units × months cells).
        stem = reverse("reporting:unit_month", args=[plan.code, unit.code, plan.year, 1])[:-len("1/")]
        by_q = []
        for q in quarters:
            due = [p for p in shown if p.quarter == q and p.due_on < as_of]
            on_time = sum(1 for p in due if matrix[(p.pk, unit.pk)] == "on_time")
            submitted = sum(1 for p in due if matrix[(p.pk, unit.pk)] in ("on_time", "late"))
            by_q.append({"quarter": q, "due": len(due), "on_time": on_time, "submitted": submitted})
        rows.append({
            "quarters": by_q,
            "unit": unit,
            "cells": [{"period": p, "status": matrix[(p.pk, unit.pk)], "label": STATUS_LABELS[matrix[(p.pk, unit.pk)]],
                       "due": p.due_on < as_of, "url": f"{stem}{p.month}/" if p.year == plan.year else
                       reverse("reporting:unit_month", args=[plan.code, unit.code, p.year, p.month])} for p in shown],
            "rate": rates[unit.pk], "burden": burden.get(unit.pk, empty),
        })
    return render(request, "reporting/completeness.html", {
        "plan": plan, "periods": shown, "rows": rows, "as_of": as_of, "current": current, "quarters": quarters,
    })


@login_required
def unit_month(request, code, unit_code, year, month):
    """One unit's reports for one month (what a completeness cell stands for): its task reports and
    indicator values as the user may see them, each linking to the report itself."""
    user = request.user
    plan = _plan(request, code)
    unit = get_for_user(Unit.objects.all(), user, code=unit_code)
    period = _period(plan, year, month)
    reports = restrict(TaskReport.objects.filter(plan=plan, unit=unit, period=period), user) \
        .select_related("task").order_by("task__seq")
    values = restrict(IndicatorValue.objects.filter(plan=plan, unit=unit, period=period), user) \
        .select_related("indicator").order_by("indicator__seq")
    state = services.unit_period_status(plan, period, services.business_date()).get(unit.pk)
    return render(request, "reporting/unit_month.html", {
        "plan": plan, "unit": unit, "period": period, "reports": reports, "values": values,
        "state": STATUS_LABELS.get(state, "无需报送") if state else "无需报送",
        "can_fill": user.has_perm("reporting.fill_report") and user.unit_id == unit.pk,
    })


@login_required
@perm_required("reporting.view_period")
def period_list(request, code):
    user = request.user
    plan = _plan(request, code)
    periods = services.ensure_periods(plan)
    approved = []
    if user.has_perm("reporting.change_period"):
        approved = list(
            TaskReport.objects.filter(plan=plan, status=SubmissionStatus.APPROVED)
            .select_related("task", "unit", "period").order_by("-period__month", "unit__path")[:200]
        )
    return render(request, "reporting/period_list.html", {
        "plan": plan, "periods": periods, "approved": approved, "today": services.business_date(),
    })


@login_required
@require_POST
def period_status(request, pk):
    period = get_for_user(Period.objects.select_related("plan"), request.user, "change", pk=pk)
    status = request.POST.get("status")
    try:
        services.set_period_status(period, user=request.user, status=status)
        messages.success(request, f"{period.label}已{'开放' if status == PeriodStatus.OPEN else '关闭'}")
    except services.WorkflowError as exc:
        messages.error(request, exc.message)
    return redirect("reporting:period_list", period.plan.code)


# ---------------------------------------------------------------------------------------- milestones


@login_required
@perm_required("reporting.view_milestone")
def milestones(request, code):
    """工期倒排: the unit's milestones per task (add, mark done); lead units and the office read them."""
    user = request.user
    plan = _plan(request, code)
    if request.method == "POST":
        check_perm(user, "reporting.change_milestone")
        try:
            services.milestone_action(plan, user=user, data=request.POST)
            messages.success(request, "已保存工作节点")
        except (services.WorkflowError, ConflictError) as exc:
            messages.error(request, exc.message)
        return redirect("reporting:milestones", plan.code)
    qs = restrict(Milestone.objects.filter(task__plan=plan), user).select_related("task", "unit")
    today = services.business_date()
    my_tasks = services.unit_task_roles(plan, user.unit) if user.has_perm("reporting.change_milestone") else []
    items = [{"m": m, "overdue": m.overdue(today), "mine": m.unit_id == user.unit_id} for m in qs]
    return render(request, "reporting/milestones.html", {
        "plan": plan, "items": items, "my_tasks": my_tasks, "today": today,
        "year_end": dt.date(plan.year, 12, 31),
    })


# --------------------------------------------------------------------------------------------- Excel


@login_required
def excel_download(request, code, year, month):
    """The unit's month as a pre-filled Excel form (audited export)."""
    user = request.user
    _require_unit_member(user)
    plan = _plan(request, code)
    period = _period(plan, year, month)
    ws = services.workspace(plan, user.unit, period)
    data = build_workbook(ws)
    record_event("reporting.excel_export", user=user, obj=period, detail={"unit": user.unit.code})
    name = f"{user.unit.name}-{period.code}-月度填报.xlsx"
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename=\"{period.code}.xlsx\"; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def excel_upload(request, code, year, month):
    """Upload the filled form: all errors at once (sheet, row, column, reason), nothing written on error."""
    user = request.user
    _require_unit_member(user)
    plan = _plan(request, code)
    period = _period(plan, year, month)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的 Excel 文件")
        return redirect(_fill_url(plan, period))
    result = import_workbook(plan, user.unit, period, user=user, fileobj=upload)
    if result.ok:
        messages.success(request, f"已导入：保存 {result.saved} 项，报送 {result.submitted} 项")
        return redirect(_fill_url(plan, period))
    # The user's own file with the bad cells marked, embedded in the page: nothing of a refused upload is stored.
    try:
        annotated = base64.b64encode(error_workbook(result)).decode("ascii")
    except AnnotationUnavailable:
        annotated = ""
    return render(request, "reporting/excel_errors.html", {
        "plan": plan, "period": period, "errors": result.errors, "annotated": annotated,
        "annotated_name": f"{plan.code}-{period.code}-标注错误.xlsx",
    }, status=422)
