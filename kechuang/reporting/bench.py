"""填报情况 (office completeness page) and 本月填报 (a unit's workspace): server time and SQL queries
on 60 units × 12 months × 17 indicators, and the query count on a smaller plan to show it does not grow
with units and months."""

from __future__ import annotations

import io
import statistics
import time
import tracemalloc

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kechuang.accounts.models import Role, User, UserRole
from kechuang.bench import report
from kechuang.core.bulk import analyze
from kechuang.plans.models import Plan, TaskUnit
from kechuang.reporting.benchdata import build_dataset
from kechuang.reporting.excel import import_workbook
from kechuang.reporting.models import Period
from kechuang.reporting.tests.files import huge_sheet_xlsx


def _measure(user, url, runs=15):
    client = Client()
    client.force_login(user)
    assert client.get(url).status_code == 200
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), queries


def run(db_label: str) -> None:
    figures = {}
    for code, units, months in (("rbench-big", 60, 12), ("rbench-small", 20, 6)):
        plan, office = build_dataset(code, n_units=units, months=months)
        analyze()  # planner statistics after the bulk load, as autovacuum keeps them on a live database
        ms, queries = _measure(office, f"/reporting/{plan.code}/status/?as_of={plan.year + 1}-01-10")
        unit = TaskUnit.objects.filter(task__plan=plan, role="responsible").order_by("unit__path").first().unit
        reporter = User.objects.create_user(username=f"{code}-rep", password="x", unit=unit)
        UserRole.objects.create(user=reporter, role=Role.REPORTER)
        ws_ms, ws_queries = _measure(reporter, f"/reporting/{plan.code}/fill/{plan.year}/{months}/")
        figures[code] = (ms, queries, ws_ms, ws_queries)
    dataset = f"60 units × 12 months × 17 indicators, {db_label}"
    ms, queries, ws_ms, ws_queries = figures["rbench-big"]
    report("reporting_completeness_median", ms, "ms", dataset)
    report("reporting_completeness_queries", queries, "queries", dataset)
    report("reporting_workspace_median", ws_ms, "ms", dataset)
    report("reporting_workspace_queries", ws_queries, "queries", dataset)
    small = figures["rbench-small"]
    report("reporting_completeness_queries_small", small[1], "queries", f"20 units × 6 months, {db_label}")
    _hostile_upload(plan_code="rbench-big", db_label=db_label)


def _hostile_upload(plan_code: str, db_label: str) -> None:
    """The monthly Excel upload of a 1.5 M-row workbook (a unit filer can send it): refused from the archive's
    directory, with the time and the memory the refusal takes (tracemalloc peak, the uploaded bytes excluded)."""
    plan = Plan.objects.get(code=plan_code)
    reporter = User.objects.get(username=f"{plan_code}-rep")
    period = Period.objects.filter(plan=plan).order_by("month").first()
    data = huge_sheet_xlsx(1_500_000)
    tracemalloc.start()
    start = time.perf_counter()
    result = import_workbook(plan, reporter.unit, period, user=reporter, fileobj=io.BytesIO(data))
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert not result.ok, "the 1.5 M-row workbook was not refused"
    dataset = f"1.5 M rows, {len(data) / 1024 / 1024:.1f} MB file, {db_label}"
    report("reporting_hostile_upload_refusal_seconds", seconds, "s", dataset)
    report("reporting_hostile_upload_peak_memory", peak / 1024 / 1024, "MB", dataset)
