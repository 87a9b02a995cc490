"""Metrics pages: statistical values (office entry) and the drill-down behind any indicator value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from kechuang.core.clock import business_date
from kechuang.core.params import parse_date
from kechuang.core.perms import check_perm, perm_required
from kechuang.core.scoping import get_for_user, restrict
from kechuang.plans.choices import ValueSource
from kechuang.plans.models import Indicator

from .models import StatisticalValue
from .resolution import detail_rows, resolve
from .services import enter_statistical_value


def _default_date() -> dt.date:
    return business_date()


@login_required
@perm_required("metrics.view_statistical_list")
def statistical_list(request):
    """Indicators fed by statistics, with their latest figures."""
    indicators = restrict(Indicator.objects.filter(source=ValueSource.STATISTICAL), request.user) \
        .select_related("plan", "owner_unit").order_by("plan", "seq")
    latest = {}
    for row in restrict(StatisticalValue.objects.filter(indicator__in=indicators), request.user).order_by("period_end"):
        latest[row.indicator_id] = row
    rows = [{"indicator": i, "latest": latest.get(i.pk)} for i in indicators]
    return render(request, "metrics/statistical_list.html", {"rows": rows})


@login_required
def statistical_indicator(request, pk):
    """One statistical indicator: its figures over time; the office adds or corrects one."""
    indicator = get_for_user(Indicator.objects.filter(source=ValueSource.STATISTICAL).select_related("plan"),
                             request.user, pk=pk)
    values = restrict(StatisticalValue.objects.filter(indicator=indicator), request.user).select_related("entered_by")
    error = None
    if request.method == "POST":
        check_perm(request.user, "metrics.change_statisticalvalue")
        try:
            period_end = dt.date.fromisoformat(request.POST.get("period_end", ""))
        except ValueError:
            error = "数据截止日期格式应为 YYYY-MM-DD"
        else:
            try:
                value = Decimal(request.POST.get("value", "").strip())
            except InvalidOperation:
                error = "数值应为数字"
            else:
                try:
                    enter_statistical_value(indicator, period_end, value, request.user,
                                            request.POST.get("source_note", "").strip())
                    messages.success(request, "已保存统计数据")
                    return redirect("metrics:statistical_indicator", indicator.pk)
                except ValidationError as exc:
                    error = exc.messages[0]
                except PermissionDenied as exc:
                    raise Http404 from exc
    return render(request, "metrics/statistical_indicator.html", {
        "indicator": indicator, "values": values, "error": error,
        "today": _default_date(),
    }, status=400 if error else 200)


def _visible_records(records, user) -> list[dict]:
    """The records behind a value that the user may see, each with its text and link."""
    by_model: dict = {}
    for record in records:
        by_model.setdefault(type(record), []).append(record)
    out = []
    for model, rows in by_model.items():
        if getattr(model, "scope_rule", None) is not None:
            allowed = set(restrict(model._default_manager.filter(pk__in=[r.pk for r in rows]), user)
                          .values_list("pk", flat=True))
        elif user.has_perm("metrics.view_source_records"):
            allowed = {r.pk for r in rows}
        else:
            allowed = set()
        for r in rows:
            if r.pk in allowed:
                url = r.get_absolute_url() if hasattr(r, "get_absolute_url") else ""
                out.append({"text": str(r), "url": url, "kind": model._meta.verbose_name})
    hidden = len(records) - len(out)
    if hidden:
        out.append({"text": f"另有 {hidden} 条记录不在您的查看范围内", "url": "", "kind": ""})
    return out


@login_required
def indicator_values(request, pk):
    """Drill-down: the resolved value of one indicator on one date and the records behind it."""
    indicator = get_for_user(Indicator.objects.select_related("plan", "owner_unit"), request.user, pk=pk)
    raw = request.GET.get("date")
    day = parse_date(raw, "date") or _default_date()
    resolved = resolve(indicator, day)
    records = _visible_records(resolved.records, request.user)
    detail = detail_rows(resolved.detail)
    return render(request, "metrics/indicator_values.html", {
        "indicator": indicator, "day": day, "resolved": resolved, "records": records, "detail": detail,
        "label": (resolved.detail or {}).get("label", ""),
        "value": None if resolved.value is None else f"{Decimal(resolved.value).normalize():f}",
    })
