"""Operational records of the registry: import jobs and key conflicts (not registry data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kechuang.core.predicates import is_office

# ---------------------------------------------------------------------------- import jobs


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    VALIDATING = "validating", _("校验中")
    INVALID = "invalid", _("有错误")
    VALID = "valid", _("校验通过，待提交")
    COMMITTING = "committing", _("写入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ImportJob(models.Model):
    """One uploaded workbook and its progress (an operational record, not registry data: no history)."""

    registry = models.CharField(_("资源库"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="registry_imports"
    )
    filename = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容"), editable=False)
    status = models.CharField(_("状态"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    commit_requested = models.BooleanField(_("提交写入"), default=False)
    progress = models.PositiveIntegerField(_("进度（%）"), default=0)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    errors = models.JSONField(_("错误"), default=list)
    warnings = models.JSONField(_("提示"), default=list)
    summary = models.JSONField(_("结果"), default=dict)
    created = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Which task process runs the job ("host:pid") and when it last made progress: a job whose process is gone is
    # failed by kechuang.core.jobs.recover_interrupted instead of staying "写入中" forever.
    runner = models.CharField(_("执行进程"), max_length=120, blank=True)
    heartbeat = models.DateTimeField(_("最近进展"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self) -> str:
        return f"{self.registry} · {self.filename}"

    @classmethod
    def scope_rule(cls, user, action):
        # Only the uploader sees an import job.
        return Q(user_id=user.pk)


class KeyConflict(models.Model):
    """A row a unit tried to register whose key (ID number, USCC, certificate number) is already held by a record
    outside the unit's jurisdiction. The unit is told only that the row went to the office; the office sees
    which record it clashes with and settles it (a transfer, a correction or a refusal)."""

    registry = models.CharField(_("资源库"), max_length=40)
    record_id = models.BigIntegerField(_("已有记录"))
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("提交单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    SOURCES = [("import", "Excel 导入"), ("form", "页面登记"), ("api", "接口")]
    source = models.CharField(_("来源"), max_length=10, choices=SOURCES)
    created = models.DateTimeField(_("提交时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("处理说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["resolved_at", "-created"]
        verbose_name = _("登记冲突")
        verbose_name_plural = _("登记冲突")

    def __str__(self) -> str:
        return f"{self.registry} #{self.record_id}"

    @classmethod
    def scope_rule(cls, user, action):
        # Only the office: a conflict names a record outside the submitting unit's jurisdiction.
        return is_office(user)
