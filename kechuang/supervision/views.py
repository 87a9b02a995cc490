"""Supervision pages: the dashboard, the monthly supervision list, 督办单, meetings, urging notices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from kechuang.audit.services import record_event
from kechuang.core.params import parse_date
from kechuang.core.perms import check_perm, perm_required
from kechuang.core.scoping import get_for_user, restrict, restrict_or_404
from kechuang.org.models import Unit
from kechuang.plans.models import Indicator, Plan, Task, TaskUnit
from kechuang.plans.services import current_plan
from kechuang.reporting.models import TaskReport
from kechuang.reporting.services import business_date

from . import engine, services
from .dashboard import _heat_html, dashboard_data
from .models import OPEN_ORDER_STATUSES, Meeting, MeetingDecision, OrderStatus, SupervisionOrder, UrgingNotice

MONTHS = list(range(1, 13))


def default_as_of(plan=None) -> dt.date:
    """The business date pages use (the reporting app's: the demo's date when demo data is loaded)."""
    return business_date()


def _as_of(request, plan=None) -> dt.date:
    return parse_date(request.GET.get("as_of"), "as_of") or default_as_of(plan)


def _plan(request) -> Plan:
    code = request.GET.get("plan")
    if code:
        return get_for_user(Plan.objects.all(), request.user, code=code)
    restrict_or_404(Plan.objects.all(), request.user)
    plan = current_plan(request.user)
    if plan is None:
        raise Http404
    return plan


def _fmt(value, places=1):
    if value is None:
        return None
    value = Decimal(value).quantize(Decimal(1).scaleb(-places))
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _sees_all(user) -> bool:
    return user.has_perm("supervision.view_rankings")


@login_required
@perm_required("supervision.view_dashboard")
def dashboard(request):
    plan = _plan(request)
    as_of = _as_of(request, plan)
    user = request.user
    data = dashboard_data(plan, as_of)
    visible_ids = set(restrict(Indicator.objects.filter(plan=plan), user).values_list("pk", flat=True))
    rows = [r for r in data["indicators"] if r["pk"] in visible_ids]
    drill = reverse("metrics:indicator_values", args=[0]).rsplit("0/", 1)[0]
    for r in rows:
        r["url"] = f"{drill}{r['pk']}/?date={as_of.isoformat()}"
    counts = {light: sum(1 for r in rows if r["light"] == light) for light in engine.LIGHT_LABELS}
    visible_tasks = set(restrict(plan.tasks.all(), user).values_list("pk", flat=True))
    tasks = [t for t in data["tasks"] if t["pk"] in visible_tasks]
    task_counts = {light: sum(1 for t in tasks if t["light"] == light) for light in engine.LIGHT_LABELS}
    ordered_tasks = sorted(tasks, key=lambda t: engine.LIGHT_ORDER[t["light"]])
    if user.has_perm("supervision.issue_order"):
        keys = _open_order_keys(plan)
        for r in rows:
            r["has_order"] = f"indicator-{r['pk']}" in keys
        for t in ordered_tasks:
            t["has_order"] = f"task-{t['pk']}" in keys
    sees_all = _sees_all(user)
    if sees_all:
        heat_html = data["heat_html"]
    else:
        own = [h for h in data["heat"] if h["unit_id"] == user.unit_id]
        heat_html = _heat_html(own, data["months"], plan) if own else ""
    open_orders = restrict(SupervisionOrder.objects.filter(plan=plan, status__in=OPEN_ORDER_STATUSES), user)
    orders = list(open_orders.exclude(status=OrderStatus.PROPOSED)
                  .select_related("unit", "indicator", "task", "decision").order_by("-issued_on", "-pk")[:20])
    for o in orders:
        o.overdue = o.is_overdue(as_of)
    may_issue = user.has_perm("supervision.issue_order")
    proposals = open_orders.filter(status=OrderStatus.PROPOSED).count() if may_issue else 0
    first = data["first_red"] if data["first_red"] in visible_ids else (rows[0]["pk"] if rows else None)
    return render(request, "supervision/dashboard.html", {
        "plan": plan, "as_of": as_of, "tp": data["tp"], "rows": rows, "counts": counts,
        "task_counts": task_counts, "tasks": ordered_tasks, "quarter_end": _last_quarter_end(plan, as_of),
        "red_items": data["red_items"] if sees_all else None,
        "heat_html": heat_html, "ranking_html": data["ranking_html"] if sees_all else "",
        "orders": orders, "proposals": proposals,
        "trend_url": reverse("supervision:indicator_trend", args=[0]).rsplit("0/", 1)[0],
        "first_trend": first,
        "completeness_url": f"{reverse('reporting:completeness', args=[plan.code])}?as_of={as_of.isoformat()}",
    })


def _last_quarter_end(plan, as_of: dt.date) -> dt.date | None:
    """The latest quarter end of the plan year on or before ``as_of`` (the date a quarterly bulletin reads),
    when it differs from ``as_of``: the dashboard offers it so its counts can be set beside the bulletin's."""
    ends = [engine.month_end(plan.year, m) for m in (3, 6, 9, 12)]
    past = [d for d in ends if d <= as_of]
    return past[-1] if past and past[-1] != as_of else None


