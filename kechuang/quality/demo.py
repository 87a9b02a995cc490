"""Demo: run the data-quality check once over the demo registries and monthly values, so the page
and the dashboard badge show the demo's few warnings (and no error). Idempotent."""

from .models import QualityRun
from .services import run_check


def generate(plan, rng):
    if not QualityRun.objects.exists():
        run_check("demo")
