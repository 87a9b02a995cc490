"""Units (org units) as a tree: city → office, departments, towns and streets, development zone."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kechuang.core.models import TimeStampedModel
from kechuang.core.predicates import is_office, is_sysadmin, reads_directory
from kechuang.core.scoping import CHANGE, ScopedManager


class UnitKind(models.TextChoices):
    CITY = "city", _("市（县）")
    OFFICE = "office", _("领导小组办公室")
    PARTY = "party", _("党委部门")
    DEPARTMENT = "department", _("政府部门")
    TOWN = "town", _("镇")
    STREET = "street", _("街道")
    ZONE = "zone", _("开发区")
    OTHER = "other", _("其他")


# Kinds that make up "各镇办" (towns and streets) in plan documents.
TOWN_KINDS = (UnitKind.TOWN, UnitKind.STREET)


class Unit(TimeStampedModel):
    """An organisation unit. ``path`` is a materialised path so a subtree is one prefix query."""

    code = models.SlugField(_("编码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    full_name = models.CharField(_("全称"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=500, db_index=True, editable=False, default="")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_rule(cls, user, action):
        # The unit directory is public within the platform; only the office and the system
        # administrator change it.
        if action == CHANGE:
            return is_office(user) or is_sysadmin(user)
        return reads_directory(user)

    def save(self, *args, **kwargs):
        self.path = self.compute_path()
        super().save(*args, **kwargs)

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.sort_order:04d}.{self.code}/"

    def descendants(self, include_self: bool = True):
        qs = Unit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    @property
    def is_town(self) -> bool:
        return self.kind in TOWN_KINDS


class UnitAlias(models.Model):
    """Another name by which documents and spreadsheets refer to a unit (市科技经信局 = 科技经信局)."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("别名"), max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["alias"]
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")

    def __str__(self) -> str:
        return f"{self.alias} → {self.unit}"


class UnitGroup(models.Model):
    """A collective name such as 各镇办 that stands for every unit of some kinds under a root."""

    root = models.ForeignKey(Unit, verbose_name=_("所属"), on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("名称"), max_length=100)
    kinds = models.JSONField(_("包含的单位类型"), default=list)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        unique_together = [("root", "name")]
        verbose_name = _("单位集合称谓")
        verbose_name_plural = _("单位集合称谓")

    def __str__(self) -> str:
        return self.name

    def members(self):
        return self.root.descendants().filter(kind__in=self.kinds, is_active=True).order_by("path")
