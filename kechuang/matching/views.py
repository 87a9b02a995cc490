"""精准对接 pages: a demand's matches with the matched terms highlighted, recording and following
up 对接s. Scoped like the registry (a town sees its own enterprises' demands)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from kechuang.core.concurrency import ConflictError
from kechuang.core.perms import perm_required
from kechuang.core.scoping import CHANGE, get_for_user, restrict, restrict_or_404
from kechuang.core.xlsx import Sheet
from kechuang.policy.exports import xlsx_response
from kechuang.registry.models import Achievement, Demand, Expert

from . import engine, services
from .choices import TRANSITIONS, DockingStatus
from .models import Docking


@login_required
@perm_required("matching.view_demand_list")
def demand_list(request):
    demands = restrict(Demand.objects.select_related("enterprise", "enterprise__town"), request.user)
    q = request.GET.get("q", "").strip()
    if q:
        demands = demands.filter(title__icontains=q)
    demands = demands.annotate(n_dockings=Count("dockings")).order_by("-posted_on", "-id")[:500]
    return render(request, "matching/demand_list.html", {"demands": demands, "q": q})


def _hits_with_objects(request, demand, k=10):
    results = engine.match_demand(demand, k=k)
    experts = restrict(Expert.objects.all(), request.user).in_bulk([h.pk for h in results["expert"]])
    achievements = restrict(Achievement.objects.all(), request.user).in_bulk([h.pk for h in results["achievement"]])
    recorded = {(d.kind, (d.expert_id or d.achievement_id)): d
                for d in Docking.objects.filter(demand=demand).exclude(status=DockingStatus.FAILED)}
    out = {}
    for kind, objs in (("expert", experts), ("achievement", achievements)):
        rows = []
        for h in results[kind]:
            obj = objs.get(h.pk)
            if obj is None:
                continue
            text = obj.description or ""
            rows.append({
                "hit": h, "obj": obj, "docking": recorded.get((kind, h.pk)),
                "title_html": mark_safe(engine.highlight(str(obj) if kind == "expert" else obj.title, h.matched)),
                "keywords_html": mark_safe(engine.highlight(f"{obj.field} {obj.keywords}".strip(), h.matched)),
                "description_html": mark_safe(engine.highlight(text[:200], h.matched)),
            })
        out[kind] = rows
    return out


@login_required
def demand_matches(request, pk):
    demand = get_for_user(Demand.objects.select_related("enterprise", "enterprise__town"), request.user, pk=pk)
    results = _hits_with_objects(request, demand)
    terms = sorted({t for rows in results.values() for r in rows for t in r["hit"].matched})
    can_record = restrict(Demand.objects.filter(pk=pk), request.user, CHANGE).exists()
    return render(request, "matching/demand_matches.html", {
        "demand": demand, "results": results, "can_record": can_record,
        "demand_html": mark_safe(engine.highlight(demand.description, terms)),
        "demand_title_html": mark_safe(engine.highlight(demand.title, terms)),
        "dockings": restrict(Docking.objects.filter(demand=demand), request.user).select_related(
            "expert", "achievement"),
    })


@login_required
@require_POST
def docking_create(request, pk):
    demand = get_for_user(Demand.objects.all(), request.user, CHANGE, pk=pk)
    kind = request.POST.get("kind")
    try:
        target_id = int(request.POST.get("target", ""))
        if kind == "expert":
            target = {"expert": get_for_user(Expert.objects.all(), request.user, pk=target_id)}
        elif kind == "achievement":
            target = {"achievement": get_for_user(Achievement.objects.all(), request.user, pk=target_id)}
        else:
            raise ValidationError("请选择专家或成果")
        score = float(request.POST["score"]) if request.POST.get("score") else None
        terms = [t for t in request.POST.get("terms", "").split() if t][:30]
        docking = services.record_docking(demand, user=request.user, score=score, matched_terms=terms,
                                          note=request.POST.get("note", "").strip(), **target)
        messages.success(request, "已登记对接")
        return redirect("matching:docking_detail", pk=docking.pk)
    except (ValidationError, ValueError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("matching:demand_matches", pk=demand.pk)


def _dockings(request):
    qs = restrict_or_404(Docking.objects.select_related("demand", "demand__enterprise", "demand__enterprise__town",
                                                        "expert", "achievement"), request.user)
    status = request.GET.get("status", "")
    if status in DockingStatus.values:
        qs = qs.filter(status=status)
    return qs, status


@login_required
def docking_list(request):
    qs, status = _dockings(request)
    return render(request, "matching/docking_list.html", {
        "dockings": qs[:1000], "status": status, "statuses": DockingStatus.choices})


@login_required
def docking_export(request):
    qs, status = _dockings(request)
    headers = ["需求", "企业", "所在镇办", "类型", "专家/成果", "单位", "状态", "匹配词", "对接结果", "成交金额（元）",
               "完成日期", "登记时间"]
    rows = []
    for d in qs:
        target = d.target
        rows.append([d.demand.title, d.demand.enterprise.name,
                     d.demand.enterprise.town.name if d.demand.enterprise.town_id else "",
                     "专家" if d.expert_id else "成果", str(target) if d.expert_id else target.title,
                     target.institution, d.get_status_display(), " ".join(d.matched_terms), d.outcome, d.amount,
                     d.concluded_on, d.created.strftime("%Y-%m-%d %H:%M")])
    return xlsx_response(request, action="matching.export", filename="对接记录.xlsx",
                         sheet=Sheet("对接记录", headers, rows), rows=len(rows), detail={"status": status})


@login_required
def docking_detail(request, pk):
    docking = get_for_user(Docking.objects.select_related("demand", "demand__enterprise", "expert", "achievement",
                                                         "transfer"), request.user, pk=pk)
    can_change = restrict(Docking.objects.filter(pk=pk), request.user, CHANGE).exists()
    next_statuses = [(s, DockingStatus(s).label) for s in TRANSITIONS.get(docking.status, ())]
    return render(request, "matching/docking_detail.html", {
        "docking": docking, "can_change": can_change, "next_statuses": next_statuses,
        "history": docking.history.order_by("history_date")})


@login_required
@require_POST
def docking_update(request, pk):
    docking = get_for_user(Docking.objects.all(), request.user, CHANGE, pk=pk)
    try:
        services.update_docking(
            docking, request.POST.get("status", ""), user=request.user,
            outcome=request.POST.get("outcome", "").strip(), amount=request.POST.get("amount") or None,
            way=request.POST.get("way", "").strip(),
            expected_version=int(request.POST.get("version") or docking.version))
        messages.success(request, "对接状态已更新")
    except (ValidationError, ConflictError, ValueError, ArithmeticError) as exc:
        messages.error(request, getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("matching:docking_detail", pk=docking.pk)