def _open_order_keys(plan) -> set[str]:
    """"indicator-3", "task-7": items that already have an open 督办单 (no second button)."""
    keys = set()
    for o in SupervisionOrder.objects.filter(plan=plan, status__in=OPEN_ORDER_STATUSES):
        if o.indicator_id:
            keys.add(f"indicator-{o.indicator_id}")
        elif o.task_id:
            keys.add(f"task-{o.task_id}")
        elif o.decision_id:
            keys.add(f"decision-{o.decision_id}")
    return keys


@login_required
def indicator_trend(request, pk):
    """The monthly trend of one indicator as an ECharts option (JSON), built in Python."""
    user = request.user
    indicator = get_for_user(Indicator.objects.select_related("plan"), user, pk=pk)
    plan = indicator.plan
    as_of = _as_of(request, plan)
    points = engine.indicator_trends(plan, as_of, [indicator])[indicator.pk]
    labels = [f"{d.month}月" for d, _v in points]
    values = [float(v) if v is not None else None for _d, v in points]
    target = float(indicator.target)
    if indicator.progress_mode == "cumulative":
        expected = [round(target * d.month / 12, 4) for d, _v in points]
    else:
        expected = [target for _ in points]
    option = {
        "title": {"text": indicator.name, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "data": ["实际", "序时目标"]},
        "grid": {"left": 40, "right": 16, "top": 40, "bottom": 40},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "name": indicator.measure},
        "series": [
            {"name": "实际", "type": "line", "data": values, "connectNulls": False, "symbolSize": 8},
            {"name": "序时目标", "type": "line", "data": expected, "lineStyle": {"type": "dashed"}, "symbol": "none"},
        ],
    }
    rows = [{"date": d.isoformat(), "value": v} for (d, _), v in zip(points, values, strict=True)]
    return JsonResponse({"indicator": indicator.pk, "option": option, "points": rows})


@login_required
def supervision_list(request):
    """月督办清单: red and yellow items with their units, plus overdue meeting decisions."""
    plan = _plan(request)
    check_perm(request.user, "supervision.view_supervisionlist")
    as_of = _as_of(request, plan)
    items = engine.supervised_items(plan, as_of)
    proposals = set()
    for o in SupervisionOrder.objects.filter(plan=plan, status__in=OPEN_ORDER_STATUSES):
        proposals.add(("indicator", o.indicator_id) if o.indicator_id else
                      (("task", o.task_id) if o.task_id else ("decision", o.decision_id)))
    rows = [{"item": i, "has_order": i.key in proposals} for i in items]
    return render(request, "supervision/supervision_list.html",
                  {"plan": plan, "as_of": as_of, "rows": rows, "tp": _fmt(engine.time_progress(plan, as_of) * 100)})


