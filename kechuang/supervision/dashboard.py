"""The dashboard's figures as plain data, cached under a fingerprint of the data behind them.

Computing the figures (every indicator through the resolution path, completeness, rankings) costs
a constant number of queries but scans the year's reports; the result is cached keyed by plan,
date and a one-query fingerprint (row count and last change of every table the figures read), so
any approval, new value, registry edit or plan change produces new figures on the next request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, Count, IntegerField, Max, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from kechuang.reporting.services import ensure_periods

from . import engine

# Apps whose rows feed the figures (plan and targets, reports, statistics, registries, supervision).
SOURCE_APPS = ("plans", "org", "reporting", "metrics", "registry", "supervision")
CACHE_SECONDS = 600


def _source_models():
    found = []
    for label in SOURCE_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            if model._meta.model_name.startswith("historical") or model._meta.proxy:
                continue
            names = {f.name for f in model._meta.concrete_fields}
            stamp = next((n for n in ("last_updated", "entered_at", "time", "updated") if n in names), None)
            found.append((model, stamp))
    return found


_VERSION_SQL: dict[str, tuple] = {}


def data_version() -> str:
    """One query: (count, last change) of every source table, hashed. The SQL is built once per
    process and database alias."""
    built = _VERSION_SQL.get(connection.alias)
    if built is None:
        built = _VERSION_SQL[connection.alias] = _version_query().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(*built)
        rows = cursor.fetchall()
    return hashlib.sha1(repr(sorted(tuple(str(v) for v in row) for row in rows)).encode()).hexdigest()


def _version_query():
    parts = []
    for i, (model, stamp) in enumerate(_source_models()):
        qs = model._default_manager.order_by().annotate(k=Value(i, output_field=IntegerField())).values("k")
        last = Cast(Max(stamp), CharField()) if stamp else Value("", output_field=CharField())
        qs = qs.annotate(n=Count("pk"), m=last).values_list("k", "n", "m")
        parts.append(qs)
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def _fmt(value, places=1):
    if value is None:
        return None
    value = Decimal(value).quantize(Decimal(1).scaleb(-places))
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


HEAT_CELL = ("<td class=\"heat-{} p-0\"><a class=\"d-block heat-cell\" href=\"{}\" title=\"{} {}月：{}\">"
             "<span class=\"visually-hidden\">{} {}月：{}</span></a></td>")


def unit_month_url(plan, unit_code: str, month: int) -> str:
    return reverse("reporting:unit_month", args=[plan.code, unit_code, plan.year, month])


def _heat_html(heat, months, plan=None) -> str:
    """The completeness heatmap; each cell opens that unit's reports for that month."""
    head = format_html("<thead><tr><th class=\"text-start\">单位</th>{}</tr></thead>",
                       format_html_join("", "<th>{}月</th>", ((m,) for m in months)))
    body = format_html_join("", "<tr data-unit=\"{}\"><th class=\"text-start text-nowrap fw-normal\">{}</th>{}</tr>", (
        (row["unit_id"], row["unit"],
         format_html_join("", HEAT_CELL,
                          ((state, unit_month_url(plan, row["code"], m) if plan else "#", row["unit"], m, label,
                            row["unit"], m, label) for m, state, label in row["cells"])))
        for row in heat))
    return head + format_html("<tbody>{}</tbody>", body)


def _ranking_html(ranking) -> str:
    def pct(v):
        return f"{v}%" if v is not None else "—"

    return format_html_join("", (
        "<tr><td>{}</td><td class=\"text-nowrap\"><a href=\"{}\">{}</a></td><td class=\"text-end\">{}</td>"
        "<td class=\"text-end\">{}</td><td class=\"text-end\">{}</td><td class=\"text-end\">{}</td>"
        "<td class=\"text-end\">{}</td><td class=\"text-end fw-semibold\">{}</td></tr>"), (
        (r["rank"], reverse("web:unit_detail", args=[r["code"]]), r["unit"], r["on_time"], r["late"], r["missing"],
         pct(r["timeliness"]), pct(r["completion"]), r["score"]) for r in ranking))


def compute(plan, as_of: dt.date) -> dict:
    ensure_periods(plan)  # idempotent; the heatmap needs the year's periods
    statuses = engine.indicator_statuses(plan, as_of)
    task_statuses = engine.task_statuses(plan, as_of)
    tp = engine.time_progress(plan, as_of)
    cells = engine.completeness(plan, as_of)
    ranking = engine.unit_rankings(plan, as_of, statuses=statuses, cells=cells)
    units = engine.plan_units(plan)
    leads = engine._lead_units(plan)
    red = engine.supervised_items(plan, as_of, lights=(engine.RED,), indicators=statuses, tasks=task_statuses)
    months = sorted({m for (_u, m) in cells})
    indicators = [{
        "pk": s.indicator.pk, "code": s.indicator.code, "name": s.indicator.name,
        "target": s.indicator.target_display, "cumulative": s.indicator.progress_mode == "cumulative",
        "actual": _fmt(s.actual, 2), "completion": _fmt(s.completion_pct), "gap": _fmt(s.gap_points),
        "forecast": _fmt(s.forecast, 2), "light": s.light, "light_label": s.light_label, "reason": s.reason,
    } for s in statuses]
    heat = []
    for u in units:
        row = [cells.get((u.pk, m)) for m in months]
        if any(row):
            heat.append({"unit_id": u.pk, "unit": u.name, "code": u.code,
                         "cells": [(m, s or "none", engine.STATE_LABELS.get(s, "—")) for m, s in zip(months, row,
                                                                                                   strict=True)]})
    ranking = [{"rank": r.rank, "unit": r.unit.name, "code": r.unit.code, "on_time": r.on_time, "late": r.late,
                "missing": r.missing, "timeliness": _fmt(r.timeliness_rate), "completion": _fmt(r.completion_rate),
                "score": _fmt(r.score)} for r in ranking]
    return {
        "tp": _fmt(tp * 100), "indicators": indicators, "months": months, "heat": heat,
        "heat_html": _heat_html(heat, months, plan), "ranking_html": _ranking_html(ranking),
        "counts": {light: sum(1 for s in statuses if s.light == light) for light in engine.LIGHT_LABELS},
        "tasks": [{"pk": s.task.pk, "number": s.task.number, "title": s.task.title, "light": s.light,
                   "light_label": s.light_label, "reason": s.reason, "percent": _fmt(s.percent),
                   "units": [u.name for u in leads.get(s.task.pk, [])]} for s in task_statuses],
        "red_items": {kind: sum(1 for i in red if i.kind == kind) for kind in ("indicator", "task", "decision")},
        "ranking": ranking,
        "first_red": next((s.indicator.pk for s in statuses if s.light == engine.RED), None),
    }


def dashboard_data(plan, as_of: dt.date) -> dict:
    key = f"supervision:dashboard:v2:{plan.pk}:{as_of.isoformat()}:{data_version()}"
    data = cache.get(key)
    if data is None:
        data = compute(plan, as_of)
        cache.set(key, data, CACHE_SECONDS)
    return data
