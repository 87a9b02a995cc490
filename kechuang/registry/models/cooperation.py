"""Technology transactions and cooperation: contracts, achievement transfers, university agreements,
commissioners (科技特派员) and their service logs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import MONEY, RegistryModel
from .enterprise import Enterprise

# --------------------------------------------------------------------------- transactions

CONTRACT_KINDS = ["技术开发", "技术转让", "技术许可", "技术咨询", "技术服务"]


class TechContract(RegistryModel):
    number = models.CharField(_("合同登记编号"), max_length=50, unique=True)
    kind = models.CharField(_("合同类型"), max_length=10, choices=[(k, k) for k in CONTRACT_KINDS])
    seller = models.CharField(_("卖方"), max_length=200)
    buyer = models.CharField(_("买方"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("本地企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
    )
    amount = models.DecimalField(_("成交金额（元）"), **MONEY)
    registered_on = models.DateField(_("登记日期"))
    history = HistoricalRecords()

    initials_source = "seller"
    registry_key = "contracts"

    class Meta:
        ordering = ["-registered_on", "number"]
        verbose_name = _("技术合同")
        verbose_name_plural = _("技术合同")

    def __str__(self) -> str:
        return self.number


class AchievementTransfer(RegistryModel):
    title = models.CharField(_("成果名称"), max_length=200)
    source_institution = models.CharField(_("成果来源单位"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("承接企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfers",
    )
    way = models.CharField(_("转化方式"), max_length=30, blank=True)
    amount = models.DecimalField(_("金额（元）"), null=True, blank=True, **MONEY)
    transferred_on = models.DateField(_("转化日期"))
    history = HistoricalRecords()

    initials_source = "title"
    registry_key = "transfers"

    class Meta:
        ordering = ["-transferred_on", "title"]
        verbose_name = _("科技成果转化")
        verbose_name_plural = _("科技成果转化")

    def __str__(self) -> str:
        return self.title


class UniversityAgreement(RegistryModel):
    university = models.CharField(_("高校/院所"), max_length=200)
    signed_on = models.DateField(_("签约日期"))
    scope = models.TextField(_("合作内容"), blank=True)
    results = models.TextField(_("合作成果"), blank=True)
    has_substantive_results = models.BooleanField(_("取得实质性成果"), default=False)
    history = HistoricalRecords()

    town_lookup = None
    initials_source = "university"
    registry_key = "agreements"

    class Meta:
        ordering = ["-signed_on", "university"]
        verbose_name = _("校地合作协议")
        verbose_name_plural = _("校地合作协议")

    def __str__(self) -> str:
        return f"{self.university}（{self.signed_on}）"


class Commissioner(RegistryModel):
    """科技特派员."""

    name = models.CharField(_("姓名"), max_length=50)
    dispatching_body = models.CharField(_("派出单位"), max_length=200)
    service_town = models.ForeignKey(
        "org.Unit",
        verbose_name=_("服务镇办"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commissioners",
    )
    service_target = models.CharField(_("服务对象（村/企业）"), max_length=200, blank=True)
    term_start = models.DateField(_("服务开始"), null=True, blank=True)
    term_end = models.DateField(_("服务结束"), null=True, blank=True)
    history = HistoricalRecords()

    town_lookup = "service_town"
    registry_key = "commissioners"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("科技特派员")
        verbose_name_plural = _("科技特派员")

    def __str__(self) -> str:
        return self.name


class CommissionerLog(RegistryModel):
    commissioner = models.ForeignKey(
        Commissioner, verbose_name=_("科技特派员"), on_delete=models.CASCADE, related_name="logs"
    )
    served_on = models.DateField(_("服务日期"))
    content = models.TextField(_("服务内容"))
    history = HistoricalRecords()

    town_lookup = "commissioner__service_town"
    initials_source = "content"
    registry_key = "commissioner-logs"

    class Meta:
        ordering = ["-served_on", "id"]
        verbose_name = _("特派员服务记录")
        verbose_name_plural = _("特派员服务记录")

    def __str__(self) -> str:
        return f"{self.commissioner} {self.served_on}"
