"""The dashboard's figures as plain data, cached under a fingerprint of the data behind them.

Computing the figures (every indicator through the resolution path, completeness, rankings) costs
a constant number of queries but scans the year's reports; the result is cached keyed by plan,
date and a one-query fingerprint (row count and last change of every table the figures read), so
any approval, new value, registry edit or plan change produces new figures on the next request.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from kechuang.core.fingerprint import cached
from kechuang.plans.services import reads_registry
from kechuang.reporting.services import ensure_periods

from . import engine


def _fmt(value, places=1):
    if value is None:
        return None
    value = Decimal(value).quantize(Decimal(1).scaleb(-places))
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def unit_month_url(plan, unit_code: str, month: int) -> str:
    return reverse("reporting:unit_month", args=[plan.code, unit_code, plan.year, month])


def _unit_month_stems(plan, codes) -> dict:
    """{unit code: the unit-month URL without its month}: one ``reverse`` per unit, the month appended per
    cell (a heatmap has units × months cells)."""
    out = {}
    for code in codes:
        stem = unit_month_url(plan, code, 1)
        out[code] = stem[:stem.rindex("/1/")]
    return out


def _heat_html(heat, months, plan=None) -> str:
    """The completeness heatmap; each cell opens that unit's reports for that month. Every value is escaped
    once (units × months cells: ``format_html`` per cell would escape each unit name 24 times)."""
    head = format_html("<thead><tr><th class=\"text-start\">单位</th>{}</tr></thead>",
                       format_html_join("", "<th>{}月</th>", ((m,) for m in months)))
    stems = _unit_month_stems(plan, [row["code"] for row in heat]) if plan else {}
    labels: dict[tuple[str, str], tuple[str, str]] = {}  # (state, label) → both escaped (a handful of values)
    rows = []
    for row in heat:
        unit = escape(row["unit"])
        stem = escape(stems[row["code"]]) if plan else None
        cells = []
        for m, state, label in row["cells"]:
            key = (state, label)
            if key not in labels:
                labels[key] = (escape(state), escape(label))
            state_html, label_html = labels[key]
            url = f"{stem}/{m}/" if stem is not None else "#"
            cells.append(f"<td class=\"heat-{state_html} p-0\"><a class=\"d-block heat-cell\" href=\"{url}\" "
                         f"title=\"{unit} {m}月：{label_html}\"><span class=\"visually-hidden\">{unit} {m}月："
                         f"{label_html}</span></a></td>")
        rows.append(f"<tr data-unit=\"{escape(row['unit_id'])}\"><th class=\"text-start text-nowrap fw-normal\">"
                    f"{unit}</th>{''.join(cells)}</tr>")
    return head + mark_safe(f"<tbody>{''.join(rows)}</tbody>")  # noqa: S308 - every value escaped above


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
    # Each read once and handed on (the engine's functions read them themselves when called alone).
    frame = engine.period_frame(plan, as_of)
    latest = engine._latest_task_rows(plan, frame)
    statuses = engine.indicator_statuses(plan, as_of, frame=frame)
    task_statuses = engine.task_statuses(plan, as_of, frame=frame, latest=latest, with_reports=False)
    tp = engine.time_progress(plan, as_of)
    cells = engine.completeness(plan, as_of, frame=frame)
    units = engine.plan_units(plan)
    ranking = engine.unit_rankings(plan, as_of, statuses=statuses, cells=cells, units=units, frame=frame,
                                   latest=latest)
    leads = engine._lead_units(plan)
    red = engine.red_items(plan, as_of, indicators=statuses, tasks=task_statuses, leads=leads)
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
    return cached(f"supervision:dashboard:v3:{plan.pk}:{as_of.isoformat()}", lambda: compute(plan, as_of), plan=plan,
                  registry=reads_registry(plan))