# ---------------------------------------------------------------------------------------------
# 督办单


@login_required
@perm_required("supervision.view_order_list")
def order_list(request):
    qs = restrict(SupervisionOrder.objects.select_related("unit", "indicator", "task", "decision", "plan"),
                         request.user)
    status = request.GET.get("status")
    if status in OrderStatus.values:
        qs = qs.filter(status=status)
    as_of = default_as_of()
    orders = list(qs.order_by("-year", "-number", "-pk"))
    for o in orders:
        o.overdue = o.is_overdue(as_of)
    return render(request, "supervision/order_list.html",
                  {"orders": orders, "statuses": OrderStatus.choices, "status": status})


def _order(request, pk, action="view"):
    return get_for_user(SupervisionOrder.objects.select_related("unit", "indicator", "task", "decision", "plan"),
                        request.user, action, pk=pk)


@login_required
def order_detail(request, pk):
    order = _order(request, pk)
    events = order.events.select_related("user")
    user = request.user
    can_reply = order.status == OrderStatus.ISSUED and user.has_perm("supervision.reply_order", order)
    return render(request, "supervision/order_detail.html", {
        "order": order, "events": events, "can_reply": can_reply,
        "overdue": order.is_overdue(default_as_of()),
    })


@login_required
def order_docx(request, pk):
    order = _order(request, pk)
    if order.status in (OrderStatus.PROPOSED, OrderStatus.DISMISSED):
        raise Http404
    data = services.order_docx(order)
    record_event("supervision.order.download", obj=order)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = content_disposition_header(True, f"督办单-{order.year}-{order.number}号.docx")
    return response


@login_required
def meeting_docx(request, pk):
    """The 会议纪要 (agenda, minutes, decisions with owners) as Word; a unit sees its own decisions."""
    meeting = get_for_user(Meeting.objects.select_related("plan", "plan__office_unit"), request.user, pk=pk)
    decisions = list(restrict(meeting.decisions.select_related("owner_unit"), request.user).order_by("pk"))
    data = services.meeting_docx(meeting, decisions, default_as_of(meeting.plan))
    record_event("supervision.meeting.download", obj=meeting)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = content_disposition_header(True, f"会议纪要-{meeting.date:%Y%m%d}.docx")
    return response


def _parse_date(raw, label):
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError as exc:
        raise services.TransitionError(f"{label}格式应为 YYYY-MM-DD") from exc


