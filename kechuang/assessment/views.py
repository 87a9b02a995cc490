"""Assessment pages. The office computes, enters bonuses and vetoes, publishes and exports;
leaders read everything; a unit sees only its own published result. Every query goes through the
models' scope rules (restrict / get_for_user); exports are audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kechuang.audit.services import record_event
from kechuang.core.params import parse_date
from kechuang.core.perms import check_perm, perm_required
from kechuang.core.scoping import CHANGE, get_for_user, restrict, restrict_or_404
from kechuang.core.xlsx import attachment
from kechuang.org.models import Unit
from kechuang.plans.models import Plan

from . import commendation, evaluation, exports, services, tables
from .models import (
    AssessmentBonus,
    AssessmentResult,
    AssessmentScheme,
    AssessmentVeto,
    EvaluationFramework,
    ResultStatus,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _current_result(scheme, user):
    """The published result if any, else (office and leaders) the draft."""
    results = restrict(AssessmentResult.objects.filter(scheme=scheme), user)
    return results.filter(status=ResultStatus.PUBLISHED).first() or results.filter(status=ResultStatus.DRAFT).first()


@login_required
@perm_required("assessment.view_scheme_list")
def scheme_list(request):
    schemes = restrict(AssessmentScheme.objects.select_related("plan"), request.user)
    may_load = request.user.has_perm("assessment.change_assessmentscheme")
    plans = restrict(Plan.objects.all(), request.user, CHANGE) if may_load else Plan.objects.none()
    missing = [p for p in plans if not p.assessment_schemes.filter(year=p.year).exists()
               and services.default_scheme_path(p).exists()]
    closed = _closed_schemes(schemes, request.user)
    schemes = list(schemes)
    for scheme in schemes:
        scheme.closed_reason = closed.get(scheme.pk, "")
    return render(request, "assessment/scheme_list.html", {"schemes": schemes, "loadable": missing})


def _closed_schemes(schemes, user) -> dict[int, str]:
    """For a unit's user: the schemes it cannot open yet, each with the reason shown instead of a dead link."""
    if user.has_perm("assessment.view_all_results"):
        return {}
    published = {r.scheme_id: r for r in restrict(AssessmentResult.objects.filter(scheme__in=schemes), user)
                 .filter(status=ResultStatus.PUBLISHED)}
    closed = {}
    for scheme in schemes:
        result = published.get(scheme.pk)
        if result is None:
            closed[scheme.pk] = "考核结果尚未公布"
        elif result.unit_row(user.unit_id or 0) is None:
            closed[scheme.pk] = "本单位不在此次考核范围内"
    return closed


@login_required
@require_POST
def scheme_load(request):
    plan = get_for_user(Plan.objects.all(), request.user, CHANGE, code=request.POST.get("plan", ""))
    try:
        scheme = services.load_scheme(services.default_scheme_path(plan), user=request.user)
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:scheme_list")
    return redirect("assessment:scheme_detail", pk=scheme.pk)


@login_required
def scheme_detail(request, pk):
    scheme = get_for_user(AssessmentScheme.objects.select_related("plan"), request.user, pk=pk)
    if not request.user.has_perm("assessment.view_all_results"):
        # A unit sees its own result only.
        return unit_result(request, pk=scheme.pk, unit_id=request.user.unit_id or 0)
    result = _current_result(scheme, request.user)
    groups = tables.group_tables(result.data, scheme.pk) if result else []
    return render(request, "assessment/scheme_detail.html", {
        "scheme": scheme, "result": result, "groups": groups,
        "published": AssessmentResult.objects.filter(scheme=scheme, status=ResultStatus.PUBLISHED).exists(),
        "bonuses": restrict(AssessmentBonus.objects.filter(scheme=scheme).select_related("unit"), request.user),
        "vetoes": restrict(AssessmentVeto.objects.filter(scheme=scheme).select_related("unit"), request.user),
        "units": Unit.objects.filter(is_active=True, kind__in=[k for g in scheme.config.get("groups", [])
                                                               for k in g.get("kinds", [])]).order_by("path"),
    })


@login_required
def unit_result(request, pk, unit_id):
    scheme = get_for_user(AssessmentScheme.objects.select_related("plan"), request.user, pk=pk)
    check_perm(request.user, "assessment.view_unit_result", unit_id)
    result = _current_result(scheme, request.user)
    row = result.unit_row(unit_id) if result else None
    if row is None and not request.user.has_perm("assessment.view_all_results"):
        raise Http404
    return render(request, "assessment/unit_result.html", {
        "scheme": scheme, "result": result, "row": row, "cells": tables.cells(row) if row else None})


def _office_scheme(request, pk):
    return get_for_user(AssessmentScheme.objects.select_related("plan"), request.user, CHANGE, pk=pk)


@login_required
@require_POST
def compute(request, pk):
    scheme = _office_scheme(request, pk)
    try:
        services.request_run(scheme, user=request.user)
        messages.success(request, "已提交计算（按最新数据），完成后本页自动刷新")
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
    return redirect("assessment:scheme_detail", pk=scheme.pk)


@login_required
def run_status(request, pk):
    """The state of the scheme's queued run, polled by its page (htmx, every 2 s); reloads the page when done."""
    scheme = _office_scheme(request, pk)
    if request.htmx and not scheme.run_state:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "assessment/_run_status.html", {"scheme": scheme})


