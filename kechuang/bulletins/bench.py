"""Bulletin generation time: compose the Q2 bulletin (engine data, charts, .docx) and issue it."""

from __future__ import annotations

import statistics
import time

from kechuang.bench import report

from .benchdata import build_guangshui_half_year


def run(db_label: str) -> None:
    from . import services

    plan, users = build_guangshui_half_year()
    dataset = f"bundled 2022 plan with demo data, {db_label}"
    office = users["office"]
    times = []
    for _ in range(3):
        start = time.perf_counter()
        bulletin = services.draft_bulletin(plan, 2022, 2, user=office)
        services.render(bulletin)
        times.append(time.perf_counter() - start)
    report("bulletin_generation_s", statistics.median(times), "s", dataset + ", Q2 draft with 2 charts")
    start = time.perf_counter()
    services.issue_bulletin(bulletin, user=office)
    report("bulletin_issue_s", time.perf_counter() - start, "s", dataset + ", snapshot + stored .docx")
