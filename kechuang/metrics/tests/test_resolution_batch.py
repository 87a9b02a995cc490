"""The batch forms return exactly what ``resolve`` returns, for every indicator and date."""

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.metrics.resolution import resolve, resolve_many, resolve_series
from kechuang.plans.models import IndicatorShare
from kechuang.reporting.benchdata import build_dataset
from kechuang.reporting.models import IndicatorValue

pytestmark = pytest.mark.django_db

DAYS = [dt.date(2022, 1, 31), dt.date(2022, 3, 15), dt.date(2022, 3, 31), dt.date(2022, 6, 30),
        dt.date(2022, 7, 4), dt.date(2023, 2, 1)]


def _same(a, b):
    assert a.value == b.value
    assert a.source == b.source and a.as_of == b.as_of and a.indicator_id == b.indicator_id
    assert [r.pk for r in a.records] == [r.pk for r in b.records]
    assert a.detail == b.detail


def test_batched_reported_values_equal_resolve_for_every_indicator_and_date():
    plan, _user = build_dataset("eq", n_units=4, months=7, n_indicators=3, n_tasks=1)
    inds = list(plan.indicators.select_related("plan").order_by("seq"))
    # One indicator without shares (the owner's value), one row returned and one draft: not counted.
    IndicatorShare.objects.filter(indicator=inds[0]).delete()
    IndicatorValue.objects.filter(indicator=inds[1], period__month=6).update(status="returned")
    IndicatorValue.objects.filter(indicator=inds[2], period__month=7).update(value=None)
    series = resolve_series(inds, DAYS)
    for ind in inds:
        for day in DAYS:
            _same(series[(ind.pk, day)], resolve(ind, day))
    unit = inds[0].owner_unit
    per_unit = resolve_series(inds, DAYS, unit)
    for ind in inds:
        for day in DAYS:
            _same(per_unit[(ind.pk, day)], resolve(ind, day, unit))
    many = resolve_many(inds, DAYS[3])
    assert many[inds[1].pk].value == resolve(inds[1], DAYS[3]).value != Decimal(0)
