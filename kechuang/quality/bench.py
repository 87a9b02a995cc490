"""Data-quality benchmark: the full check (every registry rule over every stored row, monthly values
included) at 50,000 enterprises with a year of figures each, plus the approved monthly values the reporting
benchmark's plans hold when it ran before. Reuses the rows the registry benchmark imported when they are there;
imports them otherwise."""

from __future__ import annotations

import time

from kechuang.bench import report
from kechuang.plans.testing import load_bundled_plan
from kechuang.quality.models import RunStatus
from kechuang.quality.services import run_check
from kechuang.registry.importing import run_import
from kechuang.registry.models import Enterprise, EnterpriseYear
from kechuang.registry.tests.xlsx import big_enterprise_file, big_enterprise_year_file
from kechuang.reporting.choices import SubmissionStatus
from kechuang.reporting.models import IndicatorValue

N = 50_000


def run(db_label: str) -> None:
    load_bundled_plan()
    if Enterprise.objects.count() < N:
        assert run_import("enterprises", big_enterprise_file(N), None, commit=True).ok
    if EnterpriseYear.objects.count() < N:
        assert run_import("enterprise-years", big_enterprise_year_file(N), None, commit=True).ok
    start = time.perf_counter()
    result = run_check("bench")
    elapsed = time.perf_counter() - start
    assert result.status == RunStatus.DONE, result.message
    values = IndicatorValue.objects.filter(status=SubmissionStatus.APPROVED, value__isnull=False).count()
    rows = (f"{Enterprise.objects.count():,} enterprises + {EnterpriseYear.objects.count():,} enterprise years + "
            f"{values:,} approved monthly values")
    report("data_quality_seconds", elapsed, "s", f"{rows}, {db_label}")