@login_required
@perm_required("supervision.issue_order")
def order_issue(request):
    """Issue a new 督办单 (office): from ?indicator= / ?task= / ?decision= or a proposal (?order=)."""
    plan = _plan(request)
    as_of = default_as_of(plan)
    source = request.POST if request.method == "POST" else request.GET
    proposal = None
    subject = None
    # Ids that are not numbers are ignored (the picker is shown), never a server error.
    ids = {k: source.get(k, "").strip() for k in ("order", "indicator", "task", "decision")}
    ids = {k: v for k, v in ids.items() if v.isdigit()}
    if ids.get("order"):
        proposal = get_for_user(SupervisionOrder.objects.filter(status=OrderStatus.PROPOSED), request.user,
                                pk=ids["order"])
        subject = proposal.subject
    elif ids.get("indicator"):
        subject = get_for_user(Indicator.objects.filter(plan=plan), request.user, pk=ids["indicator"])
    elif ids.get("task"):
        subject = get_for_user(Task.objects.filter(plan=plan), request.user, pk=ids["task"])
    elif ids.get("decision"):
        subject = get_for_user(MeetingDecision.objects.filter(meeting__plan=plan), request.user, pk=ids["decision"])
    units = engine.plan_units(plan)
    default_unit = proposal.unit if proposal else _default_unit(plan, subject)
    late_unit = next((u for u in units if str(u.pk) == source.get("unit", "")), None)
    if late_unit is not None and proposal is None:
        default_unit = late_unit
    form = {
        "reason": (proposal.reason if proposal else
                   _default_reason(plan, subject, late_unit, source, as_of) if request.method == "GET" else ""),
        "reply_due": (as_of + dt.timedelta(days=10)).isoformat(),
        "unit": default_unit.pk if default_unit else "",
    }
    picker = [] if subject is not None else _pickable(plan, as_of, late_unit)
    error = None
    if request.method == "POST":
        form.update({k: request.POST.get(k, "") for k in ("reason", "reply_due", "unit")})
        try:
            if subject is None:
                raise services.TransitionError("请选择督办事项")
            reply_due = _parse_date(form["reply_due"], "反馈时限")
            if proposal:
                order = services.issue_proposed(proposal, request.user, reply_due, form["reason"], issued_on=as_of)
            else:
                unit = next((u for u in units if str(u.pk) == str(form["unit"])), None)
                if unit is None:
                    raise services.TransitionError("请选择责任单位")
                order = services.issue_order(plan, subject, unit, form["reason"], reply_due, request.user,
                                             issued_on=as_of)
            messages.success(request, f"已下发督办单{order.display_number}")
            return redirect("supervision:order_detail", order.pk)
        except services.TransitionError as exc:
            error = exc.message
    return render(request, "supervision/order_issue.html", {
        "plan": plan, "subject": subject, "proposal": proposal, "units": units, "form": form, "error": error,
        "subject_kind": _kind(subject), "picker": picker, "late_unit": late_unit, "as_of": as_of,
    }, status=400 if error else 200)


def _kind(subject) -> str:
    if isinstance(subject, Indicator):
        return "indicator"
    if isinstance(subject, Task):
        return "task"
    return "decision" if isinstance(subject, MeetingDecision) else ""


def _default_reason(plan, subject, late_unit, source, as_of) -> str:
    """The pre-filled 督办事由: the item's light and reason from the engine, or the unit's missing report."""
    if late_unit is not None and source.get("late", "").isdigit():
        return f"{late_unit.name}{source['late']}月工作进展逾期未报送，请说明原因并立即报送。"
    if subject is None:
        return ""
    for item in engine.supervised_items(plan, as_of):
        if item.obj == subject:
            return f"{item.light_label}：{item.reason}。请于反馈时限前报告整改措施和进展。"
    return ""


def _pickable(plan, as_of, unit=None) -> list[dict]:
    """What the office can pick on the standalone page: red and yellow indicators and tasks and overdue
    meeting decisions (worst first), then every other task and indicator; for a late unit only its own."""
    rows, seen = [], set()
    ordered = _open_order_keys(plan)
    unit_tasks = set(TaskUnit.objects.filter(task__plan=plan, unit=unit).values_list("task_id", flat=True)) \
        if unit is not None else None
    for item in engine.supervised_items(plan, as_of):
        if unit is not None and unit not in item.units and not (item.kind == "task" and item.obj.pk in unit_tasks):
            continue
        seen.add(item.key)
        rows.append({"kind": item.kind, "pk": item.obj.pk, "label": _pick_label(item.kind, item.obj),
                     "light": item.light, "light_label": item.light_label, "reason": item.reason,
                     "units": "、".join(u.name for u in item.units if u)})
    tasks = plan.tasks.order_by("seq")
    if unit_tasks is not None:
        tasks = tasks.filter(pk__in=unit_tasks)
    for task in tasks:
        if ("task", task.pk) not in seen:
            rows.append({"kind": "task", "pk": task.pk, "label": _pick_label("task", task), "light": "",
                         "light_label": "", "reason": "", "units": ""})
    indicators = plan.indicators.order_by("seq")
    if unit is not None:
        indicators = indicators.filter(owner_unit=unit)
    for ind in indicators:
        if ("indicator", ind.pk) not in seen:
            rows.append({"kind": "indicator", "pk": ind.pk, "label": _pick_label("indicator", ind), "light": "",
                         "light_label": "", "reason": "", "units": ""})
    for row in rows:
        row["has_order"] = f"{row['kind']}-{row['pk']}" in ordered
    return rows


