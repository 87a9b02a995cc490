"""Demo data: the shipped 2022 scheme, the example evaluation framework, one demo honour and a
draft assessment (idempotent). The demo's unit-typed indicator (the towns' shares, see reporting.demo)
is assessed too, so that units of one group have different maxima and rank by 得分率."""

from __future__ import annotations

from kechuang.accounts.models import Role, User
from kechuang.org.models import Unit
from kechuang.plans.models import Indicator
from kechuang.reporting.demo import UNIT_INDICATOR
from kechuang.reporting.services import business_date

from . import evaluation, services
from .models import AssessmentBonus, AssessmentResult, EvaluationFramework, ResultStatus


def generate(plan, rng) -> None:
    office = User.objects.filter(role_assignments__role=Role.OFFICE, is_active=True).order_by("pk").first()
    if office is None:
        return
    scheme = services.ensure_scheme(plan, user=office)
    if scheme is None:
        return
    # Load and compute only once, so running the demo again writes no new history rows.
    if evaluation.EXAMPLE_FILE.exists() and not EvaluationFramework.objects.exists():
        evaluation.load_framework(user=office)
    if AssessmentResult.objects.filter(scheme=scheme, status=ResultStatus.PUBLISHED).exists():
        return
    _assess_unit_indicator(plan, scheme)
    towns = list(Unit.objects.filter(kind__in=["town", "street"], is_active=True).order_by("path"))
    if towns and not AssessmentBonus.objects.filter(scheme=scheme, reason__startswith="【演示】").exists():
        services.add_bonus(scheme, user=office, unit=rng.choice(towns), points="2",
                           reason="【演示】获评省级科技创新示范镇")
    if not AssessmentResult.objects.filter(scheme=scheme).exists():
        # As of the demo's date: a year-end draft would deduct for months that are not yet due.
        services.refresh_draft(scheme, user=office, as_of=min(business_date(), services.default_as_of(scheme)))


def _assess_unit_indicator(plan, scheme) -> None:
    code = UNIT_INDICATOR["code"]
    entries = scheme.config.get("indicators", [])
    if not Indicator.objects.filter(plan=plan, code=code).exists() or any(e.get("code") == code for e in entries):
        return
    scheme.config = {**scheme.config, "indicators": [*entries, {
        "code": code, "weight": 10, "cap": 1.2, "bands": [{"min": 0.8, "credit": 0.8}, {"min": 0.5, "credit": 0.5}]}]}
    scheme.save(update_fields=["config", "last_updated"])
