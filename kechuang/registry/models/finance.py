"""Finance: IP pledge financing and public funding."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import MONEY, RegistryModel
from .enterprise import Enterprise


class PledgeFinancing(RegistryModel):
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="pledges")
    bank = models.CharField(_("金融机构"), max_length=100)
    amount = models.DecimalField(_("质押融资金额（元）"), **MONEY)
    pledged_on = models.DateField(_("放款日期"))
    history = HistoricalRecords()

    initials_source = "bank"
    registry_key = "pledges"

    class Meta:
        ordering = ["-pledged_on", "id"]
        verbose_name = _("知识产权质押融资")
        verbose_name_plural = _("知识产权质押融资")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.bank} {self.pledged_on}"


class FundingMode(models.TextChoices):
    UPFRONT = "前期资助", _("前期资助")
    POST = "后补助", _("后补助")


class Funding(RegistryModel):
    programme = models.CharField(_("项目/资金名称"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="fundings"
    )
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    mode = models.CharField(_("方式"), max_length=10, choices=FundingMode.choices)
    granted_on = models.DateField(_("拨付日期"))
    history = HistoricalRecords()

    initials_source = "programme"
    registry_key = "fundings"

    class Meta:
        ordering = ["-granted_on", "id"]
        verbose_name = _("科技资金支持")
        verbose_name_plural = _("科技资金支持")

    def __str__(self) -> str:
        return f"{self.programme} · {self.enterprise}"
