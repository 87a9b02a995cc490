"""The data-quality page: violations of the latest check by registry, unit and rule, each linked to its
record; Excel export; the office starts a new check."""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.audit.services import record_event
from kechuang.core.perms import check_perm
from kechuang.core.xlsx import sheet_response

from . import services
from .models import QualityRun, RunStatus, Severity, Violation


def _allowed(user) -> bool:
    return user.has_perm("quality.view_violation")


class ViolationFilterSet(django_filters.FilterSet):
    """The page's and the export's filters: ``?source=&unit=&rule=&severity=`` (exact values)."""

    source = django_filters.CharFilter()
    unit = django_filters.NumberFilter(field_name="unit_id")
    rule = django_filters.CharFilter()
    severity = django_filters.CharFilter()

    class Meta:
        model = Violation
        fields: list[str] = []

    def active(self) -> dict:
        self.is_valid()
        return {name: str(self.data[name]).strip() for name in self.form.cleaned_data
                if str(self.data.get(name) or "").strip()}


def _filtered(request):
    rows = ViolationFilterSet(request.GET, services.visible_violations(request.user))
    return rows.qs, rows.active()


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
    return sheet_response(services.export_sheet(qs), "数据质量.xlsx", request.GET.get("format") or "xlsx")


@login_required
@require_POST
def rerun(request):
    check_perm(request.user, "quality.run_check")
    services.schedule_check("manual")
    record_event("quality.run", detail={})
    messages.info(request, "已开始重新检查，稍后刷新本页查看结果")
    return redirect("quality:index")
