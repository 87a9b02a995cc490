"""The dashboard runs the same number of SQL queries for 10 or 60 units and 3 or 12 months, cold or warm, and its
cached figures follow its own plan's data (not another plan's)."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kechuang.reporting.benchdata import build_dataset
from kechuang.reporting.choices import SubmissionStatus
from kechuang.reporting.models import IndicatorValue

pytestmark = pytest.mark.django_db


def _queries(code, n_units, months, as_of):
    plan, user = build_dataset(code, n_units=n_units, months=months, n_indicators=17, n_tasks=4)
    # One indicator whose last two months await review, in both plans alike: its latest approved figure is
    # older, so the dashboard looks it up in the earlier months as well.
    first = plan.indicators.order_by("seq").first()
    IndicatorValue.objects.filter(indicator=first, period__month__gt=months - 2).update(
        status=SubmissionStatus.SUBMITTED)
    client = Client()
    client.force_login(user)
    url = f"/supervision/?plan={plan.code}&as_of={as_of}"
    client.get(url)  # warm caches (session, roles)
    cache.clear()  # count a cold request: every query the figures need
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="targets-grid"' in html and 'data-testid="heatmap"' in html
    with CaptureQueriesContext(connection) as warm:  # the figures from the cache
        assert _page(client.get(url).content.decode()) == _page(html)
    return len(ctx.captured_queries), html, [q["sql"] for q in warm.captured_queries]


def _page(html):
    """The page without its per-request CSRF token."""
    return re.sub(r'(csrfmiddlewaretoken" value="|CSRFToken": ")[^"]+', r"\1", html)


def _fingerprints(sqls):
    return [sql for sql in sqls if "kechuang_data" in sql]


# Slow by nature (~8 s): builds two benchmark plans (10 and 60 units) to compare query counts.
def test_dashboard_query_count_is_independent_of_units_and_months():
    small, html_small, warm_small = _queries("q10", 10, 3, "2022-04-10")
    large, html_large, warm_large = _queries("q60", 60, 12, "2023-01-10")
    assert html_large.count("<tr data-indicator=") == 17
    assert html_large.count('title="q60单位') == 60 * 12  # heatmap cells
    assert small == large, (small, large)
    assert len(warm_small) == len(warm_large) < small, (len(warm_small), len(warm_large), small)
    # A warm page reads the data fingerprint once per plan scope, however many cached parts it shows.
    assert len(_fingerprints(warm_large)) <= 2, _fingerprints(warm_large)
    assert not any("reporting_taskreport" in sql and "ROW_NUMBER" in sql for sql in warm_large)


def test_another_plans_reports_leave_the_cached_dashboard_alone_its_own_change_it():
    from kechuang.reporting.models import IndicatorValue

    plan, user = build_dataset("qown", n_units=3, months=6, n_indicators=2, n_tasks=1)
    other, _other_user = build_dataset("qother", n_units=3, months=6, n_indicators=2, n_tasks=1)
    client = Client()
    client.force_login(user)
    url = f"/supervision/?plan={plan.code}&as_of=2022-07-10"
    before = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    row = IndicatorValue.objects.filter(plan=other, period__month=6).order_by("pk").first()
    row.value += 1000
    row.save()  # another county's value: this plan's figures stay cached
    with CaptureQueriesContext(connection) as after_other:
        assert _page(client.get(url).content.decode()) == _page(before)
    # The figures come from the cache: no resolution of values, no task rows (the per-user badges may recount).
    figures = [q["sql"] for q in after_other.captured_queries if "ROW_NUMBER" in q["sql"]]
    assert not figures, figures
    assert len(warm.captured_queries) <= len(after_other.captured_queries) < 40
    row = IndicatorValue.objects.filter(plan=plan, period__month=6, status="approved").order_by("pk").first()
    row.value += 1000
    row.save()
    assert _page(client.get(url).content.decode()) != _page(before)


def test_dashboard_figures_change_when_a_value_is_approved():
    from kechuang.reporting.models import IndicatorValue

    plan, user = build_dataset("qa", n_units=3, months=6, n_indicators=2, n_tasks=1)
    client = Client()
    client.force_login(user)
    url = f"/supervision/?plan={plan.code}&as_of=2022-07-10"
    before = client.get(url).content.decode()
    row = IndicatorValue.objects.filter(plan=plan, period__month=6).order_by("pk").first()
    IndicatorValue.objects.filter(pk=row.pk).update(status="approved", value=row.value + 1000)
    row.refresh_from_db()
    row.save()  # bumps last_updated as every workflow service does
    after = client.get(url).content.decode()
    assert before != after
