"""R&D institutions and innovation platforms hosted by enterprises."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import RegistryModel
from .enterprise import Enterprise


class Level(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    PREFECTURE = "prefecture", _("市（州）级")
    COUNTY = "county", _("县（市）级")


class RDInstitution(RegistryModel):
    """An enterprise's R&D institution (研发机构)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="rd_institutions"
    )
    name = models.CharField(_("机构名称"), max_length=200)
    kind = models.CharField(_("机构类型"), max_length=50, blank=True)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices, blank=True)
    recognised_on = models.DateField(_("认定日期"), null=True, blank=True)
    history = HistoricalRecords()

    registry_key = "rd-institutions"

    class Meta:
        ordering = ["enterprise_id", "name"]
        verbose_name = _("企业研发机构")
        verbose_name_plural = _("企业研发机构")

    def __str__(self) -> str:
        return self.name


PLATFORM_KINDS = [
    "企校联合创新中心",
    "企业技术中心",
    "工程(技术)研究中心",
    "院士专家工作站",
    "产业研究院",
    "重点实验室",
    "星创天地",
    "众创空间",
    "科技企业孵化器",
    "其他",
]


class Platform(RegistryModel):
    name = models.CharField(_("平台名称"), max_length=200)
    kind = models.CharField(_("平台类型"), max_length=30, choices=[(k, k) for k in PLATFORM_KINDS])
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    host = models.ForeignKey(
        Enterprise,
        verbose_name=_("依托企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="platforms",
    )
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    recognised_on = models.DateField(_("认定日期"), null=True, blank=True)
    upgrade_target = models.CharField(_("升级目标"), max_length=100, blank=True)
    history = HistoricalRecords()

    town_lookup = "host__town"
    registry_key = "platforms"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("创新平台")
        verbose_name_plural = _("创新平台")

    def __str__(self) -> str:
        return self.name
