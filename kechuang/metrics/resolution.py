"""THE resolution path: every indicator value shown anywhere comes from ``resolve``.

Dashboard, bulletins, assessment, API and exports call ``resolve(indicator, as_of, unit=None)``
and nothing else; nothing downstream recomputes a number.

- source "computed":    the named computation over the registries (metrics.registry).
- source "reported":    the latest approved IndicatorValue up to ``as_of`` (reporting app).
- source "statistical": the latest StatisticalValue up to ``as_of`` (entered or imported by the office).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from kechuang.core.discovery import app_modules
from kechuang.plans.choices import ValueSource

from .registry import LazyRecords, get_metric  # noqa: F401 - LazyRecords: providers import it here


@dataclass
class Resolved:
    indicator_id: int
    value: Decimal | None
    source: str
    as_of: dt.date
    records: list = field(default_factory=list)  # registry rows, reports or statistical rows behind it
    detail: dict = field(default_factory=dict)


# Providers for non-computed sources register here when ``_load_providers`` imports each app's
# ``value_providers.py`` (reporting's "reported", metrics' own "statistical"), so that this module
# imports no app that supplies values: they sit above it and plug in, as metrics_defs.py do.
_PROVIDERS: dict[str, object] = {}


def register_provider(source: str, fn) -> None:
    """``fn(indicator, as_of, unit) -> Resolved``."""
    _PROVIDERS[source] = fn


# What each ``Resolved.detail`` key means, as users read it; keys not listed (the computation's internal name,
# its label shown as the heading) stay off the page.
DETAIL_LABELS = {
    "numerator": "分子",
    "denominator": "分母",
    "note": "说明",
    "units_reported": "已报送单位数",
    "units_expected": "应报送单位数",
    "periods": "数据所属月份",
    "period_end": "统计截止日期",
}


def _detail_text(value) -> str:
    if isinstance(value, (list, tuple, set)):
        return "、".join(_detail_text(v) for v in value)
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, str) and len(value) == 6 and value.isdigit():  # a period code such as 202205
        return f"{value[:4]}年{int(value[4:])}月"
    return str(value)


def detail_rows(detail: dict | None) -> list[tuple[str, str]]:
    """The drill-down page's explanation of a value: (Chinese label, text) for each known, non-empty key."""
    return [(label, _detail_text(detail[key])) for key, label in DETAIL_LABELS.items()
            if (detail or {}).get(key) not in (None, "", [], {})]


def resolve(indicator, as_of: dt.date, unit=None) -> Resolved:
    if indicator.source == ValueSource.COMPUTED:
        mdef = get_metric(indicator.metric)
        result = mdef.fn(indicator.plan, as_of, unit=unit, **(indicator.metric_params or {}))
        return Resolved(
            indicator.pk, result.value, indicator.source, as_of,
            result.records if isinstance(result.records, LazyRecords) else list(result.records),
            {"numerator": result.numerator, "denominator": result.denominator, "note": result.note,
             "metric": mdef.name, "label": mdef.label},
        )
    provider = _PROVIDERS.get(indicator.source)
    if provider is None:
        _load_providers()
        provider = _PROVIDERS.get(indicator.source)
    if provider is None:
        return Resolved(indicator.pk, None, indicator.source, as_of)
    return provider(indicator, as_of, unit)


# Optional batch forms of providers: ``fn(indicators, dates, unit) -> {(indicator_id, date): Resolved}``
# returning exactly what the single provider returns for each pair, in a constant number of queries.
_BATCH_PROVIDERS: dict[str, object] = {}


def register_batch_provider(source: str, fn) -> None:
    _BATCH_PROVIDERS[source] = fn


def resolve_many(indicators, as_of: dt.date, unit=None) -> dict[int, Resolved]:
    """Resolve several indicators; providers may batch (see ``register_batch_provider``)."""
    series = resolve_series(indicators, [as_of], unit)
    return {ind.pk: series[(ind.pk, as_of)] for ind in indicators}


def resolve_series(indicators, dates, unit=None) -> dict[tuple[int, dt.date], Resolved]:
    """``resolve`` for every (indicator, date) pair — same values, batched where a provider offers a batch
    form, one ``resolve`` call per pair otherwise (computed sources included)."""
    indicators = list(indicators)
    dates = list(dict.fromkeys(dates))
    _load_providers()  # imports are cached: cheap after the first call
    out: dict[tuple[int, dt.date], Resolved] = {}
    by_source: dict[str, list] = {}
    for ind in indicators:
        by_source.setdefault(ind.source, []).append(ind)
    for source, group in by_source.items():
        batch = _BATCH_PROVIDERS.get(source)
        if batch is not None:
            out.update(batch(group, dates, unit))
        else:
            for ind in group:
                for day in dates:
                    out[(ind.pk, day)] = resolve(ind, day, unit)
    return out


def _load_providers() -> None:
    app_modules("value_providers")
