"""Statistical values: figures the statistics bureau publishes, entered or imported by the office."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kechuang.core.predicates import is_office
from kechuang.core.scoping import CHANGE, ScopedManager
from kechuang.plans.models import Plan


class StatisticalValue(models.Model):
    """One published figure of an indicator whose source is "statistical", valid at ``period_end``."""

    indicator = models.ForeignKey(
        "plans.Indicator", verbose_name=_("指标"), on_delete=models.CASCADE, related_name="statistical_values"
    )
    period_end = models.DateField(_("数据截止日期"))
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4)
    source_note = models.CharField(_("数据出处"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["indicator", "-period_end"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period_end"], name="uniq_statistical_value_period"),
        ]
        verbose_name = _("统计数据")
        verbose_name_plural = _("统计数据")

    def __str__(self) -> str:
        return f"{self.indicator} · {self.period_end:%Y-%m-%d}：{self.value.normalize():f}{self.indicator.measure}"

    @classmethod
    def scope_rule(cls, user, action):
        # The office enters and corrects; everyone who reads the plan reads its published figures.
        if action == CHANGE:
            return is_office(user)
        decision = Plan.scope_rule(user, action)
        if decision is True or decision is False or decision is None:
            return decision
        return Q(indicator__plan__in=Plan.objects.filter(decision).values("pk"))
