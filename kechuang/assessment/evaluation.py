"""对照湖北省市县科技创新综合考评指标: a configurable framework (data) and the city's standing.

Every value comes from ``kechuang.metrics.resolution.resolve``: an indicator mapped to a plan
indicator resolves that indicator; one mapped to a registry computation resolves an unsaved
indicator of source "computed" with that metric. The change on last year resolves the same
indicator on the same day one year earlier.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction

from kechuang.audit.services import record_event
from kechuang.metrics.resolution import resolve
from kechuang.plans.choices import ValueSource
from kechuang.plans.models import Indicator

from .engine import indicator_ratio, q2
from .models import EvaluationClass, EvaluationFramework, EvaluationIndicator

FORMAT = "kechuang-evaluation/1"
EXAMPLE_FILE = Path(__file__).resolve().parent / "data" / "example-evaluation-framework.yaml"
EXAMPLE_LABEL = "示例（请替换为官方指标与权重）"


class FrameworkError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def load_framework(path=EXAMPLE_FILE, *, user=None) -> EvaluationFramework:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FrameworkError(f"无法读取指标体系文件：{exc}") from exc
    if data.get("format") != FORMAT:
        raise FrameworkError(f"文件格式应为 {FORMAT}")
    errors = []
    for i, row in enumerate(data.get("indicators", []), 1):
        if row.get("class") not in EvaluationClass.values:
            errors.append(f"第{i}项指标：类别应为 总量/质量/速度")
        if not (row.get("plan_indicator") or row.get("metric")):
            errors.append(f"第{i}项指标：须对应方案指标（plan_indicator）或计算方法（metric）")
    if errors:
        raise FrameworkError("；".join(errors))
    with transaction.atomic():
        fw, _ = EvaluationFramework.objects.update_or_create(
            code=data["code"], year=int(data["year"]),
            defaults={"name": data["name"], "is_example": bool(data.get("is_example", True)),
                      "note": data.get("note", "")},
        )
        keep = []
        for seq, row in enumerate(data.get("indicators", []), 1):
            ind, _ = EvaluationIndicator.objects.update_or_create(
                framework=fw, code=row["code"],
                defaults={
                    "seq": seq, "name": row["name"], "klass": row["class"], "weight": Decimal(str(row["weight"])),
                    "measure": row.get("measure", ""), "direction": row.get("direction", "higher"),
                    "source_department": row.get("source", ""), "method": row.get("method", "ratio_to_benchmark"),
                    "benchmark": Decimal(str(row["benchmark"])) if row.get("benchmark") is not None else None,
                    "cap": Decimal(str(row.get("cap", 1))), "plan_indicator": row.get("plan_indicator", ""),
                    "metric": row.get("metric", ""), "metric_params": row.get("params") or {},
                },
            )
            keep.append(ind.pk)
        fw.indicators.exclude(pk__in=keep).delete()
        record_event("assessment.framework_load", user=user, obj=fw, detail={"file": path.name})
    return fw


def _indicator_for(ev: EvaluationIndicator, plan):
    if ev.plan_indicator:
        return Indicator.objects.filter(plan=plan, code=ev.plan_indicator).first()
    # A registry computation not in the plan: an unsaved indicator routes it through resolve.
    return Indicator(plan=plan, code=ev.code, name=ev.name, measure=ev.measure, source=ValueSource.COMPUTED,
                     metric=ev.metric, metric_params=ev.metric_params or {}, target=ev.benchmark or 0)


def _score(ev: EvaluationIndicator, value) -> Decimal | None:
    if value is None or ev.benchmark is None:
        return None
    lower = ev.direction == "lower"
    ratio = indicator_ratio(value, ev.benchmark, "<=" if lower else ">=")
    cap = min(ev.cap, Decimal(1)) if lower else ev.cap  # below a ceiling earns nothing extra
    return q2(ev.weight * min(ratio, cap))


def one_year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def evaluate(framework: EvaluationFramework, plan, as_of: dt.date) -> dict:
    """Each indicator's value, score and change on last year; subtotals per class and the total."""
    last_day = one_year_earlier(as_of)
    rows = []
    for ev in framework.indicators.all():
        ind = _indicator_for(ev, plan)
        now = resolve(ind, as_of) if ind is not None else None
        before = resolve(ind, last_day) if ind is not None else None
        value = now.value if now else None
        last = before.value if before else None
        score, last_score = _score(ev, value), _score(ev, last)
        rows.append({
            "code": ev.code, "name": ev.name, "class": ev.klass, "weight": ev.weight, "measure": ev.measure,
            "source": ev.source_department, "benchmark": ev.benchmark, "value": value, "last_value": last,
            "score": score, "last_score": last_score,
            "change": (score - last_score) if score is not None and last_score is not None else None,
            "mapping": ev.plan_indicator or ev.metric,
        })
    classes = []
    for klass in EvaluationClass.values:
        members = [r for r in rows if r["class"] == klass]
        classes.append({
            "class": klass, "weight": sum((r["weight"] for r in members), Decimal(0)),
            "score": sum((r["score"] or Decimal(0) for r in members), Decimal(0)),
            "last_score": sum((r["last_score"] or Decimal(0) for r in members), Decimal(0)),
        })
    total = sum((c["score"] for c in classes), Decimal(0))
    last_total = sum((c["last_score"] for c in classes), Decimal(0))
    return {
        "framework": framework.name, "is_example": framework.is_example, "as_of": as_of, "last_as_of": last_day,
        "rows": rows, "classes": classes, "total": total, "last_total": last_total, "change": total - last_total,
        "max_total": sum((r["weight"] for r in rows), Decimal(0)),
    }
