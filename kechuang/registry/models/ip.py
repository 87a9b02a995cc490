"""Intellectual property: patents, IP training sessions and their attendance."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import RegistryModel
from .enterprise import Enterprise

PATENT_KINDS = ["发明", "实用新型", "外观设计", "软件著作权"]


class Patent(RegistryModel):
    number = models.CharField(_("专利号/登记号"), max_length=40, unique=True)
    title = models.CharField(_("名称"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=[(k, k) for k in PATENT_KINDS])
    owner = models.ForeignKey(
        Enterprise,
        verbose_name=_("权利人（企业）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patents",
    )
    owner_name = models.CharField(_("权利人"), max_length=200, blank=True)
    applied_on = models.DateField(_("申请日"), null=True, blank=True)
    granted_on = models.DateField(_("授权日"), null=True, blank=True)
    is_high_value = models.BooleanField(_("高价值专利"), default=False)
    status = models.CharField(_("法律状态"), max_length=20, blank=True, default="有效")
    history = HistoricalRecords()

    town_lookup = "owner__town"
    initials_source = "owner_name"
    registry_key = "patents"

    class Meta:
        ordering = ["-granted_on", "number"]
        verbose_name = _("专利")
        verbose_name_plural = _("专利")

    def __str__(self) -> str:
        return self.number


class IPTraining(RegistryModel):
    title = models.CharField(_("培训名称"), max_length=200)
    held_on = models.DateField(_("举办日期"))
    organiser = models.CharField(_("主办单位"), max_length=200, blank=True)
    history = HistoricalRecords()

    town_lookup = None
    town_reads_all = True
    initials_source = "title"
    registry_key = "ip-trainings"

    class Meta:
        ordering = ["-held_on", "title"]
        verbose_name = _("知识产权培训")
        verbose_name_plural = _("知识产权培训")

    def __str__(self) -> str:
        return f"{self.title}（{self.held_on}）"


class IPTrainingAttendance(RegistryModel):
    training = models.ForeignKey(
        IPTraining, verbose_name=_("培训"), on_delete=models.CASCADE, related_name="attendances"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("参训企业"), on_delete=models.CASCADE, related_name="ip_trainings"
    )
    history = HistoricalRecords()

    initials_source = "enterprise_name"
    registry_key = "ip-attendances"

    class Meta:
        ordering = ["training_id", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["training", "enterprise"], name="reg_uniq_attendance")]
        verbose_name = _("知识产权培训参训企业")
        verbose_name_plural = _("知识产权培训参训企业")

    def __str__(self) -> str:
        return f"{self.training} · {self.enterprise}"

    @property
    def enterprise_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else ""