@login_required
@require_POST
def publish(request, pk):
    scheme = _office_scheme(request, pk)
    try:
        services.request_run(scheme, user=request.user, publish=True)
        messages.success(request, "已提交公布：按最新数据计算并冻结结果，完成后本页自动刷新")
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
    return redirect("assessment:scheme_detail", pk=scheme.pk)


@login_required
@require_POST
def bonus_add(request, pk):
    scheme = _office_scheme(request, pk)
    unit = get_for_user(Unit.objects.all(), request.user, pk=request.POST.get("unit") or 0)
    try:
        services.add_bonus(scheme, user=request.user, unit=unit, points=request.POST.get("points", ""),
                           reason=request.POST.get("reason", ""))
        messages.success(request, f"已为{unit}加分")
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
    return redirect("assessment:scheme_detail", pk=scheme.pk)


@login_required
@require_POST
def veto_add(request, pk):
    scheme = _office_scheme(request, pk)
    unit = get_for_user(Unit.objects.all(), request.user, pk=request.POST.get("unit") or 0)
    try:
        services.add_veto(scheme, user=request.user, unit=unit, reason=request.POST.get("reason", ""))
        messages.success(request, f"已对{unit}一票否决")
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
    return redirect("assessment:scheme_detail", pk=scheme.pk)


@login_required
@require_POST
def bonus_delete(request, pk):
    bonus = get_for_user(AssessmentBonus.objects.select_related("scheme"), request.user, CHANGE, pk=pk)
    try:
        services.remove_bonus(bonus, user=request.user)
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
    return redirect("assessment:scheme_detail", pk=bonus.scheme_id)


@login_required
@require_POST
def veto_delete(request, pk):
    veto = get_for_user(AssessmentVeto.objects.select_related("scheme"), request.user, CHANGE, pk=pk)
    try:
        services.remove_veto(veto, user=request.user)
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
    return redirect("assessment:scheme_detail", pk=veto.scheme_id)


def _result_for_export(request, pk):
    scheme = get_for_user(AssessmentScheme.objects.select_related("plan", "plan__office_unit"), request.user, pk=pk)
    check_perm(request.user, "assessment.view_all_results")
    result = _current_result(scheme, request.user)
    data = result.data if result else services.compute(scheme)
    return scheme, result, data


@login_required
def results_xlsx(request, pk):
    scheme, result, data = _result_for_export(request, pk)
    record_event("assessment.export", obj=scheme, detail={"format": "xlsx",
                                                         "status": result.status if result else "live"})
    return attachment(exports.results_xlsx(data, scheme.name), f"{scheme.plan.code}-{scheme.year}-考核结果.xlsx")


@login_required
def results_docx(request, pk):
    scheme, result, data = _result_for_export(request, pk)
    office = scheme.plan.office_unit
    issuer = office.full_name or office.name if office else scheme.plan.issuer
    date = timezone.localtime(result.published_at).date() if result and result.published_at else timezone.localdate()
    raw = exports.results_notice_docx(data, year=scheme.year, issuer=issuer, date=date,
                                      fonts=scheme.plan.setting("bulletin_fonts"),
                                      published=bool(result and result.is_published))
    record_event("assessment.export", obj=scheme, detail={"format": "docx"})
    return attachment(raw, f"{scheme.plan.code}-{scheme.year}-考核结果通报.docx", DOCX)


@login_required
def commendation_page(request, pk):
    scheme, result, _data = _result_for_export(request, pk)
    lists = commendation.candidates(scheme, services.default_as_of(scheme), result)
    return render(request, "assessment/commendation.html", {
        "scheme": scheme, "lists": [(commendation.LIST_LABELS[k], k, v) for k, v in lists.items()],
    })


@login_required
def commendation_xlsx(request, pk):
    scheme, result, _data = _result_for_export(request, pk)
    lists = commendation.candidates(scheme, services.default_as_of(scheme), result)
    record_event("assessment.commendation_export", obj=scheme)
    return attachment(exports.commendation_xlsx(lists, commendation.LIST_LABELS),
                      f"{scheme.plan.code}-{scheme.year}-表彰候选.xlsx")


@login_required
def evaluation_page(request, code):
    plan = get_for_user(Plan.objects.all(), request.user, code=code)
    frameworks = restrict_or_404(EvaluationFramework.objects.all(), request.user)
    framework = frameworks.filter(year=plan.year).first() or frameworks.first()
    result = None
    if framework is not None:
        as_of = min(timezone.localdate(), services.default_as_of(plan))
        as_of = parse_date(request.GET.get("as_of"), "as_of") or as_of
        result = evaluation.evaluate(framework, plan, as_of)
    return render(request, "assessment/evaluation.html", {
        "plan": plan, "framework": framework, "r": result,
        "example_label": evaluation.EXAMPLE_LABEL,
    })


@login_required
@require_POST
def evaluation_load(request, code):
    plan = get_for_user(Plan.objects.all(), request.user, CHANGE, code=code)
    try:
        evaluation.load_framework(user=request.user)
        messages.success(request, "已载入示例指标体系（请替换为官方指标与权重）")
    except evaluation.FrameworkError as exc:
        messages.error(request, exc.message)
    return redirect("assessment:evaluation", code=plan.code)
