"""Entering statistical values (office only)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kechuang.audit.services import record_event
from kechuang.plans.choices import ValueSource

from .models import StatisticalValue


def enter_statistical_value(indicator, period_end, value: Decimal, user, source_note: str = "") -> StatisticalValue:
    """Record (or correct) the figure of ``indicator`` at ``period_end``; every change is in history."""
    if not user.has_perm("metrics.change_statisticalvalue"):
        raise PermissionDenied("只有领导小组办公室可以录入统计数据")
    if indicator.source != ValueSource.STATISTICAL:
        raise ValidationError("该指标的数据来源不是统计数据")
    value = Decimal(value)
    if indicator.min_value is not None and value < indicator.min_value:
        raise ValidationError(f"数值不得低于 {indicator.min_value.normalize():f}")
    if indicator.max_value is not None and value > indicator.max_value:
        raise ValidationError(f"数值不得高于 {indicator.max_value.normalize():f}")
    with transaction.atomic():
        row, created = StatisticalValue.objects.select_for_update().get_or_create(
            indicator=indicator, period_end=period_end,
            defaults={"value": value, "source_note": source_note, "entered_by": user},
        )
        if not created:
            old = row.value
            row.value, row.source_note, row.entered_by, row.entered_at = value, source_note, user, timezone.now()
            row.save()
        record_event(
            "metrics.statistical_value.enter" if created else "metrics.statistical_value.correct", user=user,
            obj=row, detail={"indicator": indicator.code, "period_end": period_end.isoformat(), "value": str(value),
                             **({} if created else {"old": str(old)})},
        )
    return row
