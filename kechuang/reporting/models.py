"""Monthly reporting: periods, task reports, indicator values, evidence, events and milestones.

Scope (see ``scope_rule`` on each model; every view, export and API goes through ``restrict``):

- a unit's reporter or reviewer sees every row of its own unit, drafts included;
- a lead unit (TaskUnit role lead) sees other units' rows on the tasks it leads, never drafts;
- the owner unit of an indicator sees other units' values of that indicator, never drafts;
- the office and leaders see every row that is not a draft (plus the office's own unit's rows);
- nobody ever sees another unit's draft.

Only the unit itself (its own rows) and the office change rows; leaders only read.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kechuang.core import files as private_files
from kechuang.core.models import TimeStampedModel, VersionedModel
from kechuang.core.predicates import is_office, sees_everything
from kechuang.core.scoping import CHANGE, ScopedManager, is_unit_member, plan_work_rule
from kechuang.plans.choices import TaskUnitRole
from kechuang.plans.models import Indicator, Plan, TaskUnit

from .choices import PeriodStatus, PrefillSource, PreviewStatus, ReportAction, SubmissionStatus


def _lead_unit_ids(task_ids) -> set[int]:
    return set(TaskUnit.objects.filter(task_id__in=task_ids, role=TaskUnitRole.LEAD).values_list("unit_id", flat=True))


def _lead_task_ids(user):
    return TaskUnit.objects.filter(unit_id=user.unit_id, role=TaskUnitRole.LEAD).values("task_id")


def _not_draft() -> Q:
    return ~Q(status=SubmissionStatus.DRAFT)


class Period(models.Model):
    """One reporting month of a plan (DHIS2 monthly period, code ``202205``)."""

    plan = models.ForeignKey("plans.Plan", verbose_name=_("方案"), on_delete=models.CASCADE, related_name="periods")
    year = models.PositiveIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    opens_on = models.DateField(_("开始填报"))
    due_on = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["plan", "year", "month"]
        constraints = [models.UniqueConstraint(fields=["plan", "year", "month"], name="uniq_period_plan_month")]
        verbose_name = _("填报期")
        verbose_name_plural = _("填报期")

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def code(self) -> str:
        return f"{self.year:04d}{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the month the period covers."""
        nxt = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN

    @classmethod
    def scope_rule(cls, user, action):
        # Everyone who reads the plan reads its periods; only the office opens and closes them.
        if action == CHANGE:
            return is_office(user)
        decision = Plan.scope_rule(user, action)
        if decision is True or decision is False or decision is None:
            return decision
        return Q(plan__in=Plan.objects.filter(decision).values("pk"))


