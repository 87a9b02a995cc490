"""The data-quality page: violations of the latest check by registry, unit and rule, each linked to its
record; Excel export; the office starts a new check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.audit.services import record_event
from kechuang.core.perms import check_perm

from . import services
from .models import QualityRun, RunStatus, Severity

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTERS = ("source", "unit", "rule", "severity")


def _allowed(user) -> bool:
    return user.has_perm("quality.view_violation")


def _filtered(request):
    qs = services.visible_violations(request.user)
    active = {}
    for name in FILTERS:
        raw = (request.GET.get(name) or "").strip()
        if raw:
            qs = qs.filter(**{f"{name}_id" if name == "unit" else name: raw})
            active[name] = raw
    return qs, active


@login_required
def index(request):
    if not _allowed(request.user):
        raise Http404
    qs, active = _filtered(request)
    everything = services.visible_violations(request.user)
    by_source = everything.values("source", "source_label", "severity").annotate(n=Count("pk")).order_by("source")
    by_unit = everything.values("unit_id", "unit__name", "severity").annotate(n=Count("pk")).order_by("unit__name")
    by_rule = everything.values("rule", "rule_text", "severity").annotate(n=Count("pk")).order_by("rule")
    page = Paginator(qs.select_related("unit"), 100).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    run = services.latest_run()
    # A check that failed after the last good one is shown with its message (the figures are the last good run's).
    failed = QualityRun.objects.filter(status=RunStatus.FAILED, pk__gt=run.pk if run else 0).order_by("-pk").first()
    return render(
        request,
        "quality/index.html",
        {
            "run": run,
            "failed_run": failed,
            "running": QualityRun.objects.filter(status=RunStatus.RUNNING).exists(),
            "counts": services.counts_for(request.user),
            "by_source": by_source,
            "by_unit": by_unit,
            "by_rule": by_rule,
            "page": page,
            "active": active,
            "querystring": params.urlencode(),
            "severities": Severity.choices,
            "can_run": request.user.has_perm("quality.run_check"),
        },
    )


@login_required
def export(request):
    if not _allowed(request.user):
        raise Http404
    qs, active = _filtered(request)
    record_event("quality.export", detail={"filters": active})
    response = HttpResponse(services.export_xlsx(qs), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E6%95%B0%E6%8D%AE%E8%B4%A8%E9%87%8F.xlsx"
    return response


@login_required
@require_POST
def rerun(request):
    check_perm(request.user, "quality.run_check")
    services.schedule_check("manual")
    record_event("quality.run", detail={})
    messages.info(request, "已开始重新检查，稍后刷新本页查看结果")
    return redirect("quality:index")
