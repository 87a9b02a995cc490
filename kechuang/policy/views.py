"""Cultivation board and policy lists. Every list and export is scoped through the registry's
enterprise scope; every export is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.core.concurrency import ConflictError
from kechuang.core.perms import perm_required
from kechuang.core.scoping import CHANGE, get_for_user, restrict, restrict_or_404
from kechuang.core.tables import sheet
from kechuang.registry.models import Enterprise

from . import services, tables
from .choices import TRANSITIONS, Stage
from .engine import supported_years
from .engine.base import Status
from .exports import xlsx_response
from .models import CultivationEntry

TAB_ORDER = [("board", "培育库"), ("candidates", "培育候选"), ("rerecognition", "重新认定"),
             ("sme_renewal", "科小续评"), ("deduction", "应减尽减"), ("growth", "瞪羚/独角兽")]


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except (TypeError, ValueError):
        return default
    low, high = supported_years()
    return year if low <= year <= high else default


def default_year_for(key: str, user) -> int:
    """The active plan's year for plan-year lists and the year before it for figures; without an
    active plan, the latest year with figures (and the year after it)."""
    plan_year = services.active_plan_year()
    data_year = plan_year - 1 if plan_year else services.default_year(user)
    return data_year + 1 if key in ("rerecognition", "sme_renewal", "board") else data_year


def _list(request, key, params):
    """The list ``key`` for the year in ``params``, narrowed by its filter set (town, name)."""
    if key not in tables.TABLES:
        raise Http404
    restrict_or_404(Enterprise.objects.all(), request.user)  # users whose roles never reach enterprises: 404
    year = _year(request, default_year_for(key, request.user))
    filterset = tables.ListFilterSet(params, user=request.user)
    return tables.TABLES[key](request.user, year).narrow(filterset), filterset


@login_required
@perm_required("policy.view_lists")
def list_page(request, key):
    lst, filterset = _list(request, key, request.GET)
    context = {"lst": lst, "filter": filterset, "tabs": TAB_ORDER}
    if key == "candidates" and CultivationEntry.scope_rule(request.user, CHANGE):
        in_pool = set(restrict(CultivationEntry.objects.filter(year=lst.year + 1), request.user)
                      .values_list("enterprise_id", flat=True))
        changeable = set(restrict(Enterprise.objects.filter(pk__in=lst.enterprise_ids), request.user, CHANGE)
                         .values_list("pk", flat=True))
        context["can_add"] = changeable - in_pool
    if key == "candidates":
        context["table"] = lst.table(can_add=context.get("can_add", ()), http_request=request,
                                     exclude=() if "can_add" in context else ("add",))
    else:
        context["table"] = lst.table()
    if key == "board":
        context["stages"] = Stage.choices
        entries = restrict(CultivationEntry.objects.filter(year=lst.year), request.user).select_related(
            "enterprise", "enterprise__town")
        context["columns"] = [(v, label, [e for e in entries if e.stage == v]) for v, label in Stage.choices]
        context["can_change"] = bool(CultivationEntry.scope_rule(request.user, CHANGE))
    return render(request, "policy/list.html", context)


@login_required
def list_export(request, key):
    lst, _ = _list(request, key, request.GET)
    return xlsx_response(request, action="policy.export", filename=f"{lst.title}-{lst.year}.xlsx",
                         sheet=sheet(lst.table(), lst.title, note=f"{lst.year_label}：{lst.year}。{lst.note}"),
                         rows=len(lst.rows), detail={"list": key, "year": lst.year}, fmt=request.GET.get("format"))


@login_required
def evaluate(request, pk):
    enterprise = get_for_user(services.enterprises_with_facts(Enterprise.objects.all()), request.user, pk=pk)
    year = _year(request, default_year_for("evaluate", request.user))
    result = services.evaluate_enterprise(enterprise, year)
    entries = restrict(CultivationEntry.objects.filter(enterprise=enterprise), request.user)
    can_add = restrict(Enterprise.objects.filter(pk=pk), request.user, CHANGE).exists()
    return render(request, "policy/evaluate.html", {
        "enterprise": enterprise, "year": year, "result": result, "entries": entries, "can_add": can_add,
        "evaluations": [("高新技术企业认定", result.hnte), ("科技型中小企业评价", result.tech_sme),
                        ("研发费用加计扣除", result.deduction)],
        "Status": Status,
    })


@login_required
def entry_detail(request, pk):
    entry = get_for_user(CultivationEntry.objects.select_related("enterprise", "enterprise__town"), request.user,
                         pk=pk)
    events = entry.events.select_related("user").order_by("at", "id")
    can_change = restrict(CultivationEntry.objects.filter(pk=pk), request.user, CHANGE).exists()
    next_stages = [(s, Stage(s).label) for s in TRANSITIONS.get(entry.stage, ())]
    return render(request, "policy/entry_detail.html", {
        "entry": entry, "events": events, "can_change": can_change, "next_stages": next_stages})


@login_required
@require_POST
def entry_stage(request, pk):
    entry = get_for_user(CultivationEntry.objects.all(), request.user, CHANGE, pk=pk)
    try:
        version = int(request.POST.get("version") or entry.version)
        services.change_stage(entry, request.POST.get("to_stage", ""), user=request.user,
                              note=request.POST.get("note", "").strip(), expected_version=version)
        messages.success(request, "培育阶段已更新")
    except (ValidationError, ConflictError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("policy:entry_detail", pk=entry.pk)


@login_required
@require_POST
def entry_add(request, pk):
    enterprise = get_for_user(Enterprise.objects.all(), request.user, CHANGE, pk=pk)
    year = default_year_for("board", request.user)
    try:
        year = int(request.POST.get("year") or year)
        entry = services.add_to_pool(enterprise, year, user=request.user, note=request.POST.get("note", "").strip())
        messages.success(request, f"已将{enterprise.name}纳入{year}年培育库")
        return redirect("policy:entry_detail", pk=entry.pk)
    except (ValidationError, ValueError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("policy:list", key="board")