def _pick_label(kind, obj) -> str:
    if kind == "task":
        return f"任务 {obj.number}{obj.title}"
    if kind == "indicator":
        return f"指标 {obj.name}"
    return f"例会议定事项 {obj.text[:40]}（{obj.owner_unit}）"


def _default_unit(plan, subject):
    if subject is None:
        return None
    if isinstance(subject, Indicator):
        return subject.owner_unit
    if isinstance(subject, MeetingDecision):
        return subject.owner_unit
    leads = engine._lead_units(plan).get(subject.pk, [])
    return leads[0] if leads else None


def _transition(request, pk, fn, ok_message):
    try:
        order = fn()
        messages.success(request, ok_message)
        return redirect("supervision:order_detail", order.pk)
    except services.TransitionError as exc:
        messages.error(request, exc.message)
        return redirect("supervision:order_detail", pk)
    except PermissionDenied as exc:
        raise Http404 from exc


@require_POST
@login_required
def order_reply(request, pk):
    order = _order(request, pk)
    return _transition(request, pk, lambda: services.reply_order(order, request.user, request.POST.get("reply", "")),
                       "已提交办理情况")


@require_POST
@login_required
def order_close(request, pk):
    order = _order(request, pk, "change")
    check_perm(request.user, "supervision.close_order", order)
    action = request.POST.get("action", "close")
    if action == "return":
        return _transition(request, pk, lambda: services.reopen_order(order, request.user,
                                                                      request.POST.get("note", "")), "已退回责任单位")
    if action == "dismiss":
        note = request.POST.get("note", "")
        return _transition(request, pk, lambda: services.dismiss_proposal(order, request.user, note), "已撤销督办建议")
    return _transition(request, pk, lambda: services.close_order(order, request.user, request.POST.get("note", "")),
                       "督办单已办结")


# ---------------------------------------------------------------------------------------------
# Meetings


@login_required
@perm_required("supervision.view_meeting_list")
def meeting_list(request):
    meetings = restrict(Meeting.objects.select_related("plan"), request.user)
    return render(request, "supervision/meeting_list.html", {"meetings": meetings})


@login_required
@perm_required("supervision.add_meeting")
def meeting_create(request):
    plan = _plan(request)
    as_of = default_as_of(plan)
    if request.method == "POST":
        try:
            date = _parse_date(request.POST.get("date"), "会议日期")
        except services.TransitionError as exc:
            messages.error(request, exc.message)
            return redirect("supervision:meeting_create")
        meeting = services.create_meeting(plan, date, request.user, request.POST.get("title", ""), as_of=as_of)
        return redirect("supervision:meeting_detail", meeting.pk)
    return render(request, "supervision/meeting_create.html", {"plan": plan, "as_of": as_of,
                                                               "agenda": services.meeting_agenda(plan, as_of)})


@login_required
def meeting_detail(request, pk):
    meeting = get_for_user(Meeting.objects.select_related("plan"), request.user, pk=pk)
    user = request.user
    decisions = restrict(meeting.decisions.select_related("owner_unit"), user)
    as_of = default_as_of(meeting.plan)
    can_change = user.has_perm("supervision.change_meeting", meeting)
    if request.method == "POST":
        if not can_change:
            raise Http404
        try:
            if request.POST.get("action") == "decision":
                unit = Unit.objects.get(pk=request.POST.get("owner_unit"))
                services.add_decision(meeting, user, request.POST.get("text", ""), unit,
                                      _parse_date(request.POST.get("deadline"), "完成时限"))
                messages.success(request, "已添加议定事项")
            else:
                services.save_minutes(meeting, user, request.POST.get("minutes", ""), request.POST.get("agenda"))
                messages.success(request, "已保存会议纪要")
        except (services.TransitionError, Unit.DoesNotExist, ValidationError) as exc:
            messages.error(request, getattr(exc, "message", "请检查输入"))
        return redirect("supervision:meeting_detail", meeting.pk)
    rows = [{"d": d, "overdue": d.is_overdue(as_of)} for d in decisions]
    return render(request, "supervision/meeting_detail.html", {
        "meeting": meeting, "rows": rows, "can_change": can_change,
        "units": engine.plan_units(meeting.plan) if can_change else [], "as_of": as_of,
    })


