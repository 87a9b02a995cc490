"""The bundled plan's own dashboard (its indicators mostly computed from the registries) over the registry
the benchmark database holds: what the registry benchmark imported when it ran before (100,000 enterprises and 50,000
enterprise-years, its queued import included)
(``make bench`` runs every app's benchmark in one database, the registry's first). Here, above both the
registry and supervision, because it reads one and times the other's page."""

from __future__ import annotations

from kechuang.accounts.models import User
from kechuang.accounts.testing import make_user
from kechuang.bench import report
from kechuang.core.bulk import analyze
from kechuang.org.models import Unit
from kechuang.plans.testing import load_bundled_plan
from kechuang.registry.models import Enterprise, EnterpriseYear
from kechuang.supervision.bench import measure_dashboard


def run(db_label: str) -> None:
    plan = load_bundled_plan()  # idempotent: the registry benchmark may have loaded it already
    user = User.objects.filter(username="bench-plan-office").first() or make_user(
        "bench-plan-office", Unit.objects.get(name="领导小组办公室"), ["office"])
    analyze()
    median, _queries, _trend, cold = measure_dashboard(plan, user, f"{plan.year}-10-10", 15)
    dataset = (f"{plan.title} (registry-computed indicators), {Enterprise.objects.count():,} enterprises and "
               f"{EnterpriseYear.objects.count():,} enterprise-years in the registry, {db_label}")
    report("dashboard_bundled_plan_median_ms", median, "ms", dataset)
    report("dashboard_bundled_plan_cold_median_ms", cold, "ms", dataset + ", figures recomputed")
