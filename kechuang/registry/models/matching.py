"""The matching pools: demands, experts (ID and phone encrypted) and achievements."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import PiiMixin, RegistryModel
from .enterprise import Enterprise

# ------------------------------------------------------------------------------ matching


class Demand(RegistryModel):
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="demands")
    title = models.CharField(_("需求名称"), max_length=200)
    description = models.TextField(_("需求描述"), blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    field = models.CharField(_("技术领域"), max_length=100, blank=True)
    posted_on = models.DateField(_("发布日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, default="征集中")
    history = HistoricalRecords()

    initials_source = "title"
    registry_key = "demands"

    class Meta:
        ordering = ["-posted_on", "id"]
        verbose_name = _("企业技术需求")
        verbose_name_plural = _("企业技术需求")

    def __str__(self) -> str:
        return self.title


class Expert(PiiMixin, RegistryModel):
    name = models.CharField(_("姓名"), max_length=50)
    institution = models.CharField(_("所在单位"), max_length=200, blank=True)
    title = models.CharField(_("职称"), max_length=50, blank=True)
    field = models.CharField(_("专业领域"), max_length=100, blank=True)
    keywords = models.CharField(_("研究方向关键词"), max_length=200, blank=True)
    description = models.TextField(_("简介"), blank=True)
    phone_enc = models.TextField(_("联系电话（密文）"), blank=True, default="", editable=False)
    phone_hash = models.CharField(_("电话摘要"), max_length=64, null=True, blank=True, db_index=True, editable=False)
    history = HistoricalRecords()

    town_lookup = None
    town_reads_all = True
    registry_key = "experts"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("专家")
        verbose_name_plural = _("专家")

    def __str__(self) -> str:
        return self.name

    @property
    def contact(self) -> str:
        return self.phone

    @property
    def contact_masked(self) -> str:
        return self.phone_masked


class Achievement(RegistryModel):
    title = models.CharField(_("成果名称"), max_length=200)
    institution = models.CharField(_("完成单位"), max_length=200, blank=True)
    description = models.TextField(_("成果简介"), blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    field = models.CharField(_("技术领域"), max_length=100, blank=True)
    history = HistoricalRecords()

    town_lookup = None
    town_reads_all = True
    initials_source = "title"
    registry_key = "achievements"

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("科技成果")
        verbose_name_plural = _("科技成果")

    def __str__(self) -> str:
        return self.title
