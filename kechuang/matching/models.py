"""对接 records: a demand matched with an expert or an achievement, and what came of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kechuang.core.models import TimeStampedModel, VersionedModel
from kechuang.core.scoping import ScopedManager
from kechuang.registry.models import Demand

from .choices import DockingStatus


class Docking(TimeStampedModel, VersionedModel):
    """One 对接 of an enterprise demand with an expert or an achievement (exactly one of the two)."""

    demand = models.ForeignKey("registry.Demand", verbose_name=_("企业需求"), on_delete=models.CASCADE,
                               related_name="dockings")
    expert = models.ForeignKey("registry.Expert", verbose_name=_("专家"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="dockings")
    achievement = models.ForeignKey("registry.Achievement", verbose_name=_("科技成果"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="dockings")
    status = models.CharField(_("状态"), max_length=12, choices=DockingStatus.choices,
                              default=DockingStatus.PROPOSED)
    score = models.FloatField(_("匹配得分"), null=True, blank=True)
    matched_terms = models.JSONField(_("匹配词"), default=list, blank=True)
    outcome = models.TextField(_("对接结果"), blank=True)
    amount = models.DecimalField(_("成交金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True)
    way = models.CharField(_("转化方式"), max_length=30, blank=True)
    concluded_on = models.DateField(_("完成日期"), null=True, blank=True)
    transfer = models.OneToOneField("registry.AchievementTransfer", verbose_name=_("成果转化记录"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="docking")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("对接记录")
        verbose_name_plural = _("对接记录")
        constraints = [
            models.CheckConstraint(
                condition=(Q(expert__isnull=False, achievement__isnull=True)
                           | Q(expert__isnull=True, achievement__isnull=False)),
                name="matching_docking_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demand} ↔ {self.target}"

    @property
    def target(self):
        return self.expert if self.expert_id else self.achievement

    @property
    def kind(self) -> str:
        return "expert" if self.expert_id else "achievement"

    @classmethod
    def scope_rule(cls, user, action):
        """Follows the demand (and so its enterprise's town)."""
        decision = Demand.scope_rule(user, action)
        if isinstance(decision, Q):
            return Q(demand__in=Demand.objects.filter(decision).values("pk"))
        return decision
