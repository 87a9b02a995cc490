"""Dashboard server time and SQL query count: 60 units × 12 months × 17 indicators."""

from __future__ import annotations

import statistics
import time

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kechuang.bench import report
from kechuang.reporting.benchdata import build_dataset


def _measure(plan, user, as_of: str, runs: int):
    client = Client()
    client.force_login(user)
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
    for _ in range(5):
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
    median, queries, trend, cold = _measure(plan, user, "2023-01-10", 30)
    report("dashboard_median_ms", median, "ms", dataset)
    report("dashboard_cold_median_ms", cold, "ms", dataset + ", figures recomputed (first request after a change)")
    report("dashboard_queries", queries, "queries", dataset)
    report("dashboard_trend_median_ms", trend, "ms", dataset + ", one indicator's 12-month trend")
    small, small_user = build_dataset("bench10", n_units=10, months=12, n_indicators=17)
    _m, q10, _t, _c = _measure(small, small_user, "2023-01-10", 3)
    report("dashboard_queries_10_units", q10, "queries", f"10 units × 12 months × 17 indicators, {db_label}")