class ReportBase(TimeStampedModel, VersionedModel):
    """Columns shared by task reports and indicator values: the workflow and who moved it."""

    status = models.CharField(
        _("状态"), max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField(_("退回原因"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_locked(self) -> bool:
        return self.status == SubmissionStatus.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


class TaskReport(ReportBase):
    """A unit's monthly progress report on one task."""

    plan = models.ForeignKey("plans.Plan", verbose_name=_("方案"), on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey("plans.Task", verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey("org.Unit", verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, verbose_name=_("填报期"), on_delete=models.PROTECT, related_name="task_reports")
    percent_complete = models.DecimalField(
        _("完成进度（%）"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    narrative = models.TextField(_("进展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步打算"), blank=True)
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["period", "task__seq", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit", "period"], name="uniq_task_report"),
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True)
                | (Q(percent_complete__gte=0) & Q(percent_complete__lte=100)),
                name="task_report_percent_0_100",
            ),
        ]
        indexes = [models.Index(fields=["plan", "period", "unit"], name="task_report_plan_period_unit")]
        verbose_name = _("任务进展报告")
        verbose_name_plural = _("任务进展报告")

    def __str__(self) -> str:
        return f"{self.period} {self.unit} · {self.task}"

    def reviewer_unit_ids(self) -> set[int]:
        """The units whose reviewers approve this row (``is_lead_reviewer``): those leading its task."""
        return _lead_unit_ids([self.task_id])

    @classmethod
    def scope_rule(cls, user, action):
        own = Q(unit_id=user.unit_id) if is_unit_member(user) else Q(pk__in=[])
        if is_office(user):
            return own | _not_draft()
        if action == CHANGE:
            return own if is_unit_member(user) else False
        if sees_everything(user):
            return _not_draft()
        if is_unit_member(user):
            return own | (Q(task_id__in=_lead_task_ids(user)) & _not_draft())
        return False


class IndicatorValue(ReportBase):
    """A unit's value of one indicator for one month (one row per indicator, unit and period)."""

    plan = models.ForeignKey("plans.Plan", verbose_name=_("方案"), on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(
        "plans.Indicator", verbose_name=_("指标"), on_delete=models.CASCADE, related_name="values"
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(
        Period, verbose_name=_("填报期"), on_delete=models.PROTECT, related_name="indicator_values"
    )
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4, null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    prefilled_from = models.CharField(
        _("预填来源"), max_length=20, choices=PrefillSource.choices, default=PrefillSource.NONE, blank=True
    )
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["period", "indicator__seq", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["indicator", "unit", "period"], name="uniq_indicator_value")]
        indexes = [models.Index(fields=["plan", "period", "unit"], name="ind_value_plan_period_unit")]
        verbose_name = _("指标数据")
        verbose_name_plural = _("指标数据")

    def __str__(self) -> str:
        return f"{self.period} {self.unit} · {self.indicator}"

    def reviewer_unit_ids(self) -> set[int]:
        """The units whose reviewers approve this value (``is_lead_reviewer``): the indicator's owner and the units
        leading its tasks."""
        return {self.indicator.owner_unit_id} | _lead_unit_ids(self.indicator.tasks.values("pk"))

    @classmethod
    def scope_rule(cls, user, action):
        own = Q(unit_id=user.unit_id) if is_unit_member(user) else Q(pk__in=[])
        if is_office(user):
            return own | _not_draft()
        if action == CHANGE:
            return own if is_unit_member(user) else False
        if sees_everything(user):
            return _not_draft()
        if is_unit_member(user):
            led = Indicator.tasks.through.objects.filter(task_id__in=_lead_task_ids(user)).values("indicator_id")
            return own | (
                (Q(indicator__owner_unit_id=user.unit_id) | Q(indicator_id__in=led)) & _not_draft()
            )
        return False


class Evidence(models.Model):
    """A file attached to a task report, stored outside the web root under a random name."""

    task_report = models.ForeignKey(
        TaskReport, verbose_name=_("任务进展报告"), on_delete=models.CASCADE, related_name="evidence"
    )
    stored_name = models.CharField(_("存储名"), max_length=64, unique=True, editable=False)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    # Word/Excel/WPS files get a PDF preview made by the task worker (see reporting.evidence.build_preview).
    preview_status = models.CharField(_("预览状态"), max_length=12, choices=PreviewStatus.choices, default="",
                                      blank=True, editable=False)
    preview_name = models.CharField(_("预览存储名"), max_length=80, blank=True, editable=False)
    preview_error = models.CharField(_("预览失败原因"), max_length=300, blank=True, editable=False)
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["task_report", "uploaded_at", "pk"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def scope_rule(cls, user, action):
        decision = TaskReport.scope_rule(user, action)
        if decision is True or decision is False or decision is None:
            return decision
        return Q(task_report__in=TaskReport.objects.filter(decision).values("pk"))

    @property
    def storage_name(self) -> str:
        """The file's name in the private storage (the same relative path it had on disk before storages)."""
        return f"evidence/{self.stored_name}"

    def open_file(self):
        """The stored original, opened for streaming; FileNotFoundError when the storage lacks it."""
        return private_files.open_private(self.storage_name)

    def open_preview(self):
        """The PDF preview of a Word/Excel/WPS file; FileNotFoundError when there is none (yet)."""
        if self.preview_status != PreviewStatus.READY or not self.preview_name:
            raise FileNotFoundError(self.storage_name)
        return private_files.open_private(self.preview_name)

    @property
    def preview_note(self) -> str:
        """What a reader is told about the preview, in Chinese ("" when the file is its own preview)."""
        if self.preview_status == PreviewStatus.UNAVAILABLE:
            return "OFD 版式文件暂不支持在线预览，请下载后用 OFD 阅读器（如数科阅读器）打开"
        if self.preview_status == PreviewStatus.PENDING:
            return "预览生成中，请稍后刷新"
        if self.preview_status == PreviewStatus.FAILED:
            return f"无法生成预览（{self.preview_error or '转换失败'}），请下载原文件查看"
        return ""


class ReportEvent(models.Model):
    """One step in the life of a task report or an indicator value (written by every service)."""

    task_report = models.ForeignKey(
        TaskReport, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    indicator_value = models.ForeignKey(
        IndicatorValue, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("动作"), max_length=20, choices=ReportAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    time = models.DateTimeField(_("时间"), default=timezone.now)
    reason = models.TextField(_("原因"), blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    objects = ScopedManager()

    class Meta:
        ordering = ["time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(task_report__isnull=False, indicator_value__isnull=True)
                | Q(task_report__isnull=True, indicator_value__isnull=False),
                name="report_event_one_target",
            )
        ]
        verbose_name = _("填报记录")
        verbose_name_plural = _("填报记录")

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.get_action_display()}"

    @property
    def report(self):
        return self.task_report or self.indicator_value

    @classmethod
    def scope_rule(cls, user, action):
        if action == CHANGE:
            return False  # events are append-only
        tr = TaskReport.scope_rule(user, action)
        iv = IndicatorValue.scope_rule(user, action)
        if tr is True and iv is True:
            return True
        q = Q(pk__in=[])
        if tr is True:
            q |= Q(task_report__isnull=False)
        elif isinstance(tr, Q):
            q |= Q(task_report__in=TaskReport.objects.filter(tr).values("pk"))
        if iv is True:
            q |= Q(indicator_value__isnull=False)
        elif isinstance(iv, Q):
            q |= Q(indicator_value__in=IndicatorValue.objects.filter(iv).values("pk"))
        return q


class Milestone(TimeStampedModel, VersionedModel):
    """A step of a unit's work plan for a task (工期倒排): who does what by when."""

    task = models.ForeignKey("plans.Task", verbose_name=_("任务"), on_delete=models.CASCADE, related_name="milestones")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("节点"), max_length=200)
    responsible_person = models.CharField(_("责任人"), max_length=50)
    deadline = models.DateField(_("完成时限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["task", "unit", "deadline", "pk"]
        indexes = [models.Index(fields=["unit", "deadline"], name="milestone_unit_deadline")]
        verbose_name = _("工作节点")
        verbose_name_plural = _("工作节点（工期倒排）")

    def __str__(self) -> str:
        return f"{self.title}（{self.responsible_person}，{self.deadline:%Y-%m-%d}）"

    def overdue(self, as_of: dt.date) -> bool:
        """Past its deadline and not done by ``as_of``."""
        if self.done_on is not None and self.done_on <= as_of:
            return False
        return self.deadline < as_of

    @classmethod
    def overdue_q(cls, as_of: dt.date) -> Q:
        return Q(deadline__lt=as_of) & (Q(done_on__isnull=True) | Q(done_on__gt=as_of))

    @classmethod
    def scope_rule(cls, user, action):
        # A unit keeps its own milestones and reads those of the tasks it leads.
        return plan_work_rule(user, action, lambda u: Q(unit_id=u.unit_id) | Q(task_id__in=_lead_task_ids(u)),
                              unit_change_rule=lambda u: Q(unit_id=u.unit_id))


__all__ = [
    "Evidence", "IndicatorValue", "Milestone", "Period", "PeriodStatus", "ReportAction", "ReportEvent",
    "SubmissionStatus", "TaskReport",
]
