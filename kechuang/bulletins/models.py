"""Quarterly bulletins (季通报): drafted from the supervision data, edited by the office, issued."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kechuang.core.models import TimeStampedModel, VersionedModel
from kechuang.core.scoping import ScopedManager, plan_work_rule


class BulletinStatus(models.TextChoices):
    # Generated from the data; the office edits the narrative and may regenerate it.
    DRAFT = "draft", _("草稿")
    # Numbered, data frozen, document stored; never changes again.
    ISSUED = "issued", _("已印发")


class Bulletin(TimeStampedModel, VersionedModel):
    plan = models.ForeignKey("plans.Plan", verbose_name=_("方案"), on_delete=models.CASCADE, related_name="bulletins")
    year = models.PositiveIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    as_of = models.DateField(_("数据截止日期"))
    issue_no = models.PositiveIntegerField(_("期号"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT)
    summary = models.TextField(_("总体情况"), blank=True)
    highlights = models.JSONField(_("工作亮点"), default=list, blank=True)  # [{"key", "text"}] picked by the office
    problems = models.JSONField(_("存在问题"), default=list, blank=True)  # [{"key", "text"}] picked by the office
    next_steps = models.TextField(_("下步工作安排"), blank=True)
    snapshot = models.JSONField(_("数据快照"), default=dict, blank=True)
    docx_name = models.CharField(_("文档存储名"), max_length=80, blank=True, editable=False)
    pdf_name = models.CharField(_("PDF 存储名"), max_length=80, blank=True, editable=False)
    # The PDF is made by the task worker (LibreOffice takes seconds): the page polls this state. A draft's PDF is
    # valid for the version it was made from; a job whose worker died is failed by kechuang.core.jobs.
    pdf_state = models.CharField(_("PDF 生成状态"), max_length=10, blank=True, editable=False)
    pdf_error = models.CharField(_("PDF 生成错误"), max_length=300, blank=True, editable=False)
    pdf_version = models.PositiveIntegerField(_("PDF 对应版本"), null=True, blank=True, editable=False)
    pdf_runner = models.CharField(_("PDF 执行进程"), max_length=120, blank=True, editable=False)
    pdf_started = models.DateTimeField(_("PDF 开始时间"), null=True, blank=True, editable=False)
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("印发人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["plan", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "quarter"], name="uniq_bulletin_quarter"),
            models.UniqueConstraint(fields=["plan", "year", "issue_no"], condition=Q(issue_no__isnull=False),
                                    name="uniq_bulletin_issue_no"),
        ]
        verbose_name = _("季度通报")
        verbose_name_plural = _("季度通报")

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度通报"

    @classmethod
    def scope_rule(cls, user, action):
        # The office drafts and issues; leaders read issued bulletins only.
        return plan_work_rule(user, action, leader_rule=Q(status=BulletinStatus.ISSUED))

    @property
    def is_issued(self) -> bool:
        return self.status == BulletinStatus.ISSUED

    @property
    def issue_label(self) -> str:
        if self.issue_no:
            return f"{self.year}年第{self.issue_no}期"
        return "（草稿）"  # a draft carries no number (GB/T 9704): never an empty "第 期"

    @property
    def quarter_code(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @staticmethod
    def file_key(name: str) -> str:
        """Where a stored document lives in the private storage (same relative path as on disk before)."""
        return f"bulletins/{name}"