@require_POST
@login_required
def decision_done(request, pk):
    decision = get_for_user(MeetingDecision.objects.select_related("meeting"), request.user, "change", pk=pk)
    try:
        services.complete_decision(decision, request.user, request.POST.get("note", ""), default_as_of())
        messages.success(request, "议定事项已办结")
    except services.TransitionError as exc:
        messages.error(request, exc.message)
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect("supervision:meeting_detail", decision.meeting_id)


# ---------------------------------------------------------------------------------------------
# Urging notices


@login_required
@perm_required("supervision.view_notice_list")
def notice_list(request):
    notices = restrict(UrgingNotice.objects.select_related("unit", "period"), request.user)
    return render(request, "supervision/notice_list.html", {"notices": notices[:500]})


@require_POST
@login_required
def urge(request):
    """一键催办 (office): an urging notice to one late unit (``unit``) or to all of them (``all``), for
    the latest due period; a unit already urged for that period is not urged twice."""
    check_perm(request.user, "supervision.urge_units")
    plan = _plan(request)
    as_of = default_as_of(plan)
    unit_ids = None
    if request.POST.get("all") != "1":
        raw = request.POST.get("unit", "")
        if not raw.isdigit():
            messages.error(request, "请选择要催办的单位")
            return _back(request)
        unit_ids = [int(raw)]
    try:
        sent, already = services.urge_units(plan, request.user, as_of, unit_ids)
    except services.TransitionError as exc:
        messages.error(request, exc.message)
        return _back(request)
    if sent:
        messages.success(request, f"已向{'、'.join(n.unit.name for n in sent)}发送催办通知")
    if already:
        messages.info(request, f"{'、'.join(n.unit.name for n in already)}本期已催办，未重复发送")
    if not sent and not already:
        messages.info(request, "没有需要催办的单位")
    return _back(request)


def _back(request):
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect("web:home")


@login_required
def task_detail(request, pk):
    """A task as supervised: its light (the dashboard's and the bulletin's), each unit's progress,
    light, latest approved report text and evidence, milestones and overdue items, with links to
    the reports themselves."""
    user = request.user
    task = get_for_user(Task.objects.select_related("plan"), user, pk=pk)
    plan = task.plan
    as_of = _as_of(request, plan)
    status, rows = engine.task_detail(plan, task, as_of)
    # Reports the user may open (a unit sees its own and, as lead unit, the task's submitted ones).
    visible = set(restrict(TaskReport.objects.filter(task=task), user).values_list("pk", flat=True))
    if not user.has_perm("supervision.view_rankings"):
        rows = [r for r in rows if r.unit.pk == user.unit_id or
                (r.report is not None and r.report.pk in visible)]
    for r in rows:
        r.report_visible = r.report is not None and r.report.pk in visible
        r.approved_visible = r.approved is not None and r.approved.pk in visible
        r.evidence = list(r.approved.evidence.all()) if r.approved_visible else []
    open_order = SupervisionOrder.objects.filter(plan=plan, task=task, status__in=OPEN_ORDER_STATUSES).first()
    return render(request, "supervision/task_detail.html", {
        "plan": plan, "task": task, "status": status, "rows": rows, "as_of": as_of,
        "open_order": open_order if user.has_perm("supervision.view_rankings") else None,
        "indicators": restrict(task.indicators.all(), user),
    })
