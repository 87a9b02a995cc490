"""Registry benchmarks: import of 50,000 enterprise rows and the filtered enterprise list at 50,000 rows.

- import rows/s (after a 10-row warm-up preview in the same process): one committed import of a generated
  50,000-row workbook (parse, validate with
  every plausibility rule, diff, insert with history), timed end to end; the same for 50,000
  enterprise-year rows (the registry with the most rules: non-negative, year range against the
  founding year, parts ≤ whole, year-on-year, R&D intensity, revenue per head);
- import peak memory: tracemalloc peak during a second, full re-import of the same file (all rows
  unchanged: the same parse/validate/diff path), measured separately because tracemalloc slows
  Python down several times;
- import rows/s through the queue: a 50,000-row committed import enqueued from this process and run by a separate
  django-q2 worker process (`manage.py qcluster`), timed from the enqueue to the job's "done" (worker pickup,
  validation and the write included; the worker's start-up is not);
- list median: 20 requests of /registry/enterprises/?town=…&is_above_scale=1 as the office user.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc

from django.db import OperationalError
from django.test import Client
from django.test.utils import override_settings
from django_q.tasks import async_task

from kechuang.accounts.models import User
from kechuang.accounts.testing import make_user
from kechuang.bench import report
from kechuang.core.bulk import analyze
from kechuang.core.testworker import worker_process
from kechuang.org.models import Unit
from kechuang.plans.testing import load_bundled_plan
from kechuang.registry.importing import run_import
from kechuang.registry.models import ImportJob, ImportStatus
from kechuang.registry.tests.xlsx import big_enterprise_file, big_enterprise_year_file

N = 50_000


def run(db_label: str) -> None:
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

    _queued_import_rate(dataset)

    office = make_user("bench-office", Unit.objects.get(name="领导小组办公室"), ["office"])
    client = Client()
    client.force_login(office)
    town = Unit.objects.get(name="武胜关镇")
    url = f"/registry/enterprises/?town={town.pk}&is_above_scale=1"
    analyze()  # planner statistics after the bulk imports, as autovacuum keeps them on a live database
    timings = []
    with override_settings(DEBUG=False):
        client.get(url)  # warm-up
        for _ in range(20):
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
    report("registry_enterprise_list_filtered_median", statistics.median(timings), "ms", dataset)


def _queued_import_rate(dataset: str) -> None:
    data = big_enterprise_file(N, start=500_000)
    warm = ImportJob.objects.create(registry="enterprises", filename="warm.xlsx", user=_bench_user(),
                                    content=big_enterprise_file(10, start=990_000))
    with worker_process():
        # Warm-up job: the worker's first import loads parsers and dictionaries once.
        async_task("kechuang.registry.jobs.process_import", warm.pk)
        _wait_done(warm.pk)
        job = ImportJob.objects.create(registry="enterprises", filename="queued.xlsx", content=data,
                                       commit_requested=True, user=_bench_user())
        start = time.perf_counter()
        async_task("kechuang.registry.jobs.process_import", job.pk)
        job = _wait_done(job.pk)
        elapsed = time.perf_counter() - start
    assert job.status == ImportStatus.DONE and job.summary["created"] == N, (job.status, job.errors[:3])
    report("registry_import_rate_through_queue", N / elapsed, "rows/s", f"{dataset}, separate worker process")


def _bench_user():
    return User.objects.filter(username="bench-importer").first() or make_user(
        "bench-importer", Unit.objects.get(name="领导小组办公室"), ["office"])


def _wait_done(job_id: int, timeout: float = 600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            job = ImportJob.objects.defer("content").get(pk=job_id)
        except OperationalError:
            job = None
        if job is not None and job.status not in (ImportStatus.PENDING, ImportStatus.VALIDATING,
                                                  ImportStatus.COMMITTING):
            return job
        time.sleep(0.05)
    raise AssertionError(f"queued import {job_id} did not finish in {timeout} s")
