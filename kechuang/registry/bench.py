"""Registry benchmarks: import of 50,000 enterprise rows and the filtered enterprise list at 50,000 rows.

- import rows/s (after a 10-row warm-up preview in the same process): one committed import of a generated
  50,000-row workbook (parse, validate with
  every plausibility rule, diff, insert with history), timed end to end; the same for 50,000
  enterprise-year rows (the registry with the most rules: non-negative, year range against the
  founding year, parts ≤ whole, year-on-year, R&D intensity, revenue per head);
- import peak memory: tracemalloc peak during a second, full re-import of the same file (all rows
  unchanged: the same parse/validate/diff path), measured separately because tracemalloc slows
  Python down several times;
- list median: 20 requests of /registry/enterprises/?town=…&is_above_scale=1 as the office user.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc

from kechuang.bench import report

N = 50_000


def run(db_label: str) -> None:
    from django.test import Client
    from django.test.utils import override_settings

    from kechuang.core.testing import load_bundled_plan, make_user
    from kechuang.org.models import Unit
    from kechuang.registry.importing import run_import
    from kechuang.registry.tests.xlsx import big_enterprise_file, big_enterprise_year_file

    dataset = f"{N:,} enterprises, {db_label}"
    load_bundled_plan()
    # Warm-up, as in a running worker: the first import in a process loads parsers and dictionaries (~0.5 s)
    # once; a 10-row preview (nothing written) pays that before the timed imports.
    run_import("enterprises", big_enterprise_file(10, start=900_000), None, commit=False)
    data = big_enterprise_file(N)
    start = time.perf_counter()
    result = run_import("enterprises", data, None, commit=True)
    elapsed = time.perf_counter() - start
    assert result.ok and result.created == N, result.errors[:3]
    report("registry_import_rate", N / elapsed, "rows/s", dataset)

    years = big_enterprise_year_file(N)
    start = time.perf_counter()
    result = run_import("enterprise-years", years, None, commit=True)
    elapsed = time.perf_counter() - start
    assert result.ok and result.created == N, result.errors[:3]
    report("registry_import_rate_enterprise_years", N / elapsed, "rows/s", f"{N:,} enterprise-year rows, {db_label}")

    tracemalloc.start()
    again = run_import("enterprises", data, None, commit=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert again.ok and again.unchanged == N
    report("registry_import_peak_memory", peak / 1024 / 1024, "MB", dataset)

    office = make_user("bench-office", Unit.objects.get(name="领导小组办公室"), ["office"])
    client = Client()
    client.force_login(office)
    town = Unit.objects.get(name="武胜关镇")
    url = f"/registry/enterprises/?town={town.pk}&is_above_scale=1"
    timings = []
    with override_settings(DEBUG=False):
        client.get(url)  # warm-up
        for _ in range(20):
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
    report("registry_enterprise_list_filtered_median", statistics.median(timings), "ms", dataset)
