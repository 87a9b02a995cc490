"""Year-end assessment (年终考核) of units, the provincial comprehensive evaluation framework
(对照湖北省市县科技创新综合考评指标) and their frozen results.

The scheme itself is data (``config``, loaded from a YAML file shipped with the app); scores are
computed by ``engine.py`` from the supervision engine and the reporting data and frozen in an
``AssessmentResult`` when the office publishes them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kechuang.core.models import TimeStampedModel
from kechuang.core.scoping import ScopedManager, plan_work_rule


def _office_leader_own_unit(user, action, unit_field: str = "unit_id"):
    return plan_work_rule(user, action, lambda u: Q(**{unit_field: u.unit_id}))


class AssessmentScheme(TimeStampedModel):
    """考核方案: unit groups, indicator weights and methods, task points, deductions, bonus cap."""

    plan = models.ForeignKey("plans.Plan", verbose_name=_("方案"), on_delete=models.CASCADE,
                             related_name="assessment_schemes")
    year = models.PositiveIntegerField(_("考核年度"))
    name = models.CharField(_("名称"), max_length=200)
    config = models.JSONField(_("考核规则"), default=dict)
    source_file = models.CharField(_("来源文件"), max_length=200, blank=True)
    # A run (draft computation or publication) is done by the task worker; the page polls this state. A run
    # whose worker died is failed by kechuang.core.jobs.recover_interrupted. Not part of the scheme's history.
    run_state = models.CharField(_("计算状态"), max_length=10, blank=True, editable=False)
    run_kind = models.CharField(_("计算类型"), max_length=10, blank=True, editable=False)
    run_error = models.CharField(_("计算错误"), max_length=300, blank=True, editable=False)
    run_runner = models.CharField(_("计算进程"), max_length=120, blank=True, editable=False)
    run_started = models.DateTimeField(_("计算开始时间"), null=True, blank=True, editable=False)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("计算发起人"), null=True, blank=True,
                               editable=False, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords(excluded_fields=["run_state", "run_kind", "run_error", "run_runner", "run_started",
                                                 "run_by"])
    objects = ScopedManager()

    class Meta:
        ordering = ["-year", "plan"]
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="uniq_assessment_scheme_year")]
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_rule(cls, user, action):
        # Every unit may read the rules it is assessed by; only the office changes them.
        return plan_work_rule(user, action, lambda u: True)


class AssessmentBonus(TimeStampedModel):
    """加分: an honour entered by the office, with points and reason."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="bonuses")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("加分"), max_digits=6, decimal_places=2)
    reason = models.CharField(_("加分事由"), max_length=300)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["scheme", "unit", "pk"]
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="assessment_bonus_positive")]
        verbose_name = _("考核加分")
        verbose_name_plural = _("考核加分")

    def __str__(self) -> str:
        return f"{self.unit} +{self.points} {self.reason}"

    @classmethod
    def scope_rule(cls, user, action):
        return _office_leader_own_unit(user, action)


class AssessmentVeto(TimeStampedModel):
    """一票否决: the unit's total becomes 0 and it is placed last in its group."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="vetoes")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("否决事由"), max_length=300)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["scheme", "unit"]
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="uniq_assessment_veto_unit")]
        verbose_name = _("一票否决")
        verbose_name_plural = _("一票否决")

    def __str__(self) -> str:
        return f"{self.unit} 一票否决：{self.reason}"

    @classmethod
    def scope_rule(cls, user, action):
        return _office_leader_own_unit(user, action)


class ResultStatus(models.TextChoices):
    # Computed from the current data; recomputed on demand.
    DRAFT = "draft", _("草稿")
    # Frozen: never changes again, whatever happens to the data.
    PUBLISHED = "published", _("已公布")


class AssessmentResult(TimeStampedModel):
    """The scores of every unit with their breakdown, as computed on ``computed_at``."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="results")
    status = models.CharField(_("状态"), max_length=10, choices=ResultStatus.choices, default=ResultStatus.DRAFT)
    as_of = models.DateField(_("数据截止日期"))
    data = models.JSONField(_("结果"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("公布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["scheme", "-computed_at"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "status"], name="uniq_assessment_result_status"),
        ]
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")

    def __str__(self) -> str:
        return f"{self.scheme}（{self.get_status_display()}）"

    @classmethod
    def scope_rule(cls, user, action):
        # Office: all; leaders: read all; units: read the published result (views show their own row only).
        return plan_work_rule(user, action, lambda u: Q(status=ResultStatus.PUBLISHED))

    @property
    def is_published(self) -> bool:
        return self.status == ResultStatus.PUBLISHED

    def unit_row(self, unit_id: int) -> dict | None:
        for group in self.data.get("groups", []):
            for row in group["units"]:
                if row["unit_id"] == unit_id:
                    return {**row, "group": group["name"]}
        return None


class EvaluationClass(models.TextChoices):
    TOTAL = "总量", _("总量指标")
    QUALITY = "质量", _("质量指标")
    SPEED = "速度", _("速度指标")


class EvaluationFramework(TimeStampedModel):
    """An indicator framework to compare the city against (e.g. the provincial evaluation)."""

    code = models.SlugField(_("编码"), max_length=64)
    year = models.PositiveIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=200)
    is_example = models.BooleanField(_("示例框架"), default=True)
    note = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["-year", "code"]
        constraints = [models.UniqueConstraint(fields=["code", "year"], name="uniq_evaluation_framework")]
        verbose_name = _("考评指标体系")
        verbose_name_plural = _("考评指标体系")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_rule(cls, user, action):
        return plan_work_rule(user, action)


class EvaluationIndicator(models.Model):
    framework = models.ForeignKey(EvaluationFramework, on_delete=models.CASCADE, related_name="indicators")
    seq = models.PositiveIntegerField(_("排序"), default=0)
    code = models.CharField(_("编码"), max_length=64)
    name = models.CharField(_("指标"), max_length=200)
    klass = models.CharField(_("类别"), max_length=4, choices=EvaluationClass.choices)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2)
    measure = models.CharField(_("计量单位"), max_length=20, blank=True)
    direction = models.CharField(_("方向"), max_length=6, choices=[("higher", _("越大越好")),
                                                                 ("lower", _("越小越好"))], default="higher")
    source_department = models.CharField(_("数据来源部门"), max_length=100, blank=True)
    method = models.CharField(_("计分方法"), max_length=30, default="ratio_to_benchmark")
    benchmark = models.DecimalField(_("标准值"), max_digits=20, decimal_places=4, null=True, blank=True)
    cap = models.DecimalField(_("封顶倍数"), max_digits=6, decimal_places=2, default=1)
    plan_indicator = models.CharField(_("对应方案指标编码"), max_length=64, blank=True)
    metric = models.CharField(_("对应计算方法"), max_length=64, blank=True)
    metric_params = models.JSONField(_("计算参数"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "seq"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="uniq_evaluation_indicator")]
        verbose_name = _("考评指标")
        verbose_name_plural = _("考评指标")

    def __str__(self) -> str:
        return self.name
