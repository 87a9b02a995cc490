"""Data-quality check results: one run at a time (the latest replaces the previous), one row per
violation of a registry rule or a monthly-value rule, linked to its record and to the unit whose
jurisdiction it belongs to (towns see their own)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.models import Role
from kechuang.core.scoping import VIEW, ScopedManager


class RunStatus(models.TextChoices):
    RUNNING = "running", _("检查中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class QualityRun(models.Model):
    started = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished = models.DateTimeField(_("完成时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    trigger = models.CharField(_("触发"), max_length=20, default="manual")
    rows_checked = models.PositiveIntegerField(_("检查记录数"), default=0)
    seconds = models.FloatField(_("用时（秒）"), null=True, blank=True)
    message = models.CharField(_("说明"), max_length=200, blank=True)
    runner = models.CharField(_("执行进程"), max_length=120, blank=True)  # "host:pid" (kechuang.core.jobs)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("数据质量检查")
        verbose_name_plural = _("数据质量检查")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"数据质量检查 #{self.pk}"

    @classmethod
    def scope_rule(cls, user, action):
        if user.has_role(Role.OFFICE):
            return True
        return action == VIEW and (user.has_role(Role.LEADER) or bool(user.unit_id))


class Severity(models.TextChoices):
    ERROR = "error", _("错误")
    WARNING = "warning", _("提示")


class Violation(models.Model):
    run = models.ForeignKey(QualityRun, on_delete=models.CASCADE, related_name="violations")
    source = models.CharField(_("来源"), max_length=20)  # registry key, or "monthly-values"
    source_label = models.CharField(_("数据类别"), max_length=50)
    object_id = models.PositiveBigIntegerField(_("记录编号"))
    record = models.CharField(_("记录"), max_length=200)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule = models.CharField(_("规则"), max_length=40)
    rule_text = models.CharField(_("规则说明"), max_length=200)
    severity = models.CharField(_("级别"), max_length=10, choices=Severity.choices)
    field = models.CharField(_("字段"), max_length=60, blank=True)
    message = models.CharField(_("问题"), max_length=300)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("数据质量问题")
        verbose_name_plural = _("数据质量问题")
        ordering = ["source", "severity", "pk"]
        indexes = [models.Index(fields=["run", "source", "severity"], name="quality_run_src_sev")]

    def __str__(self) -> str:
        return f"{self.record}：{self.message}"

    @classmethod
    def scope_rule(cls, user, action):
        """The office and leaders see every violation; a unit's users only those of its own records."""
        if user.has_role(Role.OFFICE):
            return True
        if action != VIEW:
            return False
        if user.has_role(Role.LEADER):
            return True
        if user.unit_id and user.has_role(Role.REPORTER, Role.REVIEWER):
            return Q(unit_id=user.unit_id)
        return False
