"""Enterprises and what they hold: yearly figures, high-tech certificates, tech-SME registrations, labels."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import MONEY, RegistryModel

# ----------------------------------------------------------------------------- enterprises


class Enterprise(RegistryModel):
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    uscc_warning = models.BooleanField(
        _("代码校验位存疑"), default=False, help_text=_("校验位不符合 GB 32100（早期试点代码可能如此），已接受但需核实")
    )
    name = models.CharField(_("企业名称"), max_length=200)
    town = models.ForeignKey(
        "org.Unit",
        verbose_name=_("所在镇办/开发区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
        db_index=False,  # the (town, …) indexes below serve every lookup by town: one index less per import row
    )
    industry_code = models.CharField(_("行业代码"), max_length=10, blank=True)
    industry_name = models.CharField(_("所属行业"), max_length=100, blank=True)
    is_above_scale = models.BooleanField(_("规上企业"), default=False)
    is_industrial = models.BooleanField(_("工业企业"), default=False)
    registered_on = models.DateField(_("成立日期"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    is_active = models.BooleanField(_("存续"), default=True)
    history = HistoricalRecords()

    town_lookup = "town"
    registry_key = "enterprises"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        indexes = [
            # The list's default order: its first page read from the index, not by sorting every enterprise
            # (86 ms at 100,000 enterprises on PostgreSQL).
            models.Index(fields=["name", "id"], name="reg_ent_name"),
            models.Index(fields=["town", "name"], name="reg_ent_town_name"),
            # The registry-computed indicators count and join 规上 (active, industrial) enterprises: with is_active
            # and the id in the key, PostgreSQL answers them from this index alone (index-only scans) instead of
            # reading 2,000+ heap pages at 100,000 enterprises (the bundled plan's cold dashboard: 105 → 95 ms).
            models.Index(fields=["is_above_scale", "is_industrial", "is_active", "id"], name="reg_ent_scale_v2"),
            # A town's 规上/工业 enterprises (the list's usual filters): counted for the pager from the index alone
            # on SQLite, without reading every row of the town.
            models.Index(fields=["town", "is_above_scale", "is_industrial"], name="reg_ent_town_scale"),
        ]

    def __str__(self) -> str:
        return self.name


class EnterpriseYear(RegistryModel):
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="years")
    year = models.PositiveIntegerField(_("年度"))
    revenue = models.DecimalField(_("营业收入（元）"), null=True, blank=True, **MONEY)
    rd_expense = models.DecimalField(_("研发费用（元）"), null=True, blank=True, **MONEY)
    rd_domestic = models.DecimalField(_("境内研发费用（元）"), null=True, blank=True, **MONEY)
    hightech_revenue = models.DecimalField(_("高新技术产品收入（元）"), null=True, blank=True, **MONEY)
    total_cost = models.DecimalField(_("成本费用总额（元）"), null=True, blank=True, **MONEY)
    total_assets = models.DecimalField(_("资产总额（元）"), null=True, blank=True, **MONEY)
    net_assets = models.DecimalField(_("净资产（元）"), null=True, blank=True, **MONEY)
    employees = models.PositiveIntegerField(_("职工人数"), null=True, blank=True)
    tech_staff = models.PositiveIntegerField(_("科技人员数"), null=True, blank=True)
    rd_deduction_claimed = models.BooleanField(_("享受研发费用加计扣除"), default=False)
    history = HistoricalRecords()

    initials_source = "enterprise_name"
    registry_key = "enterprise-years"

    class Meta:
        ordering = ["-year", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="reg_uniq_enterprise_year")]
        verbose_name = _("企业年度数据")
        verbose_name_plural = _("企业年度数据")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年"

    @property
    def enterprise_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else ""


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已撤销")


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class HighTechCertificate(RegistryModel):
    """高新技术企业证书: valid three years from the issue date (valid while issued_on ≤ d < expires_on)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="hightech_certificates"
    )
    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    is_first_recognition = models.BooleanField(_("首次认定"), default=True)
    history = HistoricalRecords()

    initials_source = "number"
    registry_key = "certificates"

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("高新技术企业证书")
        verbose_name_plural = _("高新技术企业证书")
        indexes = [models.Index(fields=["issued_on", "expires_on"], name="reg_cert_dates")]

    def __str__(self) -> str:
        return f"{self.number}（{self.enterprise}）"

    def save(self, *args, **kwargs):
        if self.issued_on and not self.expires_on:
            self.expires_on = add_years(self.issued_on, 3)
        super().save(*args, **kwargs)

    @staticmethod
    def valid_at_q(day: dt.date, prefix: str = "") -> Q:
        return Q(**{f"{prefix}issued_on__lte": day, f"{prefix}expires_on__gt": day}) & ~Q(
            **{f"{prefix}status": CertificateStatus.REVOKED}
        )


class TechSMERegistration(RegistryModel):
    """科技型中小企业入库登记: valid for its year only."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="tech_sme_registrations"
    )
    number = models.CharField(_("登记编号"), max_length=40)
    year = models.PositiveIntegerField(_("年度"))
    registered_on = models.DateField(_("入库日期"), null=True, blank=True)
    history = HistoricalRecords()

    initials_source = "number"
    registry_key = "tech-smes"

    class Meta:
        ordering = ["-year", "number"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="reg_uniq_sme_year")]
        verbose_name = _("科技型中小企业登记")
        verbose_name_plural = _("科技型中小企业登记")

    def __str__(self) -> str:
        return f"{self.number}（{self.year}年）"


class LabelKind(models.TextChoices):
    SPECIALISED = "专精特新", _("专精特新")
    GAZELLE = "瞪羚", _("瞪羚企业")
    UNICORN = "独角兽", _("独角兽企业")
    MOOSE = "驼鹿", _("驼鹿企业")
    LISTING = "上市阶段", _("上市阶段")
    KEY = "重点骨干", _("重点骨干企业")


class EnterpriseLabel(RegistryModel):
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="labels")
    kind = models.CharField(_("类型"), max_length=10, choices=LabelKind.choices)
    level = models.CharField(_("级别/阶段"), max_length=40, blank=True)
    year = models.PositiveIntegerField(_("年度"), null=True, blank=True)
    history = HistoricalRecords()

    initials_source = "kind"
    registry_key = "labels"

    class Meta:
        ordering = ["enterprise_id", "kind"]
        verbose_name = _("企业称号")
        verbose_name_plural = _("企业称号")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.kind}{self.level}"
