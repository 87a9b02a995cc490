"""The "statistical" source of the resolution path: the latest StatisticalValue up to ``as_of``.

Both forms live here, next to the rows they read; the "reported" source is in kechuang/reporting/value_providers.py.
"""

from __future__ import annotations

from kechuang.plans.choices import ValueSource

from .models import StatisticalValue
from .resolution import Resolved, register_batch_provider, register_provider


def statistical_value(indicator, as_of, unit=None) -> Resolved:
    return statistical_values([indicator], [as_of], unit)[(indicator.pk, as_of)]


def statistical_values(indicators, dates, unit=None) -> dict:
    """Batch form: one query for every indicator and date."""
    indicators = list(indicators)
    dates = list(dates)
    out = {}
    if unit is not None:
        # Published figures are city-wide; a unit has none of its own.
        for ind in indicators:
            for day in dates:
                out[(ind.pk, day)] = Resolved(ind.pk, None, ValueSource.STATISTICAL, day,
                                              detail={"note": "统计数据仅有全市口径"})
        return out
    rows: dict[int, list] = {}
    if indicators and dates:
        qs = StatisticalValue.objects.filter(
            indicator_id__in=[i.pk for i in indicators], period_end__lte=max(dates)
        ).order_by("indicator_id", "period_end", "pk")
        for row in qs:
            rows.setdefault(row.indicator_id, []).append(row)
    for ind in indicators:
        history = rows.get(ind.pk, [])
        for day in dates:
            latest = None
            for row in history:  # ascending by period_end
                if row.period_end <= day:
                    latest = row
                else:
                    break
            out[(ind.pk, day)] = Resolved(
                ind.pk, latest.value if latest else None, ValueSource.STATISTICAL, day,
                [latest] if latest else [],
                {"period_end": latest.period_end if latest else None,
                 "note": latest.source_note if latest else ""},
            )
    return out


register_provider(ValueSource.STATISTICAL, statistical_value)
register_batch_provider(ValueSource.STATISTICAL, statistical_values)

