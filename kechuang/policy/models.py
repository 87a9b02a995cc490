"""The high-tech cultivation board: one pipeline entry per enterprise and plan year, and the
events that moved it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kechuang.core.models import TimeStampedModel, VersionedModel
from kechuang.core.scoping import ScopedManager
from kechuang.registry.models import Enterprise

from .choices import Stage


def enterprise_scope(user, action, prefix: str = "enterprise"):
    """Rows follow their enterprise's scope (registry.Enterprise.scope_rule)."""
    decision = Enterprise.scope_rule(user, action)
    if isinstance(decision, Q):
        return Q(**{f"{prefix}__in": Enterprise.objects.filter(decision).values("pk")})
    return decision


class CultivationEntry(TimeStampedModel, VersionedModel):
    """An enterprise on the high-tech pipeline (培育库 → 申报 → 认定 → 有效 → 到期/重新认定) in a year."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="cultivation_entries"
    )
    year = models.PositiveIntegerField(_("年度"))
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices, default=Stage.POOL)
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["-year", "stage", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="policy_uniq_entry_year")]
        verbose_name = _("高企培育条目")
        verbose_name_plural = _("高企培育条目")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年 · {self.get_stage_display()}"

    @classmethod
    def scope_rule(cls, user, action):
        return enterprise_scope(user, action)


class CultivationEvent(models.Model):
    """One move of a pipeline entry (append-only)."""

    entry = models.ForeignKey(CultivationEntry, verbose_name=_("培育条目"), on_delete=models.CASCADE,
                              related_name="events")
    from_stage = models.CharField(_("原阶段"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=20, choices=Stage.choices)
    note = models.TextField(_("说明"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["entry", "at", "id"]
        verbose_name = _("培育阶段变更")
        verbose_name_plural = _("培育阶段变更")

    def __str__(self) -> str:
        return f"{self.entry.enterprise} {self.get_from_stage_display() or '—'} → {self.get_to_stage_display()}"

    @classmethod
    def scope_rule(cls, user, action):
        return enterprise_scope(user, action, "entry__enterprise")
