"""Assessment of all units (gather from the engine and reports, score, rank) and publication."""

from __future__ import annotations

import datetime as dt
import statistics
import time

from kechuang.bench import report
from kechuang.bulletins.benchdata import build_guangshui_half_year
from kechuang.plans.models import Plan

from . import services


def run(db_label: str) -> None:
    plan = Plan.objects.filter(code="guangshui-2022").first()
    if plan is None:  # run alone: build the data set
        plan, _users = build_guangshui_half_year()
    scheme = services.ensure_scheme(plan)
    dataset = f"bundled 2022 plan with demo data, {db_label}"
    as_of = dt.date(2022, 6, 30)
    times = []
    n = 0
    for _ in range(5):
        start = time.perf_counter()
        data = services.compute(scheme, as_of)
        times.append(time.perf_counter() - start)
        n = sum(len(g["units"]) for g in data["groups"])
    report("assessment_all_units_s", statistics.median(times), "s", f"{dataset}, {n} units, 6 months of reports")
