"""填报情况 (the office's completeness page) and 本月填报 (a unit's workspace) run the same number of SQL queries
whatever the number of units and months, and the completeness page's cached matrix follows the data."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kechuang.accounts.models import Role, User, UserRole
from kechuang.plans.models import TaskUnit
from kechuang.reporting.benchdata import build_dataset
from kechuang.reporting.models import IndicatorValue, ReportEvent, TaskReport

pytestmark = pytest.mark.django_db


def _count(client, url):
    cache.clear()  # cold: every query the figures need
    with CaptureQueriesContext(connection) as cold:
        response = client.get(url)
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    return len(cold.captured_queries), len(warm.captured_queries)


def _pages(code, n_units, months):
    plan, office = build_dataset(code, n_units=n_units, months=months, n_indicators=5, n_tasks=3)
    client = Client()
    client.force_login(office)
    status_url = f"/reporting/{plan.code}/status/?as_of={plan.year + 1}-01-10"
    client.get(status_url)  # session and roles
    status = _count(client, status_url)
    unit = TaskUnit.objects.filter(task__plan=plan, role="responsible").order_by("unit__path").first().unit
    reporter = User.objects.create_user(username=f"{code}-rep", password="x", unit=unit)
    UserRole.objects.create(user=reporter, role=Role.REPORTER)
    filer = Client()
    filer.force_login(reporter)
    fill_url = f"/reporting/{plan.code}/fill/{plan.year}/{months}/"
    filer.get(fill_url)
    return status, _count(filer, fill_url)


def test_completeness_and_workspace_query_counts_do_not_grow_with_units_or_months():
    small = _pages("pq-small", 4, 3)
    large = _pages("pq-large", 24, 12)
    assert small == large, (small, large)
    (status_cold, status_warm), _fill = large
    assert status_warm < status_cold  # the matrix, rates and burden come from the cache


def test_the_completeness_page_shows_a_month_submitted_after_it_was_cached():
    plan, office = build_dataset("pq-fresh", n_units=3, months=2, n_indicators=2, n_tasks=1, seed=3)  # March: none
    client = Client()
    client.force_login(office)
    url = f"/reporting/{plan.code}/status/?as_of={plan.year}-12-30"
    unit = TaskUnit.objects.filter(task__plan=plan, role="responsible").order_by("unit__path").first().unit
    before = client.get(url).content.decode()
    cell = f'aria-label="{unit.name}{plan.year}年3月报告"'
    assert cell in before
    assert 'data-status="missing"' in before.split(cell)[0].rsplit("<td", 1)[1]
    now = timezone.now()
    for model in (TaskReport, IndicatorValue):
        for row in model.objects.filter(plan=plan, unit=unit, period__month=2):
            row.pk = None
            row.period = row.period.__class__.objects.get(plan=plan, year=plan.year, month=3)
            row.first_submitted_at = row.submitted_at = now
            row.status = "submitted"
            row.save()
    after = client.get(url).content.decode()
    assert 'data-status="missing"' not in after.split(cell)[0].rsplit("<td", 1)[1]


def _filer(plan, code):
    """A reporter of the first unit that filed February (its rows exist for last month)."""
    unit = TaskReport.objects.filter(plan=plan, period__month=2).order_by("unit__path").first().unit
    reporter = User.objects.create_user(username=f"{code}-rep", password="x", unit=unit)
    UserRole.objects.create(user=reporter, role=Role.REPORTER)
    client = Client()
    client.force_login(reporter)
    return client, unit


def _new_month(code, n):
    plan, _office = build_dataset(code, n_units=2, months=2, n_indicators=n, n_tasks=n, seed=5)
    client, _unit = _filer(plan, code)
    url = f"/reporting/{plan.code}/fill/{plan.year}/3/"
    client.get(url)  # session and roles
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.content.decode(), len(queries.captured_queries)


def test_a_month_not_saved_yet_is_prefilled_from_last_month_without_a_query_per_row():
    small_page, small = _new_month("pq-new-small", 2)
    large_page, large = _new_month("pq-new-large", 6)
    for page, n in ((small_page, 2), (large_page, 6)):
        assert page.count("已按上月预填") == n  # each task card
        assert page.count('<div class="small text-info">按上月预填</div>') == n  # each indicator's figure
    assert small == large, (small, large)


def _posted_form(plan, unit, period, **changes):
    data = {"action": "save"}
    for r in TaskReport.objects.filter(plan=plan, unit=unit, period=period):
        key = f"t{r.task_id}"
        data |= {f"{key}-version": str(r.version), f"{key}-percent_complete": str(r.percent_complete),
                 f"{key}-narrative": r.narrative, f"{key}-problems": r.problems, f"{key}-next_steps": r.next_steps}
    for v in IndicatorValue.objects.filter(plan=plan, unit=unit, period=period):
        key = f"i{v.indicator_id}"
        data |= {f"{key}-version": str(v.version), f"{key}-value": str(v.value), f"{key}-note": v.note}
    return data | changes


def _save_unchanged(code, n):
    plan, _office = build_dataset(code, n_units=2, months=2, n_indicators=n, n_tasks=n, seed=5)
    client, unit = _filer(plan, code)
    for model in (TaskReport, IndicatorValue):
        model.objects.filter(plan=plan, unit=unit, period__month=2).update(status="draft")
    period = TaskReport.objects.filter(plan=plan, unit=unit, period__month=2).first().period
    url = f"/reporting/{plan.code}/fill/{plan.year}/2/"
    client.get(url)
    events = ReportEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, _posted_form(plan, unit, period))
    assert response.status_code == 302
    assert ReportEvent.objects.count() == events  # nothing changed, nothing written
    return client, url, plan, unit, period, len(queries.captured_queries)


def test_saving_an_unchanged_form_writes_nothing_whatever_its_number_of_rows():
    *_rest, small = _save_unchanged("pq-save-small", 2)
    client, url, plan, unit, period, large = _save_unchanged("pq-save-large", 6)
    assert small == large, (small, large)
    report = TaskReport.objects.filter(plan=plan, unit=unit, period=period).first()
    response = client.post(url, _posted_form(plan, unit, period, **{f"t{report.task_id}-narrative": "本月新进展"}),
                           follow=True)
    assert "草稿已保存" in response.content.decode()
    report.refresh_from_db()
    assert report.narrative == "本月新进展"
    assert list(ReportEvent.objects.filter(task_report=report).values_list("action", flat=True)) == ["saved"]
