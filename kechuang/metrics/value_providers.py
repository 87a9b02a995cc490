"""The "statistical" source of the resolution path: the latest StatisticalValue up to ``as_of``."""

from __future__ import annotations

from kechuang.metrics.resolution import LazyRecords, Resolved, register_batch_provider, register_provider
from kechuang.plans.choices import ValueSource


def statistical_value(indicator, as_of, unit=None) -> Resolved:
    return statistical_values([indicator], [as_of], unit)[(indicator.pk, as_of)]


def statistical_values(indicators, dates, unit=None) -> dict:
    """Batch form: one query for every indicator and date."""
    from .models import StatisticalValue

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


# ---------------------------------------------------------------------------------------------
# Batch form of the "reported" provider (kechuang.reporting.value_providers.reported_value).
# It returns, for every (indicator, date), exactly what ``reported_value`` returns — the test
# kechuang/metrics/tests/test_resolution_batch.py compares the two on every indicator and date —
# but with a constant number of queries; the records behind each value load only when used.


def _reported_unit_ids(indicators, unit):
    from kechuang.plans.models import IndicatorShare

    shares: dict[int, list[int]] = {}
    for ind_id, unit_id in IndicatorShare.objects.filter(indicator__in=[i.pk for i in indicators]) \
            .values_list("indicator_id", "unit_id"):
        shares.setdefault(ind_id, []).append(unit_id)
    out = {}
    for ind in indicators:
        if unit is not None:
            out[ind.pk] = [unit.pk]
        elif shares.get(ind.pk):
            out[ind.pk] = shares[ind.pk]
        elif ind.owner_unit_id:
            out[ind.pk] = [ind.owner_unit_id]
        else:
            out[ind.pk] = []
    return out


def _period_end_q(day):
    import calendar

    from django.db.models import Q

    last = calendar.monthrange(day.year, day.month)[1]
    q = Q(period__year__lt=day.year) | Q(period__year=day.year, period__month__lt=day.month)
    if day.day == last:
        q |= Q(period__year=day.year, period__month=day.month)
    return q


def reported_values(indicators, dates, unit=None) -> dict:
    import datetime as dt
    from decimal import Decimal

    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    from kechuang.reporting.choices import SubmissionStatus
    from kechuang.reporting.models import IndicatorValue

    indicators = list(indicators)
    dates = sorted(set(dates))
    out: dict = {}
    if not indicators or not dates:
        return out
    unit_ids = _reported_unit_ids(indicators, unit)
    wanted_units = {u for ids in unit_ids.values() for u in ids}
    base = IndicatorValue.objects.filter(
        indicator_id__in=[i.pk for i in indicators], status=SubmissionStatus.APPROVED, value__isnull=False,
        period__plan_id=F("indicator__plan_id"), unit_id__in=wanted_units,
    ).filter(_period_end_q(dates[-1]))
    cols = ("pk", "indicator_id", "unit_id", "period__year", "period__month", "value")
    if len(dates) == 1:
        # Only the latest row per (indicator, unit) is needed: let the database pick it.
        base = base.annotate(rn=Window(RowNumber(), partition_by=[F("indicator_id"), F("unit_id")],
                                       order_by=[F("period__year").desc(), F("period__month").desc()])).filter(rn=1)
    rows: dict[tuple[int, int], list] = {}
    for row in base.values_list(*cols).order_by("indicator_id", "unit_id", "period__year", "period__month"):
        rows.setdefault((row[1], row[2]), []).append(row)

    def month_end(year, month):
        import calendar

        return dt.date(year, month, calendar.monthrange(year, month)[1])

    def loader(pks):
        def load():
            found = {r.pk: r for r in IndicatorValue.objects.filter(pk__in=pks).select_related("period", "unit")}
            return [found[pk] for pk in pks]

        return load

    for ind in indicators:
        ids = unit_ids[ind.pk]
        for day in dates:
            chosen = []
            for uid in ids:
                latest = None
                for row in rows.get((ind.pk, uid), ()):  # ascending by month
                    if month_end(row[3], row[4]) <= day:
                        latest = row
                    else:
                        break
                if latest is not None:
                    chosen.append(latest)
            if not chosen:
                value = None
            elif len(ids) == 1:
                value = chosen[0][5]
            else:
                value = sum((r[5] for r in chosen), Decimal(0))
            detail = {
                "units_reported": len(chosen),
                "units_expected": len(ids),
                "periods": sorted({f"{r[3]:04d}{r[4]:02d}" for r in chosen}),
            }
            out[(ind.pk, day)] = Resolved(ind.pk, value, ValueSource.REPORTED, day,
                                          LazyRecords(loader([r[0] for r in chosen])), detail)
    return out


register_batch_provider(ValueSource.REPORTED, reported_values)
