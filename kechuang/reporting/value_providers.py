"""The "reported" source of the resolution path: the latest APPROVED IndicatorValue up to ``as_of``.

- without ``unit``: the owner unit's value, or — when the indicator is split into per-unit shares —
  the sum of each share unit's latest approved value;
- with ``unit``: that unit's latest approved value.

A month's value counts from the end of that month (``Period.end <= as_of``).

Both forms live here, next to the rows they read: ``reported_value`` (one indicator, one date) and
``reported_values`` (several indicators and dates in a constant number of queries). The batch form returns,
for every (indicator, date), exactly what the single form returns — kechuang/metrics/tests/test_resolution_batch.py
compares the two on every indicator and date. ``kechuang.metrics.resolution`` discovers this module by the
``value_providers`` convention (``core.discovery``); callers use ``resolve``/``resolve_series``, never these.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from kechuang.metrics.resolution import LazyRecords, Resolved, register_batch_provider, register_provider
from kechuang.plans.choices import ValueSource
from kechuang.plans.services import share_rows

from .choices import SubmissionStatus
from .models import IndicatorValue, Period


def _unit_ids(indicators, unit) -> dict[int, list[int]]:
    """For each indicator, the units whose values make its figure: ``unit``, else the share units, else the owner."""
    shares: dict[int, list[int]] = {}
    if unit is None:
        wanted = {i.pk for i in indicators}
        for plan_id in {i.plan_id for i in indicators}:
            for ind_id, unit_id in share_rows(plan_id):
                if ind_id in wanted:
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


def _latest(indicator, as_of, unit_ids):
    rows = (
        IndicatorValue.objects.filter(
            indicator=indicator, unit_id__in=unit_ids, status=SubmissionStatus.APPROVED, value__isnull=False,
            period__plan_id=indicator.plan_id,
        )
        .select_related("period", "unit")
        .order_by("unit_id", "-period__year", "-period__month")
    )
    latest = {}
    for row in rows:
        if row.period.end <= as_of and row.unit_id not in latest:
            latest[row.unit_id] = row
    return latest


def reported_value(indicator, as_of, unit=None) -> Resolved:
    """Single form: one indicator on one date."""
    unit_ids = _unit_ids([indicator], unit)[indicator.pk]
    latest = _latest(indicator, as_of, unit_ids)
    records = [latest[u] for u in unit_ids if u in latest]
    if not records:
        value = None
    elif len(unit_ids) == 1:
        value = records[0].value
    else:
        value = sum((r.value for r in records), Decimal(0))
    detail = {
        "units_reported": len(records),
        "units_expected": len(unit_ids),
        "periods": sorted({r.period.code for r in records}),
    }
    return Resolved(indicator.pk, value, ValueSource.REPORTED, as_of, records, detail)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _ended_q(day, prefix: str = ""):
    """Periods whose month has ended by ``day`` (``prefix``: the path to the period, e.g. ``period__``)."""
    q = Q(**{f"{prefix}year__lt": day.year}) | Q(**{f"{prefix}year": day.year, f"{prefix}month__lt": day.month})
    if day == _month_end(day.year, day.month):
        q |= Q(**{f"{prefix}year": day.year, f"{prefix}month": day.month})
    return q


def _period_end_q(day):
    return _ended_q(day, "period__")


def _records_loader(pks):
    def load():
        found = {r.pk: r for r in IndicatorValue.objects.filter(pk__in=pks).select_related("period", "unit")}
        return [found[pk] for pk in pks]

    return load


COLS = ("pk", "indicator_id", "unit_id", "period__year", "period__month", "value")
RECENT_MONTHS = 2


def _latest_rows(base, pairs: set, plan_ids: set, day: dt.date) -> dict[tuple[int, int], list]:
    """{(indicator id, unit id): [its latest row in ``base``]} for ``pairs``. After a month's reporting nearly
    every pair's latest value is in the last month or two, so those months are read first (a few rows, by
    index); only the pairs still missing are looked up in the rest of their history (the database picks each
    one's latest row). The whole history is never read for one date."""
    months = sorted({(y, m) for y, m in Period.objects.filter(plan_id__in=plan_ids).filter(_ended_q(day))
                     .values_list("year", "month")}, reverse=True)[:RECENT_MONTHS]
    rows: dict[tuple[int, int], list] = {}
    if months:
        recent = Q()
        for year, month in months:
            recent |= Q(period__year=year, period__month=month)
        for row in base.filter(recent).values_list(*COLS).order_by("period__year", "period__month"):
            rows[(row[1], row[2])] = [row]  # ascending: a later month replaces an earlier one
    missing = pairs - rows.keys()
    if missing:
        older = base.filter(indicator_id__in={i for i, _u in missing}, unit_id__in={u for _i, u in missing})
        older = older.annotate(rn=Window(RowNumber(), partition_by=[F("indicator_id"), F("unit_id")],
                                         order_by=[F("period__year").desc(), F("period__month").desc()]))
        for row in older.filter(rn=1).values_list(*COLS).order_by():
            if (row[1], row[2]) in missing:
                rows[(row[1], row[2])] = [row]
    return rows


def reported_values(indicators, dates, unit=None) -> dict:
    """Batch form: ``{(indicator_id, date): Resolved}``; the records behind each value load only when used."""
    indicators = list(indicators)
    dates = sorted(set(dates))
    out: dict = {}
    if not indicators or not dates:
        return out
    unit_ids = _unit_ids(indicators, unit)
    wanted_units = {u for ids in unit_ids.values() for u in ids}
    base = IndicatorValue.objects.filter(
        indicator_id__in=[i.pk for i in indicators], status=SubmissionStatus.APPROVED, value__isnull=False,
        period__plan_id=F("indicator__plan_id"), unit_id__in=wanted_units,
    ).filter(_period_end_q(dates[-1]))
    rows: dict[tuple[int, int], list] = {}
    if len(dates) == 1:
        pairs = {(ind.pk, uid) for ind in indicators for uid in unit_ids[ind.pk]}
        rows = _latest_rows(base, pairs, {i.plan_id for i in indicators}, dates[0])
    else:
        for row in base.values_list(*COLS).order_by("indicator_id", "unit_id", "period__year", "period__month"):
            rows.setdefault((row[1], row[2]), []).append(row)

    for ind in indicators:
        ids = unit_ids[ind.pk]
        for day in dates:
            chosen = []
            for uid in ids:
                latest = None
                for row in rows.get((ind.pk, uid), ()):  # ascending by month
                    if _month_end(row[3], row[4]) <= day:
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
                                          LazyRecords(_records_loader([r[0] for r in chosen])), detail)
    return out


register_provider(ValueSource.REPORTED, reported_value)
register_batch_provider(ValueSource.REPORTED, reported_values)
