"""Dashboard server time and SQL query count: 60 units × 12 months × 17 indicators."""

from __future__ import annotations

import os
import statistics
import time

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kechuang.bench import report
from kechuang.core.bulk import analyze
from kechuang.core.models import SystemFlag
from kechuang.plans.models import Indicator, IndicatorShare, Plan, Task, TaskUnit
from kechuang.reporting.benchdata import build_dataset
from kechuang.reporting.models import IndicatorValue, Period, TaskReport

# Province scale (issue #13): the dashboard of one plan while the database holds this many plans' reports.
PROVINCE_PLANS = int(os.environ.get("KECHUANG_BENCH_PROVINCE_PLANS", "100"))


def measure_dashboard(plan, user, as_of: str, runs: int):
    client = Client()
    client.force_login(user)
    # The office opens its dashboard on ``as_of``: that is the business date, so the navigation's badges (today's
    # to-do) and the dashboard read the same day, as they do in use.
    SystemFlag.set("demo_as_of", as_of)
    url = f"/supervision/?plan={plan.code}&as_of={as_of}"
    assert client.get(url).status_code == 200

    cache.clear()
    connection.queries_log.clear()  # a full log (maxlen) would make the count read 0
    with CaptureQueriesContext(connection) as ctx:  # a cold request: every query the figures need
        client.get(url)
    queries = len(ctx.captured_queries)  # read now: the log is a bounded deque shared by later requests
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200

    cold = []
    for _ in range(11):  # a median of 11: five let one busy moment of the machine move the figure by 20 %
        cache.clear()  # figures recomputed: what the first request after a data change costs
        start = time.perf_counter()
        client.get(url)
        cold.append((time.perf_counter() - start) * 1000)
    trend = []
    indicator = plan.indicators.order_by("seq").first()
    for _ in range(max(5, runs // 3)):
        start = time.perf_counter()
        client.get(f"/supervision/trend/{indicator.pk}/?as_of={as_of}")
        trend.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), queries, statistics.median(trend), statistics.median(cold)


def run(db_label: str) -> None:
    dataset = f"60 units × 12 months × 17 indicators, {db_label}"
    plan, user = build_dataset("bench60", n_units=60, months=12, n_indicators=17)
    analyze()  # planner statistics after the bulk load, as autovacuum keeps them on a live database
    median, queries, trend, cold = measure_dashboard(plan, user, "2023-01-10", 30)
    report("dashboard_median_ms", median, "ms", dataset)
    report("dashboard_cold_median_ms", cold, "ms", dataset + ", figures recomputed (first request after a change)")
    report("dashboard_queries", queries, "queries", dataset)
    report("dashboard_trend_median_ms", trend, "ms", dataset + ", one indicator's 12-month trend")
    small, small_user = build_dataset("bench10", n_units=10, months=12, n_indicators=17)
    _m, q10, _t, _c = measure_dashboard(small, small_user, "2023-01-10", 3)
    report("dashboard_queries_10_units", q10, "queries", f"10 units × 12 months × 17 indicators, {db_label}")
    if PROVINCE_PLANS > 1 and connection.vendor == "postgresql":  # the province figure is PostgreSQL's
        start = time.perf_counter()
        _clone_plans(plan, [f"prov{i:03d}" for i in range(1, PROVINCE_PLANS)])
        analyze()
        build = time.perf_counter() - start
        rows = IndicatorValue.objects.count() + TaskReport.objects.count()
        median, queries, _trend, cold = measure_dashboard(plan, user, "2023-01-10", 30)
        dataset = (f"one plan of {PROVINCE_PLANS} × (60 units × 12 months × 17 indicators), {rows:,} report rows, "
                   f"{db_label}")
        report("dashboard_province_median_ms", median, "ms", dataset)
        report("dashboard_province_cold_median_ms", cold, "ms", dataset + ", figures recomputed")
        report("dashboard_province_queries", queries, "queries", dataset)
        report("dashboard_province_build_seconds", build, "s", dataset + ", plans copied in SQL")


def _clone_plans(src: Plan, codes: list[str]) -> None:
    """Copies of ``src`` (tasks, indicators, shares, periods, every report row) under new plans, the rows copied
    by one INSERT … SELECT per table in the database: a province's worth of plans in seconds."""
    plans = Plan.objects.bulk_create([
        Plan(code=code, title=f"{code}方案", year=src.year, owner_unit_id=src.owner_unit_id,
             office_unit_id=src.office_unit_id, status=src.status) for code in codes])
    ids = [p.pk for p in plans]
    Period.objects.bulk_create([Period(plan=plan, year=p.year, month=p.month, opens_on=p.opens_on, due_on=p.due_on,
                                       status=p.status) for plan in plans for p in Period.objects.filter(plan=src)])
    for model in (Task, Indicator):
        rows = []
        for plan in plans:
            for row in model.objects.filter(plan=src).order_by("pk"):
                row.pk = None
                row._state.adding = True
                row.plan = plan
                rows.append(row)
        model.objects.bulk_create(rows, batch_size=2000)
    task, ind, period = Task._meta.db_table, Indicator._meta.db_table, Period._meta.db_table
    in_new = "= ANY(%s)" if connection.vendor == "postgresql" else f"IN ({', '.join('%s' for _ in ids)})"
    new = [ids] if connection.vendor == "postgresql" else ids
    task_map = f"JOIN {task} st ON st.id = s.task_id JOIN {task} nt ON nt.plan_id {in_new} AND nt.seq = st.seq"
    ind_map = f"JOIN {ind} si ON si.id = s.indicator_id JOIN {ind} ni ON ni.plan_id {in_new} AND ni.code = si.code"
    # The copy's period: same month, same new plan as its task or indicator.
    period_map = (f"JOIN {period} sp ON sp.id = s.period_id JOIN {period} np ON np.plan_id = {{}}.plan_id "
                  "AND np.year = sp.year AND np.month = sp.month")
    _copy_rows(TaskUnit, {"task_id": "nt.id"}, task_map, "st.plan_id = %s", [*new, src.pk])
    _copy_rows(IndicatorShare, {"indicator_id": "ni.id"}, ind_map, "si.plan_id = %s", [*new, src.pk])
    _copy_rows(TaskReport, {"plan_id": "nt.plan_id", "task_id": "nt.id", "period_id": "np.id"},
               f"{task_map} {period_map.format('nt')}", "s.plan_id = %s", [*new, src.pk])
    _copy_rows(IndicatorValue, {"plan_id": "ni.plan_id", "indicator_id": "ni.id", "period_id": "np.id"},
               f"{ind_map} {period_map.format('ni')}", "s.plan_id = %s", [*new, src.pk])


def _copy_rows(model, replace: dict, joins: str, where: str, params: list) -> None:
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    select = ", ".join(replace.get(c, f"s.{c}") for c in columns)
    sql = (f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {select} "
           f"FROM {model._meta.db_table} s {joins} WHERE {where}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
