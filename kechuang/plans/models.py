"""The plan as data: tasks, indicators with targets, and who leads and who answers."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kechuang.core.models import TimeStampedModel
from kechuang.core.scoping import ScopedManager, plan_work_rule

from .choices import Comparator, IndicatorKind, PlanStatus, ProgressMode, TaskUnitRole, ValueSource

DEFAULT_SETTINGS = {
    # 四、工作要求 as working rules.
    "leading_group_meeting": "monthly",
    "report_due_day": 5,  # monthly reports are due on this day of the following month
    "supervision": "monthly",
    "bulletin": "quarterly",
    "assessment": "yearly",
    "commendation": "annual",
    "light_yellow_points": 10,  # yellow when 10–30 percentage points behind 序时进度
    "light_red_points": 30,  # red when more than 30 points behind
    "task_milestone_steps": 1,  # an overdue milestone lowers a task's light this many steps (2: straight to red)
    "due_soon_days": 5,  # blue "due soon" this many days before a deadline
    "rank_card_blue_top": 3,  # 蓝牌 for the first three of a ranking group in the bulletin
    "rank_card_yellow_score": 80,  # 黄牌 below this score
    "rank_card_red_score": 60,  # 红牌 below this score
    "population": None,  # residents, for per-10,000 indicators
}


class Plan(TimeStampedModel):
    """One year's work plan of one city (or county)."""

    code = models.SlugField(_("方案编码"), max_length=64, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    year = models.PositiveIntegerField(_("年度"))
    issue_date = models.DateField(_("印发日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    owner_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("所属市县"), on_delete=models.PROTECT, related_name="plans"
    )
    office_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("领导小组办公室"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True)
    preamble = models.TextField(_("导语"), blank=True)
    guiding_text = models.TextField(_("指导思想"), blank=True)
    goals_text = models.TextField(_("工作目标"), blank=True)
    requirements = models.JSONField(_("工作要求"), default=list, blank=True)
    source_text = models.TextField(_("原文"), blank=True)
    settings = models.JSONField(_("工作规则"), default=dict, blank=True)
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("工作方案")
        verbose_name_plural = _("工作方案")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_rule(cls, user, action):
        # Units see the plans they have work in.
        return plan_work_rule(
            user,
            action,
            lambda u: Q(pk__in=TaskUnit.objects.filter(unit_id=u.unit_id).values("task__plan_id"))
            | Q(pk__in=Indicator.objects.filter(owner_unit_id=u.unit_id).values("plan_id")),
        )

    def setting(self, name: str):
        return {**DEFAULT_SETTINGS, **(self.settings or {})}.get(name)


class Task(TimeStampedModel):
    """A task of the plan (（一）推进省级创新型县（市）建设 …), possibly with sub-tasks."""

    plan = models.ForeignKey(Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级任务"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    number = models.CharField(_("序号"), max_length=20)
    seq = models.PositiveIntegerField(_("排序"), default=0)
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("全文"), blank=True)
    lead_text = models.CharField(_("牵头单位（原文）"), max_length=500, blank=True)
    responsible_text = models.CharField(_("责任单位（原文）"), max_length=1000, blank=True)
    is_key = models.BooleanField(_("重点任务"), default=False)
    units = models.ManyToManyField("org.Unit", through="TaskUnit", related_name="tasks", verbose_name=_("单位"))
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["plan", "seq"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="uniq_task_number")]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")

    def __str__(self) -> str:
        return f"{self.number}{self.title}"

    @classmethod
    def scope_rule(cls, user, action):
        # A unit sees the tasks it leads or answers for.
        return plan_work_rule(
            user, action, lambda u: Q(pk__in=TaskUnit.objects.filter(unit_id=u.unit_id).values("task_id"))
        )

    def lead_units(self):
        return [tu.unit for tu in self.task_units.all() if tu.role == TaskUnitRole.LEAD]

    def responsible_units(self):
        return [tu.unit for tu in self.task_units.all() if tu.role == TaskUnitRole.RESPONSIBLE]


class TaskUnit(models.Model):
    """A unit's part in a task: lead (牵头) or responsible (责任)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_units")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="task_roles")
    role = models.CharField(_("角色"), max_length=12, choices=TaskUnitRole.choices)
    seq = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["task", "role", "seq"]
        constraints = [models.UniqueConstraint(fields=["task", "unit", "role"], name="uniq_task_unit_role")]
        verbose_name = _("任务分工")
        verbose_name_plural = _("任务分工")

    def __str__(self) -> str:
        return f"{self.task.number} {self.get_role_display()} {self.unit}"


class Indicator(TimeStampedModel):
    """A quantitative target of the plan."""

    plan = models.ForeignKey(Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("指标编码"), max_length=64)
    seq = models.PositiveIntegerField(_("排序"), default=0)
    name = models.CharField(_("指标名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    measure = models.CharField(_("计量单位"), max_length=10)
    kind = models.CharField(_("类型"), max_length=10, choices=IndicatorKind.choices)
    comparator = models.CharField(_("比较"), max_length=2, choices=Comparator.choices, default=Comparator.GTE)
    target = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4)
    baseline = models.DecimalField(_("基期值"), max_digits=20, decimal_places=4, null=True, blank=True)
    progress_mode = models.CharField(
        _("进度方式"), max_length=12, choices=ProgressMode.choices, default=ProgressMode.CUMULATIVE
    )
    source = models.CharField(_("数据来源"), max_length=12, choices=ValueSource.choices, default=ValueSource.REPORTED)
    metric = models.CharField(_("计算方法"), max_length=64, blank=True, help_text=_("资源库计算指标使用的计算名称"))
    metric_params = models.JSONField(_("计算参数"), default=dict, blank=True)
    owner_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="owned_indicators",
    )
    tasks = models.ManyToManyField(Task, verbose_name=_("对应任务"), related_name="indicators", blank=True)
    sentence = models.TextField(_("原文语句"), blank=True)
    part_of = models.ForeignKey(
        "self", verbose_name=_("所属总量指标"), null=True, blank=True, on_delete=models.SET_NULL, related_name="parts",
        help_text=_("本指标是另一指标的组成部分（如新认定 + 重新认定 ≤ 总数）"),
    )
    min_value = models.DecimalField(_("下限"), max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("上限"), max_digits=20, decimal_places=4, null=True, blank=True)
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["plan", "seq"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="uniq_indicator_code")]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_rule(cls, user, action):
        # A unit sees the indicators it owns and those of the tasks it works on.
        return plan_work_rule(
            user,
            action,
            lambda u: Q(owner_unit_id=u.unit_id)
            | Q(
                pk__in=Indicator.tasks.through.objects.filter(
                    task__in=TaskUnit.objects.filter(unit_id=u.unit_id).values("task_id")
                ).values("indicator_id")
            ),
        )

    @property
    def target_display(self) -> str:
        value = self.target.normalize() if isinstance(self.target, Decimal) else self.target
        text = f"{value:f}" if isinstance(value, Decimal) else str(value)
        return f"{self.get_comparator_display() if self.comparator != Comparator.GTE else ''}{text}{self.measure}"


class IndicatorShare(models.Model):
    """A unit's share of an indicator's target (任务细化到相关部门)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="shares")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="indicator_shares")
    target = models.DecimalField(_("分解目标"), max_digits=20, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "unit"]
        constraints = [models.UniqueConstraint(fields=["indicator", "unit"], name="uniq_indicator_share")]
        verbose_name = _("指标分解")
        verbose_name_plural = _("指标分解")

    def __str__(self) -> str:
        return f"{self.indicator} · {self.unit}: {self.target}"


class ExtractionJob(models.Model):
    """One uploaded plan document waiting for, or done with, extraction by the task worker.

    Reading a .doc/.wps/.pdf goes through LibreOffice or a PDF parser (seconds), so the upload only stores the
    file (private storage: any worker node can read it) and this row; the page polls the state. A job whose
    worker died is failed by kechuang.core.jobs.recover_interrupted."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("提取中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    created_by = models.ForeignKey("accounts.User", verbose_name=_("上传人"), on_delete=models.CASCADE,
                                   related_name="+")
    filename = models.CharField(_("文件名"), max_length=255)
    file_key = models.CharField(_("存储名"), max_length=120, blank=True)
    code = models.CharField(_("方案编码"), max_length=64, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    plan = models.ForeignKey(Plan, verbose_name=_("方案草稿"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    runner = models.CharField(_("执行进程"), max_length=120, blank=True)
    started = models.DateTimeField(_("开始时间"), null=True, blank=True)
    created = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("方案提取任务")
        verbose_name_plural = _("方案提取任务")

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_state_display()}）"
