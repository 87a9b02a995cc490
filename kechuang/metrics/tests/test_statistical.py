"""Statistical values: office entry, the "statistical" provider and the drill-down page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.audit.models import AuditEvent
from kechuang.metrics.models import StatisticalValue
from kechuang.metrics.resolution import resolve, resolve_series
from kechuang.metrics.services import enter_statistical_value
from kechuang.plans.models import Indicator

pytestmark = pytest.mark.django_db


def _ind(plan):
    return Indicator.objects.get(plan=plan, code="HIGHTECH_VALUE_ADDED_SHARE")


def test_the_provider_gives_the_latest_value_up_to_the_date(plan, personas):
    ind = _ind(plan)
    enter_statistical_value(ind, dt.date(2022, 3, 31), Decimal("9.5"), personas["office"], "一季度")
    enter_statistical_value(ind, dt.date(2022, 6, 30), Decimal("10.8"), personas["office"], "二季度")
    assert resolve(ind, dt.date(2022, 3, 30)).value is None
    assert resolve(ind, dt.date(2022, 5, 1)).value == Decimal("9.5")
    r = resolve(ind, dt.date(2022, 7, 1))
    assert r.value == Decimal("10.8") and r.records[0].source_note == "二季度"
    days = [dt.date(2022, 3, 30), dt.date(2022, 5, 1), dt.date(2022, 7, 1)]
    series = resolve_series([ind], days)
    assert [series[(ind.pk, d)].value for d in days] == [resolve(ind, d).value for d in days]


def test_only_the_office_enters_and_corrections_keep_history(plan, personas):
    ind = _ind(plan)
    with pytest.raises(PermissionDenied):
        enter_statistical_value(ind, dt.date(2022, 3, 31), Decimal(9), personas["lead"])
    row = enter_statistical_value(ind, dt.date(2022, 3, 31), Decimal(9), personas["office"])
    enter_statistical_value(ind, dt.date(2022, 3, 31), Decimal("9.2"), personas["office"], "更正")
    row.refresh_from_db()
    assert row.value == Decimal("9.2") and row.history.count() == 2
    assert AuditEvent.objects.filter(action="metrics.statistical_value.correct").exists()
    with pytest.raises(ValidationError):
        enter_statistical_value(ind, dt.date(2022, 3, 31), Decimal(120), personas["office"])  # 0–100 %
    with pytest.raises(ValidationError):
        enter_statistical_value(Indicator.objects.get(plan=plan, code="HNTE_NEW"), dt.date(2022, 3, 31),
                                Decimal(1), personas["office"])


def test_office_enters_a_value_on_the_page_and_units_only_read(plan, personas, client_for):
    ind = _ind(plan)
    url = f"/metrics/statistical/{ind.pk}/"
    response = client_for("office").post(url, {"period_end": "2022-06-30", "value": "11.2", "source_note": "月报"})
    assert response.status_code == 302
    assert StatisticalValue.objects.get(indicator=ind).value == Decimal("11.2")
    bad = client_for("office").post(url, {"period_end": "2022-06-30", "value": "abc"})
    assert bad.status_code == 400 and "数值应为数字" in bad.content.decode()
    assert client_for("lead").post(url, {"period_end": "2022-07-31", "value": "1"}).status_code == 404
    page = client_for("town").get(url).content.decode()
    assert "11.2" in page and "录入 / 更正" not in page


def test_the_drill_down_shows_the_value_and_the_records_behind_it(plan, personas, client_for):
    ind = _ind(plan)
    enter_statistical_value(ind, dt.date(2022, 6, 30), Decimal("10.8"), personas["office"], "二季度统计月报")
    page = client_for("leader").get(f"/metrics/indicators/{ind.pk}/?date=2022-07-01").content.decode()
    assert 'data-testid="resolved-value">10.8%' in page
    assert "2022-06-30：10.8%" in page and "二季度统计月报" in page  # the row behind it and its source note
    earlier = client_for("leader").get(f"/metrics/indicators/{ind.pk}/?date=2022-06-29").content.decode()
    assert 'data-testid="resolved-value">—' in earlier
    assert client_for("talent").get(f"/metrics/indicators/{ind.pk}/").status_code == 404
