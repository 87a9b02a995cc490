"""The "reported" source of the resolution path: the latest approved value up to as_of."""

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.metrics.resolution import resolve
from kechuang.plans.models import IndicatorShare
from kechuang.reporting import services

from .helpers import reported_indicator, unit, value_row

pytestmark = pytest.mark.django_db


def _value(plan, ind, user, month, v, approver, approve=True):
    row = value_row(plan, ind, user, month)
    services.save_draft(row, user=user, data={"value": v, "note": "演示"}, expected_version=row.version)
    services.submit(row, user=user)
    if approve:
        services.approve(row, user=approver)
    return row


def test_it_returns_the_latest_approved_value_up_to_as_of(plan, personas):
    ind = reported_indicator(plan, "HNTE_TOTAL")
    office, lead = personas["office"], personas["lead"]
    r3 = _value(plan, ind, lead, 3, "30", office)
    _value(plan, ind, lead, 4, "33", office)
    _value(plan, ind, lead, 5, "34", office, approve=False)  # submitted, not approved
    got = resolve(ind, dt.date(2022, 5, 31))
    assert got.value == Decimal("33") and got.source == "reported" and got.records[0].period.month == 4
    assert resolve(ind, dt.date(2022, 4, 15)).records == [r3]
    assert resolve(ind, dt.date(2022, 2, 28)).value is None


def test_shares_are_summed_over_units_and_a_unit_gets_its_own(plan, personas):
    ind = reported_indicator(plan, "HNTE_NEW")
    town, town_b = personas["town"], personas["town_b"]
    for u in (town.unit, town_b.unit):
        IndicatorShare.objects.create(indicator=ind, unit=u, target=Decimal(2))
    _value(plan, ind, town, 5, "2", personas["lead"])
    _value(plan, ind, town_b, 5, "1", personas["lead"])
    assert resolve(ind, dt.date(2022, 6, 1)).value == Decimal(3)
    assert resolve(ind, dt.date(2022, 6, 1), unit("杨寨镇")).value == Decimal(1)
