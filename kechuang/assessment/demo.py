"""Demo data: the shipped 2022 scheme, the example evaluation framework, one demo honour and a
draft assessment (idempotent)."""

from __future__ import annotations


def generate(plan, rng) -> None:
    from kechuang.accounts.models import Role, User
    from kechuang.org.models import Unit

    from . import evaluation, services
    from .models import AssessmentBonus, AssessmentResult, EvaluationFramework, ResultStatus

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
    towns = list(Unit.objects.filter(kind__in=["town", "street"], is_active=True).order_by("path"))
    if towns and not AssessmentBonus.objects.filter(scheme=scheme, reason__startswith="【演示】").exists():
        services.add_bonus(scheme, user=office, unit=rng.choice(towns), points="2",
                           reason="【演示】获评省级科技创新示范镇")
    if not AssessmentResult.objects.filter(scheme=scheme).exists():
        services.refresh_draft(scheme, user=office)
