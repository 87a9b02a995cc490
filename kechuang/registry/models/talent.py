"""Talents (ID and phone encrypted) and teams."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import PiiMixin, RegistryModel, encrypt_pii, pii_hash
from .enterprise import Enterprise

# ---------------------------------------------------------------------------------- people

TALENT_CATEGORIES = ["高端人才", "高端团队成员", "科技副总", "炎帝人才计划", "拔尖人才", "其他"]


class Talent(PiiMixin, RegistryModel):
    name = models.CharField(_("姓名"), max_length=50)
    id_number_enc = models.TextField(_("身份证号（密文）"), blank=True, default="", editable=False)
    id_hash = models.CharField(_("身份证号摘要"), max_length=64, unique=True, null=True, blank=True, editable=False)
    phone_enc = models.TextField(_("电话（密文）"), blank=True, default="", editable=False)
    phone_hash = models.CharField(_("电话摘要"), max_length=64, null=True, blank=True, db_index=True, editable=False)
    education = models.CharField(_("学历"), max_length=20, blank=True)
    title = models.CharField(_("职称"), max_length=50, blank=True)
    field = models.CharField(_("专业领域"), max_length=100, blank=True)
    employer = models.ForeignKey(
        Enterprise,
        verbose_name=_("工作单位（企业）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="talents",
    )
    employer_name = models.CharField(_("工作单位"), max_length=200, blank=True)
    category = models.CharField(_("人才类别"), max_length=20, choices=[(c, c) for c in TALENT_CATEGORIES])
    introduced_on = models.DateField(_("引进日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, blank=True, default="在岗")
    history = HistoricalRecords()

    town_lookup = "employer__town"
    registry_key = "talents"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("科技人才")
        verbose_name_plural = _("科技人才")

    def __str__(self) -> str:
        return self.name

    def set_id_number(self, value: str) -> None:
        self.id_number_enc = encrypt_pii(value)
        self.id_hash = pii_hash(value)


class Team(RegistryModel):
    name = models.CharField(_("团队名称"), max_length=200)
    leader = models.CharField(_("带头人"), max_length=50)
    category = models.CharField(_("类别"), max_length=20, default="高端团队")
    introduced_on = models.DateField(_("引进日期"), null=True, blank=True)
    employer = models.ForeignKey(
        Enterprise, verbose_name=_("依托企业"), null=True, blank=True, on_delete=models.SET_NULL, related_name="teams"
    )
    employer_name = models.CharField(_("依托单位"), max_length=200, blank=True)
    history = HistoricalRecords()

    town_lookup = "employer__town"
    registry_key = "teams"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("人才团队")
        verbose_name_plural = _("人才团队")

    def __str__(self) -> str:
        return self.name
